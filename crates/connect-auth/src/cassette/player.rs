//! Replaying: the [`Player`] answers each request from the cassette, or says why it cannot.

use super::content::Content;
use super::format::{Cassette, Exchange, RecordedOutcome, RecordedResponse};
use super::matcher::{Difference, differences};
use super::redact::Redactor;
use super::request::describe_request;
use crate::failure::TransportFailure;
use serde_json::Value;

/// In which order recorded exchanges may be played.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Order {
    /// Each request must match the exchange after the last one played (the default): a
    /// program that changed the order of its calls fails, naming the exchange it skipped.
    #[default]
    Recorded,
    /// Any unplayed exchange that matches answers, the first in the file first: for programs
    /// whose calls run concurrently, or a recording that renewed a token the replay does not
    /// need to renew.
    Any,
}

/// How a cassette is replayed.
#[derive(Clone, Debug, Default)]
pub struct ReplayOptions {
    /// The order exchanges may be played in (default [`Order::Recorded`]).
    pub order: Order,
    /// More JSON members, form fields and headers (any case) not compared, beside
    /// `CoordinationId` and `GI-Coordination-Id` (for example a date the program computes
    /// from today).
    pub ignore_fields: Vec<String>,
    /// Origins to rewrite in the answers' URLs (`from`, `to`), so a replaying server can point
    /// download URLs at itself.
    pub rewrite_origins: Vec<(String, String)>,
}

impl ReplayOptions {
    /// Lets exchanges play in any order (see [`Order::Any`]).
    pub fn any_order(mut self) -> Self {
        self.order = Order::Any;
        self
    }

    /// Also leaves members, fields or headers named `name` (any case) out of the comparison.
    pub fn ignore_field(mut self, name: impl Into<String>) -> Self {
        self.ignore_fields.push(name.into().to_ascii_lowercase());
        self
    }

    /// Rewrites the origin `from` (`http://127.0.0.1:8080`) to `to` in every answer's URLs.
    pub fn rewrite_origin(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.rewrite_origins.push((from.into(), to.into()));
        self
    }
}

/// What a replay gives back for a request.
#[derive(Debug)]
pub enum Replayed {
    /// The recorded answer.
    Response(ReplayedResponse),
    /// The recorded failure: no answer came when it was recorded.
    Failure(TransportFailure),
}

/// A recorded answer, ready to be handed to the client.
#[derive(Debug)]
pub struct ReplayedResponse {
    /// The status.
    pub status: http::StatusCode,
    /// The recorded headers, and `content-length`.
    pub headers: http::HeaderMap,
    /// The body.
    pub body: ReplayBody,
}

impl ReplayedResponse {
    /// As an `http` response (its body still to be read).
    pub fn into_http(self) -> http::Response<ReplayBody> {
        let mut r = http::Response::new(self.body);
        *r.status_mut() = self.status;
        *r.headers_mut() = self.headers;
        r
    }
}

/// A recorded body, read out in chunks.
pub struct ReplayBody {
    bytes: Vec<u8>,
    /// Zero bytes served after `bytes`: a body recorded by digest only.
    filler: u64,
    pos: u64,
    cut: Option<String>,
}

impl std::fmt::Debug for ReplayBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayBody")
            .field("len", &self.len())
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

/// The recorded read error a replayed body ends with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} (replayed from the cassette)")]
pub struct ReplayCut(pub String);

impl ReplayBody {
    fn new(content: &Content, cut: Option<String>) -> Self {
        let (bytes, filler) = match content.to_bytes() {
            Some(b) => (b, 0),
            None => (Vec::new(), content.len()),
        };
        ReplayBody {
            bytes,
            filler,
            pos: 0,
            cut,
        }
    }

    /// The body's length.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 + self.filler
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies the next bytes into `buf`: `Ok(0)` at the end, or the recorded read error
    /// where the recorded body was cut.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, ReplayCut> {
        let left = self.len().saturating_sub(self.pos);
        if left == 0 {
            return match self.cut.take() {
                Some(c) => Err(ReplayCut(c)),
                None => Ok(0),
            };
        }
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let start = usize::try_from(self.pos).unwrap_or(usize::MAX);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = self.bytes.get(start + i).copied().unwrap_or(0);
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// The exchange a mismatched request was expected to be, in recorded order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// Its number in the recording.
    pub n: u64,
    /// Its operation.
    pub operation: String,
}

/// The recorded request closest to a mismatched one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nearest {
    /// Its number in the recording.
    pub n: u64,
    /// Its operation.
    pub operation: String,
    /// Whether it was played already.
    pub played: bool,
    /// Where the request first differs from it (`None`: it matches, but was played already
    /// or comes later than the recorded order allows).
    pub difference: Option<Difference>,
}

/// A request the cassette has no answer for. Nothing was sent over the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The request's operation.
    pub operation: String,
    /// In recorded order, the exchange that was due (`None` when every one was played, or
    /// in any order).
    pub expected: Option<Expected>,
    /// The closest recorded request, if the cassette has any.
    pub nearest: Option<Nearest>,
    /// The exchanges in the cassette.
    pub exchanges: usize,
    /// The order in force.
    pub order: Order,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "replay: the cassette has no answer for this {} request (nothing was sent)",
            self.operation
        )?;
        match &self.expected {
            Some(e) if e.operation != self.operation => {
                write!(
                    f,
                    "; the next recorded exchange is #{} {}",
                    e.n, e.operation
                )?;
            }
            None if self.order == Order::Recorded => {
                write!(f, "; all {} recorded exchanges were played", self.exchanges)?;
            }
            _ => {}
        }
        let Some(near) = &self.nearest else {
            return write!(f, "; the cassette records no such request");
        };
        let played = if near.played { ", already played," } else { "" };
        match &near.difference {
            Some(d) => write!(
                f,
                "; the nearest recorded request, #{} {}{played} differs first at {d}",
                near.n, near.operation
            ),
            None if near.played => write!(
                f,
                "; it matches #{} {}, which was played already: the program sends it more often \
                 than when the cassette was recorded",
                near.n, near.operation
            ),
            None => write!(
                f,
                "; it matches #{} {}, later in the cassette: the requests come in another order \
                 than recorded (replay in any order if the order does not matter)",
                near.n, near.operation
            ),
        }
    }
}

impl std::error::Error for Mismatch {}

impl Mismatch {
    /// As the failure a replaying transport reports: nothing reached the server, and the
    /// mismatch is its source, so the client ends the call with [`crate::error::Error::Replay`]
    /// instead of retrying.
    pub fn into_failure(self: Box<Self>) -> TransportFailure {
        let mut failure =
            TransportFailure::new(crate::failure::TransportCause::Other, self.to_string())
                .reached_server(false);
        failure.source = Some(self);
        failure
    }
}

/// Answers requests from a cassette. Sans-IO: a replaying transport (or server) hands it each
/// request and sends what it returns.
///
/// ```
/// use connect_auth::cassette::{Cassette, Player, ReplayOptions, Replayed};
///
/// let text = concat!(
///     r#"{"format":"getty-connect-cassette","version":1}"#, "\n",
///     r#"{"n":1,"operation":"GetCountries","request":{"method":"POST","url":"https://h/v1/data/GetCountries","json":{"RequestHeader":{"Token":"<token-1>","CoordinationId":"x"}}},"response":{"status":200,"json":{"ResponseHeader":{"Status":"Success"}}}}"#,
/// );
/// let mut player = Player::new(Cassette::parse(text)?, ReplayOptions::default());
/// let request = http::Request::post("https://elsewhere/v1/data/GetCountries")
///     .header("content-type", "application/json")
///     .body(br#"{"RequestHeader":{"Token":"mine","CoordinationId":"y"}}"#.to_vec())?;
/// let Ok(Replayed::Response(answer)) = player.answer(&request) else { panic!() };
/// assert_eq!(answer.status, 200);
/// assert_eq!(player.remaining(), 0);
/// // Once more: not in the cassette.
/// let again = player.answer(&request).unwrap_err();
/// assert!(again.to_string().contains("played already"), "{again}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Player {
    exchanges: Vec<Exchange>,
    played: Vec<bool>,
    next: usize,
    options: ReplayOptions,
    redactor: Redactor,
}

/// How many differences are counted when looking for the nearest request.
const SCORED_DIFFERENCES: usize = 1_000;

impl Player {
    /// A player of `cassette`.
    pub fn new(cassette: Cassette, options: ReplayOptions) -> Self {
        let mut options = options;
        for f in &mut options.ignore_fields {
            *f = f.to_ascii_lowercase();
        }
        Player {
            played: vec![false; cassette.exchanges.len()],
            exchanges: cassette.exchanges,
            next: 0,
            options,
            redactor: Redactor::new(&[], &[]),
        }
    }

    /// Exchanges not played yet.
    pub fn remaining(&self) -> usize {
        self.played.iter().filter(|p| !**p).count()
    }

    /// The exchanges not played yet, in the order of the cassette.
    pub fn unplayed(&self) -> impl Iterator<Item = &Exchange> {
        self.exchanges
            .iter()
            .zip(&self.played)
            .filter(|(_, p)| !**p)
            .map(|(e, _)| e)
    }

    /// The recorded answer to `request`, or why there is none.
    pub fn answer(&mut self, request: &http::Request<Vec<u8>>) -> Result<Replayed, Box<Mismatch>> {
        // Redacted like a recording, so what a mismatch shows holds no secret.
        let (operation, sent) = describe_request(request, &mut self.redactor);
        let ignored = &self.options.ignore_fields;
        let matches = |e: &Exchange| {
            e.operation == operation && differences(&e.request, &sent, ignored, 1).is_empty()
        };
        let found = match self.options.order {
            Order::Recorded => {
                Some(self.next).filter(|i| self.exchanges.get(*i).is_some_and(matches))
            }
            Order::Any => {
                (0..self.exchanges.len()).find(|i| !self.played[*i] && matches(&self.exchanges[*i]))
            }
        };
        let Some(i) = found else {
            return Err(Box::new(self.mismatch(operation, &sent)));
        };
        self.played[i] = true;
        self.next = i + 1;
        Ok(self.play(i))
    }

    fn mismatch(&self, operation: String, sent: &super::format::RecordedRequest) -> Mismatch {
        let expected = match self.options.order {
            Order::Recorded => self.exchanges.get(self.next).map(|e| Expected {
                n: e.n,
                operation: e.operation.clone(),
            }),
            Order::Any => None,
        };
        let same_op: Vec<usize> = (0..self.exchanges.len())
            .filter(|i| self.exchanges[*i].operation == operation)
            .collect();
        let candidates = if same_op.is_empty() {
            (0..self.exchanges.len()).collect()
        } else {
            same_op
        };
        let ignored = &self.options.ignore_fields;
        let nearest = candidates
            .into_iter()
            .map(|i| {
                let d = differences(
                    &self.exchanges[i].request,
                    sent,
                    ignored,
                    SCORED_DIFFERENCES,
                );
                // Fewest differences; then unplayed; then closest to where the replay is.
                let key = (d.len(), self.played[i], i.abs_diff(self.next));
                (key, i, d)
            })
            .min_by_key(|(key, _, _)| *key)
            .map(|(_, i, d)| {
                let e = &self.exchanges[i];
                Nearest {
                    n: e.n,
                    operation: e.operation.clone(),
                    played: self.played[i],
                    difference: d.into_iter().next(),
                }
            });
        Mismatch {
            operation,
            expected,
            nearest,
            exchanges: self.exchanges.len(),
            order: self.options.order,
        }
    }

    fn play(&self, i: usize) -> Replayed {
        match &self.exchanges[i].outcome {
            RecordedOutcome::Failure(f) => Replayed::Failure(
                TransportFailure::new(
                    f.transport_cause(),
                    format!("{} (replayed from the cassette)", f.message),
                )
                .reached_server(f.reached_server),
            ),
            RecordedOutcome::Response(r) => Replayed::Response(self.response(r)),
        }
    }

    fn response(&self, r: &RecordedResponse) -> ReplayedResponse {
        let mut body = r.body.clone();
        let mut headers = r.headers.clone();
        if !self.options.rewrite_origins.is_empty() {
            if let Content::Json(v) = &mut body {
                rewrite_json(v, &self.options.rewrite_origins);
            }
            if let Some(l) = headers.get_mut("location") {
                *l = rewrite(l, &self.options.rewrite_origins);
            }
        }
        let content = ReplayBody::new(&body, r.cut.clone());
        let mut map = http::HeaderMap::new();
        for (name, value) in &headers {
            // Checked when the cassette was read.
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                map.insert(n, v);
            }
        }
        if !map.contains_key(http::header::CONTENT_LENGTH) {
            map.insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(content.len()),
            );
        }
        if content.filler > 0 {
            tracing::warn!(
                target: crate::trace::TARGET,
                bytes = content.len(),
                "replaying a body the cassette kept by length and SHA-256 only: it is served as \
                 zero bytes (record with a higher body limit to keep it)"
            );
        }
        ReplayedResponse {
            status: http::StatusCode::from_u16(r.status).unwrap_or(http::StatusCode::OK),
            headers: map,
            body: content,
        }
    }
}

fn rewrite(s: &str, origins: &[(String, String)]) -> String {
    for (from, to) in origins {
        if let Some(rest) = s.strip_prefix(from.as_str()) {
            if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
                return format!("{to}{rest}");
            }
        }
    }
    s.to_owned()
}

fn rewrite_json(v: &mut Value, origins: &[(String, String)]) {
    match v {
        Value::String(s) => *s = rewrite(s, origins),
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_json(i, origins)),
        Value::Object(map) => map.values_mut().for_each(|m| rewrite_json(m, origins)),
        _ => {}
    }
}

/// A [`Player`] behind a lock, as a replaying transport shares it between its requests.
#[derive(Debug)]
pub struct SharedPlayer(std::sync::Mutex<Player>);

impl SharedPlayer {
    /// A replay of `cassette`.
    pub fn new(cassette: Cassette, options: ReplayOptions) -> Self {
        SharedPlayer(std::sync::Mutex::new(Player::new(cassette, options)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Player> {
        // Every change to the player is a whole method call: it stays consistent.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The recorded answer to `request`; otherwise the recorded failure, or the
    /// [`Mismatch`] as a failure (see [`Mismatch::into_failure`]).
    pub fn answer(
        &self,
        request: &http::Request<Vec<u8>>,
    ) -> Result<http::Response<ReplayBody>, TransportFailure> {
        let answer = self.lock().answer(request);
        match answer {
            Ok(Replayed::Response(r)) => Ok(r.into_http()),
            Ok(Replayed::Failure(f)) => Err(f),
            Err(m) => Err(m.into_failure()),
        }
    }

    /// Exchanges not played yet.
    pub fn remaining(&self) -> usize {
        self.lock().remaining()
    }
}

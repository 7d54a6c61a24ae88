//! [`Fetch`]: the GET side of a download as a sans-IO machine. It builds each request
//! (`Range` and `If-Range` when resuming), follows a few checked redirects, decides what each
//! answer means (the bytes to keep, a start over, a resume, the end), counts attempts, and
//! schedules pauses as deadlines. The driver moves bytes, touches the file and sleeps.

use super::location::{self, MAX_REDIRECTS};
use super::part::PartRecord;
use super::range::{ContentRange, Validator, parse_content_length, parse_content_range};
use super::stall::{Pace, StallMeter, StallRule};
use super::{DownloadSummary, DownloadTarget, OPERATION, Progress};
use crate::error::Error;
use crate::failure::{TransportCause, TransportFailure};
use crate::retry::{RateLimitScope, RetryPolicy, SplitMix64};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Attempts in a row that may end without a new byte before the download gives up.
pub const MAX_STALLED_ATTEMPTS: u32 = 5;

/// Times a download may discard what it holds and start over (the file changed, or the server
/// answered in a way that does not fit the bytes held) before it gives up.
pub const MAX_START_OVERS: u32 = 3;

/// Requests a download sends in all (redirects included) before it gives up, however the
/// server answers: a server dripping a few bytes per connection cannot keep it going forever.
pub const MAX_REQUESTS: u32 = 200;

/// The longest `Retry-After` a download waits for; a longer one ends it. The same limit as the
/// retry policy's default ([`crate::retry::MAX_RETRY_AFTER`]).
pub use crate::retry::MAX_RETRY_AFTER;

/// The longest a transport should wait for one read of a download's answer (its head or a
/// chunk of its body), carried in the `GET`'s extensions when a stall rule applies: the rule's
/// grace period. A transport that cannot bound its reads by [`Fetch::read_deadline`] applies it
/// as a per-read timeout (ureq's `timeout_per_read`), so a body that stops dead fails its read
/// and the download resumes. One that ignores it still gets the stall rule on every chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadTimeout(pub Duration);

/// Where the bytes go, which decides what the machine can do when the file changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    /// A file (the `.part`): it can be truncated, so the download can start over, and it keeps
    /// a [`PartRecord`] beside it.
    File,
    /// A writer: bytes given to it cannot be taken back, so a change of file mid-way is an
    /// error instead of a start over.
    Stream,
}

/// What the driver does next.
#[derive(Debug)]
pub enum FetchStep {
    /// Send this GET (it carries no credentials), then give the answer's head to
    /// [`Fetch::handle_head`] or the failure to [`Fetch::handle_send_failure`].
    Send(http::Request<Vec<u8>>),
    /// Read the body of the last answer: each chunk through [`Fetch::handle_chunk`] while
    /// [`Fetch::reading`] says so, then [`Fetch::handle_body_end`] (or
    /// [`Fetch::handle_read_failure`], or [`Fetch::handle_read_timeout`] when a read outlasted
    /// [`Fetch::read_deadline`]). A driver that can bound a read by a deadline does; one that
    /// cannot relies on the [`ReadTimeout`] the request carries.
    ReadBody,
    /// Discard every byte written so far (truncate the `.part` to zero), then poll again.
    Truncate,
    /// Write this record beside the `.part` (replacing any), then poll again. Only for
    /// [`SinkKind::File`], and always before the bytes it describes.
    Record(PartRecord),
    /// Nothing to do before [`Fetch::poll_timeout`]: sleep until then, call
    /// [`Fetch::handle_timeout`], and poll again.
    Wait,
    /// The download is over.
    Done(Result<DownloadSummary, Error>),
}

/// One download's GET side (the order of calls is in [the download module](crate::download)):
///
/// ```text
///            ┌──────────── redirect (≤ 3, checked) ────────────┐
///            v                                                 │
///  poll ─> Send ─> handle_head ─┬─> [Truncate] [Record] ReadBody ─> handle_chunk… ─> handle_body_end
///   ^                           ├─> Done (complete, or a final error)             │
///   │                           └─> interrupted: Wait until poll_timeout ─────────┤
///   └──────────────────────────── resume (Range + If-Range) <─────────────────────┘
/// ```
pub struct Fetch {
    target: DownloadTarget,
    origin_url: http::Uri,
    /// The URL of the request in flight (differs from `origin_url` after a redirect).
    url: http::Uri,
    allow_http: bool,
    sink: SinkKind,
    /// Bytes written to the sink.
    written: u64,
    /// Bytes found from an earlier run and kept (0 once they are discarded).
    resumed_from: u64,
    /// The whole file's length, as the last answer said.
    total: Option<u64>,
    /// Which version of the file the bytes written belong to.
    validator: Validator,
    /// Where the current body must end (`written` at its last byte), when known.
    body_end: Option<u64>,
    /// Bytes of the current body to drop before writing (a whole-file answer to a writer
    /// whose validator proves it is the same file).
    skip: u64,
    attempt_bytes: u64,
    redirects: u32,
    requests: u32,
    stalled: u32,
    start_overs: u32,
    resumes: u32,
    /// Per-second throttles in a row (the backoff grows with them).
    throttles: u32,
    rng: SplitMix64,
    timer: Option<Instant>,
    /// The stall rule, if any, and the current body's meter.
    stall: Option<StallRule>,
    meter: Option<StallMeter>,
    /// Whether the current body is still wanted (false after a stall or an overflow).
    reading: bool,
    stalls: u32,
    stalled_for: Duration,
    steps: VecDeque<FetchStep>,
    done: Option<Result<DownloadSummary, Error>>,
    finished: bool,
}

impl std::fmt::Debug for Fetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URLs authorize the download: never shown.
        f.debug_struct("Fetch")
            .field("image_id", &self.target.image_id)
            .field("written", &self.written)
            .field("total", &self.total)
            .field("resumes", &self.resumes)
            .finish_non_exhaustive()
    }
}

impl Fetch {
    /// A download of `target` into a sink of this kind, from the first byte. The URL must be
    /// `https` (or `http` when `allow_http`: the client's own base URL is plain HTTP).
    pub fn new(target: DownloadTarget, sink: SinkKind, allow_http: bool) -> Result<Self, Error> {
        let url = location::check_url(&target.url, allow_http)?;
        let seed = seed_of(&target.url);
        Ok(Self {
            target,
            origin_url: url.clone(),
            url,
            allow_http,
            sink,
            written: 0,
            resumed_from: 0,
            total: None,
            validator: Validator::default(),
            body_end: None,
            skip: 0,
            attempt_bytes: 0,
            redirects: 0,
            requests: 0,
            stalled: 0,
            start_overs: 0,
            resumes: 0,
            throttles: 0,
            rng: SplitMix64::new(seed),
            timer: None,
            stall: Some(StallRule::default()),
            meter: None,
            reading: false,
            stalls: 0,
            stalled_for: Duration::ZERO,
            steps: VecDeque::new(),
            done: None,
            finished: false,
        })
    }

    /// Seeds the jitter of the pauses after a throttle (drivers pass per-client randomness; by
    /// default it comes from the URL, so downloads of different files do not pause in step).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = SplitMix64::new(seed);
        self
    }

    /// [`Fetch::with_seed`] on a fetch already made.
    pub(crate) fn reseed(&mut self, seed: u64) {
        self.rng = SplitMix64::new(seed);
    }

    /// Applies this stall rule to every answer's body (`None`: no stall protection; the
    /// default is [`StallRule::default`]). See [the stall module](super::stall).
    pub fn with_stall(mut self, rule: Option<StallRule>) -> Self {
        self.stall = rule;
        self
    }

    /// What an earlier run left: `held` bytes in the `.part` and the record read beside it
    /// (its raw bytes, if there was one). The bytes are resumed only if the record proves they
    /// belong to this download (same image and size, a total they fit in, and a validator);
    /// otherwise the first step is [`FetchStep::Truncate`].
    pub fn handle_part(&mut self, held: u64, record: Option<&[u8]>) {
        let record = record.and_then(PartRecord::from_bytes);
        self.handle_record(held, record.as_ref());
    }

    /// [`Fetch::handle_part`] with the record already read.
    pub fn handle_record(&mut self, held: u64, record: Option<&PartRecord>) {
        if held == 0 {
            return;
        }
        let fits = record.as_ref().is_some_and(|r| {
            r.image_id == self.target.image_id
                && r.size_key == self.target.size_key
                && r.total.is_some_and(|t| held <= t)
                && r.validator().is_known()
        });
        match record {
            Some(r) if fits => {
                self.written = held;
                self.resumed_from = held;
                self.total = r.total;
                self.validator = r.validator();
            }
            _ => {
                tracing::debug!(
                    held,
                    "the .part file cannot be proven to belong to this download: starting over"
                );
                self.steps.push_back(FetchStep::Truncate);
            }
        }
    }

    /// The next thing to do.
    pub fn poll_step(&mut self, _now: Instant) -> FetchStep {
        if let Some(result) = self.done.take() {
            self.finished = true;
            return FetchStep::Done(result);
        }
        if self.finished {
            return FetchStep::Done(Err(Error::Config(
                "the download was polled after it finished".into(),
            )));
        }
        if let Some(step) = self.steps.pop_front() {
            return step;
        }
        if self.timer.is_some() {
            return FetchStep::Wait;
        }
        self.next_request()
    }

    /// When the pending pause ends, if one is pending.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timer
    }

    /// The clock reached `now`: a pause that has ended is over.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.timer.is_some_and(|t| now >= t) {
            self.timer = None;
        }
    }

    /// How far the download has come; `total` comes from the HTTP answers.
    pub fn progress(&self) -> Progress {
        Progress {
            bytes: self.written,
            total: self.total,
        }
    }

    fn next_request(&mut self) -> FetchStep {
        if self.requests >= MAX_REQUESTS {
            return self.fail(self.protocol(&format!(
                "gave up after {MAX_REQUESTS} requests without completing the download"
            )));
        }
        self.requests += 1;
        self.attempt_bytes = 0;
        self.skip = 0;
        self.body_end = None;
        let mut b = http::Request::get(self.url.clone()).header(http::header::ACCEPT, "*/*");
        if self.written > 0 {
            b = b.header(http::header::RANGE, format!("bytes={}-", self.written));
            if let Some(v) = self.validator.if_range() {
                b = b.header(http::header::IF_RANGE, v);
            }
        }
        if let Some(rule) = self.stall {
            b = b.extension(ReadTimeout(rule.grace));
        }
        match b.body(Vec::new()) {
            Ok(request) => FetchStep::Send(request),
            Err(_) => self.fail(self.protocol("a validator the server sent cannot be sent back")),
        }
    }

    /// The answer's status and headers came back.
    pub fn handle_head(
        &mut self,
        now: Instant,
        status: http::StatusCode,
        headers: &http::HeaderMap,
    ) {
        let text = |name: http::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let s = status.as_u16();
        if matches!(s, 301 | 302 | 303 | 307 | 308) {
            return self.redirect(text(http::header::LOCATION));
        }
        self.redirects = 0;
        self.url = self.origin_url.clone();
        // A download answer has no body yet: the gateway's refusal is known by its header.
        if let Some(scope) = crate::retry::rate_limit(status, headers, None) {
            return self.over_limit(now, scope);
        }
        self.throttles = 0;
        let length = text(http::header::CONTENT_LENGTH).and_then(parse_content_length);
        let validator = Validator::from_headers(headers);
        match s {
            200 => self.whole_file(length, validator),
            206 => {
                let range = text(http::header::CONTENT_RANGE).and_then(parse_content_range);
                self.partial(range, length, validator);
            }
            416 if self.written > 0 => {
                let total = match text(http::header::CONTENT_RANGE).and_then(parse_content_range) {
                    Some(ContentRange::Unsatisfied { total }) => Some(total),
                    _ => None,
                };
                if total.is_some() && total == Some(self.written) && self.total == total {
                    // Every byte is here already (validated by If-Range).
                    self.complete();
                } else {
                    self.misfit("the server will not serve the rest of the file");
                }
            }
            _ if crate::retry::RetryRule::for_status(status).is_some() => {
                let retry_after = crate::retry::retry_after(headers);
                let error = Error::Http {
                    operation: OPERATION,
                    status: s,
                    retry_after,
                    server_text: None,
                    attempts: crate::Attempts::one(),
                };
                self.interrupted(now, error, retry_after);
            }
            _ => {
                let error = Error::Http {
                    operation: OPERATION,
                    status: s,
                    retry_after: None,
                    server_text: None,
                    attempts: crate::Attempts::one(),
                };
                self.done = Some(Err(error));
            }
        }
    }

    /// A call-limit refusal from the gateway (known by its `X-Error-Detail`): the per-second
    /// throttle is retried after a jittered, growing pause (nothing was served); the daily limit
    /// ends the download.
    fn over_limit(&mut self, now: Instant, scope: RateLimitScope) {
        let error = Error::RateLimited {
            operation: OPERATION,
            scope,
        };
        if scope != RateLimitScope::PerSecond {
            self.done = Some(Err(error));
            return;
        }
        self.throttles += 1;
        let pause = RetryPolicy::default().backoff(self.throttles, self.rng.next_f64());
        tracing::info!(
            target: crate::trace::TARGET,
            operation = OPERATION,
            pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            "throttled by the service (per-second limit): fetching again after a pause"
        );
        // The pause stands in for a Retry-After: at most 5 s, so it never ends the download.
        self.interrupted(now, error, Some(pause));
    }

    fn redirect(&mut self, location: Option<&str>) {
        self.redirects += 1;
        if self.redirects > MAX_REDIRECTS {
            let e = self.protocol(&format!("more than {MAX_REDIRECTS} redirects in a row"));
            self.done = Some(Err(e));
            return;
        }
        let Some(location) = location else {
            let e = self.protocol("a redirect without a Location");
            self.done = Some(Err(e));
            return;
        };
        match location::follow(&self.url, location, self.allow_http) {
            Ok(next) => {
                tracing::debug!(to = %location::origin(&next), "following a download redirect");
                self.url = next;
            }
            Err(e) => self.done = Some(Err(e)),
        }
    }

    /// A 200: the whole file, whatever was asked.
    fn whole_file(&mut self, length: Option<u64>, validator: Validator) {
        if self.written > 0 {
            let same = self.sink == SinkKind::Stream
                && validator.etag.is_some()
                && validator.etag == self.validator.etag
                && length.is_some()
                && length == self.total;
            if self.sink == SinkKind::File {
                // A clean restart: the whole answer replaces what is held.
                if !self.discard() {
                    return;
                }
            } else if same {
                self.skip = self.written;
            } else {
                let e = self.protocol(
                    "the server sent the whole file again, and nothing proves it is the same \
                     file as the bytes already written; download again",
                );
                self.done = Some(Err(e));
                return;
            }
        }
        if self.skip == 0 {
            self.adopt(length, validator);
        }
        self.body_end = self.total;
        self.read_body();
    }

    /// A 206: the bytes from an offset.
    fn partial(&mut self, range: Option<ContentRange>, length: Option<u64>, validator: Validator) {
        let Some(ContentRange::Bytes { first, last, total }) = range else {
            let e = self.protocol("a partial answer without a valid Content-Range");
            self.done = Some(Err(e));
            return;
        };
        let span = last - first + 1; // last >= first, checked by the parser
        if length.is_some_and(|l| l != span) {
            let e = self
                .protocol("a partial answer whose Content-Length contradicts its Content-Range");
            self.done = Some(Err(e));
            return;
        }
        let fits = first == self.written
            && (self.written == 0 || (total.is_some() && total == self.total))
            && self.validator.agrees_with(&validator);
        if !fits {
            return self.misfit("a partial answer that does not continue the bytes held");
        }
        if self.written == 0 {
            self.adopt(total, validator);
        }
        self.body_end = Some(last + 1);
        self.read_body();
    }

    /// What the answer says the file is; recorded (for a file) before any byte of it is.
    fn adopt(&mut self, total: Option<u64>, validator: Validator) {
        self.total = total;
        self.validator = validator;
        if self.sink == SinkKind::File {
            self.steps.push_back(FetchStep::Record(PartRecord {
                image_id: self.target.image_id.clone(),
                size_key: self.target.size_key.clone(),
                total,
                etag: self.validator.etag.clone(),
                last_modified: self.validator.last_modified.clone(),
                ..PartRecord::default()
            }));
        }
    }

    /// The answer does not fit what is held: start over (a file) or fail (a writer).
    fn misfit(&mut self, what: &str) {
        if self.sink == SinkKind::Stream {
            let e = self.protocol(what);
            self.done = Some(Err(e));
            return;
        }
        tracing::debug!(what, "starting the download over");
        self.discard();
    }

    /// Drops every byte held; the next request asks for the whole file. Fails the download
    /// instead (and returns false) after [`MAX_START_OVERS`].
    fn discard(&mut self) -> bool {
        if self.start_overs >= MAX_START_OVERS {
            let e = self.protocol(&format!(
                "started over {MAX_START_OVERS} times: the file keeps changing or the server keeps \
                 answering ranges wrongly"
            ));
            self.done = Some(Err(e));
            return false;
        }
        self.start_overs += 1;
        self.written = 0;
        self.resumed_from = 0;
        self.total = None;
        self.validator = Validator::default();
        self.steps.push_back(FetchStep::Truncate);
        true
    }

    /// The next answer's body is to be read: a fresh stall meter (started by its first byte).
    fn read_body(&mut self) {
        self.reading = true;
        self.meter = self.stall.map(StallMeter::new);
        self.steps.push_back(FetchStep::ReadBody);
    }

    /// Whether the driver should go on reading the current body: false once the machine has
    /// decided about it (more bytes than announced, or a stall), and then the driver drops the
    /// body and polls again.
    pub fn reading(&self) -> bool {
        self.reading && self.done.is_none()
    }

    /// When the current body counts as stalled if no byte arrives before: a driver that can
    /// bound a read by a deadline (an async one) stops waiting then and calls
    /// [`Fetch::handle_read_timeout`]. `None` without a stall rule, and before the body's first
    /// byte.
    pub fn read_deadline(&self) -> Option<Instant> {
        self.meter.as_ref().and_then(StallMeter::deadline)
    }

    /// Takes a body chunk that arrived at `now`. Returns the part to write (bytes already held
    /// are dropped), or `None` when reading must stop (more bytes than announced: the download
    /// has failed). A chunk that came after the body's credit ran out is written, and then
    /// [`Fetch::reading`] turns false: the download resumes on a new connection.
    pub fn handle_chunk<'a>(&mut self, now: Instant, chunk: &'a [u8]) -> Option<&'a [u8]> {
        let drop = usize::try_from(self.skip)
            .unwrap_or(usize::MAX)
            .min(chunk.len());
        self.skip -= drop as u64;
        let rest = &chunk[drop..];
        let n = rest.len() as u64;
        let after = self.written.saturating_add(n);
        if self.body_end.is_some_and(|end| after > end) {
            let e = self.protocol("more bytes arrived than the answer announced");
            self.done = Some(Err(e));
            self.reading = false;
            return None;
        }
        self.written = after;
        self.attempt_bytes += n;
        let pace = match self.meter.as_mut() {
            Some(m) if !chunk.is_empty() => m.on_bytes(now, chunk.len() as u64),
            _ => Pace::Flowing,
        };
        if let Pace::Stalled { silent_for } = pace {
            let complete = self.body_end.is_some_and(|end| self.written >= end);
            if !complete {
                self.on_stall(now, silent_for);
            }
        }
        Some(rest)
    }

    /// A read outlasted [`Fetch::read_deadline`] (or the transport's [`ReadTimeout`]), or
    /// timed out on its own: with a stall rule, a stall (the download resumes at once on a new
    /// connection); without one, a broken connection.
    pub fn handle_read_timeout(&mut self, now: Instant) {
        let silent_for = self
            .meter
            .as_ref()
            .and_then(StallMeter::last_byte)
            .map(|last| now.saturating_duration_since(last));
        match (self.stall, silent_for) {
            (Some(_), Some(silent_for)) => self.on_stall(now, silent_for),
            _ => self.handle_read_failure(
                now,
                std::io::Error::new(std::io::ErrorKind::TimedOut, "the read timed out"),
            ),
        }
    }

    /// The body fell below the stall rule: drop it and resume from the bytes held, at once.
    fn on_stall(&mut self, now: Instant, silent_for: Duration) {
        self.reading = false;
        self.stalls += 1;
        self.stalled_for = self.stalled_for.saturating_add(silent_for);
        let rule = self.stall.unwrap_or_default();
        tracing::info!(
            target: crate::trace::TARGET,
            image_id = %self.target.image_id,
            at = self.written,
            silent_ms = u64::try_from(silent_for.as_millis()).unwrap_or(u64::MAX),
            grace_ms = u64::try_from(rule.grace.as_millis()).unwrap_or(u64::MAX),
            min_bytes_per_sec = rule.min_bytes_per_sec,
            "download stalled: resuming on a new connection"
        );
        let message = format!(
            "the download stalled (below {} bytes/s for {})",
            rule.min_bytes_per_sec,
            crate::trace::seconds(rule.grace)
        );
        let e = Error::transport(
            OPERATION,
            TransportFailure::new(TransportCause::Timeout, message),
            true,
        );
        self.interrupted(now, e, None);
    }

    /// The body ended cleanly. Short of what was announced, it is a dropped connection.
    pub fn handle_body_end(&mut self, now: Instant) {
        self.reading = false;
        match (self.body_end, self.total) {
            (Some(end), _) if self.written < end => {
                let message = format!(
                    "the connection closed after {} of {end} bytes",
                    self.written
                );
                let e = Error::transport(
                    OPERATION,
                    TransportFailure::new(TransportCause::Closed, message),
                    true,
                );
                self.interrupted(now, e, None);
            }
            // A range that ended before the file did: ask for the rest at once.
            (_, Some(total)) if self.written < total => {
                self.stalled = 0;
                self.resumes += 1;
            }
            _ => self.complete(),
        }
    }

    /// The request got no answer.
    pub fn handle_send_failure(&mut self, now: Instant, failure: TransportFailure) {
        // A replay without an answer ends the download: a resume would meet the same cassette.
        let failure = match crate::cassette::replay_error(failure) {
            Ok(e) => {
                self.done = Some(Err(e));
                return;
            }
            Err(f) => f,
        };
        let retry = crate::retry::RetryRule::for_failure(&failure).is_some();
        let message = location::redact(&failure.message, &self.url);
        // A source that quoted the URL would show it again in an error chain: dropped then.
        let source = failure.source.filter(|_| message == failure.message);
        let e = Error::transport(
            OPERATION,
            TransportFailure {
                message,
                source,
                ..failure
            },
            true,
        );
        if retry {
            self.interrupted(now, e, None);
        } else {
            self.done = Some(Err(e));
        }
    }

    /// Reading the body failed (the connection broke).
    pub fn handle_read_failure(&mut self, now: Instant, error: std::io::Error) {
        self.reading = false;
        let error_kind = error.kind();
        let plain = format!("the connection broke during the download: {error}");
        let message = location::redact(&plain, &self.url);
        let source: Option<Box<dyn std::error::Error + Send + Sync>> =
            (message == plain).then(|| Box::new(error) as _);
        let cause = TransportCause::from_io_kind(error_kind).unwrap_or(TransportCause::Closed);
        let e = Error::transport(
            OPERATION,
            TransportFailure {
                message,
                cause,
                reached_server: true,
                source,
            },
            true,
        );
        self.interrupted(now, e, None);
    }

    /// Resume, or give up after [`MAX_STALLED_ATTEMPTS`] attempts in a row without a new byte.
    fn interrupted(&mut self, now: Instant, error: Error, retry_after: Option<Duration>) {
        self.redirects = 0;
        self.url = self.origin_url.clone();
        if self.attempt_bytes > 0 {
            self.stalled = 0;
        }
        self.stalled += 1;
        if self.stalled >= MAX_STALLED_ATTEMPTS || retry_after.is_some_and(|d| d > MAX_RETRY_AFTER)
        {
            self.done = Some(Err(error));
            return;
        }
        if self.written > 0 && !self.validator.is_known() {
            // Nothing proves the next answer is the same file: never splice.
            if self.sink == SinkKind::Stream {
                let e = self.protocol(
                    "the connection broke and the server gives no ETag or Last-Modified, so the \
                     download cannot resume safely",
                );
                self.done = Some(Err(e));
                return;
            }
            if !self.discard() {
                return;
            }
        }
        self.resumes += 1;
        // No pause when the last attempt made progress; a short, growing one when it did not.
        let pause = retry_after
            .unwrap_or_else(|| Duration::from_millis(250).saturating_mul(self.stalled - 1));
        if !pause.is_zero() {
            match now.checked_add(pause) {
                Some(at) => self.timer = Some(at),
                None => self.done = Some(Err(error)),
            }
        }
        tracing::debug!(
            at = self.written,
            pause_ms = pause.as_millis() as u64,
            "resuming the download"
        );
    }

    fn complete(&mut self) {
        tracing::debug!(
            bytes = self.written,
            resumes = self.resumes,
            "download complete"
        );
        self.done = Some(Ok(DownloadSummary {
            bytes: self.written,
            resumed_from: self.resumed_from,
            resumes: self.resumes,
            stalls: self.stalls,
            stalled_for: self.stalled_for,
            ..DownloadSummary::default()
        }));
    }

    fn fail(&mut self, error: Error) -> FetchStep {
        self.finished = true;
        FetchStep::Done(Err(error))
    }

    /// The server answered in a way no retry will fix.
    fn protocol(&self, what: &str) -> Error {
        Error::Decode {
            operation: OPERATION,
            message: format!("{what} (after {} bytes)", self.written),
        }
    }
}

/// A seed from the URL's bytes (FNV-1a): distinct per file, without a random source.
fn seed_of(url: &str) -> u64 {
    url.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

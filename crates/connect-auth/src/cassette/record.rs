//! Recording: the [`Recorder`] turns each exchange a transport carries into a redacted line.

use super::content::{BodyDigest, Content, hex};
use super::format::{
    Exchange, RecordedFailure, RecordedOutcome, RecordedRequest, RecordedResponse, header_line,
};
use super::redact::Redactor;
use super::request::{RESPONSE_HEADERS, describe_request, text_or_bytes};
use crate::failure::TransportFailure;
use connect_types::Secret;
use std::collections::BTreeMap;

/// A download body up to this size is kept in the cassette (base64); a larger one only by
/// length and SHA-256. API answers are always kept whole (as JSON).
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// How a recording is made.
#[derive(Clone, Debug)]
pub struct RecordOptions {
    /// Download bodies up to this many bytes are kept; larger ones by length and SHA-256
    /// only, and replayed as that many zero bytes (default [`DEFAULT_BODY_LIMIT`]).
    pub body_limit: usize,
    /// More JSON members and form fields (any case) whose values become `<secret-N>`
    /// placeholders, beside the built-in ones.
    pub redact_fields: Vec<String>,
    /// More values to replace by `<secret-N>` wherever they appear (an account number, an
    /// e-mail address).
    pub redact_values: Vec<Secret>,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            body_limit: DEFAULT_BODY_LIMIT,
            redact_fields: Vec::new(),
            redact_values: Vec::new(),
        }
    }
}

impl RecordOptions {
    /// Keeps download bodies up to `bytes` (see [`RecordOptions::body_limit`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Also redacts the values of members and fields named `name` (any case).
    pub fn redact_field(mut self, name: impl Into<String>) -> Self {
        self.redact_fields.push(name.into());
        self
    }

    /// Also replaces `value` wherever it appears.
    pub fn redact_value(mut self, value: impl Into<Secret>) -> Self {
        self.redact_values.push(value.into());
        self
    }
}

/// Turns exchanges into cassette lines, redacting as it goes. Sans-IO: a recording transport
/// feeds it what it sends and receives, and writes the lines it returns.
///
/// ```
/// use connect_auth::cassette::{Cassette, RecordOptions, Recorder};
///
/// let mut recorder = Recorder::new(RecordOptions::default());
/// let mut text = recorder.header_line();
/// let request = http::Request::post("https://api.example/oauth2/token")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body(b"grant_type=client_credentials&client_id=app&client_secret=s3cret".to_vec())?;
/// let mut take = recorder.begin(&request);
/// take.response(http::StatusCode::OK, &http::HeaderMap::new());
/// take.chunk(br#"{"access_token":"abc123xyz","expires_in":1800}"#);
/// text.push_str(&recorder.finish(take));
///
/// assert!(!text.contains("s3cret") && !text.contains("abc123xyz"));
/// let cassette = Cassette::parse(&text)?;
/// assert_eq!(cassette.exchanges[0].operation, "oauth2/token");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Recorder {
    redactor: Redactor,
    next: u64,
    body_limit: usize,
}

/// One exchange being recorded: begun with the request, fed the answer's head and chunks as
/// the client reads them, ended by [`Recorder::finish`].
pub struct Take {
    n: u64,
    operation: String,
    request: RecordedRequest,
    download: bool,
    limit: usize,
    head: Option<(u16, http::HeaderMap)>,
    failure: Option<RecordedFailure>,
    bytes: Vec<u8>,
    length: u64,
    hasher: ring::digest::Context,
    kept_all: bool,
    cut: Option<String>,
}

impl std::fmt::Debug for Take {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Take")
            .field("n", &self.n)
            .field("operation", &self.operation)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Take {
    /// The answer's status and headers came.
    pub fn response(&mut self, status: http::StatusCode, headers: &http::HeaderMap) {
        self.head = Some((status.as_u16(), headers.clone()));
    }

    /// A chunk of the answer's body, as the client read it.
    pub fn chunk(&mut self, bytes: &[u8]) {
        self.length += bytes.len() as u64;
        self.hasher.update(bytes);
        if !self.kept_all {
            return;
        }
        if self.download && self.bytes.len() + bytes.len() > self.limit {
            // Over the limit: from here on the body is known by length and digest only.
            self.kept_all = false;
            self.bytes = Vec::new();
        } else {
            self.bytes.extend_from_slice(bytes);
        }
    }

    /// Reading the body failed after the chunks seen: a replay ends it the same way.
    pub fn read_failed(&mut self, error: &dyn std::fmt::Display) {
        self.cut.get_or_insert_with(|| error.to_string());
    }

    /// The client stopped reading before the body's end.
    pub fn abandoned(&mut self) {
        self.cut
            .get_or_insert_with(|| "the client stopped reading here".to_owned());
    }

    /// No answer came.
    pub fn failed(&mut self, failure: &TransportFailure) {
        self.failure = Some(RecordedFailure {
            message: failure.message.clone(),
            cause: failure.cause.name().to_owned(),
            reached_server: failure.reached_server,
        });
    }
}

impl Recorder {
    /// A recorder with these options.
    pub fn new(options: RecordOptions) -> Self {
        Recorder {
            redactor: Redactor::new(&options.redact_fields, &options.redact_values),
            next: 1,
            body_limit: options.body_limit,
        }
    }

    /// The cassette's first line (with its newline).
    pub fn header_line(&self) -> String {
        let mut line = header_line(Some(concat!("connect-auth ", env!("CARGO_PKG_VERSION"))));
        line.push('\n');
        line
    }

    /// Starts recording the exchange of `request`, redacting it now (so the secrets it carries
    /// are known before its answer is read).
    pub fn begin(&mut self, request: &http::Request<Vec<u8>>) -> Take {
        let (operation, recorded) = describe_request(request, &mut self.redactor);
        let n = self.next;
        self.next += 1;
        Take {
            n,
            download: operation == "download",
            operation,
            request: recorded,
            limit: self.body_limit,
            head: None,
            failure: None,
            bytes: Vec::new(),
            length: 0,
            hasher: ring::digest::Context::new(&ring::digest::SHA256),
            kept_all: true,
            cut: None,
        }
    }

    /// Ends an exchange: redacts the answer and returns its line (with its newline).
    pub fn finish(&mut self, take: Take) -> String {
        let outcome = match (take.failure, take.head) {
            (Some(f), _) => RecordedOutcome::Failure(RecordedFailure {
                // A transport's message may quote the URL: its signature goes.
                message: self.redactor.scrub(&f.message).unwrap_or(f.message),
                ..f
            }),
            (None, None) => RecordedOutcome::Failure(RecordedFailure {
                message: "the recording saw no answer".to_owned(),
                cause: crate::failure::TransportCause::Other.name().to_owned(),
                reached_server: true,
            }),
            (None, Some((status, headers))) => {
                let body = if take.download && (take.length > 0 || take.cut.is_some()) {
                    Content::Bytes(BodyDigest {
                        length: take.length,
                        sha256: hex(take.hasher.finish().as_ref()),
                        kept: take.kept_all.then_some(take.bytes),
                    })
                } else if take.download {
                    Content::Empty
                } else {
                    let mut c = text_or_bytes(&take.bytes, self.body_limit);
                    match &mut c {
                        Content::Json(v) => self.redactor.json(v),
                        Content::Text(t) => {
                            if let Some(s) = self.redactor.scrub(t) {
                                *t = s;
                            }
                        }
                        _ => {}
                    }
                    c
                };
                let mut kept = BTreeMap::new();
                for name in RESPONSE_HEADERS {
                    // A JSON or text body is written anew on replay, with its own length.
                    let rewritten = !matches!(body, Content::Bytes(_));
                    if *name == "content-length" && rewritten && take.cut.is_none() {
                        continue;
                    }
                    if let Some(v) = headers.get(*name) {
                        let text = String::from_utf8_lossy(v.as_bytes());
                        kept.insert((*name).to_owned(), self.redactor.header(name, &text));
                    }
                }
                RecordedOutcome::Response(RecordedResponse {
                    status,
                    headers: kept,
                    body,
                    cut: take.cut.map(|c| self.redactor.scrub(&c).unwrap_or(c)),
                })
            }
        };
        let exchange = Exchange {
            n: take.n,
            operation: take.operation,
            request: take.request,
            outcome,
        };
        let mut line = exchange.to_line();
        line.push('\n');
        line
    }
}

/// A [`Recorder`] shared by a recording transport's requests, and where its lines go. The
/// transport opens the file and hands it over; each exchange's line is written, whole, with
/// one `write_all` when its answer has been read (or has failed).
pub struct Recording {
    state: std::sync::Mutex<(Recorder, Box<dyn std::io::Write + Send>)>,
    name: String,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("cassette", &self.name)
            .finish_non_exhaustive()
    }
}

impl Recording {
    /// Writes the header line to `out` and records into it; `name` (the file's path) is what
    /// errors call the cassette.
    pub fn new(
        options: RecordOptions,
        mut out: Box<dyn std::io::Write + Send>,
        name: impl Into<String>,
    ) -> std::io::Result<Self> {
        let recorder = Recorder::new(options);
        out.write_all(recorder.header_line().as_bytes())?;
        Ok(Recording {
            state: std::sync::Mutex::new((recorder, out)),
            name: name.into(),
        })
    }

    /// A recording into the file at `path`, which `create` makes (the client crate passes
    /// `std::fs::File::create`); the error names the file.
    pub fn create<W: std::io::Write + Send + 'static>(
        path: &std::path::Path,
        options: RecordOptions,
        create: impl FnOnce(&std::path::Path) -> std::io::Result<W>,
    ) -> Result<Self, crate::error::Error> {
        let cannot = |e: std::io::Error| {
            crate::error::Error::Config(format!(
                "cannot create the cassette {}: {e}",
                path.display()
            ))
        };
        let file = create(path).map_err(cannot)?;
        Recording::new(options, Box::new(file), path.display().to_string()).map_err(cannot)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Recorder, Box<dyn std::io::Write + Send>)> {
        // A panic while writing a line leaves at worst a partial line, which the reader names.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts recording the exchange of `request`.
    pub fn begin(&self, request: &http::Request<Vec<u8>>) -> Take {
        self.lock().0.begin(request)
    }

    /// Ends an exchange and writes its line. The error names the cassette.
    pub fn end(&self, take: Take) -> std::io::Result<()> {
        let mut state = self.lock();
        let line = state.0.finish(take);
        state.1.write_all(line.as_bytes()).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("the cassette {} could not be written: {e}", self.name),
            )
        })
    }

    /// Records that no answer came, and returns the failure (saying so when the line could not
    /// be written either).
    pub fn end_failed(&self, mut take: Take, failure: TransportFailure) -> TransportFailure {
        take.failed(&failure);
        match self.end(take) {
            Ok(()) => failure,
            Err(e) => TransportFailure {
                message: format!("{} (and {e})", failure.message),
                ..failure
            },
        }
    }
}

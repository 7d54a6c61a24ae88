//! The cassette file: a header line, then one [`Exchange`] a line (JSON Lines).

use super::content::{BodyFields, Content};
use crate::credentials::Credentials;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The `format` member of every cassette's header line.
pub const FORMAT: &str = "getty-connect-cassette";
/// The version of the format this crate writes and reads. A reader refuses a cassette of a
/// newer version rather than misread it.
pub const VERSION: u64 = 1;

/// A cassette read from its text: every exchange, in the order of the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cassette {
    /// Who wrote it (`connect-auth 0.1.0`), from the header line.
    pub recorded_with: Option<String>,
    /// The exchanges, in the order of the file (the order their answers ended).
    pub exchanges: Vec<Exchange>,
}

/// One request and what came back for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// The request's number in the recording, from 1 (in the order they were sent).
    pub n: u64,
    /// The operation: its documented name (`SearchForImages`), `oauth2/token`, `download` for
    /// a file's `GET`, `oEmbed`, `SingleStepDownload`.
    pub operation: String,
    /// The request, redacted.
    pub request: RecordedRequest,
    /// The answer, or the failure that came instead.
    pub outcome: RecordedOutcome,
}

/// What came back for a request.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordedOutcome {
    /// An HTTP answer (any status).
    Response(RecordedResponse),
    /// No answer: the transport failed.
    Failure(RecordedFailure),
}

/// A request as recorded: secrets are placeholders, and only the headers that matter are kept
/// (`authorization`, `api-key`, `range`, `if-range`, `gi-coordination-id`).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The URL (a download's signature replaced by a percent-encoded placeholder).
    pub url: String,
    /// The chosen headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Content,
}

/// An answer as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The chosen headers (`content-type`, `content-range`, `etag`, `location`, …), names in
    /// lower case. A JSON or text body's `content-length` is left out (it is recomputed).
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Content,
    /// When the body did not end normally: the read error that cut it (after the bytes
    /// recorded), which a replay reproduces.
    pub cut: Option<String>,
}

/// A request that got no answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedFailure {
    /// What the transport said.
    pub message: String,
    /// Why, as [`crate::failure::TransportCause::name`] says it (`connection-refused`, `timeout`, …;
    /// `other` when absent), so a replay gives the same advice.
    #[serde(default = "other_cause")]
    pub cause: String,
    /// Whether the request may have reached the server.
    pub reached_server: bool,
}

fn other_cause() -> String {
    crate::failure::TransportCause::Other.name().to_owned()
}

impl RecordedFailure {
    /// The recorded cause (an unknown name reads as [`crate::failure::TransportCause::Other`]).
    pub fn transport_cause(&self) -> crate::failure::TransportCause {
        use crate::failure::TransportCause as C;
        [
            C::Dns,
            C::ConnectionRefused,
            C::ConnectTimeout,
            C::Timeout,
            C::UntrustedCertificate,
            C::Handshake,
            C::Reset,
            C::Closed,
            C::Proxy,
        ]
        .into_iter()
        .find(|c| c.name() == self.cause)
        .unwrap_or(C::Other)
    }
}

/// Why a cassette could not be read: the line (from 1) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ReadError {
    /// The line, counting from 1.
    pub line: usize,
    /// What is wrong, and what to do.
    pub message: String,
}

impl ReadError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        ReadError {
            line,
            message: message.into(),
        }
    }
}

#[derive(Serialize)]
struct WireHeader<'a> {
    format: &'a str,
    version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_with: Option<&'a str>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireExchange {
    n: u64,
    operation: String,
    request: WireRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<WireResponse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failure: Option<RecordedFailure>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireRequest {
    method: String,
    url: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    form: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireResponse {
    status: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    form: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cut: Option<String>,
}

/// Header names and values a replay can send as they are.
fn check_headers(headers: &BTreeMap<String, String>) -> Result<(), String> {
    for (name, value) in headers {
        if http::HeaderName::from_bytes(name.as_bytes()).is_err()
            || name.to_ascii_lowercase() != *name
        {
            return Err(format!("{name:?} is not a lower-case header name"));
        }
        if http::HeaderValue::from_str(value).is_err() {
            return Err(format!(
                "the {name} header's value is not a valid header value"
            ));
        }
    }
    Ok(())
}

impl RecordedRequest {
    /// The request as `http` would send it (the body as its `content-type` says), for tools
    /// that resend a recorded session. `None` when the URL does not parse, or the body was
    /// kept by digest only.
    pub fn to_http(&self) -> Option<http::Request<Vec<u8>>> {
        let body = self.body.to_bytes()?;
        let mut request = http::Request::builder()
            .method(self.method.as_str())
            .uri(self.url.as_str());
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let content_type = match &self.body {
            Content::Json(_) => Some("application/json"),
            Content::Form(_) => Some("application/x-www-form-urlencoded"),
            Content::Text(_) => Some("text/plain; charset=utf-8"),
            Content::Bytes(_) => Some("application/octet-stream"),
            Content::Empty => None,
        };
        if let Some(t) = content_type {
            request = request.header(http::header::CONTENT_TYPE, t);
        }
        request.body(body).ok()
    }
}

impl Exchange {
    /// The exchange as one line of JSON (no newline at the end).
    pub fn to_line(&self) -> String {
        let request = {
            let b = BodyFields::from_content(&self.request.body);
            WireRequest {
                method: self.request.method.clone(),
                url: self.request.url.clone(),
                headers: self.request.headers.clone(),
                json: b.json,
                form: b.form,
                text: b.text,
                length: b.length,
                sha256: b.sha256,
                base64: b.base64,
            }
        };
        let (response, failure) = match &self.outcome {
            RecordedOutcome::Response(r) => {
                let b = BodyFields::from_content(&r.body);
                let wire = WireResponse {
                    status: r.status,
                    headers: r.headers.clone(),
                    json: b.json,
                    form: b.form,
                    text: b.text,
                    length: b.length,
                    sha256: b.sha256,
                    base64: b.base64,
                    cut: r.cut.clone(),
                };
                (Some(wire), None)
            }
            RecordedOutcome::Failure(f) => (None, Some(f.clone())),
        };
        let wire = WireExchange {
            n: self.n,
            operation: self.operation.clone(),
            request,
            response,
            failure,
        };
        // Plain data with string keys: serializing cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads one exchange line; `Err` says what is wrong with it.
    pub fn from_line(line: &str) -> Result<Exchange, String> {
        let wire: WireExchange = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let r = wire.request;
        if http::Method::from_bytes(r.method.as_bytes()).is_err() {
            return Err(format!("{:?} is not an HTTP method", r.method));
        }
        check_headers(&r.headers).map_err(|e| format!("request: {e}"))?;
        let body = BodyFields {
            json: r.json,
            form: r.form,
            text: r.text,
            length: r.length,
            sha256: r.sha256,
            base64: r.base64,
        }
        .into_content()
        .map_err(|e| format!("request: {e}"))?;
        let request = RecordedRequest {
            method: r.method,
            url: r.url,
            headers: r.headers,
            body,
        };
        let outcome = match (wire.response, wire.failure) {
            (Some(a), None) => {
                if http::StatusCode::from_u16(a.status).is_err() {
                    return Err(format!("response: {} is not an HTTP status", a.status));
                }
                check_headers(&a.headers).map_err(|e| format!("response: {e}"))?;
                let body = BodyFields {
                    json: a.json,
                    form: a.form,
                    text: a.text,
                    length: a.length,
                    sha256: a.sha256,
                    base64: a.base64,
                }
                .into_content()
                .map_err(|e| format!("response: {e}"))?;
                RecordedOutcome::Response(RecordedResponse {
                    status: a.status,
                    headers: a.headers,
                    body,
                    cut: a.cut,
                })
            }
            (None, Some(f)) => RecordedOutcome::Failure(f),
            _ => return Err("an exchange has either a response or a failure, and only one".into()),
        };
        Ok(Exchange {
            n: wire.n,
            operation: wire.operation,
            request,
            outcome,
        })
    }

    /// The answer, when one came.
    pub fn response(&self) -> Option<&RecordedResponse> {
        match &self.outcome {
            RecordedOutcome::Response(r) => Some(r),
            RecordedOutcome::Failure(_) => None,
        }
    }
}

/// The first line of a cassette, `recorded_with` naming the writer (no newline at the end).
pub fn header_line(recorded_with: Option<&str>) -> String {
    let wire = WireHeader {
        format: FORMAT,
        version: VERSION,
        recorded_with,
    };
    serde_json::to_string(&wire).unwrap_or_default()
}

fn parse_header(line: &str) -> Result<Option<String>, String> {
    let not_one = || {
        format!(
            "this is not a cassette: its first line must be the header \
             {{\"format\":\"{FORMAT}\",\"version\":{VERSION}}}"
        )
    };
    let v: Value = serde_json::from_str(line).map_err(|_| not_one())?;
    if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(not_one());
    }
    match v.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(n) if n > VERSION => {
            return Err(format!(
                "the cassette is of format version {n}, newer than this SDK reads ({VERSION}): \
                 upgrade the SDK, or record it again"
            ));
        }
        _ => return Err(format!("the header's version must be {VERSION}")),
    }
    let Some(header) = v.as_object() else {
        return Err(not_one());
    };
    if let Some(extra) = header
        .keys()
        .find(|k| !matches!(k.as_str(), "format" | "version" | "recorded_with"))
    {
        return Err(format!("the header has an unknown member {extra:?}"));
    }
    Ok(v.get("recorded_with")
        .and_then(Value::as_str)
        .map(str::to_owned))
}

impl Cassette {
    /// Reads a cassette's text. Blank lines are skipped; anything else that is not a valid
    /// line fails, naming the line.
    pub fn parse(text: &str) -> Result<Cassette, ReadError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((i, first)) = lines.next() else {
            return Err(ReadError::new(
                1,
                "the file is empty: a cassette begins with its header line",
            ));
        };
        let recorded_with = parse_header(first).map_err(|m| ReadError::new(i + 1, m))?;
        let mut exchanges = Vec::new();
        for (i, line) in lines {
            let exchange = Exchange::from_line(line).map_err(|m| ReadError::new(i + 1, m))?;
            exchanges.push(exchange);
        }
        Ok(Cassette {
            recorded_with,
            exchanges,
        })
    }

    /// Reads a cassette from bytes, which must be UTF-8.
    pub fn from_slice(bytes: &[u8]) -> Result<Cassette, ReadError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Cassette::parse(text),
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                Err(ReadError::new(line, "the line is not UTF-8 text"))
            }
        }
    }

    /// The whole cassette as text: the header line, then a line an exchange.
    pub fn to_text(&self) -> String {
        let mut out = header_line(self.recorded_with.as_deref());
        out.push('\n');
        for e in &self.exchanges {
            out.push_str(&e.to_line());
            out.push('\n');
        }
        out
    }

    /// The origins (`https://host:port`) the recorded requests went to.
    pub fn origins(&self) -> BTreeSet<String> {
        self.exchanges
            .iter()
            .filter_map(|e| origin(&e.request.url))
            .map(str::to_owned)
            .collect()
    }

    /// Credentials of the kind the recording signed in with, made of its placeholders: a
    /// client built with them sends the token request the cassette recorded. (Recorded
    /// placeholders match any value on replay, so real credentials serve as well.) Without a
    /// recorded sign-in, an access token.
    pub fn placeholder_credentials(&self) -> Credentials {
        for e in &self.exchanges {
            if let (Some(c), true) = (form_credentials(e), e.operation == "oauth2/token") {
                return c;
            }
            if e.operation == "CreateSession" {
                return session_credentials(e);
            }
        }
        Credentials::access_token("<token-0>", None)
    }
}

fn form_credentials(e: &Exchange) -> Option<Credentials> {
    let Content::Form(form) = &e.request.body else {
        return None;
    };
    let get = |k: &str, default: &str| form.get(k).cloned().unwrap_or_else(|| default.into());
    let (id, secret) = (
        get("client_id", "<key-0>"),
        get("client_secret", "<secret-0>"),
    );
    Some(match form.get("grant_type").map(String::as_str) {
        Some("password") => Credentials::resource_owner(
            id,
            secret,
            get("username", "<user-0>"),
            get("password", "<secret-0>"),
        ),
        Some("refresh_token") => {
            Credentials::refresh_token(id, secret, get("refresh_token", "<token-0>"))
        }
        _ => Credentials::client_credentials(id, secret),
    })
}

fn session_credentials(e: &Exchange) -> Credentials {
    let body = match &e.request.body {
        Content::Json(v) => v.get("CreateSessionRequestBody").cloned(),
        _ => None,
    };
    let get = |k: &str, default: &str| {
        body.as_ref()
            .and_then(|b| b.get(k))
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    Credentials::session(
        get("SystemId", "<key-0>"),
        get("SystemPassword", "<secret-0>"),
        get("UserName", "<user-0>"),
        get("UserPassword", "<secret-0>"),
    )
}

/// `scheme://authority` of an absolute URL.
pub fn origin(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    (end > start).then(|| &url[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEARCH: &str = r#"{"n":2,"operation":"SearchForImages","request":{"method":"POST","url":"https://api.example/v2/search/SearchForImages","json":{"RequestHeader":{"Token":"<token-1>"}}},"response":{"status":200,"headers":{"content-type":"application/json"},"json":{"ResponseHeader":{"Status":"Success"}}}}"#;

    fn text(lines: &[&str]) -> String {
        let mut t = header_line(Some("test"));
        for l in lines {
            t.push('\n');
            t.push_str(l);
        }
        t
    }

    #[test]
    fn a_cassette_reads_back_what_it_wrote() {
        let c = Cassette::parse(&text(&[SEARCH])).unwrap();
        assert_eq!(c.recorded_with.as_deref(), Some("test"));
        assert_eq!(c.exchanges.len(), 1);
        assert_eq!(c.exchanges[0].operation, "SearchForImages");
        assert_eq!(c.exchanges[0].to_line(), SEARCH);
        assert_eq!(Cassette::parse(&c.to_text()).unwrap(), c);
        assert_eq!(
            c.origins().into_iter().collect::<Vec<_>>(),
            ["https://api.example"]
        );
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let e = Cassette::parse("").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Cassette::parse("{\"hello\":1}").unwrap_err();
        assert!(e.message.contains("not a cassette"), "{e}");
        let newer = r#"{"format":"getty-connect-cassette","version":2}"#;
        assert!(
            Cassette::parse(newer)
                .unwrap_err()
                .message
                .contains("newer")
        );
        let e = Cassette::parse(&text(&[SEARCH, "", "{not json"])).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let typo = SEARCH.replace("\"status\"", "\"staus\"");
        let e = Cassette::parse(&text(&[&typo])).unwrap_err();
        assert!(e.message.contains("staus"), "{e}");
        let both = SEARCH.replace(
            "}}}}",
            "}}},\"failure\":{\"message\":\"x\",\"reached_server\":false}}",
        );
        assert!(Cassette::parse(&text(&[&both])).is_err());
        let bad = SEARCH.replace("\"POST\"", "\"PO ST\"");
        assert!(Cassette::parse(&text(&[&bad])).is_err());
        let e = Cassette::from_slice(b"{}\n\xff").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn placeholder_credentials_follow_the_recorded_sign_in() {
        let token = r#"{"n":1,"operation":"oauth2/token","request":{"method":"POST","url":"https://api.example/oauth2/token","form":{"client_id":"<key-1>","client_secret":"<secret-1>","grant_type":"password","password":"<secret-2>","username":"<user-1>"}},"response":{"status":200,"json":{"access_token":"<token-1>"}}}"#;
        let c = Cassette::parse(&text(&[token, SEARCH])).unwrap();
        match c.placeholder_credentials() {
            Credentials::ResourceOwner {
                client_id,
                username,
                password,
                ..
            } => {
                assert_eq!(client_id, "<key-1>");
                assert_eq!(username, "<user-1>");
                assert_eq!(password.expose(), "<secret-2>");
            }
            other => panic!("{other:?}"),
        }
        let c = Cassette::parse(&text(&[SEARCH])).unwrap();
        assert!(matches!(
            c.placeholder_credentials(),
            Credentials::AccessToken { .. }
        ));
    }
}

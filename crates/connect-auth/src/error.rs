//! The SDK's error type: one enum, with a [`ErrorKind`] callers can match.

use crate::failure::TransportCause;
use crate::retry::RateLimitScope;
use connect_types::{ApiError, StatusCode};
use std::fmt;
use std::time::Duration;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The API answered `Status: "Error"` for a reason a retry will not fix (validation, not
    /// found, agreement). [`Error::status_code`] says which.
    Api,
    /// Credentials or tokens were refused, or no token can be had.
    Auth,
    /// The SDK refused to send the request (for example a secure-only operation to an
    /// `http://` base URL). Nothing was sent.
    Refused,
    /// The request did not complete: connection, TLS, timeout.
    Transport,
    /// The server answered with an HTTP status and no usable envelope.
    Http,
    /// The response could not be decoded.
    Decode,
    /// The configuration is incomplete or invalid.
    Config,
    /// A local file could not be written (disk full, permissions); the server is not at fault.
    Write,
    /// The service answered, but none of the user's product offerings covers what was asked
    /// (an image, or the size asked for): an ordinary refusal, not a fault.
    NotCovered,
    /// A replaying transport has no recorded answer for the request (nothing was sent).
    Replay,
    /// The service refused the call because the application key is over one of its call
    /// limits: per second (retried as the policy allows before this error) or per day (never
    /// retried). [`Error::rate_limit`] says which.
    RateLimited,
}

/// An error from the Connect SDK. Never contains a secret or a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API reported an error in the envelope.
    #[error("{operation} failed: {api}")]
    Api {
        /// The operation's name.
        operation: &'static str,
        /// The envelope's status list.
        api: ApiError,
    },
    /// Authentication failed.
    #[error("authentication failed: {message}")]
    Auth {
        /// What happened and what to do.
        message: String,
        /// The API status code, when the refusal came in an envelope.
        code: Option<StatusCode>,
        /// The OAuth2 `error` value, when it came from the token endpoint.
        oauth_error: Option<String>,
    },
    /// The SDK refused to send a request.
    #[error("refused to send {operation}: {reason}")]
    Refused {
        /// The operation (or `token request`).
        operation: &'static str,
        /// Why, and what to do.
        reason: String,
    },
    /// The transport failed.
    #[error("{operation}: {message}{attempts}{}", if *may_have_taken_effect { "; it may have taken effect before the connection broke" } else { "" })]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The transport's description of the failure.
        message: String,
        /// Why it failed, as the transport classified it: decides the hint.
        cause: TransportCause,
        /// Whether the request may have reached the server.
        reached_server: bool,
        /// The request may have reached the server and the operation is not idempotent
        /// (CreateLightbox, CreateDownloadRequest…): it may have been carried out, so check
        /// before repeating it.
        may_have_taken_effect: bool,
        /// How many times it was sent, and over how long.
        attempts: Attempts,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// An HTTP status without a usable envelope.
    #[error(
        "{operation}: HTTP {status} from the server{}{}{attempts}",
        server_text.as_deref().map(|t| format!(" ({t})")).unwrap_or_default(),
        retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default()
    )]
    Http {
        /// The operation.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// The server's own short text about it (its JSON `message`, an HTML title, the first
        /// line of a plain-text body), stripped of control characters and cut to
        /// [`MAX_SERVER_TEXT`] characters. Never the request's data.
        server_text: Option<String>,
        /// How many times it was sent, and over how long.
        attempts: Attempts,
    },
    /// The server answered with a redirect, which the SDK does not follow for API calls and
    /// token requests.
    #[error(
        "{operation}: the server answered HTTP {status}, redirecting to {}; redirects are not \
         followed for API calls and token requests, since they would carry the token or the \
         credentials elsewhere: check the base URL",
        host.as_deref().unwrap_or("nowhere (no Location)")
    )]
    Redirect {
        /// The operation (or token request).
        operation: &'static str,
        /// The HTTP status (3xx).
        status: u16,
        /// The host (and port) the `Location` header pointed at; never its path or query.
        host: Option<String>,
    },
    /// The response was not a valid envelope.
    #[error("{operation}: {message}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The caller named a product offering to pay for a download
    /// ([`crate::download::OfferingChoice::Named`]), and none of the download's authorizations
    /// is from it. The download token was not spent.
    #[error(
        "{what} has no authorization from the product offering {asked:?} (it is authorized by \
         {offered}); nothing was spent"
    )]
    OfferingNotAuthorized {
        /// What was to be downloaded (`image 100000001 at size large`).
        what: String,
        /// The offering asked for.
        asked: String,
        /// The offerings that do authorize it, as a list for people.
        offered: String,
    },
    /// The configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// No download authorization came back: the user's product offerings do not cover the
    /// image, or not at the size asked for.
    #[error(
        "{operation}: no download authorization for image {image_id} {what}: your product offerings do not cover it"
    )]
    NotCovered {
        /// The operation.
        operation: &'static str,
        /// The image.
        image_id: String,
        /// `at any size`, or the size asked for.
        what: String,
    },
    /// A batch download stopped asking the service for download URLs (the service's limit
    /// was reached, or the credentials were refused) before this image's turn came; the
    /// downloads already paid for were finished. Nothing was sent for this image.
    #[error(
        "image {image_id} was not downloaded: the batch stopped asking for download URLs after \
         {cause}"
    )]
    AuthorizationsStopped {
        /// The image.
        image_id: String,
        /// What stopped them, as its error said it.
        cause: String,
        /// That error's kind ([`ErrorKind::RateLimited`], [`ErrorKind::Auth`]…).
        cause_kind: ErrorKind,
        /// Whether it was the daily call limit ([`Error::is_daily_limit`] is then true here
        /// too: that limit is why this image was not asked for).
        daily_limit: bool,
    },
    /// A batch's manifest could not be read, so the batch did not start: going on without it
    /// could buy again the download URLs it holds.
    #[error("the batch manifest {} {problem}", path.display())]
    Manifest {
        /// The manifest file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// Writing a local file failed (a download's destination, its `.part` or its record).
    #[error("{operation}: cannot write {}: {source}", path.as_deref().map_or_else(|| "the download".to_owned(), |p| p.display().to_string()))]
    Write {
        /// The operation.
        operation: &'static str,
        /// The file, when there is one (not for a caller's writer).
        path: Option<std::path::PathBuf>,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A replaying transport has no recorded answer for the request: the program sent
    /// something the cassette does not hold. Nothing was sent over the network.
    #[error("{0}")]
    Replay(Box<crate::cassette::player::Mismatch>),
    /// The service turned the request away because the application key is over a call limit
    /// (HTTP 403 with `X-Error-Detail` naming the limit). Nothing was done on the server.
    #[error("{operation}: {}", rate_limited_message(*scope))]
    RateLimited {
        /// The operation (or token request, or download).
        operation: &'static str,
        /// Which limit.
        scope: RateLimitScope,
    },
}

fn rate_limited_message(scope: RateLimitScope) -> &'static str {
    match scope {
        RateLimitScope::Daily => {
            "the application key's daily call limit is used up (HTTP 403, Account Over Rate \
             Limit): the service refuses its calls until its day ends, so the call was not retried"
        }
        RateLimitScope::PerSecond => {
            "throttled: the application key is over its per-second call limit (HTTP 403, Account \
             Over Queries Per Second Limit); nothing was done"
        }
    }
}

/// The longest server text an [`Error::Http`] quotes, in characters.
pub const MAX_SERVER_TEXT: usize = 160;

/// How many times an exchange was sent before it failed, and over how long. Printed only when
/// it says something: more than one attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Times sent, the first included (0 when the exchange did not count them).
    pub count: u32,
    /// From the first send to the failure.
    pub over: Duration,
}

impl Attempts {
    /// One attempt (or an uncounted exchange).
    pub fn one() -> Self {
        Self {
            count: 1,
            over: Duration::ZERO,
        }
    }
}

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count > 1 {
            write!(
                f,
                " ({} attempts over {})",
                self.count,
                crate::trace::seconds(self.over)
            )
        } else {
            Ok(())
        }
    }
}

impl Error {
    /// An HTTP status without a usable envelope, quoting the server's own short text from the
    /// body when it has one.
    pub fn http(operation: &'static str, response: &http::Response<Vec<u8>>) -> Self {
        Error::Http {
            operation,
            status: response.status().as_u16(),
            retry_after: crate::retry::retry_after(response.headers()),
            server_text: server_text(response.headers(), response.body()),
            attempts: Attempts::one(),
        }
    }

    /// A transport failure of `operation`. `idempotent` says whether repeating it is harmless;
    /// when it is not and the request may have reached the server, the error says it may have
    /// taken effect.
    pub fn transport(
        operation: &'static str,
        failure: crate::failure::TransportFailure,
        idempotent: bool,
    ) -> Self {
        Error::Transport {
            operation,
            message: failure.message,
            cause: failure.cause,
            reached_server: failure.reached_server,
            may_have_taken_effect: failure.reached_server && !idempotent,
            attempts: Attempts::one(),
            source: failure.source,
        }
    }

    /// The same error, saying how many attempts it took (transport and HTTP errors only).
    pub fn with_attempts(mut self, tries: Attempts) -> Self {
        if let Error::Transport { attempts, .. } | Error::Http { attempts, .. } = &mut self {
            *attempts = tries;
        }
        self
    }

    /// Whether the failed request may have been carried out (a non-idempotent operation whose
    /// connection broke after it was sent): check before repeating it.
    pub fn may_have_taken_effect(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                may_have_taken_effect: true,
                ..
            }
        )
    }

    /// The transport failure's cause, for transport errors.
    pub fn transport_cause(&self) -> Option<TransportCause> {
        match self {
            Error::Transport { cause, .. } => Some(*cause),
            _ => None,
        }
    }

    /// The HTTP status, for errors that came with one and no envelope.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api { .. } => ErrorKind::Api,
            Error::Auth { .. } => ErrorKind::Auth,
            Error::Refused { .. }
            | Error::OfferingNotAuthorized { .. }
            | Error::AuthorizationsStopped { .. } => ErrorKind::Refused,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Http { .. } | Error::Redirect { .. } => ErrorKind::Http,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Config(_) | Error::Manifest { .. } => ErrorKind::Config,
            Error::Write { .. } => ErrorKind::Write,
            Error::NotCovered { .. } => ErrorKind::NotCovered,
            Error::Replay(_) => ErrorKind::Replay,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
        }
    }

    /// Which call limit refused the call, for [`ErrorKind::RateLimited`] errors.
    pub fn rate_limit(&self) -> Option<RateLimitScope> {
        match self {
            Error::RateLimited { scope, .. } => Some(*scope),
            _ => None,
        }
    }

    /// Whether the application key's daily call limit is used up: every call will fail until
    /// the service's day ends, so stop asking (a batch can still finish what it already paid
    /// for: download URLs are not API calls).
    pub fn is_daily_limit(&self) -> bool {
        self.rate_limit() == Some(RateLimitScope::Daily)
            || matches!(
                self,
                Error::AuthorizationsStopped {
                    daily_limit: true,
                    ..
                }
            )
    }

    /// The API status code behind the error, if there is one.
    pub fn status_code(&self) -> Option<&StatusCode> {
        match self {
            Error::Api { api, .. } => api.code(),
            Error::Auth { code, .. } => code.as_ref(),
            _ => None,
        }
    }

    /// The envelope's status list, for API errors.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { api, .. } => Some(api),
            _ => None,
        }
    }

    /// A short hint on what the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            Error::Api { api, .. } => match api.code().map(|c| c.category()) {
                Some(connect_types::status::StatusCategory::NotFound) => {
                    "check the id: the API does not know it"
                }
                Some(connect_types::status::StatusCategory::Validation) => {
                    "fix the request's parameters"
                }
                Some(connect_types::status::StatusCategory::Agreement) => {
                    "your agreement with Getty Images does not cover this; contact your account manager"
                }
                _ => "see the status code in the API documentation",
            },
            Error::Auth { .. } => {
                "check the credentials (client id/secret, system id/password, user name/password)"
            }
            Error::Refused { .. } => "use an https:// base URL for secure-only operations",
            Error::OfferingNotAuthorized { .. } => {
                "choose one of the offerings the message lists, or leave the choice to the \
                 default (a free offering, else the one with the most downloads left)"
            }
            Error::Transport {
                may_have_taken_effect: true,
                ..
            } => {
                "the connection broke after the request was sent, so it may have been carried \
                 out: check its result before repeating it"
            }
            Error::Transport { cause, .. } => cause.hint(),
            Error::Http { status, .. } => http_hint(*status),
            Error::Redirect { .. } => {
                "use the API's own base URL (a proxy or load balancer may be redirecting)"
            }
            Error::Decode { .. } => {
                "the server did not answer like the Connect API; check the base URL"
            }
            Error::Config(_) => "fix the configuration",
            Error::Manifest { .. } => {
                "move the manifest away (or fix it) to start the batch afresh: complete files are \
                 then checked by the catalog's sizes, and download URLs it holds are bought again"
            }
            Error::Write { .. } => "check the destination's free space and permissions",
            Error::AuthorizationsStopped { .. } => {
                "run the same command again once the limit resets (or the credentials are \
                 fixed): complete files are skipped, paid ones resumed, and only the images \
                 left are authorized"
            }
            Error::NotCovered { .. } => {
                "none of your product offerings covers it: list yours (GetActiveProductOfferings), \
                 try another size, or ask your Getty Images account manager"
            }
            Error::Replay(_) => {
                "the program's requests differ from the recorded ones: record the cassette again \
                 if they changed on purpose"
            }
            Error::RateLimited {
                scope: RateLimitScope::Daily,
                ..
            } => {
                "wait for the service's next day (the limit counts every call made with this \
                 application key), or ask Getty Images for a higher daily limit"
            }
            Error::RateLimited { .. } => {
                "make fewer calls per second with this application key: fewer at once, or a \
                 ceiling (ClientBuilder::max_requests_per_second, GETTY_CONNECT_MAX_QPS)"
            }
        }
    }

    /// A copy of this error for each of several items that failed by one cause (a batch's
    /// shared call): the same variant, fields and message; an underlying source error, which
    /// cannot be copied, is left out (its text is in the message already).
    pub fn duplicate(&self) -> Self {
        match self {
            Error::Api { operation, api } => Error::Api {
                operation,
                api: api.clone(),
            },
            Error::Auth {
                message,
                code,
                oauth_error,
            } => Error::Auth {
                message: message.clone(),
                code: code.clone(),
                oauth_error: oauth_error.clone(),
            },
            Error::Refused { operation, reason } => Error::Refused {
                operation,
                reason: reason.clone(),
            },
            Error::Transport {
                operation,
                message,
                cause,
                reached_server,
                may_have_taken_effect,
                attempts,
                source: _,
            } => Error::Transport {
                operation,
                message: message.clone(),
                cause: *cause,
                reached_server: *reached_server,
                may_have_taken_effect: *may_have_taken_effect,
                attempts: *attempts,
                source: None,
            },
            Error::Http {
                operation,
                status,
                retry_after,
                server_text,
                attempts,
            } => Error::Http {
                operation,
                status: *status,
                retry_after: *retry_after,
                server_text: server_text.clone(),
                attempts: *attempts,
            },
            Error::Redirect {
                operation,
                status,
                host,
            } => Error::Redirect {
                operation,
                status: *status,
                host: host.clone(),
            },
            Error::Decode { operation, message } => Error::Decode {
                operation,
                message: message.clone(),
            },
            Error::OfferingNotAuthorized {
                what,
                asked,
                offered,
            } => Error::OfferingNotAuthorized {
                what: what.clone(),
                asked: asked.clone(),
                offered: offered.clone(),
            },
            Error::Config(m) => Error::Config(m.clone()),
            Error::Manifest { path, problem } => Error::Manifest {
                path: path.clone(),
                problem: problem.clone(),
            },
            Error::NotCovered {
                operation,
                image_id,
                what,
            } => Error::NotCovered {
                operation,
                image_id: image_id.clone(),
                what: what.clone(),
            },
            Error::AuthorizationsStopped {
                image_id,
                cause,
                cause_kind,
                daily_limit,
            } => Error::AuthorizationsStopped {
                image_id: image_id.clone(),
                cause: cause.clone(),
                cause_kind: *cause_kind,
                daily_limit: *daily_limit,
            },
            Error::Write {
                operation,
                path,
                source,
            } => Error::Write {
                operation,
                path: path.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            Error::RateLimited { operation, scope } => Error::RateLimited {
                operation,
                scope: *scope,
            },
            Error::Replay(mismatch) => Error::Replay(mismatch.clone()),
        }
    }

    pub(crate) fn auth(message: impl Into<String>) -> Self {
        Error::Auth {
            message: message.into(),
            code: None,
            oauth_error: None,
        }
    }
}

/// The advice for an HTTP status that came without an envelope, by class.
fn http_hint(status: u16) -> &'static str {
    match status {
        401 => {
            "the server refused the request as unauthorized: check the credentials, and that \
             they are allowed this operation or this item"
        }
        403 => {
            "the server refused the request: the credentials may lack the permission for this \
             operation or item"
        }
        404 => {
            "the server does not know that path or item: check the base URL (the API's root, \
             without a path), and the id if the request names one"
        }
        405 | 501 => "the server does not offer this operation here: check the base URL",
        408 | 429 | 503 => "the service is busy or unavailable for now; try again later",
        500..=599 => "the service failed on its side; try again later",
        _ => "the server refused the request as sent; check the base URL",
    }
}

/// The server's own short text in an error body: a JSON `message` (or `Message`,
/// `error_description`, `error`), an HTML `<title>`, or the first line of a text body;
/// without control or bidi characters, whitespace folded, and cut to [`MAX_SERVER_TEXT`].
pub fn server_text(headers: &http::HeaderMap, body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start();
    let found = if trimmed.starts_with('{') {
        // Only the head is read: a message is near the start, and an error body can be large.
        json_message(head)
    } else if trimmed.starts_with('<') {
        html_title(trimmed)
    } else {
        let textual = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|t| t.starts_with("text/") || t.contains("json"));
        textual.then(|| trimmed.lines().next().unwrap_or_default().to_owned())
    }?;
    let clean = fold(&found);
    (!clean.is_empty()).then_some(clean)
}

fn json_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    ["message", "Message", "error_description", "error"]
        .iter()
        .find_map(|k| object.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    html.get(start..end).map(str::to_owned)
}

/// Control and bidi characters out, runs of whitespace folded, at most [`MAX_SERVER_TEXT`]
/// characters (an ellipsis marks a cut).
fn fold(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_control() || is_bidi(c) || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            space = !out.is_empty();
            continue;
        }
        // The space before this character counts too.
        if count + usize::from(space) >= MAX_SERVER_TEXT {
            out.push('…');
            return out;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(content_type: Option<&str>, body: &str) -> Option<String> {
        let mut h = http::HeaderMap::new();
        if let Some(t) = content_type {
            h.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_str(t).unwrap(),
            );
        }
        server_text(&h, body.as_bytes())
    }

    #[test]
    fn the_servers_own_words_are_quoted_short_and_plain() {
        assert_eq!(
            text(
                Some("application/json"),
                r#"{"message":"Account Over Rate Limit"}"#
            )
            .as_deref(),
            Some("Account Over Rate Limit")
        );
        assert_eq!(
            text(
                Some("text/html"),
                "<html><head><title>404 Not\nFound</title></head></html>"
            )
            .as_deref(),
            Some("404 Not Found")
        );
        assert_eq!(
            text(
                Some("text/plain"),
                "image 1 is not available for embedding\nmore"
            )
            .as_deref(),
            Some("image 1 is not available for embedding")
        );
        assert_eq!(text(Some("image/jpeg"), "\u{ff}\u{d8}"), None);
        assert_eq!(text(None, ""), None);
        let long = "x".repeat(500);
        let cut = text(Some("text/plain"), &long).unwrap();
        assert_eq!(cut.chars().count(), MAX_SERVER_TEXT + 1);
        let evil = text(Some("text/plain"), "bad\u{1b}]0;pwned\u{7}\u{202e}txt").unwrap();
        assert!(
            !evil.chars().any(|c| c.is_control() || is_bidi(c)),
            "{evil:?}"
        );
    }

    #[test]
    fn hints_follow_the_status_class() {
        assert!(http_hint(404).contains("base URL"));
        assert!(http_hint(401).contains("credentials"));
        assert!(http_hint(403).contains("permission"));
        assert!(http_hint(502).contains("service"));
        assert!(!http_hint(404).contains("overloaded"));
    }

    #[test]
    fn attempts_are_printed_only_when_there_were_several() {
        assert_eq!(Attempts::one().to_string(), "");
        let a = Attempts {
            count: 3,
            over: Duration::from_millis(183_400),
        };
        assert_eq!(a.to_string(), " (3 attempts over 183.4 s)");
    }
}

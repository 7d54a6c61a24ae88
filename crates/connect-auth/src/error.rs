//! The SDK's error type: one enum, with a [`ErrorKind`] callers can match.

use connect_types::{ApiError, StatusCode};
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
    #[error("{operation}: {message}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The transport's description of the failure.
        message: String,
        /// Whether the request may have reached the server.
        reached_server: bool,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// An HTTP status without a usable envelope.
    #[error("{operation}: HTTP {status} from the server{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    Http {
        /// The operation.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
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
    /// The configuration is incomplete or invalid.
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api { .. } => ErrorKind::Api,
            Error::Auth { .. } => ErrorKind::Auth,
            Error::Refused { .. } => ErrorKind::Refused,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Http { .. } | Error::Redirect { .. } => ErrorKind::Http,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Config(_) => ErrorKind::Config,
        }
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
            Error::Transport { .. } => {
                "check the base URL, the network and, for a self-signed server, the CA certificate"
            }
            Error::Http { .. } => "the service is unavailable or overloaded; try again later",
            Error::Redirect { .. } => {
                "use the API's own base URL (a proxy or load balancer may be redirecting)"
            }
            Error::Decode { .. } => {
                "the server did not answer like the Connect API; check the base URL"
            }
            Error::Config(_) => "fix the configuration",
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

//! The security rules: which token an operation accepts and over which scheme. The classes
//! are connect-types' [`Security`], the same values the SDK routes calls by; the sandbox
//! enforces them from the server's side.

use crate::api::Fail;
use crate::store::tokens::{TokenKind, TokenStore};
use connect_types::{Security, StatusCode};

/// The listener a request came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTPS.
    Https,
}

impl Scheme {
    /// `http` or `https`, as the stats name listeners.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Who is calling, once the rules passed.
#[derive(Clone, Debug, Default)]
pub struct Principal {
    /// The user, if the token has one.
    pub user: Option<String>,
    /// The token used, if any.
    pub token: Option<String>,
}

/// Applies the rules of an operation secured by `security`, called over `scheme` with
/// `token` (the `RequestHeader.Token`, if any).
pub fn authorize(
    tokens: &TokenStore,
    scheme: Scheme,
    security: Security,
    token: Option<&str>,
) -> Result<Principal, Fail> {
    if security.requires_https() && scheme == Scheme::Http {
        return Err(Fail::pair(
            StatusCode::OperationRequiresHttps,
            StatusCode::Auth002,
            "this operation must be called over HTTPS",
        ));
    }
    if !security.needs_token() {
        return Ok(Principal::default());
    }
    let Some(token) = token else {
        return Err(Fail::new(
            StatusCode::Auth021,
            "RequestHeader.Token is required for this operation",
        ));
    };
    let Some(info) = tokens.lookup(token) else {
        return Err(Fail::new(
            StatusCode::Auth021,
            "the token is unknown, malformed, revoked or expired",
        ));
    };
    match info.kind {
        TokenKind::Refresh => {
            return Err(Fail::new(
                StatusCode::Auth021,
                "a refresh token is not accepted for API calls",
            ));
        }
        TokenKind::Secure if scheme == Scheme::Http => {
            return Err(Fail::pair(
                StatusCode::SecureTokenPassedOverHttp,
                StatusCode::Auth014,
                "the secure token must not be sent over plain HTTP",
            ));
        }
        TokenKind::Standard if security == Security::SecureOnly => {
            return Err(Fail::pair(
                StatusCode::OperationRequiresSecureToken,
                StatusCode::Auth023,
                "this operation needs the secure token",
            ));
        }
        _ => {}
    }
    Ok(Principal {
        user: info.user,
        token: Some(token.to_owned()),
    })
}

//! Tokens: issuing, checking and revoking session tokens (standard and secure), OAuth2 access
//! tokens and refresh tokens, and the security rules of each operation class.

use crate::api::Fail;
use crate::rng::Rng;
use connect_types::StatusCode;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Which kind of token a string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// CreateSession/RenewSession `Token`: standard operations, over either scheme.
    Standard,
    /// CreateSession/RenewSession `SecureToken`: every operation, HTTPS only.
    Secure,
    /// OAuth2 access token: both roles, over either scheme.
    OAuth,
    /// OAuth2 refresh token: only for the refresh grant, never for API calls.
    Refresh,
}

/// What the store knows about a token.
#[derive(Clone, Debug)]
pub struct TokenInfo {
    /// Its kind.
    pub kind: TokenKind,
    /// The user it acts for (`None` for client-credentials tokens).
    pub user: Option<String>,
    /// When it stops working.
    pub expires: Instant,
}

/// How an operation is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// No token, HTTPS only (CreateSession).
    Login,
    /// Any valid token; HTTP or HTTPS.
    Standard,
    /// HTTPS and the secure token (or an OAuth2 token).
    SecureOnly,
}

/// The transport a request came over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTPS.
    Https,
}

/// Who is calling, once the rules passed.
#[derive(Clone, Debug, Default)]
pub struct Principal {
    /// The user, if the token has one.
    pub user: Option<String>,
    /// The token used, if any.
    pub token: Option<String>,
}

/// The live tokens.
pub struct TokenStore {
    tokens: Mutex<HashMap<String, TokenInfo>>,
    rng: Mutex<Rng>,
    ttl: Duration,
}

impl std::fmt::Debug for TokenStore {
    // Tokens are secrets: only their number is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.tokens.lock().map_or(0, |m| m.len());
        f.debug_struct("TokenStore")
            .field("live", &n)
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// Refresh tokens live a year, as documented.
const REFRESH_TTL: Duration = Duration::from_secs(365 * 24 * 3600);

impl TokenStore {
    /// A store issuing tokens that live `ttl`.
    pub fn new(seed: u64, ttl: Duration) -> Self {
        // Tokens need not be reproducible, only distinct between runs.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        TokenStore {
            tokens: Mutex::new(HashMap::new()),
            rng: Mutex::new(Rng::new(seed ^ nanos, u64::from(std::process::id()))),
            ttl,
        }
    }

    /// The access-token lifetime.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn fresh(&self, prefix: &str) -> String {
        let mut r = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        format!("{prefix}{:016x}{:016x}", r.next_u64(), r.next_u64())
    }

    fn insert(&self, kind: TokenKind, user: Option<String>, ttl: Duration) -> String {
        let prefix = match kind {
            TokenKind::Standard => "st-",
            TokenKind::Secure => "ss-",
            TokenKind::OAuth => "oa-",
            TokenKind::Refresh => "rt-",
        };
        let token = self.fresh(prefix);
        let now = Instant::now();
        let mut map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map from growing without bound in long runs.
        if map.len() > 10_000 {
            map.retain(|_, t| t.expires > now);
        }
        map.insert(
            token.clone(),
            TokenInfo {
                kind,
                user,
                expires: now + ttl,
            },
        );
        token
    }

    /// Issues a session pair: (standard token, secure token).
    pub fn issue_session(&self, user: &str) -> (String, String) {
        (
            self.insert(TokenKind::Standard, Some(user.to_owned()), self.ttl),
            self.insert(TokenKind::Secure, Some(user.to_owned()), self.ttl),
        )
    }

    /// Issues an OAuth2 access token.
    pub fn issue_access(&self, user: Option<&str>) -> String {
        self.insert(TokenKind::OAuth, user.map(str::to_owned), self.ttl)
    }

    /// Issues an OAuth2 refresh token.
    pub fn issue_refresh(&self, user: &str) -> String {
        self.insert(TokenKind::Refresh, Some(user.to_owned()), REFRESH_TTL)
    }

    /// Looks a token up; expired or unknown tokens give `None`.
    pub fn lookup(&self, token: &str) -> Option<TokenInfo> {
        let now = Instant::now();
        let mut map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(token) {
            Some(t) if t.expires > now => Some(t.clone()),
            Some(_) => {
                map.remove(token);
                None
            }
            None => None,
        }
    }

    /// Revokes every session and access token (and refresh tokens when `refresh`); returns
    /// how many were revoked.
    pub fn revoke_all(&self, refresh: bool) -> u64 {
        let mut map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let before = map.len();
        map.retain(|_, t| t.kind == TokenKind::Refresh && !refresh);
        (before - map.len()) as u64
    }

    /// Revokes one token; returns whether it existed.
    pub fn revoke(&self, token: &str) -> bool {
        let mut map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(token).is_some()
    }

    /// Applies the security rules for an operation of `class` called over `scheme`.
    pub fn authorize(
        &self,
        scheme: Scheme,
        class: Class,
        token: Option<&str>,
    ) -> Result<Principal, Fail> {
        if matches!(class, Class::SecureOnly | Class::Login) && scheme == Scheme::Http {
            return Err(Fail::pair(
                StatusCode::OperationRequiresHttps,
                StatusCode::Auth002,
                "this operation must be called over HTTPS",
            ));
        }
        if class == Class::Login {
            return Ok(Principal::default());
        }
        let Some(token) = token else {
            return Err(Fail::new(
                StatusCode::Auth021,
                "RequestHeader.Token is required for this operation",
            ));
        };
        let Some(info) = self.lookup(token) else {
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
            TokenKind::Standard if class == Class::SecureOnly => {
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
}

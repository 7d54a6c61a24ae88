//! The token store: issuing, looking up and revoking session tokens (standard and secure),
//! OAuth2 access tokens and refresh tokens. The rules for which token an operation accepts
//! live in [`crate::security`].

use crate::rng::Rng;
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
}

//! The token store: issuing, looking up and revoking session tokens (standard and secure),
//! OAuth2 access tokens and refresh tokens. The rules for which token an operation accepts
//! live in [`crate::security`].
//!
//! Memory stays bounded: every token sits in an expiry queue (deadline order), a few expired
//! ones are dropped on every insert, so nothing ever scans the whole map under the lock; and
//! each user (client-credentials tokens count as one more "user") keeps at most
//! `max_tokens_per_user` live tokens, the oldest going first.

use crate::clock::Clock;
use crate::secrets::Secrets;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
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
    /// Issue order, unique: keys the expiry queue and the per-user list.
    seq: u64,
}

/// Expired tokens dropped per insert: more than one, so the queue shrinks faster than it grows.
const PRUNE_PER_INSERT: usize = 8;

#[derive(Default)]
struct Inner {
    by_token: HashMap<Arc<str>, TokenInfo>,
    /// `(deadline, seq)` → token.
    by_deadline: BTreeMap<(Instant, u64), Arc<str>>,
    /// user → `seq` → token, oldest first.
    by_user: HashMap<Option<String>, BTreeMap<u64, Arc<str>>>,
    next_seq: u64,
}

impl Inner {
    fn remove(&mut self, token: &str) -> Option<TokenInfo> {
        let info = self.by_token.remove(token)?;
        self.by_deadline.remove(&(info.expires, info.seq));
        if let Some(list) = self.by_user.get_mut(&info.user) {
            list.remove(&info.seq);
            if list.is_empty() {
                self.by_user.remove(&info.user);
            }
        }
        Some(info)
    }

    fn prune(&mut self, now: Instant, budget: usize) {
        for _ in 0..budget {
            let Some(entry) = self.by_deadline.first_entry() else {
                return;
            };
            if entry.key().0 > now {
                return;
            }
            let token = entry.get().clone();
            self.remove(&token);
        }
    }
}

/// The live tokens.
pub struct TokenStore {
    inner: Mutex<Inner>,
    secrets: Arc<Secrets>,
    clock: Arc<Clock>,
    ttl: Duration,
    max_per_user: usize,
}

impl std::fmt::Debug for TokenStore {
    // Tokens are secrets: only their number is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenStore")
            .field("live", &self.len())
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// Refresh tokens live a year, as documented.
const REFRESH_TTL: Duration = Duration::from_secs(365 * 24 * 3600);

impl TokenStore {
    /// A store issuing tokens that live `ttl`, at most `max_per_user` live per user.
    pub fn new(
        secrets: Arc<Secrets>,
        clock: Arc<Clock>,
        ttl: Duration,
        max_per_user: usize,
    ) -> Self {
        TokenStore {
            inner: Mutex::new(Inner::default()),
            secrets,
            clock,
            ttl,
            max_per_user: max_per_user.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock only means another thread panicked mid-update; the maps stay usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The access-token lifetime.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How many tokens the store holds (live, or expired and not yet dropped).
    pub fn len(&self) -> usize {
        self.lock().by_token.len()
    }

    fn insert(&self, kind: TokenKind, user: Option<String>, ttl: Duration) -> String {
        let now = self.clock.now();
        let prefix = match kind {
            TokenKind::Standard => "st-",
            TokenKind::Secure => "ss-",
            TokenKind::OAuth => "oa-",
            TokenKind::Refresh => "rt-",
        };
        let token: Arc<str> = self.secrets.token(prefix).into();
        // A lifetime past what `Instant` can hold counts as "until the sandbox stops".
        let expires = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(REFRESH_TTL))
            .unwrap_or(now);
        let mut g = self.lock();
        g.prune(now, PRUNE_PER_INSERT);
        let oldest = g
            .by_user
            .get(&user)
            .filter(|list| list.len() >= self.max_per_user)
            .and_then(|list| list.first_key_value())
            .map(|(_, t)| t.clone());
        if let Some(old) = oldest {
            g.remove(&old);
        }
        let seq = g.next_seq;
        g.next_seq += 1;
        g.by_deadline.insert((expires, seq), token.clone());
        g.by_user
            .entry(user.clone())
            .or_default()
            .insert(seq, token.clone());
        g.by_token.insert(
            token.clone(),
            TokenInfo {
                kind,
                user,
                expires,
                seq,
            },
        );
        token.to_string()
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

    /// Looks a token up; expired or unknown tokens give `None` (an expired one is dropped).
    pub fn lookup(&self, token: &str) -> Option<TokenInfo> {
        let now = self.clock.now();
        let mut g = self.lock();
        match g.by_token.get(token) {
            Some(t) if t.expires > now => Some(t.clone()),
            Some(_) => {
                g.remove(token);
                None
            }
            None => None,
        }
    }

    /// The class of a call's token, as the per-listener stats count it: `standard`, `secure`,
    /// `oauth`, `refresh`, `unknown` (not live) or `none`.
    pub fn class_of(&self, token: Option<&str>) -> &'static str {
        let Some(t) = token else {
            return "none";
        };
        match self.lookup(t).map(|i| i.kind) {
            Some(TokenKind::Standard) => "standard",
            Some(TokenKind::Secure) => "secure",
            Some(TokenKind::OAuth) => "oauth",
            Some(TokenKind::Refresh) => "refresh",
            None => "unknown",
        }
    }

    /// Revokes every session and access token (and refresh tokens when `refresh`); returns
    /// how many were revoked. A test hook: it walks every token.
    pub fn revoke_all(&self, refresh: bool) -> u64 {
        let mut g = self.lock();
        let doomed: Vec<Arc<str>> = g
            .by_token
            .iter()
            .filter(|(_, t)| refresh || t.kind != TokenKind::Refresh)
            .map(|(k, _)| k.clone())
            .collect();
        for t in &doomed {
            g.remove(t);
        }
        doomed.len() as u64
    }

    /// Revokes one token; returns whether it existed.
    pub fn revoke(&self, token: &str) -> bool {
        self.lock().remove(token).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(ttl: Duration, cap: usize) -> (TokenStore, Arc<Clock>) {
        let clock = Arc::new(Clock::default());
        let secrets = Arc::new(Secrets::from_os().unwrap());
        (TokenStore::new(secrets, clock.clone(), ttl, cap), clock)
    }

    #[test]
    fn expired_tokens_are_dropped_a_few_per_insert() {
        let (s, clock) = store(Duration::from_secs(60), 100_000);
        for _ in 0..1_000 {
            s.issue_access(None);
        }
        assert_eq!(s.len(), 1_000);
        clock.advance(Duration::from_secs(61));
        // Each insert drops up to PRUNE_PER_INSERT expired tokens and adds one.
        for _ in 0..100 {
            s.issue_access(None);
        }
        assert_eq!(s.len(), 1_000 - 100 * PRUNE_PER_INSERT + 100);
        for _ in 0..100 {
            s.issue_access(None);
        }
        assert_eq!(s.len(), 200, "only the fresh tokens remain");
    }

    #[test]
    fn each_user_keeps_at_most_the_cap_oldest_going_first() {
        let (s, _) = store(Duration::from_secs(60), 3);
        let first = s.issue_access(Some("alice"));
        let rest: Vec<String> = (0..3).map(|_| s.issue_access(Some("alice"))).collect();
        let bob = s.issue_access(Some("bob"));
        assert!(s.lookup(&first).is_none(), "the oldest was evicted");
        assert!(rest.iter().all(|t| s.lookup(t).is_some()));
        assert!(s.lookup(&bob).is_some(), "other users are not affected");
        assert_eq!(s.len(), 4);
        let inner = s.lock();
        assert_eq!(
            inner.by_deadline.len(),
            4,
            "the expiry queue follows the map"
        );
    }

    #[test]
    fn revoking_removes_every_index_entry() {
        let (s, _) = store(Duration::from_secs(60), 10);
        let a = s.issue_access(Some("alice"));
        s.issue_refresh("alice");
        assert!(s.revoke(&a));
        assert!(!s.revoke(&a));
        assert_eq!(s.revoke_all(false), 0);
        assert_eq!(s.revoke_all(true), 1);
        let inner = s.lock();
        assert!(inner.by_deadline.is_empty() && inner.by_user.is_empty());
    }
}

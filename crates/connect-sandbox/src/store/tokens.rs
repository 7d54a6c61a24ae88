//! The token store: issuing, looking up and revoking session tokens (standard and secure),
//! OAuth2 access tokens and refresh tokens. The rules for which token an operation accepts
//! live in [`crate::security`].
//!
//! Memory stays bounded: every token sits in an expiry queue (deadline order), a few expired
//! ones are dropped on every insert, so nothing ever scans the whole map under the lock; and
//! each user (client-credentials tokens count as one more "user") keeps at most
//! `max_tokens_per_user` live tokens, the oldest going first.
//!
//! Tokens outlive a restart when the token key does (the state file keeps it): each token
//! seals its user and its expiry (on the sandbox clock's wall time) with the key
//! ([`Secrets::seal`]). A token of an earlier run is admitted on first sight if its tag checks
//! and it has not expired, and from then on lives in the maps like one issued now; once such a
//! token is revoked or evicted a tombstone remembers it until its expiry, since its tag alone
//! would admit it again. A token of this run that is not in the maps was revoked, evicted or
//! dropped: it is refused.

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
    /// Issued by an earlier run (admitted by its tag): leaves a tombstone when removed.
    earlier: bool,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Standard => "st-",
            TokenKind::Secure => "ss-",
            TokenKind::OAuth => "oa-",
            TokenKind::Refresh => "rt-",
        }
    }
}

/// What a token seals: its expiry (Unix milliseconds on the sandbox clock) and its user.
fn claims(expires_ms: i64, user: Option<&str>) -> Vec<u8> {
    let mut c = expires_ms.to_le_bytes().to_vec();
    if let Some(u) = user {
        c.push(1);
        c.extend_from_slice(u.as_bytes());
    } else {
        c.push(0);
    }
    c
}

fn read_claims(c: &[u8]) -> Option<(i64, Option<String>)> {
    let expires = i64::from_le_bytes(c.get(..8)?.try_into().ok()?);
    let user = match c.get(8)? {
        0 if c.len() == 9 => None,
        1 => Some(String::from_utf8(c[9..].to_vec()).ok()?),
        _ => return None,
    };
    Some((expires, user))
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
    /// Earlier runs' tokens revoked or evicted in this one; each keeps its place in the expiry
    /// queue, which drops it when the token would have expired anyway.
    tombstones: std::collections::HashSet<Arc<str>>,
    /// Set by [`TokenStore::revoke_all`]: no earlier run's session or access token (or, the
    /// second, refresh token) is admitted any more.
    earlier_revoked: bool,
    earlier_refresh_revoked: bool,
    next_seq: u64,
}

impl Inner {
    fn remove(&mut self, token: &str) -> Option<TokenInfo> {
        let (token, info) = self.by_token.remove_entry(token)?;
        if info.earlier {
            self.tombstones.insert(token);
        } else {
            self.by_deadline.remove(&(info.expires, info.seq));
        }
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
            let token = entry.remove();
            if !self.tombstones.remove(&token) {
                self.remove(&token);
                // Past its expiry an earlier run's token is refused by its claims: no tombstone.
                self.tombstones.remove(&token);
            }
        }
    }

    /// Files `token` under every index with the next sequence number (evicting the user's
    /// oldest beyond `max_per_user`).
    fn add(
        &mut self,
        token: Arc<str>,
        (kind, user, expires, earlier): (TokenKind, Option<String>, Instant, bool),
        max_per_user: usize,
    ) -> TokenInfo {
        let seq = self.next_seq;
        self.next_seq += 1;
        let info = TokenInfo {
            kind,
            user,
            expires,
            seq,
            earlier,
        };
        let oldest = self
            .by_user
            .get(&info.user)
            .filter(|list| list.len() >= max_per_user)
            .and_then(|list| list.first_key_value())
            .map(|(_, t)| t.clone());
        if let Some(old) = oldest {
            self.remove(&old);
        }
        self.by_deadline
            .insert((info.expires, info.seq), token.clone());
        self.by_user
            .entry(info.user.clone())
            .or_default()
            .insert(info.seq, token.clone());
        self.by_token.insert(token, info.clone());
        info
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
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let sealed = claims(
            self.clock.now_millis().saturating_add(ttl_ms),
            user.as_deref(),
        );
        let token: Arc<str> = self.secrets.seal(kind.prefix(), &sealed).into();
        // A lifetime past what `Instant` can hold counts as "until the sandbox stops".
        let expires = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(REFRESH_TTL))
            .unwrap_or(now);
        let mut g = self.lock();
        g.prune(now, PRUNE_PER_INSERT);
        g.add(
            token.clone(),
            (kind, user, expires, false),
            self.max_per_user,
        );
        token.to_string()
    }

    /// A token of an earlier run (same key), if its tag checks, it has not expired and it was
    /// not revoked since: admitted into the maps.
    fn admit(&self, g: &mut Inner, token: &str) -> Option<TokenInfo> {
        let kind = [
            TokenKind::OAuth,
            TokenKind::Refresh,
            TokenKind::Standard,
            TokenKind::Secure,
        ]
        .into_iter()
        .find(|k| token.starts_with(k.prefix()))?;
        let (sealed, this_run) = self.secrets.open(kind.prefix(), token)?;
        let revoked = match kind {
            TokenKind::Refresh => g.earlier_refresh_revoked,
            _ => g.earlier_revoked,
        };
        if this_run || revoked || g.tombstones.contains(token) {
            return None;
        }
        let (expires_ms, user) = read_claims(&sealed)?;
        let left = u64::try_from(expires_ms.checked_sub(self.clock.now_millis())?).ok()?;
        if left == 0 {
            return None;
        }
        let now = self.clock.now();
        let expires = now.checked_add(Duration::from_millis(left)).unwrap_or(now);
        Some(g.add(token.into(), (kind, user, expires, true), self.max_per_user))
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
    /// A token issued before a restart with the same key is admitted here.
    pub fn lookup(&self, token: &str) -> Option<TokenInfo> {
        let now = self.clock.now();
        let mut g = self.lock();
        match g.by_token.get(token) {
            Some(t) if t.expires > now => Some(t.clone()),
            Some(_) => {
                g.remove(token);
                None
            }
            None => self.admit(&mut g, token),
        }
    }

    /// The token key, hex, for the state file.
    pub fn key_for_saving(&self) -> String {
        self.secrets.token_key_hex()
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
        g.earlier_revoked = true;
        g.earlier_refresh_revoked |= refresh;
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
        let mut g = self.lock();
        if !g.by_token.contains_key(token) {
            // An earlier run's token not seen yet: admitted first, so it leaves a tombstone.
            let _ = self.admit(&mut g, token);
        }
        g.remove(token).is_some()
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
    fn tokens_outlive_a_restart_with_the_same_key_only() {
        let clock = Arc::new(Clock::default());
        let first = Arc::new(Secrets::from_os().unwrap());
        let before = TokenStore::new(first.clone(), clock.clone(), Duration::from_secs(60), 10);
        let access = before.issue_access(Some("alice"));
        let refresh = before.issue_refresh("alice");
        let app = before.issue_access(None);
        let revoked = before.issue_access(Some("alice"));

        // A restart keeping the key.
        let key = Secrets::parse_token_key(&first.token_key_hex()).unwrap();
        let kept = Arc::new(Secrets::with_token_key(key).unwrap());
        let after = TokenStore::new(kept, clock.clone(), Duration::from_secs(60), 10);
        let info = after.lookup(&access).unwrap();
        assert_eq!(
            (info.kind, info.user.as_deref()),
            (TokenKind::OAuth, Some("alice"))
        );
        assert_eq!(after.lookup(&refresh).unwrap().kind, TokenKind::Refresh);
        assert_eq!(after.lookup(&app).unwrap().user, None);
        // Revoked after the restart: gone for good, though its tag still checks.
        assert!(after.revoke(&revoked));
        assert!(after.lookup(&revoked).is_none());
        assert!(after.revoke(&access));
        assert!(after.lookup(&access).is_none());
        // revoke_all reaches the earlier run's tokens not seen yet, refresh tokens only if asked.
        let unseen = before.issue_access(Some("bob"));
        let unseen_refresh = before.issue_refresh("bob");
        after.revoke_all(false);
        assert!(after.lookup(&unseen).is_none());
        assert!(after.lookup(&unseen_refresh).is_some());
        // Past their expiry on the sandbox clock they are refused.
        let later = before.issue_access(Some("carol"));
        clock.advance(Duration::from_secs(61));
        assert!(after.lookup(&later).is_none());

        // A restart with a new key (no state file): every earlier token is unknown.
        let fresh = TokenStore::new(
            Arc::new(Secrets::from_os().unwrap()),
            clock,
            Duration::from_secs(60),
            10,
        );
        assert!(fresh.lookup(&refresh).is_none());
        // And a token of this run that was dropped is not admitted by its tag.
        let own = fresh.issue_access(None);
        assert!(fresh.revoke(&own));
        assert!(fresh.lookup(&own).is_none());
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

//! Tokens that outlive a process: [`SavedTokens`] (what a token cache keeps), the [`CacheKey`]
//! naming whose they are, and the [`TokenEvent`]s by which the machine tells its driver that
//! the set changed.
//!
//! The machine measures lifetimes with [`Instant`]s, which mean nothing to another process; the
//! saved form carries wall-clock [`SystemTime`]s instead, converted with the `now` and `wall`
//! the driver reads together (the machine reads no clock).

use super::{Grant, MAX_PENDING, Pending, State, TokenMachine, TokenSet};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::trace::TARGET;
use connect_types::Secret;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

/// Whose tokens a cache entry holds: the service, the grant kind, the application and the
/// user. A saved set is only ever used by a machine with an equal key, so alice's tokens are
/// never used for bob, nor the sandbox's for the real service.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The service: the base URL (lower-case scheme and host, no trailing `/`), or the name a
    /// client was given for it ([`crate::config::ClientConfig::token_cache_service`]).
    pub service: String,
    /// How these credentials sign in: [`Grant::ClientCredentials`], [`Grant::Password`] or
    /// [`Grant::CreateSession`].
    pub grant: Grant,
    /// The application: the OAuth2 client id, or the legacy SystemId.
    pub application: String,
    /// The user, if the grant has one.
    pub user: Option<String>,
}

impl CacheKey {
    /// The key of `credentials` at `service`, or `None` for credentials whose tokens are not
    /// cached: an access token obtained elsewhere (nothing to renew it with), and a refresh token
    /// (the key could not name the user it belongs to).
    pub fn for_credentials(credentials: &Credentials, service: &str) -> Option<Self> {
        let (grant, application, user) = match credentials {
            Credentials::ClientCredentials { client_id, .. } => {
                (Grant::ClientCredentials, client_id, None)
            }
            Credentials::ResourceOwner {
                client_id,
                username,
                ..
            } => (Grant::Password, client_id, Some(username)),
            Credentials::Session {
                system_id,
                user_name,
                ..
            } => (Grant::CreateSession, system_id, Some(user_name)),
            Credentials::RefreshToken { .. } | Credentials::AccessToken { .. } => return None,
        };
        Some(Self {
            service: normalize_service(service),
            grant,
            application: application.clone(),
            user: user.cloned(),
        })
    }

    /// A file name stem for this key: `tokens-` and 16 hex digits of a stable hash of the key
    /// (FNV-1a, the same in every version and on every platform). The file itself repeats the
    /// whole key, so a collision is detected on reading, never served.
    pub fn file_stem(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let user = self.user.as_deref().unwrap_or("");
        for part in [
            "v1",
            self.service.as_str(),
            self.grant.name(),
            &self.application,
            user,
        ] {
            for b in part.bytes().chain([0]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("tokens-{h:016x}")
    }
}

impl fmt::Display for CacheKey {
    /// `alice (OAuth2 password grant, application sandbox-client) at https://…`: no secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.grant {
            Grant::ClientCredentials => "OAuth2 client credentials",
            Grant::Password | Grant::RefreshToken => "OAuth2 password grant",
            Grant::CreateSession | Grant::RenewSession => "legacy session",
        };
        match &self.user {
            Some(user) => write!(f, "{user} ({how}, application {})", self.application)?,
            None => write!(f, "application {} ({how})", self.application)?,
        }
        write!(f, " at {}", self.service)
    }
}

/// Lower-cases the scheme and host and drops trailing slashes, so `HTTPS://Host/` and
/// `https://host` name the same service.
fn normalize_service(service: &str) -> String {
    let s = service.trim().trim_end_matches('/');
    match s.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{path}",
                scheme.to_ascii_lowercase(),
                authority.to_ascii_lowercase()
            )
        }
        None => s.to_owned(),
    }
}

/// A token set in the form a cache keeps: the tokens, when they were issued and how long they
/// last, the grant that made them, and whose they are.
///
/// `Debug` shows no secret: the tokens are [`Secret`]s.
#[derive(Clone, Debug)]
pub struct SavedTokens {
    /// Whose they are.
    pub key: CacheKey,
    /// The grant that issued them (a renewal's, after a renewal).
    pub grant: Grant,
    /// The standard token (an OAuth2 access token serves as both).
    pub standard: Secret,
    /// The secure token.
    pub secure: Secret,
    /// The refresh token in force, if any: a long-lived secret (a year, for Getty's).
    pub refresh_token: Option<Secret>,
    /// When they were issued (when their token request was sent).
    pub acquired_at: SystemTime,
    /// How long they last from then, if known (already clamped to
    /// [`super::MAX_LIFETIME`] when the machine saved them).
    pub expires_in: Option<Duration>,
    /// The server refused them: renew (or sign in again) before using them.
    pub refused: bool,
}

impl SavedTokens {
    /// When they expire, if their lifetime is known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_in
            .and_then(|l| self.acquired_at.checked_add(l))
    }

    /// Whether `other` is the same issue of tokens (the same secure token), whatever its state.
    pub fn is_same_set(&self, other: &SavedTokens) -> bool {
        self.secure.expose() == other.secure.expose()
    }
}

/// What changed in the machine's tokens, for a driver that persists them
/// ([`super::TokenMachine::poll_event`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenEvent {
    /// A sign-in issued this set: keep it.
    Issued(SavedTokens),
    /// A renewal replaced the set with this one: keep it.
    Renewed(SavedTokens),
    /// A call was refused with this set (revoked, or expired early): it is marked
    /// [`SavedTokens::refused`]. Keep it in place of the same set, so another process renews
    /// it rather than trying it; leave a newer set alone.
    Refused(SavedTokens),
    /// The server refused to renew this set (or, its lifetime over, to sign in again): nothing
    /// in it is of use. Remove it if the cache still holds it; leave a newer set alone.
    Dropped(SavedTokens),
    /// [`super::TokenMachine::sign_out`]: forget the tokens of this key.
    SignedOut,
}

/// What a cache should do with a [`TokenEvent`], given what it holds for the key now.
#[derive(Clone, Debug)]
pub enum CacheWrite {
    /// Write this set in place of the entry.
    Store(SavedTokens),
    /// Remove the entry.
    Clear,
    /// Leave the entry as it is.
    Keep,
}

impl TokenEvent {
    /// The write this event calls for, when the cache holds `current` for its key: issued and
    /// renewed sets are stored, a refused set only in place of itself and a dropped one removed
    /// only if it is there (a newer set another process stored meanwhile is kept), and a
    /// sign-out clears the entry.
    pub fn cache_write(self, current: Option<&SavedTokens>) -> CacheWrite {
        match self {
            TokenEvent::Issued(s) | TokenEvent::Renewed(s) => CacheWrite::Store(s),
            TokenEvent::Refused(s) if current.is_some_and(|c| c.is_same_set(&s)) => {
                CacheWrite::Store(s)
            }
            TokenEvent::Dropped(s) if current.is_some_and(|c| c.is_same_set(&s)) => {
                CacheWrite::Clear
            }
            TokenEvent::Refused(_) | TokenEvent::Dropped(_) => CacheWrite::Keep,
            TokenEvent::SignedOut => CacheWrite::Clear,
        }
    }

    /// The one write that leaves a cache holding `current` as `events` (oldest first) say:
    /// what a driver does after an answer, with the entry it read under the cache's lock.
    pub fn settle(
        events: impl IntoIterator<Item = TokenEvent>,
        current: Option<SavedTokens>,
    ) -> CacheWrite {
        let (mut entry, mut changed) = (current, false);
        for event in events {
            match event.cache_write(entry.as_ref()) {
                CacheWrite::Store(s) => (entry, changed) = (Some(s), true),
                CacheWrite::Clear => (entry, changed) = (None, true),
                CacheWrite::Keep => {}
            }
        }
        match (changed, entry) {
            (false, _) => CacheWrite::Keep,
            (true, Some(s)) => CacheWrite::Store(s),
            (true, None) => CacheWrite::Clear,
        }
    }
}

impl TokenMachine {
    /// Starts from a saved set (one a driver kept from an earlier process, say), in place of
    /// whatever the machine holds. `now` and `wall` are the machine's clock and the wall clock,
    /// read together. A refused set, or one stamped in the future, is renewed before use; an
    /// expired one is renewed (with its refresh token, for the password grant) rather than
    /// signed in afresh. Refused, and nothing changes, when the set is another key's.
    pub fn restore(
        &mut self,
        now: Instant,
        wall: SystemTime,
        saved: &SavedTokens,
    ) -> Result<(), Error> {
        match &self.cache_key {
            Some(key) if *key == saved.key => {}
            Some(key) => {
                return Err(Error::Config(format!(
                    "these saved tokens belong to {}, not to {key}",
                    saved.key
                )));
            }
            None => {
                return Err(Error::Config(format!(
                    "saved tokens cannot be used with {} credentials",
                    self.credentials.flow_name()
                )));
            }
        }
        self.adopt(now, wall, saved);
        Ok(())
    }

    fn adopt(&mut self, now: Instant, wall: SystemTime, saved: &SavedTokens) {
        let id = self.bump_id();
        let ts = restored_set(saved, id, now, wall);
        if let Some(rt) = &saved.refresh_token {
            self.refresh_token = Some(rt.clone());
        }
        tracing::debug!(
            target: TARGET,
            grant = saved.grant.name(),
            refused = saved.refused,
            expired = ts.expired(now),
            "tokens taken from the cache"
        );
        self.state = if saved.refused || restored_in_future(saved, wall) {
            State::Stale(ts)
        } else {
            State::Ready(ts)
        };
    }

    /// Before sending token request `id`, the driver looked in its cache (holding the cache's
    /// lock) and found `saved`. Returns `true` when the machine took that set instead: another
    /// process signed in or renewed meanwhile, so the request is withdrawn (do not send it;
    /// poll again, which uses the set or renews it more cheaply). Returns `false` (send the
    /// request) when the cache holds nothing for this key, the very set being replaced, an
    /// older one, or one that would lead to the same request.
    pub fn handle_cached(
        &mut self,
        now: Instant,
        wall: SystemTime,
        id: u64,
        saved: Option<&SavedTokens>,
    ) -> bool {
        let State::InFlight {
            grant: pending,
            id: current,
            replacing,
            ..
        } = &self.state
        else {
            return false;
        };
        let Some(saved) = saved else {
            return false;
        };
        let dead = self
            .dead
            .as_ref()
            .is_some_and(|d| d.expose() == saved.secure.expose());
        if *current != id || dead || self.cache_key.as_ref() != Some(&saved.key) {
            return false;
        }
        if let Some(r) = replacing {
            // One second of slack: the file keeps milliseconds, the machine more.
            let replaced_at = wall_of(r.acquired_at, now, wall);
            let older = saved
                .acquired_at
                .checked_add(Duration::from_secs(1))
                .is_some_and(|t| t < replaced_at);
            if r.secure.expose() == saved.secure.expose() || older {
                return false;
            }
        }
        let probe = restored_set(saved, 0, now, wall);
        let stale = saved.refused || restored_in_future(saved, wall);
        if stale || probe.expired(now) {
            // Not usable as it is: worth taking only if it renews more cheaply than the
            // request about to go (a refresh token instead of the password, say).
            let refresh = saved.refresh_token.is_some() || self.refresh_token.is_some();
            if self.renewal_grant_with(!probe.expired(now), refresh) == *pending {
                return false;
            }
        }
        // The request is not sent after all: it does not count.
        self.grants_sent = self.grants_sent.saturating_sub(1);
        self.adopt(now, wall, saved);
        true
    }

    /// The next change of the token set for the driver to persist, oldest first, in the saved
    /// form (`now` and `wall` read together). `None` when nothing changed, and always without a
    /// cache key.
    pub fn poll_event(&mut self, now: Instant, wall: SystemTime) -> Option<TokenEvent> {
        let key = self.cache_key.clone()?;
        let saved = |ts: TokenSet, refresh: Option<Secret>, refused: bool| SavedTokens {
            key: key.clone(),
            grant: ts.grant,
            standard: ts.standard,
            secure: ts.secure,
            refresh_token: refresh,
            acquired_at: wall_of(ts.acquired_at, now, wall),
            expires_in: ts.lifetime,
            refused,
        };
        Some(match self.pending.pop_front()? {
            Pending::Issued(ts, rt) => TokenEvent::Issued(saved(ts, rt, false)),
            Pending::Renewed(ts, rt) => TokenEvent::Renewed(saved(ts, rt, false)),
            Pending::Refused(ts, rt) => TokenEvent::Refused(saved(ts, rt, true)),
            Pending::Dropped(ts, rt) => TokenEvent::Dropped(saved(ts, rt, true)),
            Pending::SignedOut => TokenEvent::SignedOut,
        })
    }

    /// Forgets the tokens held (the next call signs in from the credentials) and reports
    /// [`TokenEvent::SignedOut`], so the driver removes them from its cache too. Nothing is
    /// sent: the API has no call that revokes a token.
    pub fn sign_out(&mut self) {
        self.state = State::Empty;
        self.refresh_token = match &self.credentials {
            Credentials::RefreshToken { refresh_token, .. } => Some(refresh_token.clone()),
            _ => None,
        };
        self.pending.clear();
        self.report(Pending::SignedOut);
    }

    pub(super) fn report(&mut self, change: Pending) {
        if self.cache_key.is_none() {
            return;
        }
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(change);
    }
}

fn restored_in_future(saved: &SavedTokens, wall: SystemTime) -> bool {
    wall.duration_since(saved.acquired_at).is_err()
}

/// The wall-clock time of `at`, given `now` and `wall` read together.
pub(super) fn wall_of(at: Instant, now: Instant, wall: SystemTime) -> SystemTime {
    let age = now.saturating_duration_since(at);
    wall.checked_sub(age).unwrap_or(SystemTime::UNIX_EPOCH)
}

/// A saved set as the machine holds it: `acquired_at` moved onto the machine's clock. A set
/// stamped in the future (another clock, or one set back since) is held as refused by the
/// caller, so it is renewed before use rather than trusted for longer than it lasts.
fn restored_set(saved: &SavedTokens, id: u64, now: Instant, wall: SystemTime) -> TokenSet {
    let (acquired_at, lifetime) = match wall.duration_since(saved.acquired_at) {
        Ok(age) => match now.checked_sub(age) {
            Some(at) => (at, saved.expires_in),
            // Older than this clock can express: count its remaining life from now.
            None => (now, saved.expires_in.map(|l| l.saturating_sub(age))),
        },
        // Stamped in the future: the caller renews it before use.
        Err(_) => (now, saved.expires_in),
    };
    TokenSet {
        id,
        standard: saved.standard.clone(),
        secure: saved.secure.clone(),
        acquired_at,
        lifetime: lifetime.map(super::clamp_lifetime),
        // Judged by its lifetime like any other from the first use: the "at least once" rule
        // is for tokens that arrive already expired, not for old ones read back.
        served: true,
        grant: saved.grant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(user: &str) -> CacheKey {
        CacheKey::for_credentials(
            &Credentials::resource_owner("app", "s", user, "p"),
            "HTTPS://Example.COM/api/",
        )
        .unwrap()
    }

    #[test]
    fn keys_name_service_grant_application_and_user() {
        let k = key("alice");
        assert_eq!(k.service, "https://example.com/api");
        assert_eq!(k.grant, Grant::Password);
        assert_eq!(k.user.as_deref(), Some("alice"));
        assert_ne!(k.file_stem(), key("bob").file_stem());
        assert_eq!(k.file_stem(), key("alice").file_stem());
        assert_eq!(k.file_stem().len(), "tokens-".len() + 16);
        let app = CacheKey::for_credentials(&Credentials::client_credentials("app", "s"), "x");
        assert_eq!(app.unwrap().user, None);
        let session = CacheKey::for_credentials(&Credentials::session("sys", "p", "u", "q"), "x");
        assert_eq!(session.unwrap().application, "sys");
        assert!(
            CacheKey::for_credentials(&Credentials::refresh_token("a", "s", "rt"), "x").is_none()
        );
        assert!(CacheKey::for_credentials(&Credentials::access_token("t", None), "x").is_none());
        let shown = k.to_string();
        assert!(
            shown.contains("alice") && shown.contains("app") && shown.contains("example.com"),
            "{shown}"
        );
    }

    #[test]
    fn a_refused_set_replaces_only_itself() {
        let saved = |token: &str| SavedTokens {
            key: key("alice"),
            grant: Grant::Password,
            standard: token.into(),
            secure: token.into(),
            refresh_token: None,
            acquired_at: SystemTime::UNIX_EPOCH,
            expires_in: None,
            refused: true,
        };
        let refused = TokenEvent::Refused(saved("old"));
        assert!(matches!(
            refused.clone().cache_write(Some(&saved("old"))),
            CacheWrite::Store(_)
        ));
        assert!(matches!(
            refused.clone().cache_write(Some(&saved("newer"))),
            CacheWrite::Keep
        ));
        assert!(matches!(
            refused.clone().cache_write(None),
            CacheWrite::Keep
        ));
        assert!(matches!(
            TokenEvent::SignedOut.cache_write(None),
            CacheWrite::Clear
        ));
        // Several events settle into the last write they call for.
        let issued = TokenEvent::Issued(saved("new"));
        let settled = TokenEvent::settle([issued.clone(), refused.clone()], Some(saved("old")));
        assert!(matches!(settled, CacheWrite::Store(s) if s.secure.expose() == "new"));
        let settled = TokenEvent::settle([refused.clone()], Some(saved("newer")));
        assert!(matches!(settled, CacheWrite::Keep));
        let dropped = TokenEvent::Dropped(saved("old"));
        assert!(matches!(
            TokenEvent::settle([dropped, issued], Some(saved("old"))),
            CacheWrite::Store(_)
        ));
        assert!(matches!(
            TokenEvent::settle([TokenEvent::SignedOut], None),
            CacheWrite::Clear
        ));
    }
}

//! The token state machine. Building the grant requests is in `request.rs`, reading the
//! token endpoints' answers in `answer.rs`.
//!
//! ```text
//!            poll_token                     handle_auth_response (ok)
//!   Empty ───────────────▶ InFlight(grant) ─────────────────────────▶ Ready(tokens)
//!     ▲                      │   ▲    │ refused renewal                 │   │
//!     │   refused full grant │   │    └──▶ Empty (then a full grant)    │   │ renewal due:
//!     └──────────────────────┘   │                                      │   │ InFlight, the old
//!                                │ poll_token (renew or re-login)       │   │ token still served
//!                          Stale(tokens) ◀── handle_token_refused ────────┘   │
//!                                └──────────────── expired ◀────────────────┘
//! ```
//!
//! Time is passed in as [`Instant`]; the machine never reads the clock. A renewal in flight is
//! a state, so concurrent callers never duplicate it: while it is in flight they are handed the
//! old token if it is still valid, and told to [`TokenStep::Wait`] otherwise.
//!
//! Tokens can outlive the process (`saved.rs`): the machine starts from a [`SavedTokens`]
//! ([`TokenMachine::restore`]), takes a newer set a driver found in its cache instead of
//! sending a token request ([`TokenMachine::handle_cached`]), and reports every change of its
//! set as a [`TokenEvent`] ([`TokenMachine::poll_event`]) for the driver to persist. The
//! saved form's wall-clock times are converted with the `now` and `wall` the driver passes.

use crate::credentials::Credentials;
use crate::endpoints::{Endpoints, Scheme};
use crate::error::Error;
use crate::trace::TARGET;
use connect_types::ops::oauth2::{OAuthErrorResponse, TOKEN_PATH, TokenRequest, TokenResponse};
use connect_types::ops::session::{CreateSessionRequest, RenewSessionRequest, SessionResult};
use connect_types::{DecodeError, Operation, RequestHeader, Secret, Security};
use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

mod answer;
pub mod cache_file;
mod request;
mod saved;

use answer::{parse_oauth, parse_session};
pub use saved::{CacheKey, CacheWrite, SavedTokens, TokenEvent};

/// Lifetime assumed when the server does not state one (the API documents 30 minutes).
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The longest lifetime believed: a server (or a redirect fragment) stating more gets this.
/// Lifetimes come from the network, so they are clamped to `0 s ..= 24 h` before they meet the
/// clock; a token that lives longer is renewed a little early, which costs one request a day.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A stated lifetime, clamped to `0 s ..= MAX_LIFETIME`.
pub fn clamp_lifetime(lifetime: Duration) -> Duration {
    lifetime.min(MAX_LIFETIME)
}

/// Tuning of the token machine, and how far tokens may travel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthConfig {
    /// Renew this long before expiry. Default: the larger of 60 s and 10% of the lifetime,
    /// but never more than half the lifetime (so short-lived tokens are not renewed on every call).
    pub renew_margin: Option<Duration>,
    /// A token request in flight for longer than this is taken as abandoned (its caller was
    /// cancelled) and another caller may start a new one. Default 2 minutes.
    pub abandon_after: Duration,
    /// Send OAuth2 access tokens over plain HTTP (an `http://` base URL, or the plain-HTTP base
    /// for standard operations). Off by default: an OAuth2 access token also authorizes
    /// secure-only operations, so anyone who sees it on the wire can use it for everything.
    /// Legacy sessions are not affected (their standard token is made for plain HTTP).
    pub allow_oauth_token_over_http: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            renew_margin: None,
            abandon_after: Duration::from_secs(120),
            allow_oauth_token_over_http: false,
        }
    }
}

/// The kind of token request the machine sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grant {
    /// OAuth2 `client_credentials`.
    ClientCredentials,
    /// OAuth2 `password`.
    Password,
    /// OAuth2 `refresh_token`.
    RefreshToken,
    /// Legacy CreateSession.
    CreateSession,
    /// Legacy RenewSession.
    RenewSession,
}

impl Grant {
    /// Whether this request renews existing tokens (as opposed to logging in afresh).
    pub fn is_renewal(self) -> bool {
        matches!(self, Grant::RefreshToken | Grant::RenewSession)
    }

    /// The name used in logs and in the sandbox's statistics.
    pub fn name(self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            Grant::RefreshToken => "refresh_token",
            Grant::CreateSession => "CreateSession",
            Grant::RenewSession => "RenewSession",
        }
    }

    /// The grant [`Grant::name`] names.
    pub fn from_name(name: &str) -> Option<Grant> {
        [
            Grant::ClientCredentials,
            Grant::Password,
            Grant::RefreshToken,
            Grant::CreateSession,
            Grant::RenewSession,
        ]
        .into_iter()
        .find(|g| g.name() == name)
    }
}

/// A token request the driver must send before the call can proceed.
pub struct AuthRequest {
    /// What kind of request it is.
    pub grant: Grant,
    /// Which acquisition it belongs to; pass it back with the response.
    pub id: u64,
    /// The HTTP request. Its body holds credentials: never log it.
    pub request: http::Request<Vec<u8>>,
}

impl fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthRequest")
            .field("grant", &self.grant)
            .field("id", &self.id)
            .field("method", self.request.method())
            .field("uri", self.request.uri())
            .field("body", &"***")
            .finish()
    }
}

/// What the machine answers when asked for a token.
#[derive(Debug)]
pub enum TokenStep {
    /// Put this token in `RequestHeader.Token`.
    Use {
        /// The token.
        token: Secret,
        /// Its generation; pass it to [`TokenMachine::handle_token_refused`] if a call refuses it.
        token_id: u64,
    },
    /// Send this request first and give the response to [`TokenMachine::handle_auth_response`].
    Send(Box<AuthRequest>),
    /// Another caller is acquiring a token; wait until it is done, then ask again.
    Wait,
}

/// Why a token request failed.
#[derive(Debug)]
pub struct AuthFailure {
    /// The error to report.
    pub error: Error,
    /// Whether sending the token request again later may succeed (server trouble).
    pub retryable: bool,
    /// The server's `Retry-After`.
    pub retry_after: Option<Duration>,
}

#[derive(Clone)]
struct TokenSet {
    id: u64,
    standard: Secret,
    secure: Secret,
    acquired_at: Instant,
    /// Clamped by [`clamp_lifetime`].
    lifetime: Option<Duration>,
    /// Whether it has been handed to a call. A token is handed out at least once even when its
    /// stated lifetime has already run out (a lifetime of 0): otherwise a call would fetch
    /// tokens forever.
    served: bool,
    /// The grant that issued it.
    grant: Grant,
}

impl TokenSet {
    /// `None` when the lifetime is unknown (or, impossibly after clamping, beyond the clock).
    fn expires_at(&self) -> Option<Instant> {
        self.lifetime.and_then(|l| self.acquired_at.checked_add(l))
    }

    fn expired(&self, now: Instant) -> bool {
        self.expires_at().is_some_and(|e| now >= e)
    }

    fn renew_at(&self, config: &AuthConfig) -> Option<Instant> {
        let lifetime = self.lifetime?;
        let margin = config
            .renew_margin
            .unwrap_or_else(|| (lifetime / 10).max(Duration::from_secs(60)))
            .min(lifetime / 2);
        self.acquired_at
            .checked_add(lifetime.saturating_sub(margin))
    }

    fn serve(&mut self, scheme: Scheme) -> TokenStep {
        self.served = true;
        TokenStep::Use {
            token: self.token_for(scheme).clone(),
            token_id: self.id,
        }
    }

    fn token_for(&self, scheme: Scheme) -> &Secret {
        match scheme {
            Scheme::Https => &self.secure,
            Scheme::Http => &self.standard,
        }
    }
}

enum State {
    Empty,
    Ready(TokenSet),
    /// Refused by the server; renew or log in again before the next use.
    Stale(TokenSet),
    InFlight {
        grant: Grant,
        id: u64,
        started: Instant,
        /// The tokens being renewed, served to other callers meanwhile while still valid.
        previous: Option<TokenSet>,
        /// The tokens this request replaces (renewed, refused or expired), if any: a set a
        /// driver finds in its cache is taken instead only when it is another, newer one.
        replacing: Option<TokenSet>,
    },
}

/// A change not yet polled by the driver ([`TokenMachine::poll_event`]).
enum Pending {
    Issued(TokenSet, Option<Secret>),
    Renewed(TokenSet, Option<Secret>),
    Refused(TokenSet, Option<Secret>),
    Dropped(TokenSet, Option<Secret>),
    SignedOut,
}

/// The most changes kept for a driver that does not poll them (one that keeps no cache).
const MAX_PENDING: usize = 4;

/// Holds credentials and tokens and decides what to send to get a usable token.
pub struct TokenMachine {
    credentials: Credentials,
    config: AuthConfig,
    state: State,
    next_id: u64,
    /// The refresh token in force (from the credentials or the last password grant).
    refresh_token: Option<Secret>,
    grants_sent: u64,
    /// The coordination id of the call polling now, for session requests.
    coordination_id: Option<String>,
    /// Whose tokens these are, for saved sets; `None`: nothing is saved or restored.
    cache_key: Option<CacheKey>,
    /// Changes for the driver to persist, oldest first.
    pending: VecDeque<Pending>,
    /// The secure token of the last set the server refused to renew: never taken back from a
    /// cache, where it may linger (a failed write).
    dead: Option<Secret>,
}

impl fmt::Debug for TokenMachine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Empty => "Empty",
            State::Ready(_) => "Ready",
            State::Stale(_) => "Stale",
            State::InFlight { .. } => "InFlight",
        };
        f.debug_struct("TokenMachine")
            .field("flow", &self.credentials.flow_name())
            .field("state", &state)
            .field("grants_sent", &self.grants_sent)
            .finish_non_exhaustive()
    }
}

impl TokenMachine {
    /// A machine for these credentials; no token is held until the first call asks.
    pub fn new(credentials: Credentials, config: AuthConfig) -> Self {
        let refresh_token = match &credentials {
            Credentials::RefreshToken { refresh_token, .. } => Some(refresh_token.clone()),
            _ => None,
        };
        Self {
            credentials,
            config,
            state: State::Empty,
            next_id: 1,
            refresh_token,
            grants_sent: 0,
            coordination_id: None,
            cache_key: None,
            pending: VecDeque::new(),
            dead: None,
        }
    }

    /// Names whose tokens these are, so they can be saved and restored
    /// ([`crate::config::ClientConfig::core`] sets it from the credentials and the base URL). Without
    /// a key the machine reports no [`TokenEvent`] and takes no saved set.
    pub fn set_cache_key(&mut self, key: Option<CacheKey>) {
        self.cache_key = key;
    }

    /// The key its saved sets carry, if any.
    pub fn cache_key(&self) -> Option<&CacheKey> {
        self.cache_key.as_ref()
    }

    /// The credentials' flow, for messages.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The settings it was made with.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Whether a token is held and ready (not refused, not being acquired).
    pub fn has_token(&self) -> bool {
        matches!(self.state, State::Ready(_))
    }

    /// How many token requests the machine has asked for so far.
    pub fn grants_sent(&self) -> u64 {
        self.grants_sent
    }

    /// Whether a token request is in flight.
    pub fn is_acquiring(&self) -> bool {
        matches!(self.state, State::InFlight { .. })
    }

    /// When the held token is due for renewal (or `None` when none is held or its lifetime is
    /// unknown). A driver may renew proactively at that time.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            State::Ready(ts) => ts.renew_at(&self.config),
            _ => None,
        }
    }

    /// The token to use for a call going over `scheme`, or the request to send first.
    /// `coordination_id` goes into the `RequestHeader` of a CreateSession or RenewSession
    /// request, so the call's token request can be traced with the call.
    pub fn poll_token(
        &mut self,
        now: Instant,
        endpoints: &Endpoints,
        scheme: Scheme,
        coordination_id: Option<&str>,
    ) -> Result<TokenStep, Error> {
        self.coordination_id = coordination_id.map(str::to_owned);
        match std::mem::replace(&mut self.state, State::Empty) {
            State::Ready(mut ts) if !ts.served => {
                let step = ts.serve(scheme);
                self.state = State::Ready(ts);
                Ok(step)
            }
            State::Ready(ts) => {
                if ts.expired(now) {
                    let grant = self.renewal_grant(false);
                    self.start(now, endpoints, grant, None, Some(&ts))
                } else if ts.renew_at(&self.config).is_some_and(|r| now >= r) {
                    let grant = self.renewal_grant(true);
                    let step = TokenStep::Use {
                        token: ts.token_for(scheme).clone(),
                        token_id: ts.id,
                    };
                    // The caller that notices renewal is due sends it; the old token is still
                    // good, so others keep using it meanwhile.
                    let current = ts.clone();
                    match self.start(now, endpoints, grant, Some(ts), Some(&current)) {
                        Ok(send) => Ok(send),
                        Err(_) => {
                            // Cannot renew (e.g. an access token): keep serving until expiry.
                            self.state = State::Ready(current);
                            Ok(step)
                        }
                    }
                } else {
                    let step = TokenStep::Use {
                        token: ts.token_for(scheme).clone(),
                        token_id: ts.id,
                    };
                    self.state = State::Ready(ts);
                    Ok(step)
                }
            }
            State::Stale(ts) => {
                let grant = self.renewal_grant(!ts.expired(now));
                self.start(now, endpoints, grant, None, Some(&ts))
            }
            State::InFlight {
                grant,
                id,
                started,
                previous,
                replacing,
            } => {
                if now.saturating_duration_since(started) >= self.config.abandon_after {
                    // Its caller went away without an answer; start over.
                    let grant = match &previous {
                        Some(p) => self.renewal_grant(!p.expired(now)),
                        None => self.full_grant(),
                    };
                    let current = previous.clone().or(replacing);
                    return self.start(now, endpoints, grant, previous, current.as_ref());
                }
                let step = match &previous {
                    Some(p) if !p.expired(now) => TokenStep::Use {
                        token: p.token_for(scheme).clone(),
                        token_id: p.id,
                    },
                    _ => TokenStep::Wait,
                };
                self.state = State::InFlight {
                    grant,
                    id,
                    started,
                    previous,
                    replacing,
                };
                Ok(step)
            }
            State::Empty => {
                if let Credentials::AccessToken { token, expires_in } = &self.credentials {
                    let (token, expires_in) = (token.clone(), *expires_in);
                    let mut ts = TokenSet {
                        id: self.bump_id(),
                        standard: token.clone(),
                        secure: token,
                        acquired_at: now,
                        lifetime: expires_in.map(clamp_lifetime),
                        served: false,
                        grant: Grant::ClientCredentials,
                    };
                    let step = ts.serve(scheme);
                    self.state = State::Ready(ts);
                    return Ok(step);
                }
                let grant = self.full_grant();
                self.start(now, endpoints, grant, None, None)
            }
        }
    }

    /// A call was refused with a token failure (AUTH-021 and kin) using the token `token_id`:
    /// drop it, so the next poll renews or logs in again. Returns whether the token was current
    /// (when it was not, a newer one is already there and the call can simply be retried).
    pub fn handle_token_refused(&mut self, token_id: u64) -> bool {
        match &mut self.state {
            State::Ready(ts) if ts.id == token_id => {
                let State::Ready(ts) = std::mem::replace(&mut self.state, State::Empty) else {
                    return false;
                };
                tracing::debug!(target: TARGET, token_id, "token invalidated after a refusal");
                self.report(Pending::Refused(ts.clone(), self.refresh_token.clone()));
                self.state = State::Stale(ts);
                true
            }
            State::InFlight { previous, .. }
                if previous.as_ref().is_some_and(|p| p.id == token_id) =>
            {
                if let Some(p) = previous.take() {
                    let refresh = self.refresh_token.clone();
                    self.report(Pending::Refused(p, refresh));
                }
                true
            }
            State::Stale(ts) => ts.id == token_id,
            _ => false,
        }
    }

    /// The token request `id` will not be sent after all (its call gave up): go back to the
    /// tokens held before, so other callers neither wait for it nor count it.
    pub fn handle_abandoned(&mut self, id: u64) {
        if matches!(&self.state, State::InFlight { id: current, .. } if *current == id) {
            tracing::debug!(target: TARGET, id, "token request withdrawn");
            self.grants_sent = self.grants_sent.saturating_sub(1);
            self.restore_previous();
        }
    }

    /// The token request `id` could not be sent or got no answer: go back to what was there.
    pub fn handle_auth_transport_failure(&mut self, id: u64) {
        if let State::InFlight { id: current, .. } = &self.state {
            if *current == id {
                self.restore_previous();
            }
        }
    }

    /// Digests the response to token request `id`.
    ///
    /// `Ok(())` means the machine moved on: poll again (you may get a token, or a fallback
    /// request when a renewal was refused and a full login is possible). An error means no token
    /// can be had now; nothing is cached, so a later call tries again.
    pub fn handle_auth_response(
        &mut self,
        now: Instant,
        id: u64,
        response: &http::Response<Vec<u8>>,
    ) -> Result<(), AuthFailure> {
        let (grant, started, replacing) = match &self.state {
            State::InFlight {
                grant,
                id: current,
                started,
                replacing,
                ..
            } if *current == id => (*grant, *started, replacing.clone()),
            // A late answer to an abandoned request: ignore it.
            _ => return Ok(()),
        };
        let _ = now;
        let parsed = match grant {
            Grant::CreateSession | Grant::RenewSession => parse_session(response),
            _ => parse_oauth(response),
        };
        match parsed {
            Ok(fresh) => {
                let lifetime = clamp_lifetime(fresh.lifetime);
                tracing::debug!(
                    target: TARGET,
                    grant = grant.name(),
                    lifetime_s = lifetime.as_secs(),
                    stated_lifetime_s = fresh.lifetime.as_secs(),
                    "{}",
                    if grant.is_renewal() { "token renewed" } else { "token acquired" }
                );
                if let Some(rt) = fresh.refresh_token {
                    self.refresh_token = Some(rt);
                }
                let ts = TokenSet {
                    id: self.bump_id(),
                    standard: fresh.standard,
                    secure: fresh.secure,
                    acquired_at: started,
                    lifetime: Some(lifetime),
                    served: false,
                    grant,
                };
                let refresh = self.refresh_token.clone();
                self.report(if grant.is_renewal() {
                    Pending::Renewed(ts.clone(), refresh)
                } else {
                    Pending::Issued(ts.clone(), refresh)
                });
                self.state = State::Ready(ts);
                Ok(())
            }
            // A refusal for the call limits says nothing about the credentials or the token
            // held: keep them, as for server trouble.
            Err(failure) if failure.retryable || failure.error.rate_limit().is_some() => {
                tracing::debug!(
                    target: TARGET,
                    grant = grant.name(),
                    error = %failure.error,
                    "token request failed; may be retried"
                );
                self.restore_previous();
                Err(failure)
            }
            Err(failure) => {
                tracing::debug!(
                    target: TARGET,
                    grant = grant.name(),
                    error = %failure.error,
                    "token request refused"
                );
                self.state = State::Empty;
                if grant == Grant::RefreshToken {
                    // A refused refresh token is dead; don't offer it again.
                    if !matches!(self.credentials, Credentials::RefreshToken { .. }) {
                        self.refresh_token = None;
                    }
                }
                if let Some(dead) = replacing {
                    // Of no use any more: the driver removes them from its cache, so another
                    // process signs in rather than trying them again.
                    self.dead = Some(dead.secure.clone());
                    let refresh = self.refresh_token.clone();
                    self.report(Pending::Dropped(dead, refresh));
                }
                let can_fall_back = grant.is_renewal() && self.full_grant() != grant;
                if can_fall_back {
                    tracing::debug!(
                        target: TARGET,
                        grant = self.full_grant().name(),
                        "renewal refused: signing in afresh"
                    );
                    Ok(())
                } else {
                    Err(failure)
                }
            }
        }
    }

    fn bump_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn restore_previous(&mut self) {
        let State::InFlight { previous, .. } = std::mem::replace(&mut self.state, State::Empty)
        else {
            return;
        };
        if let Some(p) = previous {
            self.state = State::Ready(p);
        }
    }

    /// The request that logs in from nothing.
    fn full_grant(&self) -> Grant {
        match &self.credentials {
            Credentials::ClientCredentials { .. } | Credentials::AccessToken { .. } => {
                Grant::ClientCredentials
            }
            Credentials::ResourceOwner { .. } => Grant::Password,
            Credentials::RefreshToken { .. } => Grant::RefreshToken,
            Credentials::Session { .. } => Grant::CreateSession,
        }
    }

    /// The request that renews held tokens; `still_valid` says whether they have not expired
    /// (RenewSession only renews unexpired tokens).
    fn renewal_grant(&self, still_valid: bool) -> Grant {
        self.renewal_grant_with(still_valid, self.refresh_token.is_some())
    }

    fn renewal_grant_with(&self, still_valid: bool, has_refresh_token: bool) -> Grant {
        match &self.credentials {
            Credentials::Session { .. } if still_valid => Grant::RenewSession,
            Credentials::ResourceOwner { .. } if has_refresh_token => Grant::RefreshToken,
            _ => self.full_grant(),
        }
    }

    fn start(
        &mut self,
        now: Instant,
        endpoints: &Endpoints,
        grant: Grant,
        previous: Option<TokenSet>,
        current: Option<&TokenSet>,
    ) -> Result<TokenStep, Error> {
        let request = match self.build(endpoints, grant, current) {
            Ok(r) => r,
            Err(e) => {
                if let Some(p) = previous {
                    self.state = State::Ready(p);
                }
                return Err(e);
            }
        };
        let id = self.bump_id();
        self.grants_sent += 1;
        self.state = State::InFlight {
            grant,
            id,
            started: now,
            previous,
            replacing: current.cloned(),
        };
        Ok(TokenStep::Send(Box::new(AuthRequest {
            grant,
            id,
            request,
        })))
    }
}

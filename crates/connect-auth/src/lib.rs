//! The sans-IO core of the Getty Images Connect SDK.
//!
//! Nothing in this crate performs I/O or reads the clock. It holds credentials and tokens,
//! decides which HTTP request to send next, and digests the responses its driver brings back:
//!
//! - [`TokenMachine`] knows the credentials, acquires tokens (OAuth2 grants or
//!   CreateSession), renews them ahead of expiry (refresh grant or RenewSession), falls back to a
//!   full login when a renewal is refused, and picks the standard or the secure token per call.
//! - [`Call`] runs one operation: it asks the token machine for a token, builds the envelope,
//!   interprets the response, invalidates a refused token and retries once, and retries transient
//!   failures with full-jitter backoff per the [`RetryPolicy`].
//! - [`Endpoints`] routes each security class to HTTPS or plain HTTP and refuses to send a
//!   secure-only call (or a secure token) over plain HTTP.
//! - [`RateLimiter`] paces every request a client sends (all its clones and tasks share it):
//!   open until the service's per-second throttle, then under what the service allows, with
//!   an optional ceiling; a request waits for its turn as a [`Step::Wait`] deadline.
//!
//! Decisions are logged where they are made, as `tracing` events under the target
//! [`trace::TARGET`] (`connect_auth`): tokens acquired, renewed and invalidated, routing
//! refusals, retries and their pauses. No event carries a secret, a token or a request body.
//!
//! ## One vocabulary for every machine
//!
//! Each machine here speaks the same way, as quinn-proto's `Connection` does: inputs are
//! `handle_*` methods (what came back, what happened), outputs are `poll_*` methods (what to do
//! next), and pauses are deadlines, never durations: `poll_timeout()` says until when, and
//! `handle_timeout(now)` says the time came. Polled before its deadline, a machine keeps
//! waiting, so a driver cannot cut a backoff short by mistake.
//!
//! | machine | outputs | inputs |
//! |---|---|---|
//! | [`Call`], [`SingleStep`] (one operation) | [`Call::poll_step`], [`Call::poll_timeout`] | [`Call::handle_outcome`], [`Call::handle_timeout`] |
//! | [`TokenMachine`] (inside [`Core`]) | [`TokenMachine::poll_token`], [`TokenMachine::poll_timeout`], [`TokenMachine::poll_event`] | [`TokenMachine::handle_auth_response`], [`TokenMachine::handle_auth_transport_failure`], [`TokenMachine::handle_token_refused`], [`TokenMachine::handle_abandoned`], [`TokenMachine::handle_cached`] |
//! | [`paging::Pager`] (a listing) | [`paging::Pager::poll_request`] | [`paging::Pager::handle_page`], [`paging::Pager::handle_failure`] |
//! | [`feed::Feed`] (the partner feed) | [`feed::Feed::poll_step`], [`feed::Feed::poll_timeout`] | [`feed::Feed::handle_changes`], [`feed::Feed::handle_delivered`], [`feed::Feed::handle_confirmed`], [`feed::Feed::handle_timeout`] |
//! | [`download::Authorize`], [`download::Fetch`] (a download) | `poll_call`, `poll_step`, `poll_timeout` | `handle_*` for each answer, `handle_timeout` |
//!
//! A driver (`connect-blocking`, `connect-async`) calls them in this order: a loop around
//! [`Call::poll_step`] that sends what [`Step::Send`] says and hands the answer to
//! [`Call::handle_outcome`]; on [`Step::Wait`] sleeps until the deadline and calls
//! [`Call::handle_timeout`]; on [`Step::WaitForToken`] waits for another call's token request
//! to be answered; and returns on [`Step::Done`]. The call drives the [`TokenMachine`] itself,
//! so drivers never touch it. Listings and the feed wrap that loop: `poll_request`, one call,
//! `handle_page`. See [`Call`] for an example driver.

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly: badges for feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod builder;
pub mod ca;
pub mod call;
pub mod cassette;
pub mod config;
pub mod credentials;
pub mod download;
pub mod driver;
pub mod endpoints;
pub mod env;
pub mod error;
pub mod failure;
pub mod feed;
#[doc(hidden)]
pub mod fuzzing;
pub mod implicit;
pub mod limiter;
pub mod oembed;
pub mod paging;
pub mod redirect;
pub mod retry;
pub mod single_step;
pub mod token;
pub mod trace;

pub use builder::{BuildClient, ClientBuilder};
pub use call::{Call, CallOptions, Outcome, Outgoing, Purpose, Step};
pub use config::ClientConfig;
pub use credentials::Credentials;
pub use endpoints::{Endpoints, Scheme};
pub use error::{Attempts, Error, ErrorKind};
pub use failure::{TransportCause, TransportFailure};
pub use limiter::{PacingStatus, RateLimit, RateLimiter};
pub use retry::{RateLimitScope, RetryBudget, RetryPolicy, RetryRule, SplitMix64};
pub use single_step::SingleStep;
pub use token::{AuthConfig, CacheKey, SavedTokens, TokenEvent, TokenMachine, TokenStep};

/// A sans-IO exchange a driver runs to completion: an operation's [`Call`], or a
/// [`SingleStep`] download. Both transports drive either through the same loop.
pub trait Exchange {
    /// What a finished exchange returns.
    type Output;
    /// The operation's documented name (for tracing and errors).
    fn operation(&self) -> &'static str;
    /// The coordination id sent with every attempt.
    fn coordination_id(&self) -> &str;
    /// The next thing to do.
    fn poll_step(&mut self, core: &mut Core, now: std::time::Instant) -> Step<Self::Output>;
    /// Digests what came back for the last [`Step::Send`].
    fn handle_outcome(&mut self, core: &mut Core, now: std::time::Instant, outcome: Outcome);
    /// The driver found `saved` in its token cache before sending the last [`Step::Send`], a
    /// token request: `true` when the core took it instead (do not send; poll again). See
    /// [`TokenMachine::handle_cached`].
    fn handle_cached(
        &mut self,
        core: &mut Core,
        now: std::time::Instant,
        wall: std::time::SystemTime,
        saved: Option<&token::SavedTokens>,
    ) -> bool;
    /// The driver slept until a [`Step::Wait`] deadline: time has reached `now`.
    fn handle_timeout(&mut self, now: std::time::Instant) {
        let _ = now;
    }
}

impl<O: connect_types::Operation> Exchange for Call<O> {
    type Output = O::Result;
    fn operation(&self) -> &'static str {
        O::NAME
    }
    fn coordination_id(&self) -> &str {
        Call::coordination_id(self)
    }
    fn poll_step(&mut self, core: &mut Core, now: std::time::Instant) -> Step<O::Result> {
        Call::poll_step(self, core, now)
    }
    fn handle_outcome(&mut self, core: &mut Core, now: std::time::Instant, outcome: Outcome) {
        Call::handle_outcome(self, core, now, outcome);
    }
    fn handle_cached(
        &mut self,
        core: &mut Core,
        now: std::time::Instant,
        wall: std::time::SystemTime,
        saved: Option<&token::SavedTokens>,
    ) -> bool {
        Call::handle_cached(self, core, now, wall, saved)
    }
    fn handle_timeout(&mut self, now: std::time::Instant) {
        Call::handle_timeout(self, now);
    }
}

impl Exchange for SingleStep {
    type Output = download::DownloadTarget;
    fn operation(&self) -> &'static str {
        SingleStep::operation(self)
    }
    fn coordination_id(&self) -> &str {
        SingleStep::coordination_id(self)
    }
    fn poll_step(&mut self, core: &mut Core, now: std::time::Instant) -> Step<Self::Output> {
        SingleStep::poll_step(self, core, now)
    }
    fn handle_outcome(&mut self, core: &mut Core, now: std::time::Instant, outcome: Outcome) {
        SingleStep::handle_outcome(self, core, now, outcome);
    }
    fn handle_cached(
        &mut self,
        core: &mut Core,
        now: std::time::Instant,
        wall: std::time::SystemTime,
        saved: Option<&token::SavedTokens>,
    ) -> bool {
        SingleStep::handle_cached(self, core, now, wall, saved)
    }
    fn handle_timeout(&mut self, now: std::time::Instant) {
        SingleStep::handle_timeout(self, now);
    }
}

/// The core a driver keeps behind its lock: the token machine, the endpoints, the policy, and
/// what all of a client's calls share besides their tokens (the retry budget's balance and the
/// rate limiter).
#[derive(Debug)]
pub struct Core {
    /// Credentials and tokens.
    pub tokens: TokenMachine,
    /// Where calls go.
    pub endpoints: Endpoints,
    /// How failed calls are retried.
    pub retry: RetryPolicy,
    /// What is left of the retry budget ([`RetryPolicy::budget`]).
    pub budget: retry::BudgetBalance,
    /// The client's pace.
    pub limiter: RateLimiter,
}

impl Core {
    /// Refuses to put an OAuth2 access token on a plain-HTTP request unless the settings opt in
    /// ([`AuthConfig::allow_oauth_token_over_http`]): such a token also authorizes secure-only
    /// operations. Legacy session tokens follow the standard/secure split instead.
    pub fn oauth_over_http_allowed(
        &self,
        scheme: Scheme,
        operation: &'static str,
    ) -> Result<(), Error> {
        let oauth = !matches!(self.tokens.credentials(), Credentials::Session { .. });
        if scheme == Scheme::Http && oauth && !self.tokens.config().allow_oauth_token_over_http {
            tracing::debug!(
                target: trace::TARGET,
                operation,
                "refused: an OAuth2 access token would go over plain HTTP"
            );
            return Err(Error::Refused {
                operation,
                reason: format!(
                    "it would carry an OAuth2 access token over plain HTTP ({}), and such a \
                     token also authorizes secure-only operations for whoever sees it on the \
                     wire; use an https:// base URL, or opt in with \
                     allow_oauth_token_over_http / --insecure-send-oauth-token-over-http",
                    self.endpoints
                        .route(connect_types::Security::Standard, operation)
                        .map_or("", |(base, _)| base)
                ),
            });
        }
        Ok(())
    }

    /// A core for these credentials and endpoints, with the default auth config, retry policy
    /// and rate limit.
    pub fn new(credentials: Credentials, endpoints: Endpoints) -> Self {
        Self::with_settings(
            TokenMachine::new(credentials, AuthConfig::default()),
            endpoints,
            RetryPolicy::default(),
            RateLimit::default(),
        )
    }

    /// A core from its parts: the budget starts full, the limiter open.
    pub fn with_settings(
        tokens: TokenMachine,
        endpoints: Endpoints,
        retry: RetryPolicy,
        rate_limit: RateLimit,
    ) -> Self {
        Self {
            tokens,
            endpoints,
            budget: retry::BudgetBalance::new(retry.budget.clone()),
            retry,
            limiter: RateLimiter::new(rate_limit),
        }
    }
}

// The README's example runs as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

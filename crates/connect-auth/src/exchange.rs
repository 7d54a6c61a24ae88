//! The driver's vocabulary: what an exchange asks its driver to do ([`Step`], with the request
//! to send as an [`Outgoing`]), what the driver brings back ([`Outcome`]), the [`Exchange`]
//! trait both machines that make one implement ([`crate::call::Call`],
//! [`crate::single_step::SingleStep`]), and the [`Core`] they share behind the driver's lock.
//!
//! Nothing here knows a particular exchange: `call.rs` and `single_step.rs` build on this
//! module, and it imports neither.

use crate::credentials::Credentials;
use crate::endpoints::Endpoints;
use crate::error::Error;
use crate::failure::TransportFailure;
use crate::limiter::{RateLimit, RateLimiter};
use crate::retry::{self, RetryPolicy};
use crate::token::{self, AuthConfig, Grant, TokenMachine};
use connect_types::Response;
use std::fmt;
use std::time::Instant;

/// Per-call choices.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// The `CoordinationId` to send with every request of the call, its retries and its session
    /// requests included (default, or when empty: a random one, so calls can be traced).
    pub coordination_id: Option<String>,
    /// Overrides [`crate::retry::RetryPolicy::retry_non_idempotent`] for this call.
    pub retry_non_idempotent: Option<bool>,
}

/// Why a request is being sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A token request (OAuth2 grant, CreateSession or RenewSession).
    Auth {
        /// Which request.
        grant: Grant,
    },
    /// The operation itself.
    Call {
        /// 1 for the first attempt.
        attempt: u32,
    },
}

/// A request the driver must send, then report with [`Exchange::handle_outcome`].
pub struct Outgoing {
    /// The request. Its body may hold credentials or a token: never log it.
    pub request: http::Request<Vec<u8>>,
    /// Why it is sent.
    pub purpose: Purpose,
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("purpose", &self.purpose)
            .field("method", self.request.method())
            .field("uri", self.request.uri())
            .field("body", &"***")
            .finish()
    }
}

/// What came back for an [`Outgoing`] request.
#[derive(Debug)]
pub enum Outcome {
    /// An HTTP response, whatever its status.
    Response(http::Response<Vec<u8>>),
    /// No response.
    Failed(TransportFailure),
}

/// What the driver must do next.
#[derive(Debug)]
pub enum Step<T> {
    /// Send this request and pass what comes back to [`Exchange::handle_outcome`].
    Send(Outgoing),
    /// Sleep until this deadline, then poll again: a backoff before a retry, or the request's
    /// turn at the client's rate limiter. Polled earlier, the exchange answers `Wait` with the
    /// same deadline, so a pause cannot be cut short.
    Wait(Instant),
    /// Another call is acquiring the token this one needs: wait until the core's token request
    /// is answered (the driver's notification), then poll again.
    WaitForToken,
    /// The call is over.
    Done(Result<Response<T>, Error>),
}

/// A sans-IO exchange a driver runs to completion: an operation's [`crate::Call`], or a
/// [`crate::SingleStep`] download. Both transports drive either through the same loop.
pub trait Exchange {
    /// What a finished exchange returns.
    type Output;
    /// The operation's documented name (for tracing and errors).
    fn operation(&self) -> &'static str;
    /// The coordination id sent with every attempt.
    fn coordination_id(&self) -> &str;
    /// The next thing to do.
    fn poll_step(&mut self, core: &mut Core, now: Instant) -> Step<Self::Output>;
    /// Digests what came back for the last [`Step::Send`].
    fn handle_outcome(&mut self, core: &mut Core, now: Instant, outcome: Outcome);
    /// The driver found `saved` in its token cache before sending the last [`Step::Send`], a
    /// token request: `true` when the core took it instead (do not send; poll again). See
    /// [`TokenMachine::handle_cached`].
    fn handle_cached(
        &mut self,
        core: &mut Core,
        now: Instant,
        wall: std::time::SystemTime,
        saved: Option<&token::SavedTokens>,
    ) -> bool;
    /// The driver slept until a [`Step::Wait`] deadline: time has reached `now`.
    fn handle_timeout(&mut self, now: Instant) {
        let _ = now;
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

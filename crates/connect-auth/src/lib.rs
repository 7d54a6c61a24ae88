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

mod attempt;
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
pub mod exchange;
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
pub use call::Call;
pub use config::ClientConfig;
pub use credentials::Credentials;
pub use endpoints::{Endpoints, Scheme};
pub use error::{Attempts, Error, ErrorKind};
pub use exchange::{CallOptions, Core, Exchange, Outcome, Outgoing, Purpose, Step};
pub use failure::{TransportCause, TransportFailure};
pub use limiter::{PacingStatus, RateLimit, RateLimiter};
pub use retry::{RateLimitScope, RetryBudget, RetryPolicy, RetryRule, SplitMix64};
pub use single_step::SingleStep;
pub use token::{AuthConfig, CacheKey, SavedTokens, TokenEvent, TokenMachine, TokenStep};

// The README's example runs as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

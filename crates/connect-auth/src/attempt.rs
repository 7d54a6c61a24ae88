//! What both exchanges ([`crate::call::Call`], [`crate::single_step::SingleStep`]) do between attempts: decide
//! on a retry and its pause, wait for the rate limiter's turn, and tell the limiter what an
//! answer said of the pace.

use crate::error::Error;
use crate::exchange::Core;
use crate::limiter::{Admission, Ticket};
use crate::retry::{RateLimitScope, RetryRule, SplitMix64};
use crate::trace::TARGET;
use std::time::{Duration, Instant};

/// What a retry decision is about.
pub(crate) struct RetryAsk<'a> {
    pub(crate) operation: &'static str,
    pub(crate) rule: RetryRule,
    /// Whether the rule allows this request to be sent again at all.
    pub(crate) allowed: bool,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) error: &'a Error,
}

/// The pause before sending again, or `None` when the request is not retried: the rule does
/// not allow it, the policy's attempts are used up, or the client's retry budget cannot pay.
/// `failures` counts the exchange's failures so far; `rng` gives the jitter. Shared by calls
/// and SingleStepDownload.
pub(crate) fn retry_pause(
    core: &mut Core,
    failures: &mut u32,
    rng: &mut SplitMix64,
    ask: RetryAsk<'_>,
) -> Option<Duration> {
    let RetryAsk {
        operation,
        rule,
        allowed,
        retry_after,
        error,
    } = ask;
    if allowed {
        *failures += 1;
        if let Some(d) = core.retry.delay(*failures, retry_after, rng.next_f64()) {
            if core.budget.try_spend(rule) {
                tracing::info!(
                    target: TARGET,
                    operation,
                    failures = *failures,
                    rule = rule.name(),
                    pause_ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                    error = %error,
                    "retrying after a pause"
                );
                return Some(d);
            }
            tracing::info!(
                target: TARGET,
                operation,
                rule = rule.name(),
                budget_left = core.budget.available().unwrap_or(0),
                "not retrying: the client's retry budget is used up (too many failures lately)"
            );
            return None;
        }
    }
    tracing::debug!(
        target: TARGET,
        operation,
        retry_allowed = allowed,
        rule = rule.name(),
        failures = *failures,
        "not retrying"
    );
    None
}

/// Asks the rate limiter for the next request's turn: `None` to send now, or the deadline to
/// wait for (logged, so `-v` shows each wait).
pub(crate) fn wait_for_turn(
    core: &mut Core,
    now: Instant,
    ticket: &mut Option<Ticket>,
    operation: &'static str,
) -> Option<Instant> {
    let fresh = ticket.is_none();
    match core.limiter.admit(now, ticket) {
        Admission::Go => None,
        Admission::Wait(until) => {
            if fresh {
                tracing::info!(
                    target: TARGET,
                    operation,
                    wait_ms = u64::try_from(until.saturating_duration_since(now).as_millis())
                        .unwrap_or(u64::MAX),
                    rate_per_s = core.limiter.rate(now).unwrap_or(0.0),
                    "waiting for a turn at the client's rate limiter"
                );
            }
            Some(until)
        }
    }
}

/// Tells the rate limiter what became of a request sent at `sent_at` (a call's or a token
/// request's): throttled for the per-second limit, or let through.
pub(crate) fn observe_answer(
    core: &mut Core,
    now: Instant,
    sent_at: Option<Instant>,
    r: &http::Response<Vec<u8>>,
    operation: &'static str,
) {
    let sent_at = sent_at.unwrap_or(now);
    match crate::retry::rate_limit_of(r) {
        Some(RateLimitScope::PerSecond) => {
            let slowed = core.limiter.handle_throttled(now, sent_at);
            tracing::info!(
                target: TARGET,
                operation,
                slowed_down = slowed,
                rate_per_s = core.limiter.rate(now).unwrap_or(0.0),
                "throttled by the service: the application key is over its per-second limit"
            );
        }
        Some(_) => {}
        None => core.limiter.handle_passed(now, sent_at),
    }
}

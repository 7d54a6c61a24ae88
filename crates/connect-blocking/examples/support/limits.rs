//! What the blocking and async call-limit benchmarks share (included with `#[path]`): the
//! sandboxes, the figures and how they are printed.

use connect_sandbox::{KeyCounts, Sandbox, SandboxConfig, SandboxThread};
use std::time::Duration;

/// Searches made between all the workers.
pub const CALLS: u64 = 3_000;
/// The sandbox's per-second limit.
pub const QPS: u32 = 50;
/// The sandbox's daily limit.
pub const DAILY: u64 = 100;
/// Calls made after the daily limit is used up.
pub const AFTER: u64 = 20;

/// The sandbox's OAuth2 client id, the application key the benchmarks' calls count against.
pub const KEY: &str = "sandbox-client";

/// A sandbox at `--qps 50`.
pub fn per_second_sandbox() -> SandboxThread {
    Sandbox::start_blocking(
        SandboxConfig::default()
            .with_images(2_000)
            .with_qps(Some(QPS)),
    )
    .unwrap()
}

/// A sandbox at `--daily-limit 100`, its clock just past midnight (a whole day ahead).
pub fn daily_sandbox() -> SandboxThread {
    let sb = Sandbox::start_blocking(
        SandboxConfig::default()
            .with_images(2_000)
            .with_daily_limit(Some(DAILY)),
    )
    .unwrap();
    sb.advance_to_next_day();
    sb
}

/// What the key did at the sandbox.
pub fn key(sb: &SandboxThread) -> KeyCounts {
    sb.stats().app_keys.get(KEY).cloned().unwrap_or_default()
}

/// Prints the per-second figures; panics when a call failed (the one target that is not a
/// timing).
pub fn report_per_second(
    who: &str,
    succeeded: u64,
    elapsed: Duration,
    counts: &KeyCounts,
    pacing: connect_auth::PacingStatus,
) {
    let ideal = CALLS as f64 / f64::from(QPS);
    let requests = counts.allowed + counts.throttled_per_second;
    let goodput = succeeded as f64 / elapsed.as_secs_f64();
    println!(
        "per-second limit: {CALLS} searches by {who} against the sandbox at --qps {QPS}:\n  \
         calls that succeeded: {succeeded} of {CALLS} (target: all)\n  \
         wall time {:.1} s / ideal {ideal:.1} s (calls / qps) = {:.3} (target <= 1.10)\n  \
         goodput {goodput:.1} searches/s = {:.1}% of the limit\n  \
         throttled answers: {} of {requests} requests = {:.2}% (target < 5%)\n  \
         client: {} slow-downs, {} requests waited their turn, pace at the end {}",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / ideal,
        goodput / f64::from(QPS) * 100.0,
        counts.throttled_per_second,
        counts.throttled_per_second as f64 / requests.max(1) as f64 * 100.0,
        pacing.slowdowns,
        pacing.held,
        pacing
            .rate
            .map_or_else(|| "open".to_owned(), |r| format!("{r:.1}/s")),
    );
    let bench = if who.contains("async") {
        "async"
    } else {
        "blocking"
    };
    let throttled = counts.throttled_per_second as f64 / requests.max(1) as f64 * 100.0;
    use crate::figure::{Goal, figure};
    figure(
        &format!("{bench}: per-second limit, wall / ideal"),
        Goal::AtMost(1.10),
        "x",
        &[elapsed.as_secs_f64() / ideal],
    );
    figure(
        &format!("{bench}: per-second limit, throttled answers"),
        Goal::Below(5.0),
        "%",
        &[throttled],
    );
    assert_eq!(succeeded, CALLS, "every call must succeed");
}

/// Prints the daily figures: `succeeded` calls before the first failure, then for each of the
/// `AFTER` calls after it, how many requests the sandbox saw for it. Panics unless the limit
/// held exactly.
pub fn report_daily(who: &str, succeeded: u64, counts: &KeyCounts, requests_per_failure: &[u64]) {
    let one_each = requests_per_failure.iter().all(|n| *n == 1);
    println!(
        "daily limit: {who} against the sandbox at --daily-limit {DAILY}:\n  \
         {} requests let through ({} searches and the token request), then {} of {} calls \
         failed with the daily-limit error after exactly one request each (target: all)",
        counts.allowed,
        succeeded,
        requests_per_failure.iter().filter(|n| **n == 1).count(),
        requests_per_failure.len(),
    );
    assert_eq!(counts.allowed, DAILY, "exactly the limit got through");
    assert_eq!(
        succeeded,
        DAILY - 1,
        "the token request is one of the hundred"
    );
    assert!(one_each, "{requests_per_failure:?}");
}

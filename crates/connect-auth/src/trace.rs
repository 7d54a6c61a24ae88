//! Logging: the core's `tracing` events, and the span fields a driver records.
//!
//! The core has no subscriber and does no I/O: it only emits events, under one target
//! ([`TARGET`]), at three levels:
//!
//! - `info`: one line per call when it ends (succeeded, or failed with its error), retries
//!   after a pause, a refused token renewed before the call is sent again, each per-second
//!   throttle from the service and each wait for the rate limiter's turn;
//! - `debug`: the decisions in between: token requests and the tokens acquired, renewed and
//!   invalidated, refused renewals, routing refusals, pauses, the decision not to retry;
//! - `trace`: every request sent (with its attempt number) and every answer or failure to
//!   answer (status, body size).
//!
//! So `RUST_LOG=connect_auth=info` (the command line's `-v`) shows what was called and how it
//! ended, `=debug` (`-vv`) why, and `=trace` (`-vvv`) each exchange. Fields are operation
//! names, grants, coordination ids, statuses, counts and error messages; never a secret, a
//! token or a request body.
//!
//! A driver opens a `connect_call` span per call (with empty `attempt` and `status` fields) and
//! records them with [`crate::driver::sending`] and [`crate::driver::answered`].

/// The target of every event the core emits.
pub const TARGET: &str = "connect_auth";

/// A duration as people read it in a message: `0.2 s`, `183.4 s`.
pub fn seconds(d: std::time::Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

//! What every driver needs besides the machines: the cap on an API answer and how a read answer
//! becomes an [`Outcome`], per-call seeds, how long to wait for another caller's token before
//! looking again, and the fields it records on a call's span ([`sending`], [`answered`]).

use crate::exchange::{Outcome, Purpose};
use crate::trace::TARGET;
use std::time::Duration;

/// The largest API answer a transport reads (a guard against a runaway server; a 75-image
/// search with keywords is well under a megabyte).
pub const MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;
/// The capacity to reserve for an API answer: its `Content-Length`, capped at
/// [`MAX_RESPONSE_BYTES`] so a lying header cannot reserve more.
pub fn answer_capacity(headers: &http::HeaderMap) -> usize {
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    usize::try_from(length.min(MAX_RESPONSE_BYTES)).unwrap_or(0)
}

/// The [`Outcome`] of an API exchange once the transport has read (or failed to read)
/// the whole answer.
pub fn answer_outcome(head: http::response::Parts, body: std::io::Result<Vec<u8>>) -> Outcome {
    match body {
        Ok(bytes) => Outcome::Response(http::Response::from_parts(head, bytes)),
        Err(e) => {
            let cause = crate::failure::TransportCause::from_chain(&e)
                .unwrap_or(crate::failure::TransportCause::Closed);
            Outcome::Failed(
                crate::failure::TransportFailure::new(
                    cause,
                    format!("reading the answer failed: {e}"),
                )
                .reached_server(true)
                .with_source(e),
            )
        }
    }
}

/// Seeds for [`crate::call::Call::new`]: per-client randomness for backoff jitter and coordination
/// ids, without a random-number crate (std's per-process hash keys give the entropy).
#[derive(Debug)]
pub struct CallSeeds {
    base: u64,
    calls: std::sync::atomic::AtomicU64,
}

impl Default for CallSeeds {
    fn default() -> Self {
        use std::hash::BuildHasher;
        Self {
            base: std::collections::hash_map::RandomState::new().hash_one(0x5EED_u64),
            calls: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl CallSeeds {
    /// A fresh source.
    pub fn new() -> Self {
        Self::default()
    }

    /// The seed of the next call: distinct per call.
    pub fn next(&self) -> u64 {
        let n = self
            .calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.base ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// How long a call waiting for another call's token request sleeps before looking again, in
/// case a wake-up was missed (the token request's own timeouts bound the real wait).
pub const TOKEN_WAIT_SAFETY: Duration = Duration::from_millis(500);

/// A request is about to be sent for `purpose`: records the attempt on the call's span.
pub fn sending(span: &tracing::Span, purpose: Purpose) {
    match purpose {
        Purpose::Call { attempt } => {
            span.record("attempt", attempt);
        }
        // Logged here, where it really goes out: a token cache may have answered instead.
        Purpose::Auth { grant } => {
            tracing::debug!(target: TARGET, grant = grant.name(), "sending a token request");
        }
    }
}

/// The answer to a request sent for `purpose` came back: records the HTTP status of the call's
/// own requests (not its token requests) on the call's span.
pub fn answered(span: &tracing::Span, purpose: Purpose, outcome: &Outcome) {
    if let (Purpose::Call { .. }, Outcome::Response(r)) = (purpose, outcome) {
        span.record("status", r.status().as_u16());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_seeds_differ() {
        let s = CallSeeds::new();
        assert_ne!(s.next(), s.next());
    }
}

//! Log lines a driver writes around each exchange, under the target `connect_auth`.
//!
//! They record the attempt and the HTTP status on the driver's `connect_call` span and log at
//! debug level. They never see a request body, so no token or password can reach the logs.
//! `tracing` only formats and dispatches events; it performs no I/O of its own here.

use crate::call::{Outcome, Purpose};
use crate::error::Error;
use connect_types::Response;

/// A request is about to be sent for `purpose`, as part of the call `coordination_id`.
pub fn sending(span: &tracing::Span, purpose: Purpose, coordination_id: &str) {
    match purpose {
        Purpose::Call { attempt } => {
            span.record("attempt", attempt);
            tracing::debug!(attempt, coordination_id, "sending");
        }
        Purpose::Auth { grant } => {
            tracing::debug!(
                grant = grant.name(),
                coordination_id,
                "sending a token request"
            );
        }
    }
}

/// The answer (or the lack of one) to a request sent for `purpose`.
pub fn answered(span: &tracing::Span, purpose: Purpose, outcome: &Outcome) {
    match outcome {
        Outcome::Response(r) => {
            let status = r.status().as_u16();
            if let Purpose::Call { .. } = purpose {
                span.record("status", status);
            }
            tracing::debug!(status, bytes = r.body().len(), "answer");
        }
        Outcome::Failed(f) => {
            tracing::debug!(error = %f.message, reached_server = f.reached_server, "no answer");
        }
    }
}

/// How the call ended.
pub fn finished<T>(result: &Result<Response<T>, Error>) {
    match result {
        Ok(_) => tracing::debug!("call succeeded"),
        Err(e) => tracing::debug!(error = %e, kind = ?e.kind(), "call failed"),
    }
}

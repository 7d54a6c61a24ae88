//! What a drawn fault does to a call: an answer instead of the work, a dropped connection, a
//! slow, cut, stalled or trickled body.

use super::Fault;
use crate::response::{Body, DropConnection, bytes_response, plain, refusal};
use crate::state::State;
use crate::store::limits::Verdict;
use http::{HeaderValue, Response, StatusCode as Http, header};
use http_body_util::BodyExt;
use std::time::Duration;

/// A fault that strikes before the request is read: `Ok(Some(r))` answers `r` instead,
/// `Err` drops the connection.
pub fn before(
    state: &State,
    fault: Option<Fault>,
) -> Result<Option<Response<Body>>, DropConnection> {
    let Some(f) = fault.filter(|f| f.before()) else {
        return Ok(None);
    };
    state.stats.fault(f.name());
    match f {
        Fault::Unavailable => {
            let mut r = plain(
                Http::SERVICE_UNAVAILABLE,
                "injected fault: service unavailable\n",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Ok(Some(r))
        }
        Fault::ServiceDown => {
            let (s, v) = crate::api::envelope(
                None,
                Err(crate::api::Fail::new(
                    connect_types::StatusCode::DependentServiceDown,
                    "injected fault: a backing system could not be reached",
                )),
                None,
            );
            Ok(Some(bytes_response(s, v)))
        }
        Fault::OverQps => Ok(Some(refusal(Verdict::OverQps))),
        Fault::OverDaily => Ok(Some(refusal(Verdict::OverDaily))),
        _ => Err(DropConnection),
    }
}

/// What an after-the-work fault leaves of an answer's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tail {
    /// All of it.
    Whole,
    /// The first half, then the connection is cut.
    CutHalf,
    /// The first half, a stall, then the rest.
    StallHalf(Duration),
    /// A download body at this many bytes per second (other answers: whole).
    Trickle(u64),
}

/// A fault that strikes once the work is done: waits out a slow answer, drops the connection
/// for `DropAfter`; returns what is left of the body.
pub async fn after(state: &State, fault: Option<Fault>) -> Result<Tail, DropConnection> {
    let Some(f) = fault.filter(|f| !f.before()) else {
        return Ok(Tail::Whole);
    };
    state.stats.fault(f.name());
    match f {
        Fault::Slow { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            Ok(Tail::Whole)
        }
        Fault::CutMidBody => Ok(Tail::CutHalf),
        Fault::StallMidBody { millis } => Ok(Tail::StallHalf(Duration::from_millis(millis))),
        Fault::Trickle { bytes_per_sec } => Ok(Tail::Trickle(bytes_per_sec)),
        _ => Err(DropConnection),
    }
}

/// Sends `r`, or what an after-the-work fault makes of it.
pub async fn finish(
    state: &State,
    fault: Option<Fault>,
    r: Response<Body>,
) -> Result<Response<Body>, DropConnection> {
    let tail = after(state, fault).await?;
    if matches!(tail, Tail::Whole | Tail::Trickle(_)) {
        return Ok(r);
    }
    // Half the body under the full Content-Length, then a cut or a stall and the rest.
    let (parts, body) = r.into_parts();
    let bytes = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let rest = bytes.slice(bytes.len() / 2..);
    let end = async move {
        if let Tail::StallHalf(stall) = tail {
            tokio::time::sleep(stall).await;
            return Ok(rest);
        }
        // The error waits a moment so the half already written reaches the client first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected cut",
        ))
    };
    let chunks = futures_util::StreamExt::chain(
        futures_util::stream::iter([Ok(half)]),
        futures_util::stream::once(end),
    );
    let mut r = Response::from_parts(parts, crate::response::stream(chunks));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Ok(r)
}

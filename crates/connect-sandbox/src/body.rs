//! Request bodies: read within the size and time limits, or refused with the answer to send.

use crate::response::{Body, bytes_response, plain};
use crate::state::State;
use http::{HeaderValue, Request, Response, StatusCode as Http, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// Largest request body accepted (1 MiB); larger ones get 413.
pub const MAX_BODY: usize = 1 << 20;

/// Reads a request body up to [`MAX_BODY`] within the body read timeout; `Err` carries the
/// response to send instead (413, or 408 and a closed connection).
pub async fn read_body(
    state: &State,
    req: Request<Incoming>,
) -> Result<bytes::Bytes, Response<Body>> {
    let limit = state.config.limits.body_read_timeout;
    match tokio::time::timeout(limit, read_body_untimed(req)).await {
        Ok(r) => r,
        Err(_) => {
            state.stats.connection_timed_out();
            let mut r = plain(
                Http::REQUEST_TIMEOUT,
                "the request body did not arrive in time\n",
            );
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Err(r)
        }
    }
}

async fn read_body_untimed(req: Request<Incoming>) -> Result<bytes::Bytes, Response<Body>> {
    let too_big = || {
        let (s, v) = crate::api::envelope(
            None,
            Err(
                crate::api::Fail::invalid("the request body is larger than 1 MiB")
                    .with_http(Http::PAYLOAD_TOO_LARGE),
            ),
            None,
        );
        bytes_response(s, v)
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = req.into_body();
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        drain(&mut body).await;
        return Err(too_big());
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(plain(
                Http::BAD_REQUEST,
                "the request body could not be read\n",
            ));
        };
        if let Some(d) = frame.data_ref() {
            if buf.len() + d.len() > MAX_BODY {
                drain(&mut body).await;
                return Err(too_big());
            }
            buf.extend_from_slice(d);
        }
    }
    Ok(buf.freeze())
}

/// Reads and discards up to 16 MiB more of a refused body, so a client that is still sending
/// gets to read the 413 instead of a reset connection.
async fn drain(body: &mut Incoming) {
    let mut left: usize = 16 << 20;
    while let Some(Ok(frame)) = body.frame().await {
        let n = frame.data_ref().map_or(0, bytes::Bytes::len);
        if n >= left {
            break;
        }
        left -= n;
    }
}

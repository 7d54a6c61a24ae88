//! Building answers: the response body type and the JSON and plain-text responses every
//! route uses.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode as Http, header};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, StreamBody};
use serde_json::Value;

/// Every response body: whole bytes or a stream that may fail (which drops the connection).
pub type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

/// A body holding `bytes`.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// An empty body.
pub fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// A body streamed chunk by chunk; an `Err` item cuts the connection mid-body.
pub fn stream<S>(chunks: S) -> Body
where
    S: futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    use futures_util::TryStreamExt;
    StreamBody::new(chunks.map_ok(hyper::body::Frame::data)).boxed_unsync()
}

fn with_type(status: Http, body: Body, content_type: &'static str) -> Response<Body> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A JSON answer from a value, written as the service wrote its JSON ([`crate::wire`]).
pub fn json_response(status: Http, v: &Value) -> Response<Body> {
    bytes_response(status, crate::wire::to_vec(v).unwrap_or_default())
}

/// A JSON answer from bytes already encoded.
pub fn bytes_response(status: Http, body: Vec<u8>) -> Response<Body> {
    with_type(status, full(body), "application/json; charset=utf-8")
}

/// A short plain-text answer.
pub fn plain(status: Http, text: &'static str) -> Response<Body> {
    with_type(status, full(text), "text/plain; charset=utf-8")
}

/// A plain-text answer built at run time.
pub fn text(status: Http, text: String) -> Response<Body> {
    with_type(status, full(text), "text/plain; charset=utf-8")
}

/// The gateway's refusal for a call limit: `403`, `X-Error-Detail` naming the limit, and
/// `{"message": …}` (see [`connect_types::gateway`]). Not an envelope, no `Retry-After`.
pub fn over_limit(detail: &'static str) -> Response<Body> {
    let mut r = with_type(
        Http::FORBIDDEN,
        full(connect_types::gateway::body(detail)),
        "application/json; charset=utf-8",
    );
    r.headers_mut().insert(
        connect_types::gateway::ERROR_DETAIL_HEADER,
        HeaderValue::from_static(detail),
    );
    r
}

/// The gateway's answer for a call the limits refused.
pub fn refusal(verdict: crate::store::limits::Verdict) -> Response<Body> {
    match verdict {
        crate::store::limits::Verdict::OverDaily => over_limit(connect_types::gateway::OVER_RATE),
        _ => over_limit(connect_types::gateway::OVER_QPS),
    }
}

//! oEmbed (`GET /oembed?url=http://gty.im/{id}`): no token, no envelope, errors as HTTP
//! statuses. The transports send [`request`]'s answer and give the response to [`answer`].
//!
//! The service answers on its embed host; the SDK sends the call to the standard operations'
//! base URL (`--http-base-url` when set, else the main base), where the sandbox serves it.

use crate::endpoints::Endpoints;
use crate::error::Error;
use crate::failure::TransportFailure;
use connect_types::Security;
use connect_types::ops::{OEmbedRequest, OEmbedResponse};

const NAME: &str = OEmbedRequest::NAME;

/// The GET request for `req`.
pub fn request(
    endpoints: &Endpoints,
    req: &OEmbedRequest,
) -> Result<http::Request<Vec<u8>>, Error> {
    if req.asset_id().is_none() {
        return Err(Error::Config(format!(
            "oEmbed needs a short link {}{{asset id}}, not {:?}",
            OEmbedRequest::SHORT_LINK_PREFIX,
            req.url
        )));
    }
    let path = format!("{}?{}", OEmbedRequest::PATH, req.query());
    let (url, _) = endpoints.url(Security::Standard, &path, NAME)?;
    http::Request::get(url)
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| Error::Config(format!("invalid oEmbed request: {e}")))
}

/// The embed from an answer: 200 with the JSON object, or an error naming the status
/// (501 when a `format` other than json was asked for).
pub fn answer(response: &http::Response<Vec<u8>>) -> Result<OEmbedResponse, Error> {
    let status = response.status().as_u16();
    if status != 200 {
        return Err(Error::http(NAME, response));
    }
    serde_json::from_slice(response.body()).map_err(|e| Error::Decode {
        operation: NAME,
        message: e.to_string(),
    })
}

/// The error for a request that got no answer.
pub fn failed(t: TransportFailure) -> Error {
    Error::transport(NAME, t, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_query_and_reads_the_answer() {
        let e = Endpoints::new("https://h.example").unwrap();
        let r = request(&e, &OEmbedRequest::for_asset("42")).unwrap();
        assert_eq!(r.method(), http::Method::GET);
        assert_eq!(
            r.uri().to_string(),
            "https://h.example/oembed?url=http%3A%2F%2Fgty.im%2F42"
        );
        assert!(request(&e, &OEmbedRequest::default()).is_err());
        let ok = http::Response::builder()
            .status(200)
            .body(br#"{"type":"rich","thumbnail_width":"113"}"#.to_vec())
            .unwrap();
        assert_eq!(answer(&ok).unwrap().thumbnail_width, Some(113));
        let no = http::Response::builder()
            .status(501)
            .body(Vec::new())
            .unwrap();
        assert!(matches!(answer(&no), Err(Error::Http { status: 501, .. })));
    }
}

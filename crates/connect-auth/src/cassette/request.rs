//! From `http` messages to recorded ones: operation names, the headers kept, the bodies.

use super::content::{BodyDigest, Content};
use super::format::{RecordedRequest, origin};
use super::redact::Redactor;
use serde_json::Value;
use std::collections::BTreeMap;

/// The request headers a cassette keeps: credentials (as placeholders), a download's range and
/// validator, SingleStepDownload's coordination id.
pub const REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "api-key",
    "range",
    "if-range",
    "gi-coordination-id",
];

/// The answer headers a cassette keeps: what a client reads (type, length and range of a
/// download, validators, redirects, retry advice, the rate limits' detail).
pub const RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "content-range",
    "accept-ranges",
    "etag",
    "last-modified",
    "location",
    "retry-after",
    "x-error-detail",
    "www-authenticate",
    "cache-control",
];

/// The operation a request is for: the documented name for `/v1/<group>/<Op>` and
/// `/v2/<group>/<Op>`, `oauth2/token`, `SingleStepDownload`, `oEmbed`, and `download` for any
/// other `GET` (a file).
pub fn operation_of(method: &str, url: &str) -> String {
    let path = path_of(url);
    let lower = path.trim_end_matches('/').to_ascii_lowercase();
    if lower == "/oauth2/token" || lower == "/oauth2/auth" {
        return lower.trim_start_matches('/').to_owned();
    }
    if lower == "/oembed" {
        return connect_types::ops::OEmbedRequest::NAME.to_owned();
    }
    if lower.starts_with("/v2/download/") {
        return connect_types::ops::SingleStepDownloadRequest::NAME.to_owned();
    }
    if method.eq_ignore_ascii_case("GET") {
        return "download".to_owned();
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [v, _, op] if v.eq_ignore_ascii_case("v1") || v.eq_ignore_ascii_case("v2") => {
            (*op).to_owned()
        }
        _ => path.to_owned(),
    }
}

/// The path of a URL (absolute or origin-form), without query or fragment.
pub fn path_of(url: &str) -> &str {
    let rest = match origin(url) {
        Some(o) => &url[o.len()..],
        None => url,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// The query of a URL, if any.
pub fn query_of(url: &str) -> Option<&str> {
    let without_fragment = url.split('#').next().unwrap_or(url);
    without_fragment.split_once('?').map(|(_, q)| q)
}

/// A request as a cassette records it, redacted with `redactor` (which learns its secrets).
pub(crate) fn describe_request(
    request: &http::Request<Vec<u8>>,
    redactor: &mut Redactor,
) -> (String, RecordedRequest) {
    let url = request.uri().to_string();
    let method = request.method().as_str().to_owned();
    let operation = operation_of(&method, &url);
    let mut headers = BTreeMap::new();
    for name in REQUEST_HEADERS {
        if let Some(v) = request.headers().get(*name) {
            let text = String::from_utf8_lossy(v.as_bytes());
            headers.insert((*name).to_owned(), redactor.header(name, &text));
        }
    }
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut body = request_content(content_type, request.body());
    match &mut body {
        Content::Json(v) => redactor.json(v),
        Content::Form(f) => redactor.form(f),
        Content::Text(t) => {
            if let Some(s) = redactor.scrub(t) {
                *t = s;
            }
        }
        Content::Empty | Content::Bytes(_) => {}
    }
    let url = if operation == "download" {
        redactor.url(&url)
    } else {
        redactor.scrub(&url).unwrap_or(url)
    };
    let recorded = RecordedRequest {
        method,
        url,
        headers,
        body,
    };
    (operation, recorded)
}

fn request_content(content_type: &str, body: &[u8]) -> Content {
    if body.is_empty() {
        return Content::Empty;
    }
    if content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        if let Ok(text) = std::str::from_utf8(body) {
            let pairs = connect_types::ops::oauth2::decode_form(text);
            return Content::Form(pairs.into_iter().collect());
        }
    }
    text_or_bytes(body, usize::MAX)
}

/// An API answer's (or a request's) body: JSON when it parses as a JSON object or array, text
/// when it is UTF-8, bytes otherwise (kept up to `limit`).
pub(crate) fn text_or_bytes(body: &[u8], limit: usize) -> Content {
    if body.is_empty() {
        return Content::Empty;
    }
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if v.is_object() || v.is_array() {
            return Content::Json(v);
        }
    }
    match std::str::from_utf8(body) {
        Ok(t) => Content::Text(t.to_owned()),
        Err(_) => Content::Bytes(BodyDigest::of(body, body.len() <= limit)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_from_the_path() {
        let op = |m, u| operation_of(m, u);
        assert_eq!(
            op("POST", "https://h/v2/search/SearchForImages"),
            "SearchForImages"
        );
        assert_eq!(
            op("POST", "https://h/v1/search/SearchForImages"),
            "SearchForImages"
        );
        assert_eq!(op("POST", "https://h/oauth2/token"), "oauth2/token");
        assert_eq!(
            op("POST", "https://h/v2/download/100000001"),
            "SingleStepDownload"
        );
        assert_eq!(op("GET", "https://h/oembed?url=x"), "oEmbed");
        assert_eq!(op("GET", "http://h:1/download/i1.small.2.sig"), "download");
        assert_eq!(op("POST", "/v1/lightbox/CreateLightbox"), "CreateLightbox");
        assert_eq!(op("POST", "/elsewhere"), "/elsewhere");
    }

    #[test]
    fn urls_split_into_origin_path_and_query() {
        assert_eq!(origin("https://h:8443/v1/x?y"), Some("https://h:8443"));
        assert_eq!(origin("/v1/x"), None);
        assert_eq!(path_of("https://h:8443/v1/x?y#z"), "/v1/x");
        assert_eq!(path_of("/v1/x?y"), "/v1/x");
        assert_eq!(query_of("https://h/a?b=1#c"), Some("b=1"));
        assert_eq!(query_of("https://h/a"), None);
    }

    #[test]
    fn a_token_form_is_recorded_decoded_and_redacted() {
        let mut r = Redactor::new(&[], &[]);
        let request = http::Request::post("https://h/oauth2/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                b"grant_type=client_credentials&client_id=my-app&client_secret=p%40ss+word"
                    .to_vec(),
            )
            .unwrap();
        let (op, recorded) = describe_request(&request, &mut r);
        assert_eq!(op, "oauth2/token");
        let Content::Form(form) = recorded.body else {
            panic!("{:?}", recorded.body)
        };
        assert_eq!(form["client_secret"], "<secret-1>");
        assert_eq!(form["client_id"], "<key-1>");
        assert_eq!(form["grant_type"], "client_credentials");
    }
}

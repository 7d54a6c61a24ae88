//! Redirects answering an API call or a token request: refused, never followed.
//!
//! Following one would re-send the request (with its token, or the credentials of a token
//! request) to wherever the `Location` points, plain HTTP or another host. So the transports
//! are configured not to follow them, and the core turns a 3xx into an error that names the
//! status and the host it pointed at (not its path or query, which may carry secrets).

use crate::error::Error;

/// The error for a 3xx answer to `operation`, or `None` when the status is not a redirect.
pub fn refused_redirect(
    operation: &'static str,
    response: &http::Response<Vec<u8>>,
) -> Option<Error> {
    let status = response.status();
    if !status.is_redirection() {
        return None;
    }
    let host = response
        .headers()
        .get(http::header::LOCATION)
        .map(|v| location_host(v.as_bytes()));
    Some(Error::Redirect {
        operation,
        status: status.as_u16(),
        host,
    })
}

/// The host (and port) of a `Location` value: `"the same host"` for a relative one, and a
/// placeholder when it holds anything but host characters.
fn location_host(location: &[u8]) -> String {
    let text = String::from_utf8_lossy(location);
    let text = text.trim();
    let Some((_, rest)) = text.split_once("://") else {
        return "the same host".to_owned();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Drop any user:password@ part.
    let host = authority.rsplit('@').next().unwrap_or("");
    let plain = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    if host.is_empty() || !plain || host.len() > 255 {
        "an unreadable host".to_owned()
    } else {
        host.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, location: Option<&str>) -> http::Response<Vec<u8>> {
        let mut r = http::Response::new(Vec::new());
        *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
        if let Some(l) = location {
            if let Ok(v) = http::HeaderValue::from_str(l) {
                r.headers_mut().insert(http::header::LOCATION, v);
            }
        }
        r
    }

    #[test]
    fn names_status_and_host_only() {
        let e = refused_redirect(
            "X",
            &answer(307, Some("http://user:pw@Evil.example:8080/p?token=t")),
        );
        let text = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("307") && text.contains("evil.example:8080"),
            "{text}"
        );
        assert!(
            !text.contains("token=t") && !text.contains("pw") && !text.contains("/p"),
            "{text}"
        );
        assert!(refused_redirect("X", &answer(200, None)).is_none());
        assert!(refused_redirect("X", &answer(404, Some("http://a/"))).is_none());
    }

    #[test]
    fn odd_locations() {
        assert_eq!(location_host(b"/relative"), "the same host");
        assert_eq!(location_host(b"https://a b/"), "an unreadable host");
        assert_eq!(location_host(b"https://\x1b[2J/"), "an unreadable host");
        assert_eq!(location_host(b"https://[::1]:4/x"), "[::1]:4");
        let e = refused_redirect("X", &answer(302, None)).map(|e| e.to_string());
        assert!(e.is_some_and(|t| t.contains("302")));
    }
}

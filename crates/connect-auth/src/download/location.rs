//! Download URLs and redirects: which schemes are allowed, where a `Location` points, and how
//! to name a URL in a message without its path or query (they authorize the download).

use crate::error::Error;
use http::Uri;

/// Redirects followed per request before a download gives up.
pub const MAX_REDIRECTS: u32 = 3;

/// `scheme://host[:port]` of a URL: what messages may show of it.
pub fn origin(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("?");
    let host = uri.authority().map_or("?", |a| a.as_str());
    // The authority may carry `user:password@`: keep only what follows it.
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("{scheme}://{host}")
}

/// Checks a download URL: absolute, with a host, and `https` (or `http` when `allow_http`,
/// which the client sets when its own base URL is plain HTTP).
pub fn check_url(url: &str, allow_http: bool) -> Result<Uri, Error> {
    let uri: Uri = url.trim().parse().map_err(|_| Error::Decode {
        operation: "download",
        message: "the download URL is not a valid absolute URL".into(),
    })?;
    check_uri(uri, allow_http, "the download URL")
}

fn check_uri(uri: Uri, allow_http: bool, what: &str) -> Result<Uri, Error> {
    let host_ok = uri.authority().is_some_and(|a| !a.host().is_empty());
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    match scheme.as_deref() {
        _ if !host_ok => Err(Error::Decode {
            operation: "download",
            message: format!("{what} has no host"),
        }),
        Some("https") => Ok(uri),
        Some("http") if allow_http => Ok(uri),
        Some("http") => Err(Error::Refused {
            operation: "download",
            reason: format!(
                "{what} ({}) is plain HTTP; downloads go over HTTPS unless the client's own \
                 base URL is http://",
                origin(&uri)
            ),
        }),
        _ => Err(Error::Refused {
            operation: "download",
            reason: format!("{what} ({}) is neither HTTPS nor HTTP", origin(&uri)),
        }),
    }
}

/// Where a redirect from `current` to `location` leads, checked like a download URL.
pub fn follow(current: &Uri, location: &str, allow_http: bool) -> Result<Uri, Error> {
    let location = location.trim();
    let invalid = || Error::Decode {
        operation: "download",
        message: format!(
            "the download server at {} redirected to an invalid Location",
            origin(current)
        ),
    };
    let absolute = if location.contains("://") {
        location.to_owned()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", current.scheme_str().unwrap_or("https"))
    } else {
        let base = origin(current);
        if location.starts_with('/') {
            format!("{base}{location}")
        } else {
            // Relative to the current path's directory.
            let path = current.path();
            let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            let dir = if dir.is_empty() { "/" } else { dir };
            format!("{base}{dir}{location}")
        }
    };
    let uri: Uri = absolute.parse().map_err(|_| invalid())?;
    check_uri(uri, allow_http, "a redirect of the download")
}

/// `message` with every appearance of `url` (whole, or its path and query) replaced: transport
/// errors may quote the URL they failed on.
pub fn redact(message: &str, url: &Uri) -> String {
    let mut out = message.replace(&url.to_string(), "<download URL>");
    if let Some(pq) = url.path_and_query().map(|p| p.as_str()) {
        if pq.len() > 1 {
            out = out.replace(pq, "/<redacted>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_urls_must_be_https_unless_allowed() {
        assert!(check_url("https://dl.example/a?sig=1", false).is_ok());
        let e = check_url("http://dl.example/secret-path?sig=1", false).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Refused);
        assert!(!e.to_string().contains("secret-path"), "{e}");
        assert!(check_url("http://dl.example/a", true).is_ok());
        assert!(check_url("ftp://dl.example/a", true).is_err());
        assert!(check_url("/relative", true).is_err());
        assert!(check_url("not a url", true).is_err());
    }

    #[test]
    fn redirects_resolve_and_are_checked() {
        let cur: Uri = "https://a.example:8443/d/file?sig=1".parse().unwrap();
        let f = |l| follow(&cur, l, false).map(|u| u.to_string());
        assert_eq!(f("https://b.example/x").unwrap(), "https://b.example/x");
        assert_eq!(f("/y?z=1").unwrap(), "https://a.example:8443/y?z=1");
        assert_eq!(f("other").unwrap(), "https://a.example:8443/d/other");
        assert_eq!(f("//c.example/q").unwrap(), "https://c.example/q");
        let e = f("http://evil.example/steal?sig=1")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("http://evil.example") && !e.contains("steal"),
            "{e}"
        );
        assert!(f("https://").is_err());
    }

    #[test]
    fn messages_lose_the_path_and_query() {
        let url: Uri = "https://u:p@dl.example/sig/abc?token=t".parse().unwrap();
        assert_eq!(origin(&url), "https://dl.example");
        let m = redact(
            "error sending https://u:p@dl.example/sig/abc?token=t: reset",
            &url,
        );
        assert!(!m.contains("abc") && !m.contains("token=t"), "{m}");
        let m = redact("bad path /sig/abc?token=t", &url);
        assert!(!m.contains("abc"), "{m}");
    }
}

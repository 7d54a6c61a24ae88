//! Parsing the headers that say which bytes an answer holds and which file they belong to:
//! `Content-Range`, `Content-Length`, `ETag`, `Last-Modified`. Plain functions of strings, so
//! a fuzz target can call them directly.

/// What a `Content-Range` header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentRange {
    /// `bytes <first>-<last>/<total|*>`: the body holds bytes `first..=last`.
    Bytes {
        /// The first byte's offset.
        first: u64,
        /// The last byte's offset (inclusive).
        last: u64,
        /// The whole file's length, when the server says it.
        total: Option<u64>,
    },
    /// `bytes */<total>` (with a 416): no range, only the file's length.
    Unsatisfied {
        /// The whole file's length.
        total: u64,
    },
}

/// Parses a `Content-Range` value. Returns `None` for anything malformed, for a last byte
/// before the first, and for a range that does not fit inside the announced total.
///
/// ```
/// use connect_auth::download::{ContentRange, parse_content_range};
/// assert_eq!(
///     parse_content_range("bytes 4-9/10"),
///     Some(ContentRange::Bytes { first: 4, last: 9, total: Some(10) })
/// );
/// assert_eq!(parse_content_range("bytes */10"), Some(ContentRange::Unsatisfied { total: 10 }));
/// assert_eq!(parse_content_range("bytes 9-4/10"), None);
/// ```
pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?;
    // At least one space separates the unit from the range (RFC 9110 §14.4).
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let (range, total) = rest.trim_start().split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(parse_u64(t)?),
    };
    if range.trim() == "*" {
        return total.map(|total| ContentRange::Unsatisfied { total });
    }
    let (first, last) = range.trim().split_once('-')?;
    let (first, last) = (parse_u64(first)?, parse_u64(last)?);
    if last < first || total.is_some_and(|t| last >= t) {
        return None;
    }
    Some(ContentRange::Bytes { first, last, total })
}

/// Parses a `Content-Length` value: digits only (no sign, no list of values).
pub fn parse_content_length(value: &str) -> Option<u64> {
    parse_u64(value.trim())
}

/// A decimal number made of ASCII digits only; `u64::from_str` would also take a `+`.
fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// What identifies one version of a served file: the strong `ETag` or, failing that,
/// `Last-Modified`. A weak `ETag` (`W/"…"`) does not count: `If-Range` needs a strong one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validator {
    /// The strong entity tag, quotes included, as the server sent it.
    pub etag: Option<String>,
    /// The `Last-Modified` date, as the server sent it.
    pub last_modified: Option<String>,
}

impl Validator {
    /// The validators in these headers.
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        let text = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        Self {
            etag: text(http::header::ETAG)
                .filter(|e| !e.starts_with("W/"))
                .map(str::to_owned),
            last_modified: text(http::header::LAST_MODIFIED).map(str::to_owned),
        }
    }

    /// Whether there is anything to send in `If-Range`.
    pub fn is_known(&self) -> bool {
        self.etag.is_some() || self.last_modified.is_some()
    }

    /// The `If-Range` value: the entity tag if known, else the date.
    pub fn if_range(&self) -> Option<&str> {
        self.etag.as_deref().or(self.last_modified.as_deref())
    }

    /// Whether an answer carrying `other` may belong to the file this validator describes:
    /// every validator both sides have must be equal. (An answer without validators is
    /// judged by the `If-Range` it was sent with.)
    pub fn agrees_with(&self, other: &Validator) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        same(&self.etag, &other.etag) && same(&self.last_modified, &other.last_modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        let bytes = |first, last, total| Some(ContentRange::Bytes { first, last, total });
        assert_eq!(parse_content_range("bytes 0-9/*"), bytes(0, 9, None));
        assert_eq!(
            parse_content_range(" bytes  4-9/10 "),
            bytes(4, 9, Some(10))
        );
        for bad in [
            "items 0-9/10",
            "bytes0-9/10",
            "bytes 0-10/10",
            "bytes 5-4/10",
            "bytes -1-4/10",
            "bytes +1-4/10",
            "bytes 1-4/",
            "bytes */*",
            "bytes 1-/10",
            "bytes 99999999999999999999-1/2",
            "",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad:?}");
        }
        assert_eq!(parse_content_length(" 42 "), Some(42));
        assert_eq!(parse_content_length("+42"), None);
        assert_eq!(parse_content_length("4, 4"), None);
    }

    #[test]
    fn validators() {
        let mut h = http::HeaderMap::new();
        h.insert("etag", "W/\"weak\"".parse().unwrap());
        assert!(!Validator::from_headers(&h).is_known());
        h.insert("etag", "\"a\"".parse().unwrap());
        h.insert(
            "last-modified",
            "Mon, 30 Nov 2026 10:00:00 GMT".parse().unwrap(),
        );
        let v = Validator::from_headers(&h);
        assert_eq!(v.if_range(), Some("\"a\""));
        let other = Validator {
            etag: Some("\"b\"".into()),
            last_modified: None,
        };
        assert!(!v.agrees_with(&other));
        assert!(v.agrees_with(&Validator::default()));
    }
}

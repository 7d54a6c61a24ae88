//! Matching on replay: where a request differs from a recorded one.
//!
//! Requests are compared as parsed data, never as bytes: the method, the URL's path and query
//! (not its origin, so a replay may use any base URL), the kept headers, and the body member by
//! member. A recorded placeholder stands for any text (the replaying client's credentials and
//! tokens are its own), also inside a longer string (a URL's signature, a user name in a
//! lightbox name), and the volatile members are not compared at all: `CoordinationId` (fresh
//! for every call), the `GI-Coordination-Id` header, and the names the caller adds.

use super::content::Content;
use super::format::RecordedRequest;
use super::redact::literal_parts;
use super::request::{path_of, query_of};
use serde_json::Value;
use std::collections::BTreeMap;

/// Whether `sent` is what `recorded` says, each placeholder in `recorded` standing for any
/// text.
pub(crate) fn fits(recorded: &str, sent: &str) -> bool {
    let parts = literal_parts(recorded);
    let [first, middle @ .., last] = parts.as_slice() else {
        return recorded == sent;
    };
    if sent.len() < first.len() + last.len() || !sent.starts_with(first) || !sent.ends_with(last) {
        return false;
    }
    // Both ends matched on character boundaries, and they do not overlap.
    let mut rest = &sent[first.len()..sent.len() - last.len()];
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Members never compared, in lower case: they differ from one run to the next by design.
pub const VOLATILE: &[&str] = &["coordinationid", "gi-coordination-id"];

/// Where a request first differs from a recorded one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Where: `method`, `path`, `query.<name>`, `header <name>`, `body.<member>.<member>[i]`,
    /// `form.<field>`.
    pub at: String,
    /// The recorded value, shortened (placeholders stand for secrets).
    pub recorded: String,
    /// The value sent, shortened, redacted like a recording.
    pub sent: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: recorded {}, sent {}",
            self.at, self.recorded, self.sent
        )
    }
}

/// At most this many characters of a value are shown.
const SHOWN_CHARS: usize = 60;

fn shorten(s: String) -> String {
    if s.chars().count() <= SHOWN_CHARS {
        return s;
    }
    let mut out: String = s.chars().take(SHOWN_CHARS).collect();
    out.push('…');
    out
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(v) => shorten(v.to_string()),
    }
}

fn show_str(v: Option<&str>) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(s) => shorten(format!("{s:?}")),
    }
}

/// Collects differences, up to a limit.
struct Diffs<'a> {
    ignored: &'a [String],
    out: Vec<Difference>,
    limit: usize,
}

impl Diffs<'_> {
    fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    fn push(&mut self, at: String, recorded: String, sent: String) {
        if !self.full() {
            self.out.push(Difference { at, recorded, sent });
        }
    }

    fn ignored(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        VOLATILE.contains(&lower.as_str()) || self.ignored.contains(&lower)
    }

    fn json(&mut self, at: &str, recorded: &Value, sent: &Value) {
        if self.full() {
            return;
        }
        match (recorded, sent) {
            (Value::String(r), Value::String(s)) if fits(r, s) => {}
            (Value::Object(r), Value::Object(s)) => {
                for (k, rv) in r {
                    if self.ignored(k) {
                        continue;
                    }
                    let here = format!("{at}.{k}");
                    match s.get(k) {
                        Some(sv) => self.json(&here, rv, sv),
                        None => self.push(here, show(Some(rv)), show(None)),
                    }
                }
                for (k, sv) in s {
                    if !r.contains_key(k) && !self.ignored(k) {
                        self.push(format!("{at}.{k}"), show(None), show(Some(sv)));
                    }
                }
            }
            (Value::Array(r), Value::Array(s)) => {
                for (i, (rv, sv)) in r.iter().zip(s).enumerate() {
                    self.json(&format!("{at}[{i}]"), rv, sv);
                }
                if r.len() != s.len() {
                    let i = r.len().min(s.len());
                    self.push(format!("{at}[{i}]"), show(r.get(i)), show(s.get(i)));
                }
            }
            (r, s) if r == s => {}
            (r, s) => self.push(at.to_owned(), show(Some(r)), show(Some(s))),
        }
    }

    fn pairs(
        &mut self,
        at: &str,
        recorded: &BTreeMap<String, String>,
        sent: &BTreeMap<String, String>,
    ) {
        let names: std::collections::BTreeSet<&String> =
            recorded.keys().chain(sent.keys()).collect();
        for name in names {
            if self.ignored(name) {
                continue;
            }
            let (r, s) = (recorded.get(name), sent.get(name));
            let same = match (r, s) {
                (Some(r), Some(s)) => fits(r, s),
                (r, s) => r == s,
            };
            if !same {
                self.push(
                    format!("{at}{name}"),
                    show_str(r.map(String::as_str)),
                    show_str(s.map(String::as_str)),
                );
            }
        }
    }
}

/// The differences between a recorded request and one sent now (already redacted), the first
/// first, at most `limit` of them.
pub(crate) fn differences(
    recorded: &RecordedRequest,
    sent: &RecordedRequest,
    ignored: &[String],
    limit: usize,
) -> Vec<Difference> {
    let mut d = Diffs {
        ignored,
        out: Vec::new(),
        limit,
    };
    if !recorded.method.eq_ignore_ascii_case(&sent.method) {
        d.push(
            "method".into(),
            recorded.method.clone(),
            sent.method.clone(),
        );
    }
    paths(&mut d, path_of(&recorded.url), path_of(&sent.url));
    match (query_of(&recorded.url), query_of(&sent.url)) {
        (Some(r), Some(s)) if fits(r, s) => {}
        (r, s) => {
            let decode = |q: Option<&str>| -> BTreeMap<String, String> {
                connect_types::ops::oauth2::decode_form(q.unwrap_or(""))
                    .into_iter()
                    .collect()
            };
            d.pairs("query.", &decode(r), &decode(s));
        }
    }
    d.pairs("header ", &recorded.headers, &sent.headers);
    match (&recorded.body, &sent.body) {
        (Content::Json(r), Content::Json(s)) => d.json("body", r, s),
        (Content::Form(r), Content::Form(s)) => d.pairs("form.", r, s),
        (Content::Text(r), Content::Text(s)) if r != s => {
            d.push("body".into(), show_str(Some(r)), show_str(Some(s)));
        }
        (Content::Bytes(r), Content::Bytes(s)) if r.sha256 != s.sha256 => {
            let bytes =
                |b: &super::content::BodyDigest| format!("{} bytes, sha256 {}", b.length, b.sha256);
            d.push("body".into(), bytes(r), bytes(s));
        }
        (r, s) if std::mem::discriminant(r) != std::mem::discriminant(s) => {
            d.push("body".into(), r.kind().into(), s.kind().into());
        }
        _ => {}
    }
    d.out
}

/// Paths compared whole; a placeholder in the recorded one (a signature) stands for any text.
fn paths(d: &mut Diffs<'_>, recorded: &str, sent: &str) {
    if !fits(recorded, sent) {
        d.push(
            "path".into(),
            show_str(Some(recorded)),
            show_str(Some(sent)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn post(url: &str, body: Value) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            url: url.into(),
            headers: BTreeMap::new(),
            body: Content::Json(body),
        }
    }

    #[test]
    fn volatile_members_and_placeholders_match_anything_and_the_rest_is_compared() {
        let recorded = post(
            "https://recorded:1/v2/search/SearchForImages",
            json!({"RequestHeader": {"Token": "<token-1>", "CoordinationId": "aaa"},
                   "SearchForImagesRequestBody": {"Query": {"SearchPhrase": "beach"}, "ResultOptions": {"ItemCount": 3}}}),
        );
        let same = post(
            "https://elsewhere/v2/search/SearchForImages",
            json!({"RequestHeader": {"Token": "<token-9>", "CoordinationId": "bbb"},
                   "SearchForImagesRequestBody": {"Query": {"SearchPhrase": "beach"}, "ResultOptions": {"ItemCount": 3}}}),
        );
        assert_eq!(differences(&recorded, &same, &[], 10), []);
        let changed = post(
            "https://elsewhere/v2/search/SearchForImages",
            json!({"RequestHeader": {"Token": "<token-9>"},
                   "SearchForImagesRequestBody": {"Query": {"SearchPhrase": "beach"}, "ResultOptions": {"ItemCount": 5}, "Extra": true}}),
        );
        let d = differences(&recorded, &changed, &[], 10);
        assert_eq!(
            d[0].to_string(),
            "body.SearchForImagesRequestBody.ResultOptions.ItemCount: recorded 3, sent 5"
        );
        assert_eq!(d[1].at, "body.SearchForImagesRequestBody.Extra");
        assert_eq!(d[1].recorded, "(absent)");
        let ignored = differences(
            &recorded,
            &changed,
            &["itemcount".into(), "extra".into()],
            10,
        );
        assert_eq!(ignored, []);
    }

    #[test]
    fn placeholders_stand_for_any_text_also_inside_a_string() {
        assert!(fits("<token-1>", "anything at all"));
        assert!(fits("<user-1>'s box", "someone's box"));
        assert!(fits("<user-1>'s box", "<user-7>'s box"));
        assert!(!fits("<user-1>'s box", "someone's bag"));
        assert!(fits(
            "/download/%3Csignature-1%3E",
            "/download/i1.small.2.abc"
        ));
        assert!(
            fits("a<secret-1>b<secret-2>c", "aXXbYYc") && !fits("a<secret-1>b<secret-2>c", "aXXc")
        );
        assert!(fits("plain", "plain") && !fits("plain", "plane"));
        assert!(!fits("<token-1>x", "") && fits("<token-x>", "<token-x>"));
        assert!(fits("é<key-1>é", "éé") && !fits("é<key-1>é", "é"));
    }

    #[test]
    fn paths_queries_forms_and_headers_are_compared() {
        let mut recorded = post("https://h/download/%3Csignature-1%3E", json!({}));
        recorded.method = "GET".into();
        recorded.body = Content::Empty;
        recorded.headers.insert("range".into(), "bytes=0-".into());
        let mut sent = recorded.clone();
        sent.url = "http://other:2/download/%3Csignature-4%3E".into();
        assert_eq!(differences(&recorded, &sent, &[], 10), []);
        sent.headers.clear();
        assert_eq!(differences(&recorded, &sent, &[], 10)[0].at, "header range");
        sent.url = "http://other:2/elsewhere/x".into();
        assert_eq!(differences(&recorded, &sent, &[], 10)[0].at, "path");

        let form = |grant: &str| RecordedRequest {
            method: "POST".into(),
            url: "https://h/oauth2/token".into(),
            headers: BTreeMap::new(),
            body: Content::Form(BTreeMap::from([
                ("grant_type".to_owned(), grant.to_owned()),
                ("client_secret".to_owned(), "<secret-1>".to_owned()),
            ])),
        };
        let mut sent = form("password");
        if let Content::Form(f) = &mut sent.body {
            f.insert("client_secret".into(), "<secret-7>".into());
        }
        let d = differences(&form("client_credentials"), &sent, &[], 10);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].to_string(),
            "form.grant_type: recorded \"client_credentials\", sent \"password\""
        );
        let oembed = |q: &str| RecordedRequest {
            method: "GET".into(),
            url: format!("https://h/oembed?{q}"),
            headers: BTreeMap::new(),
            body: Content::Empty,
        };
        let d = differences(
            &oembed("url=a&format=json"),
            &oembed("format=json&url=b"),
            &[],
            10,
        );
        assert_eq!(d[0].at, "query.url");
    }
}

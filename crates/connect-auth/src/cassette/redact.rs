//! Redaction at record time: every secret becomes a stable placeholder (`<token-1>`,
//! `<secret-2>`, …), the same value always the same placeholder.
//!
//! Two passes. The first knows where the API puts secrets (the token form's fields, the
//! envelope's `Token`, session and authorization results, `Authorization` and `Api-Key`,
//! download URLs) and learns each value it replaces. The second looks for every value learnt so
//! far (and the caller's own) anywhere else in the exchange: a token echoed in a message, a
//! user name in a result, a signature in a redirect.

use connect_types::Secret;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a placeholder stands for; its label is the placeholder's word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Session, access, refresh and download tokens.
    Token,
    /// Passwords and client secrets (and what the caller asked to redact).
    Secret,
    /// Application keys: OAuth2 client ids, system ids, `Api-Key`.
    Key,
    /// User names.
    User,
    /// The signed part of a download URL.
    Signature,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Token,
        Kind::Secret,
        Kind::Key,
        Kind::User,
        Kind::Signature,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::Secret => "secret",
            Kind::Key => "key",
            Kind::User => "user",
            Kind::Signature => "signature",
        }
    }

    fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// Values shorter than this are replaced where the API puts secrets, but not searched for
/// elsewhere (a three-letter user name would otherwise eat every word that contains it).
pub(crate) const MIN_SEARCHED_CHARS: usize = 6;

/// Whether `s` is a placeholder this module writes (`<token-3>`).
pub(crate) fn is_placeholder(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('<').and_then(|s| s.strip_suffix('>')) else {
        return false;
    };
    let Some((label, n)) = inner.rsplit_once('-') else {
        return false;
    };
    Kind::ALL.iter().any(|k| k.label() == label)
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// The length of the placeholder `s` begins with (`<token-3>`, or in a URL `%3Ctoken-3%3E`).
fn placeholder_at(s: &str) -> Option<usize> {
    let (open, close) = if s.starts_with('<') {
        ("<", ">")
    } else if s.starts_with("%3C") {
        ("%3C", "%3E")
    } else {
        return None;
    };
    let rest = &s[open.len()..];
    Kind::ALL.iter().find_map(|k| {
        let after = rest.strip_prefix(k.label())?.strip_prefix('-')?;
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0 && after[digits..].starts_with(close))
            .then(|| open.len() + k.label().len() + 1 + digits + close.len())
    })
}

/// Where the placeholders of `s` stand, as byte ranges.
fn placeholder_spans(s: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = s.as_bytes();
    let (mut spans, mut i) = (Vec::new(), 0);
    while i < bytes.len() {
        // Only at `<` or `%`: ASCII, so always a character boundary.
        let found = matches!(bytes[i], b'<' | b'%')
            .then(|| placeholder_at(&s[i..]))
            .flatten();
        match found {
            Some(len) => {
                spans.push(i..i + len);
                i += len;
            }
            None => i += 1,
        }
    }
    spans
}

/// `s` cut around its placeholders: the literal text before, between and after them (one
/// piece when it has none).
pub(crate) fn literal_parts(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut from = 0;
    for span in placeholder_spans(s) {
        parts.push(&s[from..span.start]);
        from = span.end;
    }
    parts.push(&s[from..]);
    parts
}

/// A placeholder as it stands in a URL (`<` and `>` are not allowed there).
pub(crate) fn url_placeholder(p: &str) -> String {
    p.replace('<', "%3C").replace('>', "%3E")
}

/// Whether a URL part is a placeholder, plain or percent-encoded.
pub(crate) fn is_url_placeholder(s: &str) -> bool {
    is_placeholder(s) || is_placeholder(&s.replace("%3C", "<").replace("%3E", ">"))
}

/// The kind of secret a JSON member, form field or header of this name holds.
fn builtin_kind(lower: &str) -> Option<Kind> {
    Some(match lower {
        "token" | "securetoken" | "downloadtoken" | "access_token" | "refresh_token"
        | "id_token" => Kind::Token,
        "password" | "client_secret" | "systempassword" | "userpassword" => Kind::Secret,
        "client_id" | "systemid" | "api-key" => Kind::Key,
        "username" => Kind::User,
        "urlattachment" | "location" => Kind::Signature,
        _ => return None,
    })
}

/// The placeholder table and the rules.
pub(crate) struct Redactor {
    /// Each secret seen and its placeholder, longest first (so a token that contains a user
    /// name is replaced whole). The values are secrets: never shown.
    known: Vec<(String, String)>,
    counts: [u32; 5],
    fields: Vec<String>,
    values: Vec<Secret>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("placeholders", &self.known.len())
            .field("extra_fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl Redactor {
    /// A redactor with the built-in rules, plus these field names (any case) and values.
    pub(crate) fn new(fields: &[String], values: &[Secret]) -> Self {
        let mut r = Redactor {
            known: Vec::new(),
            counts: [0; 5],
            fields: fields.iter().map(|f| f.to_ascii_lowercase()).collect(),
            values: values.to_vec(),
        };
        for v in values {
            r.placeholder(Kind::Secret, v.expose());
        }
        r
    }

    fn kind_of(&self, name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        builtin_kind(&lower).or_else(|| self.fields.contains(&lower).then_some(Kind::Secret))
    }

    /// The placeholder for `value`, made on first sight. Empty values and placeholders stay.
    pub(crate) fn placeholder(&mut self, kind: Kind, value: &str) -> String {
        if value.is_empty() || is_placeholder(value) {
            return value.to_owned();
        }
        if let Some((_, p)) = self.known.iter().find(|(v, _)| v == value) {
            return p.clone();
        }
        let count = &mut self.counts[kind.index()];
        *count += 1;
        let p = format!("<{}-{count}>", kind.label());
        let at = self
            .known
            .iter()
            .position(|(v, _)| v.len() < value.len())
            .unwrap_or(self.known.len());
        self.known.insert(at, (value.to_owned(), p.clone()));
        p
    }

    /// Replaces the signed part of a download URL: its query, or (when it has none, as the
    /// sandbox's URLs) its last path segment.
    pub(crate) fn url(&mut self, url: &str) -> String {
        let (head, fragment) = match url.split_once('#') {
            Some((h, f)) => (h, Some(f)),
            None => (url, None),
        };
        let mut out = match head.split_once('?') {
            Some((path, query)) if !query.is_empty() => {
                let p = self.url_part(query);
                format!("{path}?{p}")
            }
            _ => {
                let path_from = head.find("://").map_or(0, |i| i + 3);
                match head.rfind('/').filter(|i| *i >= path_from) {
                    Some(i) if i + 1 < head.len() => {
                        let p = self.url_part(&head[i + 1..]);
                        format!("{}/{p}", &head[..i])
                    }
                    _ => head.to_owned(),
                }
            }
        };
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }

    fn url_part(&mut self, part: &str) -> String {
        if is_url_placeholder(part) {
            return part.to_owned();
        }
        url_placeholder(&self.placeholder(Kind::Signature, part))
    }

    /// Redacts a JSON document in place: the members the rules name, then every known value.
    pub(crate) fn json(&mut self, v: &mut Value) {
        self.json_members(v);
        self.scrub_json(v);
    }

    fn json_members(&mut self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, member) in map.iter_mut() {
                    match self.kind_of(k) {
                        Some(kind) => self.leaf(kind, member),
                        None => self.json_members(member),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.json_members(i)),
            _ => {}
        }
    }

    /// Every string inside `v` (a token, a list of tokens) replaced.
    fn leaf(&mut self, kind: Kind, v: &mut Value) {
        match v {
            Value::String(s) if kind == Kind::Signature => *s = self.url(s),
            Value::String(s) => *s = self.placeholder(kind, s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.leaf(kind, i)),
            Value::Object(map) => map.values_mut().for_each(|m| self.leaf(kind, m)),
            _ => {}
        }
    }

    /// A form's fields: the ones the rules name, then every known value.
    pub(crate) fn form(&mut self, form: &mut BTreeMap<String, String>) {
        for (k, v) in form.iter_mut() {
            match self.kind_of(k) {
                Some(Kind::Signature) => *v = self.url(v),
                Some(kind) => *v = self.placeholder(kind, v),
                None => {}
            }
        }
        for v in form.values_mut() {
            if let Some(s) = self.scrub(v) {
                *v = s;
            }
        }
    }

    /// A header's value: `Authorization` keeps its scheme, `Api-Key` is a key, `Location` a
    /// download URL; any other header is searched for known values.
    pub(crate) fn header(&mut self, name: &str, value: &str) -> String {
        match name {
            "authorization" => match value.split_once(' ') {
                Some((scheme, credentials)) => {
                    let kind = if scheme.eq_ignore_ascii_case("bearer") {
                        Kind::Token
                    } else {
                        Kind::Secret
                    };
                    format!("{scheme} {}", self.placeholder(kind, credentials.trim()))
                }
                None => self.placeholder(Kind::Secret, value),
            },
            "location" => self.url(value),
            other => match self.kind_of(other) {
                Some(kind) => self.placeholder(kind, value),
                None => self.scrub(value).unwrap_or_else(|| value.to_owned()),
            },
        }
    }

    /// Every string of `v` searched for known values.
    pub(crate) fn scrub_json(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(new) = self.scrub(s) {
                    *s = new;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.scrub_json(i)),
            Value::Object(map) => map.values_mut().for_each(|m| self.scrub_json(m)),
            _ => {}
        }
    }

    /// `s` with every known value (and its percent- and form-encoded spellings) replaced,
    /// or `None` when it holds none. In a URL a placeholder is written percent-encoded.
    /// Placeholders already in `s` are left whole: only the text around them is searched.
    pub(crate) fn scrub(&self, s: &str) -> Option<String> {
        let spans = placeholder_spans(s);
        if spans.is_empty() {
            return self.scrub_literal(s, s);
        }
        let (mut out, mut from, mut changed) = (String::with_capacity(s.len()), 0, false);
        // The text after the last placeholder is the last literal: an empty span closes it.
        let end = std::iter::once(s.len()..s.len());
        for span in spans.iter().cloned().chain(end) {
            let literal = &s[from..span.start];
            match self.scrub_literal(literal, s) {
                Some(new) => {
                    out.push_str(&new);
                    changed = true;
                }
                None => out.push_str(literal),
            }
            out.push_str(&s[span.clone()]);
            from = span.end;
        }
        changed.then_some(out)
    }

    /// `s` (a piece of `whole`) with every known value replaced.
    fn scrub_literal(&self, s: &str, whole: &str) -> Option<String> {
        let in_url = whole.starts_with("http://") || whole.starts_with("https://");
        let mut out: Option<String> = None;
        for (value, placeholder) in &self.known {
            let asked = self.values.iter().any(|v| v.expose() == value);
            if value.chars().count() < MIN_SEARCHED_CHARS && !asked {
                continue;
            }
            let current = out.as_deref().unwrap_or(s);
            let spellings = [
                value.clone(),
                percent_encode(value, false),
                percent_encode(value, true),
            ];
            if !spellings.iter().any(|sp| current.contains(sp.as_str())) {
                continue;
            }
            let shown = if in_url {
                url_placeholder(placeholder)
            } else {
                placeholder.clone()
            };
            let mut next = current.to_owned();
            for sp in &spellings {
                next = next.replace(sp.as_str(), &shown);
            }
            out = Some(next);
        }
        out
    }
}

/// `s` percent-encoded (RFC 3986 unreserved characters kept); `form`: a space as `+`.
fn percent_encode(s: &str, form: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b));
            }
            b' ' if form => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_value_is_always_the_same_placeholder() {
        let mut r = Redactor::new(&[], &[]);
        let mut form = BTreeMap::from([
            ("grant_type".to_owned(), "password".to_owned()),
            ("client_id".to_owned(), "app-key-123".to_owned()),
            ("client_secret".to_owned(), "s3cr3t value".to_owned()),
            ("username".to_owned(), "someone".to_owned()),
            ("password".to_owned(), "hunter22".to_owned()),
        ]);
        r.form(&mut form);
        assert_eq!(form["grant_type"], "password");
        assert_eq!(form["client_id"], "<key-1>");
        assert_eq!(form["client_secret"], "<secret-1>");
        assert_eq!(form["username"], "<user-1>");
        assert_eq!(form["password"], "<secret-2>");

        let mut answer = json!({"access_token": "tok-abcdef", "refresh_token": "ref-abcdef"});
        r.json(&mut answer);
        assert_eq!(
            answer,
            json!({"access_token": "<token-1>", "refresh_token": "<token-2>"})
        );

        // Later: the token in an envelope, the key in a header, the user name in a result.
        let mut call =
            json!({"RequestHeader": {"Token": "tok-abcdef"}, "Body": {"Owner": "someone's box"}});
        r.json(&mut call);
        assert_eq!(call["RequestHeader"]["Token"], "<token-1>");
        assert_eq!(call["Body"]["Owner"], "<user-1>'s box");
        assert_eq!(r.header("api-key", "app-key-123"), "<key-1>");
        assert_eq!(
            r.header("authorization", "Bearer tok-abcdef"),
            "Bearer <token-1>"
        );
        // Encoded spellings are found too.
        assert_eq!(
            r.scrub("x=s3cr3t+value&y=s3cr3t%20value").as_deref(),
            Some("x=<secret-1>&y=<secret-1>")
        );
        // Placeholders stay what they are.
        assert_eq!(r.placeholder(Kind::Token, "<token-1>"), "<token-1>");
    }

    #[test]
    fn download_urls_lose_their_signature() {
        let mut r = Redactor::new(&[], &[]);
        let signed = "https://delivery.example/xa/1.jpg?v=1&Expires=99&Signature=abc";
        let redacted = r.url(signed);
        assert_eq!(
            redacted,
            "https://delivery.example/xa/1.jpg?%3Csignature-1%3E"
        );
        assert!(redacted.parse::<http::Uri>().is_ok());
        // The same URL again, and the sandbox's form (signed in the path).
        assert_eq!(r.url(signed), redacted);
        assert_eq!(
            r.url("http://127.0.0.1:8080/download/i1.small.123.SIGNED"),
            "http://127.0.0.1:8080/download/%3Csignature-2%3E"
        );
        assert_eq!(r.url(&redacted), redacted);
        let mut result = json!({"DownloadUrls": [{"UrlAttachment": signed}]});
        r.json(&mut result);
        assert_eq!(result["DownloadUrls"][0]["UrlAttachment"], redacted);
        // The signature quoted in some other URL is replaced there too.
        assert_eq!(
            r.scrub("https://elsewhere/?next=v=1&Expires=99&Signature=abc")
                .as_deref(),
            Some("https://elsewhere/?next=%3Csignature-1%3E")
        );
    }

    #[test]
    fn extra_fields_and_values_are_redacted_and_short_values_only_where_named() {
        let mut r = Redactor::new(&["EmailAddress".to_owned()], &[Secret::new("acct-7")]);
        let mut v = json!({"Customer": {"emailaddress": "me@example.com"}, "Note": "for acct-7", "UserName": "bob"});
        r.json(&mut v);
        assert_eq!(v["Customer"]["emailaddress"], "<secret-2>");
        assert_eq!(v["Note"], "for <secret-1>");
        assert_eq!(v["UserName"], "<user-1>");
        // "bob" is too short to be searched for in other text.
        assert_eq!(r.scrub("bobsleigh"), None);
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("acct-7") && !shown.contains("me@example"),
            "{shown}"
        );
        assert!(is_placeholder("<signature-12>") && !is_placeholder("<tok-1>"));
    }

    #[test]
    fn searching_never_breaks_a_placeholder() {
        // A secret that looks like the start of a placeholder (a fuzzer found it).
        let mut r = Redactor::new(&[], &[]);
        let mut form = BTreeMap::from([("client_id".to_owned(), "<token-".to_owned())]);
        r.form(&mut form);
        assert_eq!(form["client_id"], "<key-1>");
        assert_eq!(r.scrub("<token-1>"), None);
        assert_eq!(
            r.scrub("a <token- b <token-2>").as_deref(),
            Some("a <key-1> b <token-2>")
        );
        assert_eq!(r.scrub("<token-1A>").as_deref(), Some("<key-1>1A>"));
    }
}

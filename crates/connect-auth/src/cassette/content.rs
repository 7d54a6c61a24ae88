//! What a recorded request or answer carried: [`Content`], and how it is written in a line.

use base64::Engine as _;
use serde_json::Value;
use std::collections::BTreeMap;

/// The body of a recorded request or answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// No body.
    Empty,
    /// A JSON document (an envelope, a token answer), kept parsed: a line shows it as JSON, and
    /// matching compares it member by member, never byte by byte.
    Json(Value),
    /// An `application/x-www-form-urlencoded` body (the OAuth2 token requests), decoded.
    Form(BTreeMap<String, String>),
    /// Text that is not JSON (an error page, a plain-text 503).
    Text(String),
    /// Bytes (a downloaded file): their length and SHA-256, and the bytes themselves only when
    /// they fit under the recording's body limit.
    Bytes(BodyDigest),
}

/// A binary body by length and SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct BodyDigest {
    /// How many bytes came.
    pub length: u64,
    /// Their SHA-256, 64 lower-case hex digits.
    pub sha256: String,
    /// The bytes, when they were at most the recording's body limit.
    pub kept: Option<Vec<u8>>,
}

impl std::fmt::Debug for BodyDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyDigest")
            .field("length", &self.length)
            .field("sha256", &self.sha256)
            .field("kept", &self.kept.is_some())
            .finish()
    }
}

impl BodyDigest {
    /// The digest of `bytes`, keeping them when `keep`.
    pub fn of(bytes: &[u8], keep: bool) -> Self {
        BodyDigest {
            length: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            kept: keep.then(|| bytes.to_vec()),
        }
    }
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

impl Content {
    /// The bytes to send or answer with: JSON serialized compactly, a form encoded, text as
    /// UTF-8, kept bytes as they were. `None` for bytes that were not kept.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Content::Empty => Some(Vec::new()),
            // A `Value` always serializes.
            Content::Json(v) => Some(serde_json::to_vec(v).unwrap_or_default()),
            Content::Form(pairs) => {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                Some(connect_types::ops::oauth2::encode_form(&pairs).into_bytes())
            }
            Content::Text(t) => Some(t.clone().into_bytes()),
            Content::Bytes(d) => d.kept.clone(),
        }
    }

    /// The body's length in bytes, as it will be replayed.
    pub fn len(&self) -> u64 {
        match self {
            Content::Bytes(d) => d.length,
            other => other.to_bytes().map_or(0, |b| b.len() as u64),
        }
    }

    /// Whether there is no body.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A short name for messages: `JSON`, `a form`, …
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Content::Empty => "no body",
            Content::Json(_) => "a JSON body",
            Content::Form(_) => "a form",
            Content::Text(_) => "a text body",
            Content::Bytes(_) => "a binary body",
        }
    }
}

/// The body members of a request or answer line (`json`, `form`, `text`, or `length`,
/// `sha256` and `base64`), as the wire structs hold them.
#[derive(Debug, Default)]
pub(crate) struct BodyFields {
    pub json: Option<Value>,
    pub form: Option<BTreeMap<String, String>>,
    pub text: Option<String>,
    pub length: Option<u64>,
    pub sha256: Option<String>,
    pub base64: Option<String>,
}

impl BodyFields {
    pub fn from_content(content: &Content) -> Self {
        let mut f = BodyFields::default();
        match content {
            Content::Empty => {}
            Content::Json(v) => f.json = Some(v.clone()),
            Content::Form(p) => f.form = Some(p.clone()),
            Content::Text(t) => f.text = Some(t.clone()),
            Content::Bytes(d) => {
                f.length = Some(d.length);
                f.sha256 = Some(d.sha256.clone());
                f.base64 = d
                    .kept
                    .as_ref()
                    .map(|b| base64::engine::general_purpose::STANDARD.encode(b));
            }
        }
        f
    }

    /// The content these members describe; `Err` says what is inconsistent.
    pub fn into_content(self) -> Result<Content, String> {
        let kinds = [
            self.json.is_some(),
            self.form.is_some(),
            self.text.is_some(),
            self.length.is_some() || self.sha256.is_some() || self.base64.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() > 1 {
            return Err(
                "a body is one of json, form, text or length/sha256/base64, not several".into(),
            );
        }
        if let Some(v) = self.json {
            return Ok(Content::Json(v));
        }
        if let Some(p) = self.form {
            return Ok(Content::Form(p));
        }
        if let Some(t) = self.text {
            return Ok(Content::Text(t));
        }
        let (length, sha256) = match (self.length, self.sha256) {
            (None, None) if self.base64.is_none() => return Ok(Content::Empty),
            (Some(l), Some(s)) => (l, s),
            _ => return Err("a binary body needs both length and sha256".into()),
        };
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err("sha256 must be 64 lower-case hex digits".into());
        }
        let kept = match self.base64 {
            None => None,
            Some(text) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .map_err(|e| format!("base64 is not valid base64: {e}"))?;
                if bytes.len() as u64 != length {
                    return Err(format!(
                        "base64 holds {} bytes where length says {length}",
                        bytes.len()
                    ));
                }
                if sha256_hex(&bytes) != sha256 {
                    return Err("the bytes in base64 do not have the recorded sha256".into());
                }
                Some(bytes)
            }
        };
        Ok(Content::Bytes(BodyDigest {
            length,
            sha256,
            kept,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bytes_round_trip_through_the_members_and_are_checked() {
        let content = Content::Bytes(BodyDigest::of(b"\x00\xffjpeg", true));
        let back = BodyFields::from_content(&content).into_content().unwrap();
        assert_eq!(back, content);

        let mut f = BodyFields::from_content(&content);
        f.length = Some(99);
        assert!(f.into_content().unwrap_err().contains("length"));
        let mut f = BodyFields::from_content(&content);
        f.sha256 = Some("0".repeat(64));
        assert!(f.into_content().unwrap_err().contains("sha256"));
        let f = BodyFields {
            json: Some(Value::Null),
            text: Some("x".into()),
            ..BodyFields::default()
        };
        assert!(f.into_content().is_err());
    }
}

//! How the sandbox writes JSON: the way the real service's WCF serializer did, with every `/`
//! inside a string escaped as `\/`.
//!
//! To any conforming JSON reader `"\/"` and `"/"` are the same string, so this changes no value.
//! It matters to .NET clients of the real service: `JavaScriptSerializer` reads a `DateTime`
//! only from the raw text `"\/Date(1294868991374-0800)\/"`, and takes `"/Date(…)/"` for a plain
//! string. Escaping every slash (URLs read `https:\/\/…` too) is the one rule that produces
//! exactly those bytes, so it is done in the formatter, as the answer is written, rather than
//! by patching text afterwards.
//!
//! ```
//! let bytes = connect_sandbox::wire::to_vec(&serde_json::json!({
//!     "DateCreated": "/Date(1294868991374-0800)/",
//!     "UrlThumb": "https://example.invalid/thumb/1.jpg",
//! }))
//! .unwrap();
//! assert_eq!(
//!     String::from_utf8(bytes).unwrap(),
//!     r#"{"DateCreated":"\/Date(1294868991374-0800)\/","UrlThumb":"https:\/\/example.invalid\/thumb\/1.jpg"}"#
//! );
//! ```

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::value::RawValue;
use std::io::{self, Write};

/// A compact `serde_json` formatter that escapes `/` inside strings as `\/`, as the service's
/// WCF (`DataContractJsonSerializer`) writer did. Everything else is written as
/// [`serde_json::ser::CompactFormatter`] writes it; raw fragments ([`RawValue`]) pass through untouched, so
/// they must have been written by this formatter already (see [`to_raw`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct WcfFormatter;

impl Formatter for WcfFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // `fragment` is a run that needs no JSON escape (serde_json writes quotes, backslashes
        // and control characters through `write_char_escape`); only its slashes change.
        let mut rest = fragment.as_bytes();
        while let Some(at) = find_slash(rest) {
            writer.write_all(&rest[..at])?;
            writer.write_all(b"\\/")?;
            rest = &rest[at + 1..];
        }
        writer.write_all(rest)
    }
}

/// The index of the first `/` in `bytes`. Eight bytes at a time (the "has a zero byte" test
/// on the bytes xor `/`): an answer holds thousands of short strings, and this keeps the extra
/// scan to a small share of what serde_json's own escaping already costs (see the sandbox
/// benchmark).
fn find_slash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const SLASHES: u64 = 0x2f2f_2f2f_2f2f_2f2f;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ SLASHES;
        // The lowest flagged byte is the first zero byte of `x` (borrows only run upwards).
        let flagged = x.wrapping_sub(ONES) & !x & HIGHS;
        if flagged != 0 {
            return Some(offset + (flagged.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'/')
        .map(|at| offset + at)
}

/// Writes `value` as the service would have: compact, every `/` in a string as `\/`.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    to_writer(&mut out, value)?;
    Ok(out)
}

/// [`to_vec`] into a writer.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, WcfFormatter);
    value.serialize(&mut ser)
}

/// JSON text this module wrote, kept to be embedded in an answer unchanged (an envelope's
/// result). Only [`to_json`] makes one, so it is valid JSON by construction: embedding it needs
/// no second parse, where a [`RawValue`] is checked by parsing the whole text again (a tenth of
/// a search answer's cost at 150 KB).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Json(String);

impl Json {
    /// The text.
    pub fn get(&self) -> &str {
        &self.0
    }
}

/// A result object written by [`to_json`] whose first member is an empty array, with that
/// member's items written in (each item JSON written by this module too). Used to put kept,
/// already written images into a search result without writing them again. `None` when the
/// object does not begin with `{"<member>":[]` as expected (the caller then writes it whole).
pub fn with_first_array(
    object: &Json,
    member: &str,
    items: &[std::sync::Arc<str>],
) -> Option<Json> {
    let head = format!("{{\"{member}\":[]");
    let rest = object.get().strip_prefix(&head)?;
    let mut out = String::with_capacity(
        object.get().len() + items.iter().map(|i| i.len() + 1).sum::<usize>(),
    );
    out.push_str(&head[..head.len() - 1]);
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out.push_str(rest);
    Some(Json(out))
}

/// `value` written as the service would have, kept as [`Json`].
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Json> {
    let bytes = to_vec(value)?;
    // serde_json writes UTF-8 only: this conversion cannot fail on its output.
    String::from_utf8(bytes)
        .map(Json)
        .map_err(serde::ser::Error::custom)
}

/// `value` as a [`RawValue`] written by [`WcfFormatter`], to embed in an answer unchanged.
pub fn to_raw<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Box<RawValue>> {
    let bytes = to_vec(value)?;
    // serde_json writes UTF-8 only: this conversion cannot fail on its output.
    let text = String::from_utf8(bytes).map_err(serde::ser::Error::custom)?;
    RawValue::from_string(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn text(v: &Value) -> String {
        String::from_utf8(to_vec(v).unwrap()).unwrap()
    }

    #[test]
    fn every_slash_in_a_string_is_escaped_and_nothing_else_changes() {
        let v = json!({
            "a/b": "/Date(0)/",
            "u": "http://h/p?q=1/2",
            "esc": "quote \" backslash \\ slash / tab \t end/",
            "n": 1.5,
            "l": ["//", "", "x"],
            "t": true,
            "z": null,
        });
        let s = text(&v);
        assert!(!s.replace("\\/", "").contains('/'), "{s}");
        assert!(s.contains(r#""\/Date(0)\/""#), "{s}");
        assert!(s.contains(r#""http:\/\/h\/p?q=1\/2""#), "{s}");
        assert!(
            s.contains(r#""quote \" backslash \\ slash \/ tab \t end\/""#),
            "{s}"
        );
        assert!(s.contains(r#"["\/\/","","x"]"#), "{s}");
        // The same value to any reader, and the same bytes once the escapes are undone.
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
        assert_eq!(s.replace("\\/", "/"), serde_json::to_string(&v).unwrap());
    }

    #[test]
    fn items_written_into_a_first_array_make_the_same_text() {
        let whole = json!({"Images": [{"a": "/x"}, {"b": 2}], "Total": 2});
        let empty = to_json(&json!({"Images": [], "Total": 2})).unwrap();
        let items: Vec<std::sync::Arc<str>> = [json!({"a": "/x"}), json!({"b": 2})]
            .iter()
            .map(|v| std::sync::Arc::from(to_json(v).unwrap().get()))
            .collect();
        let spliced = with_first_array(&empty, "Images", &items).unwrap();
        assert_eq!(spliced.get(), to_json(&whole).unwrap().get());
        let none = with_first_array(&empty, "Images", &[]).unwrap();
        assert_eq!(none.get(), empty.get());
        assert!(with_first_array(&empty, "Videos", &items).is_none());
    }

    #[test]
    fn find_slash_finds_the_first_slash_wherever_it_is() {
        for len in 0..40 {
            let base: Vec<u8> = (0..len).map(|i| b"ab.0\\Z\x7f\xc3"[i % 8]).collect();
            assert_eq!(find_slash(&base), None, "{base:?}");
            for first in 0..len {
                for second in [None, Some(first + 1), Some(len - 1)] {
                    let mut b = base.clone();
                    b[first] = b'/';
                    if let Some(s) = second.filter(|&s| s < len) {
                        b[s] = b'/';
                    }
                    assert_eq!(find_slash(&b), Some(first), "{b:?}");
                }
            }
        }
        // Bytes one off '/' (0x2e, 0x30) and with the high bit set are not slashes.
        assert_eq!(find_slash(&[0x2e, 0x30, 0xaf, 0x2f]), Some(3));
    }

    #[test]
    fn raw_values_pass_through_so_they_are_written_escaped_first() {
        #[derive(Serialize)]
        struct Envelope<'a> {
            k: &'a str,
            r: &'a RawValue,
        }
        let raw = to_raw(&json!({"Url": "https://x/y"})).unwrap();
        assert_eq!(raw.get(), r#"{"Url":"https:\/\/x\/y"}"#);
        let outer = to_vec(&Envelope { k: "a/b", r: &raw }).unwrap();
        assert_eq!(
            String::from_utf8(outer).unwrap(),
            r#"{"k":"a\/b","r":{"Url":"https:\/\/x\/y"}}"#
        );
        // A fragment written by another serializer is embedded as it is.
        let plain = serde_json::value::to_raw_value(&json!("a/b")).unwrap();
        let outer = to_vec(&Envelope { k: "", r: &plain }).unwrap();
        assert_eq!(String::from_utf8(outer).unwrap(), r#"{"k":"","r":"a/b"}"#);
    }
}

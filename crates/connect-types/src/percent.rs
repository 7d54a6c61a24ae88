//! Percent-encoding of one URL component (a path segment or a query value).

/// Appends `s` to `out`, keeping RFC 3986 unreserved characters and encoding every other
/// byte as `%XX`.
pub(crate) fn encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Decodes `%XX` escapes and `+` (a space in query strings); `None` when an escape is
/// malformed or the bytes are not UTF-8.
pub(crate) fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_and_decodes_reserved_characters() {
        let mut s = String::new();
        super::encode_into("http://gty.im/1 2é", &mut s);
        assert_eq!(s, "http%3A%2F%2Fgty.im%2F1%202%C3%A9");
        assert_eq!(super::decode(&s).as_deref(), Some("http://gty.im/1 2é"));
        assert_eq!(super::decode("a+b").as_deref(), Some("a b"));
        assert_eq!(super::decode("%zz"), None);
        assert_eq!(super::decode("%4"), None);
    }
}

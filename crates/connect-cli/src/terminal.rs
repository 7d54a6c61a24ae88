//! What may reach the terminal: the characters that must not go out raw, text made safe to
//! print, and [`note!`], a line on stderr that never panics.

/// Whether `c`, printed raw, could act on the terminal instead of showing: C0 and C1 controls
/// (escape sequences move the cursor, recolour, retitle the window) and the Unicode bidi
/// controls (they reorder what is shown).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` safe to print: every unsafe character becomes a space, except newlines (kept) and,
/// inside JSON (where only strings can hold them), bidi controls, written as `\uXXXX` escapes
/// so the document keeps its values.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            c if c.is_control() => out.push(' '),
            c if is_unsafe(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// A line on stderr (notes, warnings, summaries). Unlike `eprintln!`, a closed stderr never
/// panics: there is just no one left to tell.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use note;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_text_never_carries_raw_controls() {
        let hostile = "Title\u{1b}]0;pwned\u{7}\r\u{9b}31m\u{202e}txt.exe\nnext";
        let safe = terminal_safe(hostile);
        assert!(!safe.chars().any(|c| c != '\n' && is_unsafe(c)), "{safe:?}");
        assert!(safe.ends_with("\\u202etxt.exe\nnext"), "{safe:?}");
        // Inside JSON the escape keeps the document valid and its value the same.
        let json = serde_json::to_string(&serde_json::json!({ "t": "a\u{202e}b\u{1b}c" })).unwrap();
        let back: serde_json::Value = serde_json::from_str(&terminal_safe(&json)).unwrap();
        assert_eq!(back["t"], "a\u{202e}b\u{1b}c");
    }
}

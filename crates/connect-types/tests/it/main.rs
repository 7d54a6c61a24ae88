//! The one integration-test binary of connect-types.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;
mod lenient;
mod openapi;
mod ops;
mod props;
mod requests;
mod responses;
mod schemas;

/// Indents compact JSON (as `serde_json::to_vec` writes it) without reordering keys, so a
/// snapshot shows exactly what goes on the wire.
pub fn pretty(compact: &[u8]) -> String {
    let s = std::str::from_utf8(compact).unwrap();
    let mut out = String::with_capacity(s.len() * 2);
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let mut chars = s.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[test]
fn pretty_keeps_order_and_strings() {
    assert_eq!(
        pretty(br#"{"b":[1,{}],"a":"x,{\"y"}"#),
        "{\n  \"b\": [\n    1,\n    {}\n  ],\n  \"a\": \"x,{\\\"y\"\n}"
    );
}

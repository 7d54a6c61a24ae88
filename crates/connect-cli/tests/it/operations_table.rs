//! docs/operations.md, the table from each operation to its client method and its command,
//! checked against the sources of truth: the operation list of connect-types, the public
//! methods of both clients, and this command line's own parser.

use crate::cli;
use connect_types::ops::{OEmbedRequest, SingleStepDownloadRequest};
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The table's rows: (operation, methods cell, command cell).
fn rows() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(root().join("docs/operations.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect::<Vec<_>>()
        })
        // The header and its separator.
        .filter(|c| c[0] != "Operation" && !c[0].starts_with("---"))
        .map(|c| (c[0].clone(), c[1].clone(), c[2].clone()))
        .collect()
}

/// The `code` spans of a cell.
fn code_spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// Every `.rs` file under a crate's `src`, concatenated.
fn sources(krate: &str) -> String {
    let mut text = String::new();
    let mut dirs = vec![root().join("crates").join(krate).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    text
}

/// Whether `source` declares a public (possibly async) method or function `name`.
fn declares(source: &str, name: &str) -> bool {
    ["pub fn ", "pub async fn "].iter().any(|p| {
        source.match_indices(&format!("{p}{name}")).any(|(at, m)| {
            let next = source[at + m.len()..].chars().next();
            matches!(next, Some('(' | '<'))
        })
    })
}

#[test]
fn every_operation_has_one_row() {
    let mut expected: BTreeSet<&str> = connect_types::schema::operations()
        .iter()
        .filter(|op| op.alias_of.is_none())
        .map(|op| op.name)
        .collect();
    // The two operations outside the JSON envelope.
    expected.insert(SingleStepDownloadRequest::NAME);
    expected.insert(OEmbedRequest::NAME);
    let rows = rows();
    let listed: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "an operation has two rows");
    assert_eq!(unique, expected, "the table and connect-types disagree");
}

#[test]
fn every_method_exists_in_both_clients() {
    let blocking = sources("connect-blocking");
    let asynchronous = sources("connect-async");
    for (op, methods, _) in rows() {
        if methods == "(automatic)" {
            assert!(op.contains("Session"), "{op}: only sign-in is automatic");
            continue;
        }
        let names = code_spans(&methods);
        assert!(!names.is_empty(), "{op}: no method named");
        for name in names {
            assert!(
                declares(&blocking, name),
                "{op}: connect-blocking has no pub fn {name}"
            );
            assert!(
                declares(&asynchronous, name),
                "{op}: connect-async has no pub fn or pub async fn {name}"
            );
        }
    }
}

#[test]
fn each_row_names_the_method_of_the_operation_list_first() {
    let ops = connect_types::schema::operations();
    for (op, methods, _) in rows() {
        let Some(listed) = ops.iter().find(|o| o.name == op && o.alias_of.is_none()) else {
            continue;
        };
        match listed.method {
            Some(method) => assert_eq!(
                code_spans(&methods).first().copied(),
                Some(method),
                "{op}: the operation list calls its method {method}"
            ),
            None => assert_eq!(methods, "(automatic)", "{op} has no method of its own"),
        }
    }
}

#[test]
fn every_command_parses_with_its_flags() {
    for (op, _, command) in rows() {
        if command == "(automatic)" {
            continue;
        }
        let spans = code_spans(&command);
        assert_eq!(spans.len(), 1, "{op}: one command per row");
        let words: Vec<&str> = spans[0].split_whitespace().collect();
        // Subcommands are lower-case words; placeholders (ID, NAME) are upper case.
        let path: Vec<&str> = words
            .iter()
            .copied()
            .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            .collect();
        assert!(!path.is_empty(), "{op}: {command} names no subcommand");
        let out = cli().args(&path).arg("--help").output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{op}: `getty-connect {}` is not a command",
            path.join(" ")
        );
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(flag),
                "{op}: `getty-connect {}` has no {flag}",
                path.join(" ")
            );
        }
    }
}

#[test]
fn the_method_finder_wants_a_declaration() {
    let src = "pub fn lightbox(&self) {}\npub async fn lightbox_headers<'a>() {}\n";
    assert!(declares(src, "lightbox"));
    assert!(declares(src, "lightbox_headers"));
    assert!(!declares(src, "lightbox_head"));
    assert!(!declares(src, "delete_lightbox"));
}

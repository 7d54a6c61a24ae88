//! Every Rust example of README.md and docs/, compiled as shown (the build script turns each
//! into a module of this file), and checked for what compiling alone cannot see.

use std::collections::BTreeSet;

include!(concat!(env!("OUT_DIR"), "/snippets.rs"));

/// What a snippet's `main` returned: nothing, or a `Result` that must be `Ok`.
trait Outcome {
    fn check(self, page: &str, line: usize);
}

impl Outcome for () {
    fn check(self, _: &str, _: usize) {}
}

impl<E: std::fmt::Debug> Outcome for Result<(), E> {
    fn check(self, page: &str, line: usize) {
        if let Err(e) = self {
            panic!("{page}, line {line}: the example's main failed: {e:?}");
        }
    }
}

/// The crates a snippet names (`connect_blocking::…`, `#[tokio::main]`, …).
fn crates_named(code: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    for name in [
        "connect_types",
        "connect_auth",
        "connect_blocking",
        "connect_async",
        "connect_sandbox",
        "connect_testkit",
        "tokio",
        "futures_util",
        "serde_json",
    ] {
        let used = code.match_indices(name).any(|(at, _)| {
            let before = code[..at].chars().next_back();
            let after = &code[at + name.len()..];
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with("::")
        });
        if used {
            found.insert(name);
        }
    }
    found
}

/// The pages promise that one client crate is enough (the async one with tokio and
/// futures-util beside it, and the sandbox as a dev-dependency where a page adds it). The
/// workspace has every crate, so only reading the text catches an import from another one,
/// such as `connect_types::StatusCode` where `connect_blocking::StatusCode` is meant.
#[test]
fn each_snippet_uses_only_the_crates_its_page_has_the_reader_add() {
    assert!(
        SNIPPETS.len() >= 10,
        "the extraction found {} snippets",
        SNIPPETS.len()
    );
    for (page, line, code) in SNIPPETS {
        let named = crates_named(code);
        let allowed: &[&str] = if named.contains("connect_blocking") {
            &["connect_blocking", "connect_sandbox"]
        } else if named.contains("connect_async") {
            &["connect_async", "tokio", "futures_util", "connect_sandbox"]
        } else {
            &["connect_types"]
        };
        let extra: Vec<_> = named.iter().filter(|c| !allowed.contains(c)).collect();
        assert!(
            extra.is_empty(),
            "{page}, line {line}: the example uses {extra:?}, which its reader has not added; \
             use what {} re-exports",
            allowed[0]
        );
        if named.contains("connect_sandbox") {
            let text = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../..")
                    .join(page),
            )
            .unwrap_or_default();
            assert!(
                text.contains("connect-sandbox ="),
                "{page}, line {line}: the example uses connect_sandbox; the page must show the \
                 dependency line that adds it"
            );
        }
    }
}

#[test]
fn the_crate_finder_reads_paths_not_words() {
    let named = crates_named("use connect_blocking::{Client, StatusCode};\n// connect_types\n");
    assert_eq!(named.into_iter().collect::<Vec<_>>(), ["connect_blocking"]);
    assert!(crates_named("#[tokio::main]\nasync fn main() {}").contains("tokio"));
    assert!(crates_named("my_connect_types::X").is_empty());
}

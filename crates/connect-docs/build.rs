//! Writes `$OUT_DIR/snippets.rs`: each ```` ```rust ```` block of README.md and docs/*.md as a
//! module, plus a table of them (page, line, code) for the tests that read the text.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut pages = vec![root.join("README.md")];
    let docs = root.join("docs");
    println!("cargo::rerun-if-changed={}", docs.display());
    let mut guides: Vec<PathBuf> = std::fs::read_dir(&docs)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    guides.retain(|p| p.extension().is_some_and(|e| e == "md"));
    guides.sort();
    pages.extend(guides);

    let mut modules = String::new();
    let mut table = String::from("/// Every snippet: (page, line of its fence, code).\n");
    table.push_str("pub const SNIPPETS: &[(&str, usize, &str)] = &[\n");
    for page in &pages {
        println!("cargo::rerun-if-changed={}", page.display());
        let name = page
            .strip_prefix(&root)
            .unwrap_or(page)
            .display()
            .to_string();
        let text = match std::fs::read_to_string(page) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(modules, "compile_error!({:?});", format!("{name}: {e}"));
                continue;
            }
        };
        for (line, code) in rust_blocks(&text) {
            let module = format!(
                "{}_{line}",
                name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                    .to_lowercase()
            );
            let _ = writeln!(table, "    ({name:?}, {line}, {code:?}),");
            if !(code.contains("fn main") || code.contains("#[test]")) {
                let _ = writeln!(
                    modules,
                    "compile_error!({:?});",
                    format!(
                        "{name}, line {line}: a Rust example must be a whole program (a `fn main` \
                         or a `#[test]`), so a reader can copy it as it is"
                    )
                );
                continue;
            }
            // A program that talks to no server (no `Client`) is run, not only compiled.
            let run = if code.contains("fn main") && !code.contains("Client") {
                format!(
                    "\n#[test]\nfn runs_as_shown() {{\n    crate::Outcome::check(main(), {name:?}, {line});\n}}\n"
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                modules,
                "/// {name}, line {line}.\n#[allow(dead_code, unused_imports, unused_variables, clippy::all)]\nmod {module} {{\n{code}{run}}}\n"
            );
        }
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("snippets.rs");
    if let Err(e) = std::fs::write(&out, modules + &table) {
        println!("cargo::warning=cannot write {}: {e}", out.display());
    }
}

/// The ```` ```rust ```` blocks of a Markdown page (any `rust,…` info string): the 1-based line
/// of each opening fence, and the code.
fn rust_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = fence.strip_prefix("```") {
                    let lang = info.split([',', ' ']).next().unwrap_or("");
                    open = Some((n + 1, String::new()));
                    if lang != "rust" {
                        // Not Rust: skip to its closing fence.
                        open = Some((0, String::new()));
                    }
                }
            }
            Some((start, code)) => {
                if fence.starts_with("```") {
                    if *start > 0 {
                        blocks.push((*start, std::mem::take(code)));
                    }
                    open = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    blocks
}

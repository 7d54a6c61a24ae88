//! Every example of README.md and docs/*.md gives a visible result against the sandbox: each
//! `getty-connect` command of a shell block runs as written (its phrase, ids and flags) and
//! prints something, and each search phrase and catalog id of a Rust example finds something.
//! The examples are read from the pages, so a new one is covered without touching this file.
//! (The Rust examples are compiled by the `connect-docs` crate's tests.)

use crate::cli;
use connect_sandbox::{Sandbox, SandboxConfig, SandboxThread};
use std::path::{Path, PathBuf};

/// README.md and docs/*.md, as (name relative to the workspace, text).
fn pages() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths.insert(0, root.join("README.md"));
    paths
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&root).unwrap().display().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The fenced blocks of a page whose info string's first word is one of `langs`: (line of
/// the opening fence, lines inside).
fn blocks<'a>(text: &'a str, langs: &[&str]) -> Vec<(usize, Vec<&'a str>)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, bool, Vec<&str>)> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            None if fence => {
                let info = line.trim_start().trim_start_matches('`');
                let lang = info.split([',', ' ']).next().unwrap_or("");
                open = Some((n + 1, langs.contains(&lang), Vec::new()));
            }
            None => {}
            Some((start, true, body)) if fence => out.push((start, body)),
            Some(_) if fence => {}
            Some((start, keep, mut body)) => {
                body.push(line);
                open = Some((start, keep, body));
            }
        }
    }
    out
}

/// Splits a shell line into words: single and double quotes group, an unquoted `#` starts a
/// comment, and an unquoted `>` ends the command (its output is what the test reads).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, '#' | '>') if word.is_none() => break,
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The arguments after the program name, when a shell line runs `getty-connect` (installed,
/// or as `cargo run [--release] -p connect-cli --`).
fn cli_args(words: &[String]) -> Option<Vec<String>> {
    match words.first().map(String::as_str) {
        Some("getty-connect") => Some(words[1..].to_vec()),
        Some("cargo") if words.get(1).map(String::as_str) == Some("run") => {
            let dash = words.iter().position(|w| w == "--")?;
            let package = words
                .windows(2)
                .any(|w| w[0] == "-p" && w[1] == "connect-cli");
            package.then(|| words[dash + 1..].to_vec())
        }
        _ => None,
    }
}

/// Every `getty-connect` command of a page's shell blocks, in order, with its line.
fn commands(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (start, body) in blocks(text, &["sh", "bash", "console"]) {
        let mut pending = String::new();
        let mut first = 0;
        for (i, line) in body.iter().enumerate() {
            if pending.is_empty() {
                first = start + 1 + i;
            }
            // A trailing backslash continues the command on the next line.
            if let Some(head) = line.strip_suffix('\\') {
                pending.push_str(head);
                pending.push(' ');
                continue;
            }
            pending.push_str(line);
            let words = shell_words(&std::mem::take(&mut pending));
            if let Some(args) = cli_args(&words) {
                out.push((first, args));
            }
        }
    }
    out
}

/// The string literals of Rust examples passed to `<Request>::phrase("…")`, and the catalog
/// image ids (nine digits from 100000000) they quote.
fn rust_phrases_and_ids(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut phrases = Vec::new();
    let mut ids = Vec::new();
    for (_, body) in blocks(text, &["rust"]) {
        let code = body.join("\n");
        for (at, _) in code.match_indices("Request::phrase(\"") {
            let request = code[..at]
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_owned();
            let rest = &code[at + "Request::phrase(\"".len()..];
            if let Some(end) = rest.find('"') {
                phrases.push((request, rest[..end].to_owned()));
            }
        }
        for literal in code.split('"').skip(1).step_by(2) {
            if literal.len() == 9
                && literal.starts_with("1000")
                && literal.bytes().all(|b| b.is_ascii_digit())
            {
                ids.push(literal.to_owned());
            }
        }
    }
    (phrases, ids)
}

/// A sandbox of the documented default size, its CA in a file, and a scratch folder as the
/// working directory (for `-o downloads/`). Big files stay small so downloads are quick.
struct Bench {
    sandbox: SandboxThread,
    ca_file: PathBuf,
    dir: tempfile::TempDir,
}

impl Bench {
    fn start() -> Bench {
        let sandbox = Sandbox::start_blocking(
            SandboxConfig::default().with_large_file_bytes(3 * 1024 * 1024),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("sandbox-ca.pem");
        std::fs::write(&ca_file, sandbox.ca_pem()).unwrap();
        Bench {
            sandbox,
            ca_file,
            dir,
        }
    }

    /// Runs `args` as the page wrote them: with `--sandbox`, alone; otherwise with the
    /// environment the pages set up (this sandbox, its CA, the seeded user alice).
    fn run(&self, args: &[String]) -> std::process::Output {
        let mut c = cli();
        // Anything a command keeps between runs stays in the scratch folder, not the home of
        // whoever runs the tests.
        c.current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .args(args);
        if !args.iter().any(|a| a == "--sandbox") {
            c.env("GETTY_CONNECT_BASE_URL", self.sandbox.https_base_url())
                .env("GETTY_CONNECT_CA_CERT", &self.ca_file)
                .env("GETTY_CLIENT_ID", "sandbox-client")
                .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
                .env("GETTY_USERNAME", "alice")
                .env("GETTY_PASSWORD", "alice-password");
        }
        c.output().unwrap()
    }
}

#[test]
fn every_command_of_the_readme_and_the_guides_runs_and_prints_something() {
    let mut ran = 0;
    for (page, text) in pages() {
        // One sandbox per page: its lightbox examples start from lightbox 1001, as they say.
        let bench = Bench::start();
        for (line, args) in commands(&text) {
            // The tour has its own tests (demo.rs); it takes a while.
            if args.iter().any(|a| a == "demo") {
                continue;
            }
            eprintln!("{page}, line {line}: getty-connect {}", args.join(" "));
            let out = bench.run(&args);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "{page}, line {line}: `getty-connect {}` failed:\n{stderr}",
                args.join(" ")
            );
            assert!(
                !stdout.trim().is_empty(),
                "{page}, line {line}: `getty-connect {}` printed nothing",
                args.join(" ")
            );
            ran += 1;
        }
    }
    // The pages hold some twenty commands; finding few means the extraction broke.
    assert!(ran >= 15, "only {ran} commands found in the pages");
}

#[test]
fn every_phrase_and_image_id_of_the_rust_examples_finds_something() {
    let bench = Bench::start();
    let mut checked = 0;
    for (page, text) in pages() {
        let (phrases, ids) = rust_phrases_and_ids(&text);
        for (request, phrase) in phrases {
            eprintln!("{page}: {request} {phrase:?}");
            let command = if request.contains("Video") {
                "videos"
            } else {
                "search"
            };
            let out = bench.run(&["--json".into(), command.into(), phrase.clone()]);
            assert!(out.status.success(), "{page}: {command} {phrase:?} failed");
            let v = crate::json_of(&out);
            let found = v["ItemTotalCount"].as_u64().unwrap_or(0);
            assert!(found > 0, "{page}: the example's {phrase:?} finds nothing");
            checked += 1;
        }
        for id in ids {
            let out = bench.run(&["details".into(), id.clone()]);
            assert!(
                out.status.success(),
                "{page}: the example's image {id} is not in the catalog"
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} phrases and ids found");
}

#[test]
fn the_extraction_reads_shell_lines_as_a_shell_would() {
    let words = shell_words(r#"getty-connect --json search "red car" --all > out.json  # note"#);
    assert_eq!(
        words,
        ["getty-connect", "--json", "search", "red car", "--all"]
    );
    assert_eq!(shell_words("# only a comment"), Vec::<String>::new());
    let page = "```sh\ncargo run --release -p connect-cli -- search beach \\\n    --count 5\n\
                cargo run -p connect-sandbox -- --http 127.0.0.1:0\n```\n\
                ```text\ngetty-connect not-a-command\n```\n";
    assert_eq!(
        commands(page),
        [(
            2,
            vec![
                "search".into(),
                "beach".into(),
                "--count".into(),
                "5".into()
            ]
        )]
    );
    let (phrases, ids) = rust_phrases_and_ids(
        "```rust\nlet r = SearchForVideosRequest::phrase(\"dog\");\nids([\"123\", \"100000007\"]);\n```\n",
    );
    assert_eq!(phrases, [("SearchForVideos".into(), "dog".into())]);
    assert_eq!(ids, ["100000007"]);
}

//! Workspace chores: `cargo xtask schema [--check]`, `cargo xtask openapi [--check]`,
//! `cargo xtask codegen [--check]`,
//! `cargo xtask conformance [--ci]`, `cargo xtask bench`, `cargo xtask fuzz [SECONDS]`,
//! `cargo xtask soak`, `cargo xtask cassette check FILE`.

mod bench_summary;
mod cassette;
mod codegen;
mod conformance;

use connect_types::openapi::{self, OPENAPI_FILE};
use connect_types::schema::{self, Mismatch, SCHEMA_DIR};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod fuzz;
mod soak;

const USAGE: &str =
    "usage: cargo xtask schema [--check] [--dir DIR] | openapi [--check] | codegen [--check]
       | conformance [--ci]
       | bench | fuzz [SECONDS] | soak [CLIENT FLAGS] | cassette check FILE [--schemas DIR]

  schema           write docs/schemas/*.json from the connect-types models
  schema --check   exit non-zero if docs/schemas/ is stale, naming each file
  schema --dir DIR the same for the schema files in DIR instead of docs/schemas/
  openapi          write docs/openapi.json (OpenAPI 3.1) from the same models
  openapi --check  exit non-zero if docs/openapi.json is stale
  codegen          write both clients' src/operations.rs (a method per operation) from the
                   operation list of connect-types
  codegen --check  exit non-zero if either file is stale
  conformance      run schemathesis against a release sandbox (pip install schemathesis)
  conformance --ci the bounded pass CI makes (debug build, fixed seed)
  bench            run every benchmark (release builds) and print its figures
  fuzz [SECONDS]   run every cargo-fuzz target for SECONDS each (default 60; needs nightly
                   and cargo-fuzz) and print executions and crashes per target
  soak             the release sandbox under a few hundred keep-alive connections and
                   120,000 mixed calls from a separate process; prints throughput,
                   p50/p99, 5xx and memory (client flags: --workers N --calls N --seconds N)
  cassette check FILE
                   decode every answer recorded in the cassette FILE with the models and hold
                   it against docs/schemas/ (or --schemas DIR), naming every member where they
                   differ; exits non-zero if any does";

/// The benchmarks, as (package, example, binary the example runs): each prints its figures and
/// the targets beside them.
const BENCHES: &[(&str, &str, Option<&str>)] = &[
    ("connect-sandbox", "sandbox_bench", None),
    ("connect-blocking", "blocking_bench", None),
    ("connect-async", "async_bench", None),
    // 10,000 tasks on one client across a token renewal.
    ("connect-async", "async_renewal_bench", None),
    // Whole runs of the release `getty-connect`, cold and warm token cache.
    ("connect-cli", "cli_bench", Some("getty-connect")),
    ("connect-async", "async_limits_bench", None),
    ("connect-blocking", "blocking_limits_bench", None),
    // Bulk downloads: 200 images at --parallel 1 and 8, peak RSS, stall detection.
    ("connect-cli", "download_bench", Some("getty-connect")),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["schema"] => write_schemas(&schema_dir()),
        ["schema", "--check"] | ["--check", "schema"] => check_schemas(&schema_dir()),
        ["schema", "--dir", dir] => write_schemas(Path::new(dir)),
        ["schema", "--check", "--dir", dir] | ["schema", "--dir", dir, "--check"] => {
            check_schemas(Path::new(dir))
        }
        ["openapi"] => write_openapi(),
        ["openapi", "--check"] | ["--check", "openapi"] => check_openapi(),
        ["codegen"] => codegen::run(&workspace_root(), false),
        ["codegen", "--check"] | ["--check", "codegen"] => codegen::run(&workspace_root(), true),
        ["conformance"] => conformance::run(&workspace_root(), false),
        ["conformance", "--ci"] => conformance::run(&workspace_root(), true),
        ["bench"] => run_benches(),
        ["fuzz"] => fuzz::run(fuzz::DEFAULT_SECONDS, &workspace_root()),
        ["fuzz", secs] => match secs.parse::<u64>() {
            Ok(secs) if secs > 0 => fuzz::run(secs, &workspace_root()),
            _ => {
                eprintln!("xtask: SECONDS must be a whole number above zero, not {secs:?}");
                return ExitCode::from(2);
            }
        },
        ["soak", rest @ ..] => soak::run(&workspace_root(), rest),
        ["cassette", rest @ ..] => cassette::run(&workspace_root(), rest),
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs each benchmark example in turn, passing its output through and gathering its figure
/// lines; stops at the first that fails. Ends with one table of every figure gathered.
fn run_benches() -> std::io::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut figures = Vec::new();
    let mut code = ExitCode::SUCCESS;
    for (package, example, bin) in BENCHES {
        println!("== {package} ({example})");
        if let Some(bin) = bin {
            let built = std::process::Command::new(&cargo)
                .current_dir(workspace_root())
                .args(["build", "--quiet", "--release", "--locked", "-p", package])
                .args(["--bin", bin])
                .status()?;
            if !built.success() {
                eprintln!("xtask: building {bin} for the {example} benchmark failed ({built})");
                code = ExitCode::FAILURE;
                break;
            }
        }
        let mut child = std::process::Command::new(&cargo)
            .current_dir(workspace_root())
            .args([
                "run",
                "--quiet",
                "--release",
                "--locked",
                "-p",
                package,
                "--example",
                example,
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        if let Some(out) = child.stdout.take() {
            for line in std::io::BufRead::lines(std::io::BufReader::new(out)) {
                let line = line?;
                match bench_summary::Figure::parse(&line) {
                    Some(f) => figures.push(f),
                    None => println!("{line}"),
                }
            }
        }
        let status = child.wait()?;
        if !status.success() {
            eprintln!("xtask: the {example} benchmark failed ({status})");
            code = ExitCode::FAILURE;
            break;
        }
    }
    print!("{}", bench_summary::table(&figures));
    Ok(code)
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The `.json` files currently in the schema folder (an absent folder reads as empty).
fn read_existing(dir: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str());
        if let (true, Some(name)) = (path.extension().is_some_and(|e| e == "json"), name) {
            out.insert(name.to_owned(), std::fs::read_to_string(&path)?);
        }
    }
    Ok(out)
}

fn schema_dir() -> PathBuf {
    workspace_root().join(SCHEMA_DIR)
}

fn write_schemas(dir: &Path) -> std::io::Result<ExitCode> {
    std::fs::create_dir_all(dir)?;
    let existing = read_existing(dir)?;
    let mut changed = 0;
    for mismatch in schema::compare(&existing) {
        if let Mismatch::Extra(name) = &mismatch {
            std::fs::remove_file(dir.join(name))?;
            println!("removed {SCHEMA_DIR}/{name}");
            changed += 1;
        }
    }
    for (name, contents) in schema::files() {
        if existing.get(&name) != Some(&contents) {
            std::fs::write(dir.join(&name), contents)?;
            println!("wrote   {SCHEMA_DIR}/{name}");
            changed += 1;
        }
    }
    if changed == 0 {
        println!("{SCHEMA_DIR}/ is up to date");
    }
    Ok(ExitCode::SUCCESS)
}

fn check_schemas(dir: &Path) -> std::io::Result<ExitCode> {
    let existing = read_existing(dir)?;
    let problems = schema::compare(&existing);
    if problems.is_empty() {
        println!("{SCHEMA_DIR}/ is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    let wanted = schema::files();
    for p in &problems {
        eprintln!("{p}");
        let Mismatch::Stale(name) = p else { continue };
        if let (Some(have), Some(want)) = (existing.get(name), wanted.get(name)) {
            print_first_difference(have, want);
        }
    }
    eprintln!(
        "{} schema file(s) out of date; run `cargo xtask schema` and commit {SCHEMA_DIR}/",
        problems.len()
    );
    Ok(ExitCode::FAILURE)
}

/// Shows the first line where the file on disk and the generated schema part.
fn print_first_difference(have: &str, want: &str) {
    let mut have_lines = have.lines();
    let mut want_lines = want.lines();
    let mut n = 1;
    loop {
        match (have_lines.next(), want_lines.next()) {
            (None, None) => return,
            (a, b) if a == b => n += 1,
            (a, b) => {
                eprintln!("         line {n}:");
                eprintln!("         - {}", a.unwrap_or("<end of file>"));
                eprintln!("         + {}", b.unwrap_or("<end of file>"));
                return;
            }
        }
    }
}

fn write_openapi() -> std::io::Result<ExitCode> {
    let path = workspace_root().join(OPENAPI_FILE);
    let wanted = openapi::render(&openapi::document());
    if std::fs::read_to_string(&path).ok().as_deref() == Some(wanted.as_str()) {
        println!("{OPENAPI_FILE} is up to date");
    } else {
        std::fs::write(&path, wanted)?;
        println!("wrote   {OPENAPI_FILE}");
    }
    Ok(ExitCode::SUCCESS)
}

fn check_openapi() -> std::io::Result<ExitCode> {
    let path = workspace_root().join(OPENAPI_FILE);
    let wanted = openapi::render(&openapi::document());
    match std::fs::read_to_string(&path) {
        Ok(have) if have == wanted => {
            println!("{OPENAPI_FILE} is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Ok(have) => {
            eprintln!("stale:   {OPENAPI_FILE}");
            print_first_difference(&have, &wanted);
            eprintln!("run `cargo xtask openapi` and commit {OPENAPI_FILE}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("missing: {OPENAPI_FILE}; run `cargo xtask openapi` and commit it");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e),
    }
}

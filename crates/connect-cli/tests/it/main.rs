//! End-to-end tests of `getty-connect`: the real binary, against the embedded sandbox
//! (`--sandbox`) or against a sandbox this test process runs (for state that must outlive one
//! invocation, and for the TLS and plain-HTTP error paths).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod batch;
mod cassette;
mod commands;
mod consistency;
mod demo;
mod docs;
mod download;
mod errors;
mod lightbox;
mod limits;
mod offline;
mod operations_table;
mod state;
mod token_cache;
mod truthful;

use assert_cmd::Command;
use connect_sandbox::{Sandbox, SandboxConfig, SandboxThread};
use std::path::PathBuf;
use std::sync::OnceLock;

/// A data directory of its own for one invocation (under Cargo's per-target scratch folder),
/// so that `--sandbox` runs start empty and never touch the user's real state.
pub fn fresh_data_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-data")
        .join(format!("{}-{n}", std::process::id()))
}

/// The binary with no `GETTY_*` variable inherited from the machine running the tests, and a
/// fresh data directory and token cache folder (see [`fresh_data_dir`]): runs never share
/// tokens, nor touch the real user's, unless a test points them at one cache itself.
pub fn cli() -> Command {
    let mut c = Command::cargo_bin("getty-connect").unwrap();
    let dir = fresh_data_dir();
    c.env("XDG_CACHE_HOME", dir.join("cache"));
    c.env("XDG_DATA_HOME", dir);
    for var in [
        "GETTY_CONNECT_BASE_URL",
        "GETTY_CONNECT_HTTP_BASE_URL",
        "GETTY_CONNECT_INSECURE_SEND_OAUTH_TOKEN_OVER_HTTP",
        "GETTY_CONNECT_CA_CERT",
        "GETTY_CONNECT_MAX_QPS",
        "GETTY_CLIENT_ID",
        "GETTY_CLIENT_SECRET",
        "GETTY_USERNAME",
        "GETTY_PASSWORD",
        "GETTY_SYSTEM_ID",
        "GETTY_SYSTEM_PASSWORD",
        "GETTY_CONNECT_NO_TOKEN_CACHE",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c
}

/// `cli()` with `--sandbox`.
pub fn sandboxed() -> Command {
    let mut c = cli();
    c.arg("--sandbox");
    c
}

/// A sandbox shared by the tests of this process, with its CA written to a file.
#[derive(Debug)]
pub struct Shared {
    pub sandbox: SandboxThread,
    pub ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let sandbox = Sandbox::start_blocking(SandboxConfig::default().with_images(2_000)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("sandbox-ca.pem");
        std::fs::write(&ca_file, sandbox.ca_pem()).unwrap();
        Shared {
            sandbox,
            ca_file,
            _dir: dir,
        }
    })
}

/// `cli()` pointed at the shared sandbox over HTTPS, trusting its CA, as `user`.
pub fn against_shared(user: &str, password: &str) -> Command {
    let s = shared();
    let mut c = cli();
    c.arg("--base-url")
        .arg(s.sandbox.https_base_url())
        .arg("--ca-cert")
        .arg(&s.ca_file)
        .env("GETTY_CLIENT_ID", "sandbox-client")
        .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
        .env("GETTY_USERNAME", user)
        .env("GETTY_PASSWORD", password);
    c
}

/// Stdout parsed as one JSON document (fails the test otherwise).
pub fn json_of(output: &std::process::Output) -> serde_json::Value {
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{text}"))
}

/// Asserts the run failed with exactly one `error: ` line on stderr containing every `needle`,
/// and no panic or backtrace.
pub fn assert_one_error_line(output: &std::process::Output, needles: &[&str]) {
    assert!(!output.status.success(), "the command succeeded");
    assert_ne!(
        output.status.code(),
        Some(101),
        "exit code 101 means a panic"
    );
    let err = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got:\n{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    for n in needles {
        assert!(lines[0].contains(n), "{n:?} missing from: {err}");
    }
}

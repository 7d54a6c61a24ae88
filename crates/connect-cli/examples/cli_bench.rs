//! Benchmark of the token cache across runs of `getty-connect` (not a test).
//!
//! `cargo xtask bench` builds the release `getty-connect` and runs this; by hand:
//! `cargo build --release -p connect-cli && cargo run --release -p connect-cli --example
//! cli_bench [-- RUNS]`. Against an in-process sandbox that adds 20 ms to every answer, it
//! times whole `getty-connect search` runs (process start to exit), alternating a cold cache
//! (an empty cache folder: the run signs in, then searches) and a warm one (the folder the
//! previous warm run left: the run searches at once), and prints the medians. The warm run
//! skips a round trip, so it should be faster by at least the added latency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../connect-blocking/examples/support/figure.rs"]
mod figure;

use connect_sandbox::{Sandbox, SandboxConfig};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(20);

fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("GETTY_CONNECT_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/examples/cli_bench -> target/<profile>/getty-connect
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join(format!("getty-connect{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: cargo build --release -p connect-cli first (cargo xtask bench does)",
        bin.display()
    );
    bin
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let bin = binary();
    let sb = Sandbox::start_blocking(SandboxConfig::default().with_latency(LATENCY)).unwrap();
    let scratch = std::env::temp_dir().join(format!("connect-cli-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let ca = scratch.join("ca.pem");
    sb.write_ca_pem(&ca).unwrap();
    let search = |cache: &Path| {
        let t = Instant::now();
        let status = Command::new(&bin)
            .env("XDG_CACHE_HOME", cache)
            .env("XDG_DATA_HOME", scratch.join("data"))
            .env_remove("GETTY_CONNECT_NO_TOKEN_CACHE")
            .env_remove("RUST_LOG")
            .args(["--base-url", &sb.https_base_url(), "--ca-cert"])
            .arg(&ca)
            .args(["--client-id", "sandbox-client", "--client-secret"])
            .args(["sandbox-client-secret", "--username", "alice"])
            .args([
                "--password",
                "alice-password",
                "-q",
                "search",
                "tree",
                "--count",
                "1",
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        t.elapsed()
    };
    let warm = scratch.join("warm");
    search(&warm);
    sb.reset_stats();
    let (mut t_cold, mut t_warm) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // A cold run: an empty cache folder of its own.
        t_cold.push(search(&scratch.join(format!("cold-{i}"))));
        t_warm.push(search(&warm));
    }
    let stats = sb.stats();
    let grants: u64 = stats.grants.values().sum();
    assert_eq!(
        grants, runs as u64,
        "each cold run signs in once, warm runs never: {stats:?}"
    );
    let (cold, warm) = (median(t_cold), median(t_warm));
    println!(
        "getty-connect search, sandbox adding {} ms per answer, {runs} runs each (process start to exit):",
        LATENCY.as_millis()
    );
    println!(
        "  cold cache (sign in, then search):        median {:6.1} ms  ({runs} token requests)",
        ms(cold)
    );
    println!(
        "  warm cache (search with a cached token):  median {:6.1} ms  (0 token requests)",
        ms(warm)
    );
    println!(
        "  warm / cold = {:.2}; the warm run saves {:.1} ms (target: at least the {} ms round trip it skips)",
        ms(warm) / ms(cold),
        ms(cold) - ms(warm),
        LATENCY.as_millis()
    );
    figure::figure(
        "cli: a warm run saves (ms)",
        figure::Goal::AtLeast(LATENCY.as_secs_f64() * 1e3),
        "ms",
        &[ms(cold) - ms(warm)],
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

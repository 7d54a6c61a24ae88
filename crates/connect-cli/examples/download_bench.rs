//! Benchmark of bulk downloads with `getty-connect` (not a test).
//!
//! `cargo xtask bench` builds the release `getty-connect` and runs this; by hand:
//! `cargo build --release -p connect-cli && cargo run --release -p connect-cli --example
//! download_bench [-- IMAGES]`. Against an in-process sandbox that adds 20 ms to every API
//! answer, it prints, in one run:
//!
//! 1. `download --from` of 200 images (size `small`) with `--parallel 1` and with
//!    `--parallel 8` into empty folders: wall time (process start to exit), the ratio, and the
//!    CLI's peak RSS (VmHWM, read from /proc while it runs);
//! 2. the peak RSS of `--parallel 8` over 8 files of 64 MiB each, against the small files':
//!    memory stays flat as files grow (each download streams through one 64 KiB buffer);
//! 3. how long after its last byte a stalled download is given up and resumed, against the
//!    grace period (the SDK, blocking client; target: within the grace period plus 10 %).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connect_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig, SandboxThread};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(20);
const LARGE: u64 = 64 * 1024 * 1024;

fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("GETTY_CONNECT_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/examples/download_bench -> target/<profile>/getty-connect
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

/// `VmHWM` of a live process, in KiB (Linux).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

struct Run {
    wall: Duration,
    peak_mib: f64,
    bytes: u64,
}

/// One whole `getty-connect` run: its wall time and the highest peak RSS seen while it ran.
fn run(bin: &Path, sb: &SandboxThread, scratch: &Path, args: &[&str], out: &Path) -> Run {
    let ca = scratch.join("ca.pem");
    let t = Instant::now();
    let mut child = Command::new(bin)
        .env("XDG_CACHE_HOME", scratch.join("cache"))
        .env("XDG_DATA_HOME", scratch.join("data"))
        .env_remove("RUST_LOG")
        .args(["--base-url", &sb.https_base_url(), "--ca-cert"])
        .arg(&ca)
        .args(["--client-id", "sandbox-client", "--client-secret"])
        .args(["sandbox-client-secret", "--username", "alice"])
        .args(["--password", "alice-password", "-q", "download"])
        .args(args)
        .arg("--to")
        .arg(out)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(k) = peak_kib(child.id()) {
            peak = peak.max(k);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = t.elapsed();
    assert!(status.success(), "{args:?}: {status}");
    let bytes = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jpg"))
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let peak_mib = peak as f64 / 1024.0;
    Run {
        wall,
        peak_mib,
        bytes,
    }
}

#[allow(clippy::cast_precision_loss)]
fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let images: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let bin = binary();
    let sb = Sandbox::start_blocking(
        SandboxConfig::default()
            .with_latency(LATENCY)
            .with_large_file_bytes(LARGE),
    )
    .unwrap();
    let scratch =
        std::env::temp_dir().join(format!("connect-download-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    sb.write_ca_pem(scratch.join("ca.pem")).unwrap();

    // 1. Many small files, one at a time and eight at a time.
    let ids: Vec<String> = (0..images).map(|i| (100_002_001 + i).to_string()).collect();
    let list = scratch.join("ids.txt");
    std::fs::write(&list, ids.join("\n")).unwrap();
    let from = ["--from", list.to_str().unwrap(), "--size", "small"];
    let one = run(
        &bin,
        &sb,
        &scratch,
        &[&from[..], &["--parallel", "1"]].concat(),
        &scratch.join("p1"),
    );
    let eight = run(
        &bin,
        &sb,
        &scratch,
        &[&from[..], &["--parallel", "8"]].concat(),
        &scratch.join("p8"),
    );
    assert_eq!(
        one.bytes, eight.bytes,
        "both runs downloaded the same files"
    );
    let sold: u64 = sb.stats().assets.values().map(|a| a.urls_sold).sum();
    assert_eq!(sold, 2 * images as u64, "each run bought each image once");
    println!(
        "getty-connect download --from ({images} images, size small, {:.1} MiB), sandbox adding {} ms per API answer:",
        mib(one.bytes),
        LATENCY.as_millis()
    );
    println!(
        "  --parallel 1: {:7.2} s  peak RSS {:5.1} MiB",
        one.wall.as_secs_f64(),
        one.peak_mib
    );
    println!(
        "  --parallel 8: {:7.2} s  peak RSS {:5.1} MiB",
        eight.wall.as_secs_f64(),
        eight.peak_mib
    );
    println!(
        "  wall time --parallel 1 / --parallel 8 = {:.2}x (each image waits for its CreateDownloadRequest's round trip; eight overlap them)",
        one.wall.as_secs_f64() / eight.wall.as_secs_f64()
    );

    // 2. Large files: the memory of eight 64 MiB downloads at once.
    let large: Vec<String> = (0..8)
        .map(|i| (100_000_000 + i * 1000).to_string())
        .collect();
    let large_list = scratch.join("large.txt");
    std::fs::write(&large_list, large.join("\n")).unwrap();
    let big = run(
        &bin,
        &sb,
        &scratch,
        &[
            "--from",
            large_list.to_str().unwrap(),
            "--largest",
            "--parallel",
            "8",
        ],
        &scratch.join("large"),
    );
    assert_eq!(big.bytes, 8 * LARGE, "eight whole 64 MiB files");
    println!(
        "  --parallel 8 over 8 files of 64 MiB ({:.0} MiB): {:6.2} s  peak RSS {:5.1} MiB (small files: {:.1} MiB; flat: the files are streamed, never held)",
        mib(big.bytes),
        big.wall.as_secs_f64(),
        big.peak_mib,
        eight.peak_mib
    );

    // 3. A stalled body: given up one grace period after its last byte, then resumed.
    let client = connect_blocking::Client::builder()
        .credentials(
            sb.credentials()
                .first_user()
                .expect("the sandbox has users"),
        )
        .base_url(sb.https_base_url())
        .root_certificate_pem(sb.ca_pem().as_bytes().to_vec())
        .build()
        .unwrap();
    let mut ratios = Vec::new();
    for (n, grace) in [500u64, 1000, 2000].into_iter().enumerate() {
        let grace = Duration::from_millis(grace);
        sb.inject(
            FaultRule::new(Fault::stall_mid_body(Duration::from_secs(600)))
                .operation("download")
                .times(1),
        );
        let dest = scratch.join(format!("stalled-{n}.jpg"));
        let s = client
            .download_builder(&(100_003_001 + n as u64).to_string())
            .size("large")
            .stall(Some(connect_blocking::StallRule::new(1024, grace)))
            .to_file(&dest)
            .unwrap();
        assert_eq!(s.stalls, 1);
        let ratio = s.stalled_for.as_secs_f64() / grace.as_secs_f64();
        ratios.push(ratio);
        println!(
            "  stall protection, grace {:4} ms: the stalled body was given up {:7.1} ms after its last byte ({ratio:.3}x the grace; target at most 1.10x) and resumed with Range",
            grace.as_millis(),
            s.stalled_for.as_secs_f64() * 1000.0
        );
    }
    let worst = ratios.iter().copied().fold(0.0, f64::max);
    println!("  worst stall detection: {worst:.3}x the grace period");
    let _ = std::fs::remove_dir_all(&scratch);
}

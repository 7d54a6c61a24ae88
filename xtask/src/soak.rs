//! `cargo xtask soak`: the release sandbox binary under load from a separate client process
//! (the `soak_client` example), with its resident memory read from `/proc` after warm-up and
//! at the end. A measurement, not a test: it prints figures and fails only when the sandbox
//! answered 5xx beyond the faults it injected, or its memory grew by more than 10 %.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Largest allowed growth of the sandbox's resident memory from warm-up to the end.
const MAX_RSS_GROWTH: f64 = 0.10;

/// Runs the soak: `args` are passed to the client (e.g. `--calls 200000 --workers 400`).
pub fn run(root: &Path, client_args: &[&str]) -> std::io::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!("== building the release sandbox and the soak client");
    let built = Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--release",
            "--locked",
            "-p",
            "connect-sandbox",
            "--bin",
            "connect-sandbox",
            "--example",
            "soak_client",
        ])
        .status()?;
    if !built.success() {
        eprintln!("xtask: the build failed ({built})");
        return Ok(ExitCode::FAILURE);
    }
    let release = target_dir(root, &cargo)?.join("release");
    let dir = std::env::temp_dir().join(format!("connect-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let ca = dir.join("ca.pem");

    let mut sandbox = Command::new(release.join("connect-sandbox"))
        .args([
            "--http",
            "127.0.0.1:0",
            "--https",
            "127.0.0.1:0",
            "--images",
            "10000",
        ])
        // Short-lived tokens, so expiry and re-login are part of the mix.
        .args(["--token-ttl", "20s", "--control", "--ca-out"])
        .arg(&ca)
        .stdout(Stdio::piped())
        .spawn()?;
    let result = drive(&release, &mut sandbox, &ca, client_args);
    stop(&mut sandbox);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn drive(
    release: &Path,
    sandbox: &mut Child,
    ca: &Path,
    client_args: &[&str],
) -> std::io::Result<ExitCode> {
    let pid = sandbox.id();
    let (http, https) = banner(sandbox)?;
    println!("== sandbox pid {pid}: {http} {https}");
    println!("   start RSS {} KiB", rss_kib(pid).unwrap_or(0));
    let t0 = Instant::now();
    let mut client = Command::new(release.join("examples").join("soak_client"))
        .args(["--http", &http, "--https", &https, "--ca"])
        .arg(ca)
        .args(client_args)
        .stdout(Stdio::piped())
        .spawn()?;
    let out = client
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no client stdout"))?;
    let mut warm = None;
    let mut peak = 0u64;
    let mut summary = None;
    for line in BufReader::new(out).lines() {
        let line = line?;
        if let Some(kib) = rss_kib(pid) {
            peak = peak.max(kib);
        }
        if line.starts_with("warm ") {
            warm = rss_kib(pid);
            println!("   {line}: RSS {} KiB", warm.unwrap_or(0));
        } else if let Some(json) = line.strip_prefix("summary ") {
            summary = serde_json::from_str::<Value>(json).ok();
        } else {
            println!("   {line}");
        }
    }
    let status = client.wait()?;
    let end = rss_kib(pid);
    let (Some(summary), Some(warm), Some(end)) = (summary, warm, end) else {
        eprintln!("xtask: the soak client ended without a summary or RSS readings ({status})");
        return Ok(ExitCode::FAILURE);
    };
    let growth = end as f64 / warm.max(1) as f64 - 1.0;
    let num = |k: &str| summary[k].as_f64().unwrap_or(f64::NAN);
    let int = |k: &str| summary[k].as_u64().unwrap_or(0);
    println!("== soak results ({:.0?} wall)", t0.elapsed());
    println!(
        "   workers (each with its own keep-alive connections): {}",
        int("workers")
    );
    println!(
        "   calls: {} in {:.1} s = {:.0} calls/s",
        int("calls"),
        num("seconds"),
        num("calls_per_second")
    );
    println!(
        "   latency: p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms",
        num("p50_ms"),
        num("p99_ms"),
        num("max_ms")
    );
    println!(
        "   logins (OAuth2 password grant / CreateSession): {}",
        int("logins")
    );
    println!(
        "   5xx: {}, injected faults: {}, transport errors: {}",
        int("server_errors_5xx"),
        int("injected_faults"),
        int("transport_errors")
    );
    println!(
        "   AUTH-021 (expired or evicted tokens, then a new login): {}, other API errors: {}",
        int("auth_refusals"),
        int("other_api_errors")
    );
    if int("other_api_errors") > 0 {
        println!(
            "   other API errors by call: {}",
            summary["other_api_error_codes"]
        );
    }
    println!(
        "   sandbox connections refused: {}, timed out: {}",
        int("sandbox_connections_refused"),
        int("sandbox_connections_timed_out")
    );
    println!("   sandbox operations: {}", summary["sandbox_operations"]);
    println!(
        "   sandbox RSS: {warm} KiB after warm-up, {end} KiB at the end ({:+.1} %), peak {peak} KiB",
        growth * 100.0
    );
    let mut ok = true;
    if int("server_errors_5xx") > int("injected_faults") {
        eprintln!("xtask: 5xx answers beyond the injected faults");
        ok = false;
    }
    if growth > MAX_RSS_GROWTH {
        eprintln!(
            "xtask: the sandbox's memory grew by more than {:.0} %",
            MAX_RSS_GROWTH * 100.0
        );
        ok = false;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Reads the sandbox's banner up to its last line; returns the two base URLs.
fn banner(sandbox: &mut Child) -> std::io::Result<(String, String)> {
    let out = sandbox
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no sandbox stdout"))?;
    let mut lines = BufReader::new(out).lines();
    let (mut http, mut https) = (None, None);
    for line in lines.by_ref() {
        let line = line?;
        let last = line.split_whitespace().last().map(str::to_owned);
        if line.contains("HTTP  base URL") {
            http = last;
        } else if line.contains("HTTPS base URL") {
            https = last;
        } else if line.contains("control:") {
            break;
        }
    }
    // Keep draining the banner pipe so the sandbox never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    match (http, https) {
        (Some(h), Some(s)) => Ok((h, s)),
        _ => Err(std::io::Error::other("the sandbox banner has no base URLs")),
    }
}

/// `VmRSS` of a process, in KiB (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// SIGTERM, then a bounded wait, then SIGKILL.
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Cargo's target directory for this workspace.
fn target_dir(root: &Path, cargo: &std::ffi::OsStr) -> std::io::Result<PathBuf> {
    let out = Command::new(cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()?;
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| std::io::Error::other(format!("cargo metadata: {e}")))?;
    v["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| std::io::Error::other("cargo metadata names no target directory"))
}

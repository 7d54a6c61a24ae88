//! Measurements shared by the blocking and async benchmarks (included with `#[path]`): the
//! parts that do not depend on the transport.

use super::figure::{Goal, figure, reset_peak_rss, rss_kib, spread};
use connect_types::ops::SearchForImagesRequest;
use std::path::Path;
use std::time::{Duration, Instant};

/// The median of some timings.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The per-call comparison, gathered round by round: each round's medians give one ratio, and
/// the figures are the medians of those ratios with their spread.
#[derive(Default)]
pub struct PerCall {
    client: Vec<Duration>,
    raw: Vec<Duration>,
    raw_typed: Vec<Duration>,
    over_raw: Vec<f64>,
    over_raw_typed: Vec<f64>,
    calls: usize,
}

impl PerCall {
    /// Adds one round's timings (one entry a call, alternated so drift hits all three alike).
    pub fn round(&mut self, client: Vec<Duration>, raw: Vec<Duration>, raw_typed: Vec<Duration>) {
        self.calls += client.len();
        let (c, r, t) = (median(client), median(raw), median(raw_typed));
        self.over_raw.push(c.as_secs_f64() / r.as_secs_f64());
        self.over_raw_typed.push(c.as_secs_f64() / t.as_secs_f64());
        self.client.push(c);
        self.raw.push(r);
        self.raw_typed.push(t);
    }

    /// Prints the comparison and its figure lines; `goals` are those of client / raw POST and
    /// client / (raw POST + decode), or `None` where the issue sets none (plain loopback).
    pub fn report(
        self,
        bench: &str,
        label: &str,
        raw_name: &str,
        bytes: usize,
        goals: Option<(f64, f64)>,
    ) {
        let rounds = self.over_raw.len();
        let (c, r, t) = (
            median(self.client),
            median(self.raw),
            median(self.raw_typed),
        );
        let (q1, lo1, hi1) = spread(&self.over_raw);
        let (q2, lo2, hi2) = spread(&self.over_raw_typed);
        let goal = |g: Option<f64>| g.map_or(String::new(), |g| format!(" (goal <= {g})"));
        println!(
            "per call, {label} (75-image search with keywords, {bytes} bytes, {} calls each in {rounds} rounds; medians):\n  \
             client {c:?} / raw {raw_name} POST {r:?} = {q1:.3} (rounds {lo1:.3}..{hi1:.3}){}\n  \
             client {c:?} / raw {raw_name} POST + the same typed decode {t:?} = {q2:.3} (rounds {lo2:.3}..{hi2:.3}){}",
            self.calls,
            goal(goals.map(|g| g.0)),
            goal(goals.map(|g| g.1)),
        );
        let to_goal = |g: Option<f64>| g.map_or(Goal::None, Goal::AtMost);
        figure(
            &format!("{bench}: client / raw POST, {label}"),
            to_goal(goals.map(|g| g.0)),
            "x",
            &self.over_raw,
        );
        figure(
            &format!("{bench}: client / (raw POST + decode), {label}"),
            to_goal(goals.map(|g| g.1)),
            "x",
            &self.over_raw_typed,
        );
    }
}

/// One `curl` download of `url` to /dev/null, trusting `ca`; its wall time.
pub fn curl_once(url: &str, ca: &Path) -> Duration {
    let t = Instant::now();
    let out = std::process::Command::new("/usr/bin/curl")
        .args(["-s", "-f", "--cacert"])
        .arg(ca)
        .args(["-o", "/dev/null", url])
        .status()
        .unwrap();
    let elapsed = t.elapsed();
    assert!(out.success());
    elapsed
}

/// The goals for a download: client / curl throughput, and the peak resident set's
/// growth while the client downloads (MiB).
pub const DOWNLOAD_GOAL: f64 = 1.2;
pub const DOWNLOAD_RSS_GOAL_MIB: f64 = 8.0;

/// Prints the download comparison: one entry a round in each list (`rss_growth_kib`: the peak
/// resident set's growth during the client's download of that round).
pub fn report_download(
    bench: &str,
    size: u64,
    sdk: Vec<Duration>,
    curl: Vec<Duration>,
    rss_growth_kib: Vec<u64>,
) {
    let mib = size as f64 / (1024.0 * 1024.0);
    let ratios: Vec<f64> = sdk
        .iter()
        .zip(&curl)
        .map(|(s, c)| c.as_secs_f64() / s.as_secs_f64())
        .collect();
    let growth: Vec<f64> = rss_growth_kib.iter().map(|k| *k as f64 / 1024.0).collect();
    let (ratio, lo, hi) = spread(&ratios);
    let (g, glo, ghi) = spread(&growth);
    let rounds = ratios.len();
    let (ds, dc) = (median(sdk), median(curl));
    println!(
        "download ({mib:.0} MiB over HTTPS, {rounds} rounds; medians): client {:.0} MiB/s, curl {:.0} MiB/s, \
         ratio {ratio:.2} (rounds {lo:.2}..{hi:.2}; goal >= {DOWNLOAD_GOAL})\n  \
         peak RSS growth while the client downloads (client and the in-process sandbox): {g:.1} MiB \
         (rounds {glo:.1}..{ghi:.1}; goal < {DOWNLOAD_RSS_GOAL_MIB})",
        mib / ds.as_secs_f64(),
        mib / dc.as_secs_f64(),
    );
    figure(
        &format!("{bench}: download 256 MiB, client / curl"),
        Goal::AtLeast(DOWNLOAD_GOAL),
        "x",
        &ratios,
    );
    figure(
        &format!("{bench}: download, peak RSS growth"),
        Goal::Below(DOWNLOAD_RSS_GOAL_MIB),
        "MiB",
        &growth,
    );
}

/// Starts the peak resident set again from the current one.
#[allow(dead_code)]
pub fn reset_peak() {
    reset_peak_rss();
}

/// The RSS growth of one download: resets the peak, runs `f`, and returns `f`'s result and how
/// far the peak rose above the resident set at the start (KiB).
#[allow(dead_code)]
pub fn with_peak_growth<T>(f: impl FnOnce() -> T) -> (T, u64) {
    reset_peak_rss();
    let (before, _) = rss_kib();
    let out = f();
    let (_, peak) = rss_kib();
    (out, peak.saturating_sub(before))
}

/// The goal for typed decode against `serde_json::Value`.
pub const DECODE_GOAL: f64 = 3.0;

/// Typed decode of a search answer against `serde_json::Value`: rounds of each, alternated so
/// both see the same machine, one ratio a round.
pub fn decode_bench(bench: &str, bytes: &[u8]) {
    const ROUNDS: usize = 9;
    const PER_ROUND: u32 = 200;
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..PER_ROUND {
            f();
        }
        t.elapsed() / PER_ROUND
    };
    let typed = || {
        let r =
            connect_types::decode_response::<SearchForImagesRequest>(std::hint::black_box(bytes))
                .unwrap();
        std::hint::black_box(r);
    };
    let value = || {
        let v: serde_json::Value = serde_json::from_slice(std::hint::black_box(bytes)).unwrap();
        std::hint::black_box(v);
    };
    // One of each first, so neither pays for the first touch of the allocator's memory.
    time(&typed);
    time(&value);
    let (mut t, mut v, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (tt, tv) = (time(&typed), time(&value));
        ratios.push(tv.as_secs_f64() / tt.as_secs_f64());
        t.push(tt);
        v.push(tv);
    }
    let mbs = |d: Duration| bytes.len() as f64 / d.as_secs_f64() / 1e6;
    let (ratio, lo, hi) = spread(&ratios);
    println!(
        "decode ({} bytes, {ROUNDS} rounds of {PER_ROUND}; medians): typed {:.0} MB/s ({:?}), \
         serde_json::Value {:.0} MB/s ({:?}), typed/Value {ratio:.2} (rounds {lo:.2}..{hi:.2}; goal >= {DECODE_GOAL})",
        bytes.len(),
        mbs(median(t.clone())),
        median(t),
        mbs(median(v.clone())),
        median(v),
    );
    figure(
        &format!("{bench}: typed decode / serde_json::Value"),
        Goal::AtLeast(DECODE_GOAL),
        "x",
        &ratios,
    );
}

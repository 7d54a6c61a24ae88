//! Measurements shared by the blocking and async benchmarks (included with `#[path]`): the
//! parts that do not depend on the transport.

use connect_types::ops::SearchForImagesRequest;
use std::path::Path;
use std::time::{Duration, Instant};

/// The median of some timings.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Prints the per-call comparison of the client against a raw POST.
pub fn report_per_call(
    label: &str,
    raw_name: &str,
    bytes: usize,
    iterations: usize,
    client: Duration,
    raw: Duration,
    raw_typed: Duration,
) {
    println!(
        "per call, {label} (75-image search with keywords, {bytes} bytes, {iterations} calls each, medians):\n  \
         client {client:?} / raw {raw_name} POST {raw:?} = {:.3} (target <= 1.10)\n  \
         client {client:?} / raw {raw_name} POST + the same typed decode {raw_typed:?} = {:.3}",
        client.as_secs_f64() / raw.as_secs_f64(),
        client.as_secs_f64() / raw_typed.as_secs_f64(),
    );
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

/// Prints the download comparison.
pub fn report_download(size: u64, sdk: Vec<Duration>, curl: Vec<Duration>) {
    let mib = size as f64 / (1024.0 * 1024.0);
    let (ds, dc) = (median(sdk), median(curl));
    println!(
        "download ({mib:.0} MiB over HTTPS, median of 3): client {:.0} MiB/s, curl {:.0} MiB/s, ratio {:.2} (target >= 0.8)",
        mib / ds.as_secs_f64(),
        mib / dc.as_secs_f64(),
        dc.as_secs_f64() / ds.as_secs_f64()
    );
}

/// Typed decode of a search answer against `serde_json::Value`.
pub fn decode_bench(bytes: &[u8]) {
    let rounds = 300;
    let time = |f: &dyn Fn()| {
        let mut v = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            for _ in 0..rounds {
                f();
            }
            v.push(t.elapsed());
        }
        median(v)
    };
    let typed = time(&|| {
        let r =
            connect_types::decode_response::<SearchForImagesRequest>(std::hint::black_box(bytes))
                .unwrap();
        std::hint::black_box(r);
    });
    let value = time(&|| {
        let v: serde_json::Value = serde_json::from_slice(std::hint::black_box(bytes)).unwrap();
        std::hint::black_box(v);
    });
    let mbs = |d: Duration| (bytes.len() * rounds) as f64 / d.as_secs_f64() / 1e6;
    println!(
        "decode ({} bytes): typed {:.0} MB/s, serde_json::Value {:.0} MB/s, typed/Value {:.2} (target >= 1.0)",
        bytes.len(),
        mbs(typed),
        mbs(value),
        value.as_secs_f64() / typed.as_secs_f64()
    );
}

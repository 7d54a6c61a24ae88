//! Benchmark of the async client against the in-process sandbox on loopback (not a test).
//!
//! `cargo run --release -p connect-async --example async_bench [-- ITERATIONS]` prints:
//! 1. the client's median time per 75-image search (with keywords) divided by the median of a
//!    raw reqwest POST of the same bytes (same client settings, same token, body read to memory);
//! 2. decode throughput of that search result: typed (`connect_types`) vs `serde_json::Value`;
//! 3. download throughput of a 256 MiB file: the client (to a sink) vs `curl` on the same URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../connect-blocking/examples/support/figure.rs"]
mod figure;
#[path = "../../connect-blocking/examples/support/bench.rs"]
mod support;

use connect_async::Client;
use connect_async::ops::{ImageFamily, SearchForImagesRequest};
use connect_sandbox::{LARGE_IMAGE_ID, Sandbox, SandboxConfig, SandboxThread};
use connect_types::{RequestHeader, Secret};
use std::time::{Duration, Instant};
use support::{PerCall, curl_once, decode_bench, report_download};

/// The name figures carry.
const BENCH: &str = "async";
/// The raw client compared against.
const RAW: &str = "reqwest";
/// Rounds of the per-call comparison (each a ratio; the figure is their median).
const ROUNDS: usize = 5;
/// The goals with 5 ms server latency: client / raw POST, client / (raw POST + decode).
const LATENCY_GOALS: (f64, f64) = (1.10, 1.03);

/// Whether the section `name` runs: all do unless `CONNECT_BENCH_ONLY` names some
/// (comma-separated: `per_call`, `decode`, `download`).
fn runs(name: &str) -> bool {
    std::env::var("CONNECT_BENCH_ONLY")
        .map_or(true, |only| only.split(',').any(|o| o.trim() == name))
}

fn client_for(sb: &SandboxThread) -> Client {
    Client::builder()
        .credentials(
            sb.credentials()
                .first_user()
                .expect("the sandbox has users"),
        )
        .base_url(sb.https_base_url())
        .root_certificate_pem(sb.ca_pem().as_bytes().to_vec())
        .build()
        .unwrap()
}

/// Client vs raw POST of the same bytes; returns one answer's bytes.
async fn per_call(
    sb: &SandboxThread,
    iterations: usize,
    label: &str,
    goals: Option<(f64, f64)>,
) -> bytes::Bytes {
    let client = client_for(sb);
    let search = SearchForImagesRequest::phrase("tree")
        .family(ImageFamily::Creative)
        .count(75)
        .include_keywords(true);

    // The raw side: the same client settings, a token of its own, the same envelope bytes.
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_pem(sb.ca_pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let token = http
        .post(format!("{}/oauth2/token", sb.https_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let token: serde_json::Value = serde_json::from_slice(&token).unwrap();
    let header = RequestHeader {
        token: Some(Secret::new(token["access_token"].as_str().unwrap())),
        coordination_id: Some("0123456789abcdef".into()),
        detail: None,
    };
    let body = connect_types::encode_request(&header, &search);
    let url = format!("{}/v2/search/SearchForImages", sb.https_base_url());
    let raw = || async {
        http.post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    };

    // Warm up both (connections, token), then alternate so drift hits both alike.
    let mut sample = bytes::Bytes::new();
    for _ in 0..20 {
        client.search_images(&search).await.unwrap();
        sample = raw().await;
    }
    // Rounds of alternated calls; each round gives one ratio.
    let mut rounds = PerCall::default();
    for _ in 0..ROUNDS {
        let (mut t_client, mut t_raw, mut t_raw_typed) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..iterations.div_ceil(ROUNDS) {
            let t = Instant::now();
            let r = client.search_images(&search).await.unwrap();
            t_client.push(t.elapsed());
            assert_eq!(r.result.images.len(), 75);
            let t = Instant::now();
            std::hint::black_box(raw().await);
            t_raw.push(t.elapsed());
            let t = Instant::now();
            let bytes = raw().await;
            let typed = connect_types::decode_response::<SearchForImagesRequest>(&bytes).unwrap();
            std::hint::black_box(typed);
            t_raw_typed.push(t.elapsed());
        }
        rounds.round(t_client, t_raw, t_raw_typed);
    }
    rounds.report(BENCH, label, RAW, sample.len(), goals);
    sample
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let sb = Sandbox::start_blocking(SandboxConfig::default()).unwrap();
    let mut sample = Vec::new();
    if runs("per_call") || runs("decode") {
        sample = per_call(&sb, iterations, "loopback", None).await.to_vec();
    }
    if runs("per_call") {
        // The same with 5 ms added per answer, closer to a real network.
        let slow = SandboxConfig::default().with_latency(Duration::from_millis(5));
        let slow = Sandbox::start_blocking(slow).unwrap();
        per_call(
            &slow,
            iterations / 3,
            "loopback + 5 ms server latency",
            Some(LATENCY_GOALS),
        )
        .await;
    }
    if runs("decode") {
        decode_bench(BENCH, &sample);
    }
    if !runs("download") {
        return;
    }

    // Download: one URL, fetched by the client and by curl.
    let dir = std::env::temp_dir().join(format!("connect-bench-async-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    sb.write_ca_pem(&ca).unwrap();
    let client = client_for(&sb);
    let target = client
        .download_largest(LARGE_IMAGE_ID)
        .await
        .unwrap()
        .target()
        .clone();
    let size = sb.config().large_file_bytes;
    let (mut t_sdk, mut t_curl, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        support::reset_peak();
        let (before, _) = figure::rss_kib();
        let s = client
            .download_target(target.clone())
            .to_writer(&mut tokio::io::sink())
            .await
            .unwrap();
        let growth = figure::rss_kib().1.saturating_sub(before);
        t_sdk.push(t.elapsed());
        rss.push(growth);
        assert_eq!(s.bytes, size);
        t_curl.push(curl_once(&target.url, &ca));
    }
    report_download(BENCH, size, t_sdk, t_curl, rss);
    let _ = std::fs::remove_dir_all(&dir);
}

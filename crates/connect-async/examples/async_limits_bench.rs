//! Benchmark of the async client against the service's call limits (not a test).
//!
//! `cargo run --release -p connect-async --example async_limits_bench` prints:
//! 1. 64 tasks on one client making 3,000 searches against a sandbox at `--qps 50`: whether
//!    every call succeeded, the wall time against the ideal (calls / qps), the goodput as a
//!    share of the limit, and the share of requests the sandbox throttled;
//! 2. against `--daily-limit 100`: the requests let through, then 20 calls that each fail with
//!    the daily-limit error after exactly one request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../connect-blocking/examples/support/figure.rs"]
mod figure;
#[path = "../../connect-blocking/examples/support/limits.rs"]
mod support;

use connect_async::Client;
use connect_async::ops::SearchForImagesRequest;
use connect_sandbox::SandboxThread;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use support::*;

const TASKS: usize = 64;

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

fn search() -> SearchForImagesRequest {
    SearchForImagesRequest::phrase("tree").count(1)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sb = per_second_sandbox();
    let client = client_for(&sb);
    let left = Arc::new(AtomicU64::new(CALLS));
    let succeeded = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, left, succeeded) = (client.clone(), left.clone(), succeeded.clone());
            tokio::spawn(async move {
                while left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    match client.search_images(&search()).await {
                        Ok(_) => {
                            succeeded.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) => eprintln!("a call failed: {e}"),
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = t0.elapsed();
    report_per_second(
        &format!("{TASKS} tasks on one async client"),
        succeeded.load(Ordering::SeqCst),
        elapsed,
        &key(&sb),
        client.pacing(),
    );
    drop(sb);

    let sb = daily_sandbox();
    let client = client_for(&sb);
    let mut ok = 0;
    let mut per_failure = Vec::new();
    while (per_failure.len() as u64) < AFTER {
        let before = key(&sb).refused_for_day;
        match client.search_images(&search()).await {
            Ok(_) if per_failure.is_empty() => ok += 1,
            Ok(_) => panic!("a call succeeded after the daily limit was used up"),
            Err(e) if e.is_daily_limit() => per_failure.push(key(&sb).refused_for_day - before),
            Err(e) => panic!("not the daily-limit error: {e}"),
        }
    }
    let counts = key(&sb);
    assert_eq!(counts.refused_for_day, AFTER);
    report_daily("one async client", ok, &counts, &per_failure);
}

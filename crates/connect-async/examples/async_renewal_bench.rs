//! Concurrency across a token renewal (a benchmark, not a test): 10,000 tasks on one async
//! client call the in-process sandbox at once, first in the renewal window of the client's
//! token (2 of its 30 minutes left) and then after it expired, on the sandbox's clock.
//!
//! `cargo run --release -p connect-async --example async_renewal_bench [-- TASKS]` prints, for
//! each of 3 rounds of both, the token requests the sandbox saw (the goal: exactly one), the
//! p50/p99 latency of the calls (spawn to answer) and the process's resident set before and at
//! its peak (client and the in-process sandbox together).
//!
//! The transport lets 256 requests out at a time (the sandbox speaks HTTP/1.1, a connection a
//! request in flight, and closes connections beyond 1,024); the 10,000 tasks are all inside the
//! client at once, asking it for a token together.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../connect-blocking/examples/support/figure.rs"]
mod figure;

use connect_async::ops::SearchForImagesRequest;
use connect_async::{
    Body, Client, Clock, ReqwestTransport, Transport, TransportFailure, async_trait, http,
};
use connect_sandbox::{Sandbox, SandboxConfig, SandboxThread};
use figure::{Goal, figure};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests in flight at once.
const IN_FLIGHT: usize = 256;
const ROUNDS: usize = 3;

/// The default transport behind a semaphore.
#[derive(Debug)]
struct Limited {
    inner: ReqwestTransport,
    permits: tokio::sync::Semaphore,
}

#[async_trait]
impl Transport for Limited {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let _permit = self.permits.acquire().await.expect("never closed");
        self.inner.send(request).await
    }
}

fn client_for(sb: &SandboxThread) -> Client {
    let b = Client::builder()
        .credentials(
            sb.credentials()
                .first_user()
                .expect("the sandbox has users"),
        )
        .base_url(sb.https_base_url())
        .root_certificate_pem(sb.ca_pem().as_bytes().to_vec())
        .clock(Clock::new(sb.clock()));
    let inner = ReqwestTransport::new(b.config()).unwrap();
    b.transport(Arc::new(Limited {
        inner,
        permits: tokio::sync::Semaphore::new(IN_FLIGHT),
    }))
    .build()
    .unwrap()
}

/// One run: `tasks` searches at once; their latencies (sorted) and the token requests made.
async fn run(sb: &SandboxThread, client: &Client, tasks: usize) -> (Vec<Duration>, u64) {
    sb.reset_stats();
    let search = SearchForImagesRequest::phrase("tree").count(3);
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (c, s) = (client.clone(), search.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                c.search_images(&s).await.map(|_| t.elapsed())
            })
        })
        .collect();
    let mut times = Vec::with_capacity(tasks);
    for h in handles {
        times.push(h.await.unwrap().unwrap());
    }
    times.sort();
    let stats = sb.stats();
    assert_eq!(
        stats.operations.get("SearchForImages").copied(),
        Some(tasks as u64),
        "{stats:?}"
    );
    (times, stats.grants.values().sum())
}

/// A case's name, then one entry a round of: token requests, p50 and p99 (ms), peak RSS
/// growth (MiB).
type Case = (&'static str, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tasks: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let sb = Sandbox::start_blocking(SandboxConfig::default()).unwrap();
    let client = client_for(&sb);
    // Signed in, connections open: what follows is the renewal alone.
    run(&sb, &client, IN_FLIGHT).await;

    let cases = [
        ("in the renewal window", Duration::from_secs(28 * 60)),
        ("after expiry", Duration::from_secs(31 * 60)),
    ];
    let mut by_case: Vec<Case> = cases
        .iter()
        .map(|(case, _)| (*case, Vec::new(), Vec::new(), Vec::new(), Vec::new()))
        .collect();
    for _ in 0..ROUNDS {
        for (i, (_, advance)) in cases.iter().enumerate() {
            sb.advance(*advance);
            figure::reset_peak_rss();
            let (before, _) = figure::rss_kib();
            let (times, grants) = run(&sb, &client, tasks).await;
            let (_, peak) = figure::rss_kib();
            let pct = |p: f64| {
                times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
            };
            let case = &mut by_case[i];
            case.1.push(grants as f64);
            case.2.push(pct(0.5));
            case.3.push(pct(0.99));
            case.4.push(peak.saturating_sub(before) as f64 / 1024.0);
            println!(
                "{tasks} tasks {}: {grants} token request(s), call latency p50 {:.1} ms, p99 {:.1} ms, \
                 RSS {:.1} MiB before, peak {:.1} MiB (client and the in-process sandbox)",
                case.0,
                pct(0.5),
                pct(0.99),
                before as f64 / 1024.0,
                peak as f64 / 1024.0,
            );
        }
    }
    for (case, grants, p50, p99, growth) in &by_case {
        figure(
            &format!("async: {tasks} tasks {case}, token requests"),
            Goal::Exactly(1.0),
            "",
            grants,
        );
        figure(
            &format!("async: {tasks} tasks {case}, call p50"),
            Goal::None,
            "ms",
            p50,
        );
        figure(
            &format!("async: {tasks} tasks {case}, call p99"),
            Goal::None,
            "ms",
            p99,
        );
        figure(
            &format!("async: {tasks} tasks {case}, peak RSS growth"),
            Goal::None,
            "MiB",
            growth,
        );
    }
}

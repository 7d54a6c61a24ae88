//! Behaviour suite of the async client: the shared scenarios (in `connect-testkit/suite/`, also
//! run by the blocking client) plus what only an async client has.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The cross-test lock (`EXCLUSIVE`) is held for a whole test on purpose; each test runs on its
// own runtime, so no other task of that runtime waits for it.
#![allow(clippy::await_holding_lock)]

use connect_async as sdk;
use futures_util::StreamExt;

macro_rules! wait {
    ($e:expr) => {
        $e.await
    };
}

macro_rules! scenario {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let _shared = EXCLUSIVE.read().unwrap_or_else(|p| p.into_inner());
            $body
        }
    };
}

macro_rules! scenario_alone {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let _alone = EXCLUSIVE.write().unwrap_or_else(|p| p.into_inner());
            $body
        }
    };
}

macro_rules! all {
    ($pages:expr) => {
        futures_util::StreamExt::collect::<Vec<_>>($pages).await
    };
}

/// A raw `POST /oauth2/token` through the crate's own transport.
async fn post_form(sb: &connect_sandbox::SandboxThread, form: String) -> Vec<u8> {
    use sdk::Transport;
    let config = sdk::ClientConfig {
        root_certificates_pem: vec![sb.ca_pem().as_bytes().to_vec()],
        ..sdk::ClientConfig::default()
    };
    let request = http::Request::post(format!("{}/oauth2/token", sb.https_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.into_bytes())
        .unwrap();
    let response = sdk::ReqwestTransport::new(&config)
        .unwrap()
        .send(request)
        .await
        .unwrap();
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    bytes
}

/// A GET through the crate's own transport (no redirect followed): the status and `Location`.
async fn get_raw(url: &str, ca_pem: &str) -> (u16, Option<String>) {
    use sdk::Transport;
    let config = sdk::ClientConfig {
        root_certificates_pem: vec![ca_pem.as_bytes().to_vec()],
        ..sdk::ClientConfig::default()
    };
    let request = http::Request::get(url).body(Vec::new()).unwrap();
    let response = sdk::ReqwestTransport::new(&config)
        .unwrap()
        .send(request)
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status().as_u16(), location)
}

/// A user-defined transport around the default one, counting requests.
#[derive(Debug)]
struct Counting {
    inner: sdk::ReqwestTransport,
    sent: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

#[sdk::async_trait]
impl sdk::Transport for Counting {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<sdk::Body>, sdk::TransportFailure> {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.send(request).await
    }
}

/// A client (with a fixed access token, so no token request) that counts what it sends.
fn counting_client(
    base: &str,
    policy: sdk::RetryPolicy,
    request_timeout: std::time::Duration,
) -> (sdk::Client, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let sent = std::sync::Arc::default();
    let builder = sdk::Client::builder()
        .credentials(sdk::Credentials::access_token("token", None))
        .base_url(base)
        // The test servers are plain HTTP, and the token is a dummy.
        .allow_oauth_token_over_http(true)
        .retry_policy(policy)
        .connect_timeout(std::time::Duration::from_secs(2))
        .request_timeout(request_timeout);
    let inner = sdk::ReqwestTransport::new(builder.config()).unwrap();
    let client = builder
        .transport(std::sync::Arc::new(Counting {
            inner,
            sent: std::sync::Arc::clone(&sent),
        }))
        .build()
        .unwrap();
    (client, sent)
}

#[path = "../../../connect-testkit/suite/scenarios.rs"]
mod scenarios;
use scenarios::*;
#[path = "../../../connect-testkit/suite/hostile.rs"]
mod hostile;

#[path = "../../../connect-testkit/suite/batches.rs"]
mod batches;
#[path = "../../../connect-testkit/suite/cassettes.rs"]
mod cassettes;
#[path = "../../../connect-testkit/suite/documented.rs"]
mod documented;
#[path = "../../../connect-testkit/suite/failure_classes.rs"]
mod failure_classes;
#[path = "../../../connect-testkit/suite/from_env.rs"]
mod from_env;
#[path = "../../../connect-testkit/suite/hostile_downloads.rs"]
mod hostile_downloads;
#[path = "../../../connect-testkit/suite/limits.rs"]
mod limits;
#[path = "../../../connect-testkit/suite/promised.rs"]
mod promised;
#[path = "../../../connect-testkit/suite/token_cache.rs"]
mod token_cache;

/// The asset ids of a channel in feed order, read by another user (whose cursor is untouched).
async fn channel_truth(sb: &connect_sandbox::SandboxThread, channel: u64) -> Vec<String> {
    let other = client(
        sb,
        sdk::Credentials::resource_owner(CLIENT_ID, CLIENT_SECRET, "bob", "bob-password"),
    );
    let ids = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = ids.clone();
    other
        .follow_changes(
            sdk::feed::FeedOptions::channel(channel).batch_size(500),
            move |b| {
                sink.lock()
                    .unwrap()
                    .extend(b.changes.into_iter().filter_map(|c| c.asset_id));
                async { Ok::<(), std::io::Error>(()) }
            },
        )
        .await
        .unwrap();
    ids.lock().unwrap().clone()
}

scenario! {
    fn the_feed_delivers_every_change_at_least_once_across_a_killed_consumer() {
        use sdk::feed::FeedOptions;
        use std::sync::{Arc, Mutex};
        let sb = start(connect_sandbox::SandboxConfig::default());
        let c = client(&sb, alice());
        let options = FeedOptions::channel(1).batch_size(25);
        // The first consumer's task is aborted while it handles its third batch: after taking
        // the changes in, before the confirmation.
        let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let (taken, took) = tokio::sync::oneshot::channel::<()>();
        let taken = Arc::new(Mutex::new(Some(taken)));
        let (c1, seen1, o1) = (c.clone(), seen.clone(), options.clone());
        let consumer = tokio::spawn(async move {
            let batches = Arc::new(std::sync::atomic::AtomicU32::new(0));
            c1.follow_changes(o1, move |batch| {
                let n = batches.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                let tx = batch.transaction_id.clone();
                seen1
                    .lock()
                    .unwrap()
                    .extend(batch.changes.into_iter().map(|ch| (tx.clone(), ch.asset_id.unwrap())));
                let signal = if n == 3 { taken.lock().unwrap().take() } else { None };
                async move {
                    if let Some(s) = signal {
                        let _ = s.send(());
                        std::future::pending::<()>().await;
                    }
                    Ok::<(), std::io::Error>(())
                }
            })
            .await
        });
        took.await.unwrap();
        consumer.abort();
        assert!(consumer.await.unwrap_err().is_cancelled());
        let first: Vec<(String, String)> = seen.lock().unwrap().clone();
        assert_eq!(first.len(), 75);
        // A new consumer gets the unconfirmed batch again, then the rest of the channel.
        let second: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let sink = second.clone();
        let summary = c
            .follow_changes(options.clone(), move |batch| {
                let tx = batch.transaction_id.clone();
                sink.lock().unwrap().extend(batch.changes.into_iter().map(|ch| (tx.clone(), ch.asset_id.unwrap())));
                async { Ok::<(), std::io::Error>(()) }
            })
            .await
            .unwrap();
        let second = second.lock().unwrap().clone();
        assert_eq!(second[..25], first[50..75], "the killed batch came again, same id and changes");
        let truth = channel_truth(&sb, 1).await;
        assert_eq!(truth.len(), 120);
        let delivered: Vec<String> = first[..50].iter().chain(&second).map(|(_, id)| id.clone()).collect();
        assert_eq!(delivered, truth);
        assert_eq!(summary.changes, 70);
        let rest = c
            .follow_changes(options, |_| async { Ok::<(), std::io::Error>(()) })
            .await
            .unwrap();
        assert_eq!(rest.batches, 0);
    }
}

/// Holds token requests while closed, so a test can watch what the other callers do meanwhile.
#[derive(Debug)]
struct Gate {
    closed: tokio::sync::watch::Sender<bool>,
    /// Token requests waiting at the gate now.
    held: std::sync::atomic::AtomicUsize,
}

impl Gate {
    fn set(&self, closed: bool) {
        self.closed.send_replace(closed);
    }
    async fn pass(&self) {
        /// Counts a request at the gate until it passes or is cancelled.
        struct Held<'a>(&'a std::sync::atomic::AtomicUsize);
        impl Drop for Held<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let mut rx = self.closed.subscribe();
        self.held.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let _held = Held(&self.held);
        let _open = rx.wait_for(|c| !*c).await;
    }
}

#[derive(Debug)]
struct Gated {
    inner: sdk::ReqwestTransport,
    gate: std::sync::Arc<Gate>,
}

#[sdk::async_trait]
impl sdk::Transport for Gated {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<sdk::Body>, sdk::TransportFailure> {
        if request.uri().path() == "/oauth2/token" {
            self.gate.pass().await;
        }
        self.inner.send(request).await
    }
}

/// A client on the sandbox clock whose token requests pass through a [`Gate`].
fn gated_client(
    sb: &connect_sandbox::SandboxThread,
    credentials: sdk::Credentials,
) -> (sdk::Client, std::sync::Arc<Gate>) {
    let gate = std::sync::Arc::new(Gate {
        closed: tokio::sync::watch::Sender::new(false),
        held: std::sync::atomic::AtomicUsize::new(0),
    });
    let b = clocked_builder(sb, credentials);
    let inner = sdk::ReqwestTransport::new(b.config()).unwrap();
    let transport = std::sync::Arc::new(Gated {
        inner,
        gate: gate.clone(),
    });
    (b.transport(transport).build().unwrap(), gate)
}

fn spawn_searches(c: &sdk::Client) -> Vec<tokio::task::JoinHandle<Result<(), sdk::Error>>> {
    (0..100)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.search_images(&search("tree", 3)).await.map(drop) })
        })
        .collect()
}

/// Waits until `done` holds without blocking the runtime; fails after a minute.
async fn until_async(mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "still waiting after a minute"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

scenario! {
    fn hundred_concurrent_searches_cause_one_token_request() {
        use std::sync::atomic::Ordering::SeqCst;
        use std::time::Duration;
        let sb = start(connect_sandbox::SandboxConfig::default());
        let (c, gate) = gated_client(&sb, alice());
        for t in spawn_searches(&c) {
            t.await.unwrap().unwrap();
        }
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one login for 100 tasks: {stats:?}");
        assert_eq!(count(&stats.operations, "SearchForImages"), 100);

        // In the renewal window (2 of the token's 30 minutes left): the renewal is held at the
        // gate, and the 99 other tasks finish their searches meanwhile, with the old token.
        sb.advance(Duration::from_secs(28 * 60));
        sb.reset_stats();
        gate.set(true);
        let tasks = spawn_searches(&c);
        // 99 callers done while the renewal is still held.
        until_async(|| tasks.iter().filter(|t| t.is_finished()).count() == 99 && gate.held.load(SeqCst) == 1).await;
        let stats = sb.stats();
        assert_eq!(grants(&stats), 0, "the renewal is still held: {stats:?}");
        assert_eq!(stats.calls("https", "SearchForImages", "oauth"), 99, "{stats:?}");
        gate.set(false);
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one renewal ahead of expiry: {stats:?}");
        assert_eq!(count(&stats.grants, "refresh_token"), 1, "{stats:?}");
        assert_eq!(count(&stats.operations, "SearchForImages"), 100, "{stats:?}");

        // Past expiry: the 100 tasks wait for one renewal; none sends the expired token.
        sb.advance(Duration::from_secs(31 * 60));
        sb.reset_stats();
        for t in spawn_searches(&c) {
            t.await.unwrap().unwrap();
        }
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one renewal after expiry: {stats:?}");
        assert_eq!(count(&stats.grants, "refresh_token"), 1, "{stats:?}");
        assert_eq!(count(&stats.errors, "AUTH-021"), 0, "{stats:?}");
    }
}

scenario! {
    fn a_cancelled_token_request_does_not_block_the_others() {
        use std::sync::atomic::Ordering::SeqCst;
        let sb = start(connect_sandbox::SandboxConfig::default());
        let (c, gate) = gated_client(&sb, alice());
        // Cancel the only call while its token request is in flight (held at the gate).
        gate.set(true);
        let first = c.clone();
        let call = tokio::spawn(async move { first.search_images(&search("dog", 1)).await });
        until_async(|| gate.held.load(SeqCst) == 1).await;
        call.abort();
        assert!(call.await.unwrap_err().is_cancelled());
        assert_eq!(gate.held.load(SeqCst), 0, "its token request went with it");
        // The next call sends a token request of its own at once instead of waiting for the
        // abandoned one (minutes, by `abandon_after`).
        let second = c.clone();
        let call = tokio::spawn(async move { second.search_images(&search("dog", 1)).await });
        until_async(|| gate.held.load(SeqCst) == 1).await;
        gate.set(false);
        call.await.unwrap().unwrap();
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "the cancelled one never reached the sandbox: {stats:?}");
        assert_eq!(count(&stats.operations, "SearchForImages"), 1, "{stats:?}");
    }
}

scenario! {
    fn twenty_clients_on_one_cache_folder_make_one_token_grant() {
        // Each client has a cache of its own on one folder, so each opens the lock file itself,
        // as a process does; four tasks each.
        let sb = start(connect_sandbox::SandboxConfig::default());
        let dir = tempfile::tempdir().unwrap();
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let c = builder(&sb, alice())
                .token_cache(std::sync::Arc::new(sdk::FileTokenCache::new(dir.path())))
                .build()
                .unwrap();
            for _ in 0..4 {
                let c = c.clone();
                tasks.push(tokio::spawn(async move {
                    c.search_images(&search("tree", 1)).await.map(drop)
                }));
            }
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "{stats:?}");
        assert_eq!(count(&stats.operations, "SearchForImages"), 80, "{stats:?}");
    }
}

#[test]
fn client_is_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<sdk::Client>();
}

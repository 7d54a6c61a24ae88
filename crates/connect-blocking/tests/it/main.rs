//! Behaviour suite of the blocking client: the shared scenarios (in `connect-testkit/suite/`,
//! also run by `connect-async`) plus what only a blocking client has.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connect_blocking as sdk;
use std::io::Read;
use std::time::Duration;

macro_rules! wait {
    ($e:expr) => {
        $e
    };
}

macro_rules! scenario {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[test]
        fn $name() {
            let _shared = EXCLUSIVE.read().unwrap_or_else(|p| p.into_inner());
            $body
        }
    };
}

macro_rules! scenario_alone {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[test]
        fn $name() {
            let _alone = EXCLUSIVE.write().unwrap_or_else(|p| p.into_inner());
            $body
        }
    };
}

macro_rules! all {
    ($pages:expr) => {
        $pages.collect::<Vec<_>>()
    };
}

/// A raw `POST /oauth2/token` through the crate's own transport.
fn post_form(sb: &connect_sandbox::SandboxThread, form: String) -> Vec<u8> {
    use sdk::Transport;
    let config = sdk::ClientConfig {
        root_certificates_pem: vec![sb.ca_pem().as_bytes().to_vec()],
        ..sdk::ClientConfig::default()
    };
    let request = http::Request::post(format!("{}/oauth2/token", sb.https_base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.into_bytes())
        .unwrap();
    let response = sdk::UreqTransport::new(&config)
        .unwrap()
        .send(request)
        .unwrap();
    let mut bytes = Vec::new();
    response.into_body().read_to_end(&mut bytes).unwrap();
    bytes
}

/// A GET through the crate's own transport (no redirect followed): the status and `Location`.
fn get_raw(url: &str, ca_pem: &str) -> (u16, Option<String>) {
    use sdk::Transport;
    let config = sdk::ClientConfig {
        root_certificates_pem: vec![ca_pem.as_bytes().to_vec()],
        ..sdk::ClientConfig::default()
    };
    let request = http::Request::get(url).body(Vec::new()).unwrap();
    let response = sdk::UreqTransport::new(&config)
        .unwrap()
        .send(request)
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
    inner: sdk::UreqTransport,
    sent: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl sdk::Transport for Counting {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<sdk::Body>, sdk::TransportFailure> {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.send(request)
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
    let inner = sdk::UreqTransport::new(builder.config()).unwrap();
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

mod browser;

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

mod processes;

/// The asset ids of a channel in feed order, read by another user (whose cursor is untouched).
fn channel_truth(sb: &connect_sandbox::SandboxThread, channel: u64) -> Vec<String> {
    let other = client(
        sb,
        sdk::Credentials::resource_owner(CLIENT_ID, CLIENT_SECRET, "bob", "bob-password"),
    );
    let mut ids = Vec::new();
    other
        .follow_changes(
            sdk::feed::FeedOptions::channel(channel).batch_size(500),
            |b| {
                ids.extend(b.changes.into_iter().filter_map(|c| c.asset_id));
                Ok::<(), std::io::Error>(())
            },
        )
        .unwrap();
    ids
}

scenario! {
    fn the_feed_delivers_every_change_at_least_once_across_a_killed_consumer() {
        use sdk::feed::FeedOptions;
        use std::sync::{Arc, Mutex};
        let sb = start(connect_sandbox::SandboxConfig::default());
        let c = client(&sb, alice());
        let options = FeedOptions::channel(1).batch_size(25);
        // The first consumer dies while handling its third batch: after taking the changes in,
        // before the confirmation.
        let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let (c1, seen1, o1) = (c.clone(), seen.clone(), options.clone());
        let killed = std::thread::spawn(move || {
            let mut batches = 0;
            c1.follow_changes(o1, |batch| {
                batches += 1;
                let tx = batch.transaction_id.clone();
                seen1
                    .lock()
                    .unwrap()
                    .extend(batch.changes.into_iter().map(|ch| (tx.clone(), ch.asset_id.unwrap())));
                if batches == 3 {
                    panic!("consumer killed between a batch and its confirmation");
                }
                Ok::<(), std::io::Error>(())
            })
        })
        .join();
        assert!(killed.is_err(), "the consumer died");
        let first: Vec<(String, String)> = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_eq!(first.len(), 75);
        // A new consumer gets the unconfirmed batch again, then the rest of the channel.
        let mut second: Vec<(String, String)> = Vec::new();
        let summary = c
            .follow_changes(options.clone(), |batch| {
                let tx = batch.transaction_id.clone();
                second.extend(batch.changes.into_iter().map(|ch| (tx.clone(), ch.asset_id.unwrap())));
                Ok::<(), std::io::Error>(())
            })
            .unwrap();
        assert_eq!(second[..25], first[50..75], "the killed batch came again, same id and changes");
        let truth = channel_truth(&sb, 1);
        assert_eq!(truth.len(), 120);
        // Every change delivered at least once, in order: the two confirmed batches, then all
        // the second consumer saw.
        let delivered: Vec<String> = first[..50].iter().chain(&second).map(|(_, id)| id.clone()).collect();
        assert_eq!(delivered, truth);
        assert_eq!(summary.changes, 70);
        // Confirmed batches are not served again: the feed has moved on to its end.
        let rest = c.follow_changes(options, |_| Ok::<(), std::io::Error>(())).unwrap();
        assert_eq!(rest.batches, 0);
    }
}

scenario! {
    fn a_failing_handler_leaves_its_batch_unconfirmed() {
        let sb = start(connect_sandbox::SandboxConfig::default());
        let c = client(&sb, alice());
        let options = sdk::feed::FeedOptions::channel(3).batch_size(10);
        let mut first_tx = String::new();
        let e = c
            .follow_changes(options.clone(), |batch| {
                first_tx = batch.transaction_id;
                Err("disk full")
            })
            .unwrap_err();
        assert!(matches!(e, sdk::feed::FeedError::Handler("disk full")));
        assert!(e.to_string().contains("not confirmed"), "{e}");
        let mut again = String::new();
        c.follow_changes(options.max_batches(1), |batch| {
            again = batch.transaction_id;
            Ok::<(), std::io::Error>(())
        })
        .unwrap();
        assert_eq!(again, first_tx);
    }
}

/// Waits until `done` holds, checking every few milliseconds; gives up after a minute
/// (hundreds of times what the awaited work takes on a loaded machine) and says whether it held.
fn until(mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    true
}

/// Holds token requests while closed, so a test can watch what the other callers do meanwhile.
#[derive(Debug, Default)]
struct Gate {
    closed: std::sync::Mutex<bool>,
    changed: std::sync::Condvar,
    /// Token requests waiting at the gate now.
    held: std::sync::atomic::AtomicUsize,
}

impl Gate {
    fn set(&self, closed: bool) {
        *self.closed.lock().unwrap() = closed;
        self.changed.notify_all();
    }
    fn pass(&self) {
        let closed = self.closed.lock().unwrap();
        self.held.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let _open = self.changed.wait_while(closed, |c| *c).unwrap();
        self.held.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct Gated {
    inner: sdk::UreqTransport,
    gate: std::sync::Arc<Gate>,
}

impl sdk::Transport for Gated {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<sdk::Body>, sdk::TransportFailure> {
        if request.uri().path() == "/oauth2/token" {
            self.gate.pass();
        }
        self.inner.send(request)
    }
}

/// A client on the sandbox clock whose token requests pass through a [`Gate`].
fn gated_client(
    sb: &connect_sandbox::SandboxThread,
    credentials: sdk::Credentials,
) -> (sdk::Client, std::sync::Arc<Gate>) {
    let gate = std::sync::Arc::<Gate>::default();
    let b = clocked_builder(sb, credentials);
    let inner = sdk::UreqTransport::new(b.config()).unwrap();
    let transport = std::sync::Arc::new(Gated {
        inner,
        gate: gate.clone(),
    });
    (b.transport(transport).build().unwrap(), gate)
}

scenario! {
    fn threads_share_one_token_request() {
        use std::sync::atomic::Ordering::SeqCst;
        let sb = start(connect_sandbox::SandboxConfig::default());
        let (c, gate) = gated_client(&sb, alice());
        let run_all = || {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..100)
                    .map(|_| s.spawn(|| c.search_images(&search("tree", 3))))
                    .collect();
                for h in handles {
                    h.join().unwrap().unwrap();
                }
            })
        };
        run_all();
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one login for 100 threads: {stats:?}");
        assert_eq!(count(&stats.operations, "SearchForImages"), 100);

        // In the renewal window (2 of the token's 30 minutes left): the renewal is held at the
        // gate, and the 99 other threads finish their searches meanwhile, with the old token.
        sb.advance(Duration::from_secs(28 * 60));
        sb.reset_stats();
        gate.set(true);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..100)
                .map(|_| s.spawn(|| c.search_images(&search("tree", 3))))
                .collect();
            // 99 callers done while the renewal is still held.
            let went_on = until(|| handles.iter().filter(|h| h.is_finished()).count() == 99 && gate.held.load(SeqCst) == 1);
            let stats = sb.stats();
            // Opened before any assertion, so a failure does not leave the threads waiting.
            gate.set(false);
            assert!(went_on, "99 callers did not finish while the renewal was held: {stats:?}");
            assert_eq!(grants(&stats), 0, "the renewal is still held: {stats:?}");
            assert_eq!(stats.calls("https", "SearchForImages", "oauth"), 99, "{stats:?}");
            for h in handles {
                h.join().unwrap().unwrap();
            }
        });
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one renewal ahead of expiry: {stats:?}");
        assert_eq!(count(&stats.grants, "refresh_token"), 1, "{stats:?}");
        assert_eq!(count(&stats.operations, "SearchForImages"), 100, "{stats:?}");

        // Past expiry: the 100 threads wait for one renewal; none sends the expired token.
        sb.advance(Duration::from_secs(31 * 60));
        sb.reset_stats();
        run_all();
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one renewal after expiry: {stats:?}");
        assert_eq!(count(&stats.grants, "refresh_token"), 1, "{stats:?}");
        assert_eq!(count(&stats.errors, "AUTH-021"), 0, "{stats:?}");
    }
}

#[test]
fn client_is_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<sdk::Client>();
}

#[test]
fn from_env_names_what_is_missing() {
    // Only the pure part: the process environment is shared by every test.
    let err = sdk::ClientConfig::from_vars(|k| (k == "GETTY_SYSTEM_ID").then(|| "x".to_owned()))
        .unwrap_err();
    assert_eq!(err.kind(), sdk::ErrorKind::Config);
    assert!(
        err.to_string()
            .contains("GETTY_SYSTEM_PASSWORD, GETTY_USERNAME, GETTY_PASSWORD")
    );
}

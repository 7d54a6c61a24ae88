//! Behaviour suite of the blocking client: the shared scenarios (in `connect-testkit/suite/`,
//! also run by `connect-async`) plus what only a blocking client has.

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connect_blocking as sdk;
use std::io::Read;

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

#[path = "../../../connect-testkit/suite/hostile_downloads.rs"]
mod hostile_downloads;

scenario! {
    fn threads_share_one_token_request() {
        let sb = start(connect_sandbox::SandboxConfig::default().with_token_ttl(std::time::Duration::from_secs(4)));
        let c = client(&sb, alice());
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
        // In the renewal window (the token still valid): one renewal, the others keep going.
        std::thread::sleep(std::time::Duration::from_millis(2_500));
        sb.reset_stats();
        run_all();
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "one renewal ahead of expiry: {stats:?}");
        assert_eq!(count(&stats.grants, "refresh_token"), 1, "{stats:?}");
        // Past expiry: the 100 threads wait for one renewal.
        std::thread::sleep(std::time::Duration::from_millis(4_200));
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

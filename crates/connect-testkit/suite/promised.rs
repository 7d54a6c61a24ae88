//! What the documentation promises and only these check (both clients, like `scenarios.rs`):
//! the answer-size cap, the connect timeout, a proxy, a fresh coordination id per call,
//! `retry_non_idempotent` on the whole client, `Retry-After` in a real call and its cut-off,
//! the implicit grant against the sandbox, and an expired download URL.
//!
//! Included by each client's `tests/it/main.rs`, which also defines `get_raw(url, ca_pem)`: a
//! GET through the crate's own transport (no redirect followed), giving the status and the
//! `Location` header.

use super::get_raw;
use super::hostile::{hostile_builder, hostile_client, query, search_ok, user, with_tokens};
use super::scenarios::{
    CLIENT_ID, EXCLUSIVE, alice, builder, client, count, search, session, start,
};
use super::sdk;
use connect_sandbox::{Fault, FaultRule, SandboxConfig};
use connect_testkit::{Answer, HostileServer, Proxy};
use sdk::ops::{CreateLightboxRequest, GetLightboxHeadersRequest};
use sdk::{CallOptions, Credentials, ErrorKind, RetryPolicy};
use std::time::{Duration, Instant};

/// The documented cap on an API answer: 32 MiB.
const CAP: usize = 32 * 1024 * 1024;

/// A search answer of exactly `len` bytes (padded with an unknown field, which is ignored).
fn search_answer_of(len: usize) -> Answer {
    let head = r#"{"ResponseHeader":{"Status":"Success","StatusList":[]},"SearchForImagesResult":{"ItemTotalCount":0,"Images":[]},"Padding":""#;
    let tail = r#""}"#;
    let mut body = String::with_capacity(len);
    body.push_str(head);
    body.extend(std::iter::repeat_n('x', len - head.len() - tail.len()));
    body.push_str(tail);
    Answer::json(200, &body)
}

scenario! {
    fn an_answer_up_to_32_mib_is_read_and_a_larger_one_refused() {
        let server = HostileServer::https(with_tokens(|_| search_answer_of(CAP)));
        let c = hostile_client(&server, user());
        wait!(c.search_images(&query())).unwrap();

        let server = HostileServer::https(with_tokens(|_| search_answer_of(CAP + 1)));
        let c = hostile_builder(&server, user()).retry_policy(RetryPolicy::never()).build().unwrap();
        let e = wait!(c.search_images(&query())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert!(e.to_string().contains("larger than 32 MiB"), "{e}");
    }
}

scenario! {
    fn the_connect_timeout_ends_a_connection_that_never_opens() {
        // The TCP connection is accepted but the TLS handshake never answered: connecting
        // (TCP and TLS) is what `connect_timeout` bounds, long before the request timeout.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let held = std::thread::spawn(move || {
            let (first, _) = listener.accept().unwrap();
            // Held open, unanswered, until the client gives up and closes it.
            let mut buf = [0u8; 1024];
            let mut first = first;
            while std::io::Read::read(&mut first, &mut buf).is_ok_and(|n| n > 0) {}
        });
        let c = sdk::Client::builder()
            .credentials(Credentials::access_token("token", None))
            .base_url(format!("https://{addr}"))
            .retry_policy(RetryPolicy::never())
            .connect_timeout(Duration::from_millis(300))
            .request_timeout(Duration::from_secs(150))
            .build()
            .unwrap();
        let t0 = Instant::now();
        let e = wait!(c.search_images(&search("dog", 1))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        // Ended by the 300 ms connect timeout, not the 150 s request timeout: a bound 200
        // times the expected wait, so load cannot break it.
        assert!(t0.elapsed() < Duration::from_secs(60), "{:?}: {e}", t0.elapsed());
        held.join().unwrap();
    }
}

scenario! {
    fn calls_go_through_a_configured_proxy() {
        let sb = start(SandboxConfig::default());
        let proxy = Proxy::start();
        // Secure-only calls over HTTPS, standard ones over plain HTTP: both through the proxy
        // (HTTPS in a CONNECT tunnel; plain HTTP in a tunnel or as an absolute-form request,
        // as the transport chooses).
        let c = builder(&sb, session())
            .http_base_url(sb.http_base_url())
            .proxy(proxy.url())
            .build()
            .unwrap();
        let found = wait!(c.search_images(&search("dog", 1))).unwrap();
        assert_eq!(found.result.images.len(), 1);
        let seen = proxy.requests();
        let https = sb.https_addr().to_string();
        let http = sb.http_addr().to_string();
        assert!(seen.contains(&format!("CONNECT {https}")), "{seen:?}");
        assert!(
            seen.contains(&format!("CONNECT {http}"))
                || seen.contains(&format!("POST http://{http}/v2/search/SearchForImages")),
            "{seen:?}"
        );
        let stats = sb.stats();
        assert_eq!(stats.calls("http", "SearchForImages", "standard"), 1, "{stats:?}");
        assert_eq!(stats.calls("https", "CreateSession", "*"), 1, "{stats:?}");
        // Without the proxy, nothing more goes through it.
        let before = proxy.requests().len();
        let direct = client(&sb, alice());
        wait!(direct.search_images(&search("dog", 1))).unwrap();
        assert_eq!(proxy.requests().len(), before);
    }
}

scenario! {
    fn every_call_gets_its_own_coordination_id() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let mut ids = Vec::new();
        for _ in 0..8 {
            let r = wait!(c.search_images(&search("tree", 1))).unwrap();
            ids.push(r.coordination_id().expect("the id sent comes back").to_owned());
        }
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "{ids:?}");
        assert!(ids.iter().all(|id| !id.is_empty()), "{ids:?}");
        // One given by the caller is used as is.
        let opts = CallOptions { coordination_id: Some("mine-1".into()), ..CallOptions::default() };
        let r = wait!(c.execute_with(&search("tree", 1), opts)).unwrap();
        assert_eq!(r.coordination_id(), Some("mine-1"));
    }
}

scenario! {
    fn retry_non_idempotent_on_the_whole_client_repeats_a_create_that_may_have_been_done() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        for (retry, expected) in [(false, 1), (true, 2)] {
            let sb = start(SandboxConfig::default());
            // The first create is done, then its connection dies unanswered.
            sb.inject(FaultRule::new(Fault::DropAfter).operation("CreateLightbox").times(1));
            let c = builder(&sb, alice())
                .retry_policy(RetryPolicy { retry_non_idempotent: retry, ..policy.clone() })
                .build()
                .unwrap();
            let r = wait!(c.create_lightbox(&CreateLightboxRequest::named("twice?")));
            assert_eq!(r.is_ok(), retry, "retried only when asked: {r:?}");
            let headers = wait!(c.lightbox_headers(&GetLightboxHeadersRequest::page(1, 10))).unwrap();
            let same = headers.result.lightbox_headers.iter().filter(|h| h.lightbox_name.as_deref() == Some("twice?")).count();
            assert_eq!(same, expected, "retry_non_idempotent = {retry}");
            assert_eq!(count(&sb.stats().operations, "CreateLightbox"), expected as u64);
            // A call can still opt out of what the client allows.
            if retry {
                sb.inject(FaultRule::new(Fault::DropAfter).operation("CreateLightbox").times(1));
                let opts = CallOptions { retry_non_idempotent: Some(false), ..CallOptions::default() };
                let e = wait!(c.execute_with(&CreateLightboxRequest::named("once"), opts)).unwrap_err();
                assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
                assert_eq!(count(&sb.stats().operations, "CreateLightbox"), 3);
            }
        }
    }
}

scenario! {
    fn retry_after_is_honoured_in_a_real_call_and_a_longer_one_ends_the_retries() {
        // A 503 asking for one second: the retry comes no sooner.
        let server = HostileServer::https(with_tokens(|r| {
            if r.seq_on_path == 0 { Answer::status(503).header("Retry-After", "1") } else { search_ok() }
        }));
        let c = hostile_client(&server, user());
        let t0 = Instant::now();
        wait!(c.search_images(&query())).unwrap();
        assert!(t0.elapsed() >= Duration::from_secs(1), "{:?}", t0.elapsed());
        assert_eq!(server.requests_to(super::hostile::SEARCH), 2);

        // Longer than the 30 s cut-off (the default): the call ends at once with the 503.
        let server = HostileServer::https(with_tokens(|_| Answer::status(503).header("Retry-After", "31")));
        let c = hostile_client(&server, user());
        let e = wait!(c.search_images(&query())).unwrap_err();
        assert!(e.to_string().contains("503"), "{e}");
        assert_eq!(server.requests_to(super::hostile::SEARCH), 1, "not retried");

        // The cut-off is the policy's: one second allows 1, not 2.
        let server = HostileServer::https(with_tokens(|_| Answer::status(503).header("Retry-After", "2")));
        let short = RetryPolicy { max_retry_after: Duration::from_secs(1), ..super::hostile::quick_retries() };
        let c = hostile_builder(&server, user()).retry_policy(short).build().unwrap();
        wait!(c.search_images(&query())).unwrap_err();
        assert_eq!(server.requests_to(super::hostile::SEARCH), 1, "not retried");
    }
}

scenario! {
    fn the_implicit_grant_signs_in_at_the_sandbox_end_to_end() {
        use connect_auth::implicit::{authorize_url, parse_redirect};
        let sb = start(SandboxConfig::default());
        let redirect = "https://app.example/callback";
        // The sandbox signs the user in from the query (a browser would show its page).
        let url = format!(
            "{}&username=alice&password=alice-password",
            authorize_url(&sb.https_base_url(), CLIENT_ID, redirect, "st-81")
        );
        let (status, location) = wait!(get_raw(&url, sb.ca_pem()));
        assert_eq!(status, 302);
        let location = location.expect("a redirect");
        assert!(location.starts_with(redirect), "{location}");
        let token = parse_redirect(&location, "st-81").unwrap();
        assert!(token.expires_in.is_some());
        // A forged state is refused.
        assert_eq!(parse_redirect(&location, "st-82").unwrap_err().kind(), ErrorKind::Auth);

        // The token works for calls, and the client never asks for another.
        let c = client(&sb, Credentials::access_token(token.access_token.expose(), token.expires_in));
        sb.reset_stats();
        wait!(c.search_images(&search("dog", 1))).unwrap();
        let stats = sb.stats();
        assert_eq!(stats.calls("https", "SearchForImages", "oauth"), 1, "{stats:?}");
        assert!(stats.grants.is_empty(), "{stats:?}");

        // A wrong password comes back as access_denied in the redirect.
        let url = format!(
            "{}&username=alice&password=wrong",
            authorize_url(&sb.https_base_url(), CLIENT_ID, redirect, "st-83")
        );
        let (status, location) = wait!(get_raw(&url, sb.ca_pem()));
        assert_eq!(status, 302);
        let e = parse_redirect(&location.unwrap(), "st-83").unwrap_err();
        assert!(e.to_string().contains("access_denied"), "{e}");
    }
}

scenario! {
    fn an_expired_download_url_is_a_clear_error() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let d = wait!(c.download_largest(connect_sandbox::LARGE_IMAGE_ID)).unwrap();
        // Download URLs live a day by the sandbox clock.
        sb.advance(Duration::from_secs(25 * 3600));
        let e = wait!(d.to_writer(&mut Vec::new())).unwrap_err();
        assert!(e.to_string().contains("410"), "{e}");
        assert_eq!(sb.stats().download_bytes, 0);
    }
}

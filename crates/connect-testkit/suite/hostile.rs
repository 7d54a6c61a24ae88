//! The hostile-server part of the shared suite: what a broken or malicious server must not be
//! able to make either client do. Each case checks that the call ends (no panic, no loop), how
//! many requests it sent, and that no credential or token went anywhere but the configured
//! base (the token endpoint for credentials).
//!
//! Included by each client's `tests/it/main.rs` next to `scenarios.rs`, with the same macros.

use super::scenarios::EXCLUSIVE;
use super::sdk;
use connect_testkit::{Answer, HostileServer, Logged};
use sdk::ops::SearchForImagesRequest;
use sdk::{Credentials, ErrorKind, RetryPolicy};
use std::time::Duration;

pub const TOKEN: &str = "/oauth2/token";
pub const CREATE_SESSION: &str = "/v1/session/CreateSession";
pub const RENEW_SESSION: &str = "/v1/session/RenewSession";
pub const SEARCH: &str = "/v2/search/SearchForImages";
pub const CLIENT_SECRET: &str = "hostile-sentinel-client-secret";
pub const PASSWORD: &str = "hostile-sentinel-password";
pub const SYSTEM_PASSWORD: &str = "hostile-sentinel-system-password";

pub fn user() -> Credentials {
    Credentials::resource_owner("hostile-client", CLIENT_SECRET, "eve", PASSWORD)
}

pub fn legacy() -> Credentials {
    Credentials::session("hostile-system", SYSTEM_PASSWORD, "eve", PASSWORD)
}

/// Retries as the defaults do, with millisecond pauses so the suite stays quick.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// A builder aimed at `server`, trusting the hostile servers' CA.
pub fn hostile_builder(server: &HostileServer, credentials: Credentials) -> sdk::ClientBuilder {
    sdk::Client::builder()
        .credentials(credentials)
        .base_url(server.base_url())
        .root_certificate_pem(HostileServer::ca_pem().into_bytes())
        .retry_policy(quick_retries())
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(5))
}

pub fn hostile_client(server: &HostileServer, credentials: Credentials) -> sdk::Client {
    hostile_builder(server, credentials).build().unwrap()
}

pub fn query() -> SearchForImagesRequest {
    SearchForImagesRequest::phrase("hostile").count(1)
}

pub fn search_ok() -> Answer {
    Answer::api_ok(
        "SearchForImagesResult",
        r#"{"ItemTotalCount":0,"Images":[]}"#,
    )
}

/// Answers token requests with a fresh token each time and searches with `search`.
pub fn with_tokens(
    search: impl Fn(&Logged) -> Answer + Send + Sync + 'static,
) -> impl Fn(&Logged) -> Answer + Send + Sync + 'static {
    move |r: &Logged| match r.path() {
        TOKEN => Answer::token(&format!("tok{}", r.seq), Some("1800")),
        CREATE_SESSION | RENEW_SESSION => Answer::session(r, &format!("tok{}", r.seq), "30"),
        _ => search(r),
    }
}

/// No secret left `base` for any other server, and on `base` the credentials went only to the
/// token endpoints.
pub fn assert_no_leak(base: &HostileServer, others: &[&HostileServer]) {
    for other in others {
        assert_eq!(
            other.request_count(),
            0,
            "sent elsewhere: {:?}",
            other.requests()
        );
    }
    for secret in [CLIENT_SECRET, PASSWORD, SYSTEM_PASSWORD] {
        for r in base.requests_containing(secret) {
            assert!(
                [TOKEN, CREATE_SESSION, RENEW_SESSION].contains(&r.path()),
                "{secret} sent to {}",
                r.path()
            );
        }
    }
}

scenario! {
    fn hostile_garbage_and_truncated_answers_end_the_call() {
        // Garbage with HTTP 200: a decode error at once (the call may have been done).
        for garbage in ["{not json", r#"{"ResponseHeader":{"Status":"Succ"#, "", "\u{0}\u{7f}\u{1b}[2J", "[1,2,3]", "<html>hi</html>"] {
            let server = HostileServer::https(with_tokens(move |_| Answer::json(200, garbage)));
            let c = hostile_client(&server, user());
            let e = wait!(c.search_images(&query())).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode, "{garbage:?}: {e}");
            assert_eq!(server.requests_to(SEARCH), 1, "{garbage:?}");
            assert_eq!(server.requests_to(TOKEN), 1, "{garbage:?}");
            assert_no_leak(&server, &[]);
        }
        // A body cut short of its Content-Length, or a server that hangs up: a transport error
        // after the policy's attempts (a search may be repeated).
        let cut = Answer::Raw(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"ResponseHeader\":".to_vec(),
        );
        for answer in [cut, Answer::HangUp] {
            let server = HostileServer::https(with_tokens(move |_| answer.clone()));
            let c = hostile_client(&server, user());
            let e = wait!(c.search_images(&query())).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
            assert_eq!(server.requests_to(SEARCH), 3, "{:?}", server.requests());
            assert_eq!(server.requests_to(TOKEN), 1);
        }
        // An HTML error page with a 5xx: retried, then an HTTP error.
        let server = HostileServer::https(with_tokens(|_| Answer::html(502, "<h1>Bad gateway</h1>")));
        let e = wait!(hostile_client(&server, user()).search_images(&query())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http, "{e}");
        assert_eq!(server.requests_to(SEARCH), 3);
    }
}

scenario! {
    fn hostile_token_endpoint_answering_html_or_garbage() {
        let cases: Vec<(Answer, usize)> = vec![
            // Not a token: final at once.
            (Answer::html(200, "<html>sign in</html>"), 1),
            (Answer::json(200, r#"{"access_token":"#), 1),
            (Answer::json(200, r#"{"access_token":""}"#), 1),
            (Answer::json(400, "<html>nope</html>"), 1),
            // Server trouble: retried within the policy's attempts.
            (Answer::html(503, "<html>down</html>"), 3),
            (Answer::HangUp, 3),
        ];
        for (answer, expected) in cases {
            for credentials in [user(), legacy()] {
                let shown = format!("{answer:?}");
                let answer = answer.clone();
                let server = HostileServer::https(move |r| match r.path() {
                    SEARCH => search_ok(),
                    _ => answer.clone(),
                });
                let c = hostile_client(&server, credentials);
                let e = wait!(c.search_images(&query())).unwrap_err();
                assert_ne!(e.kind(), ErrorKind::Refused, "{shown}: {e}");
                assert_eq!(server.request_count(), expected, "{shown}: {:?}", server.requests());
                assert_eq!(server.requests_to(SEARCH), 0);
                let text = format!("{e} {e:?}");
                assert!(!text.contains(PASSWORD) && !text.contains(CLIENT_SECRET), "{text}");
                assert_no_leak(&server, &[]);
            }
        }
    }
}

scenario! {
    fn hostile_redirects_are_never_followed() {
        // Where a redirect points: plain HTTP on another port, and HTTPS under another name
        // (a client that followed would complete the handshake and deliver its request there).
        let elsewhere_http = HostileServer::http(|_| search_ok());
        let elsewhere_https = HostileServer::https(|_| search_ok());
        let targets = [
            (elsewhere_http.base_url(), "127.0.0.1"),
            (elsewhere_https.url_via("localhost"), "localhost"),
        ];
        for status in [301u16, 302, 303, 307, 308] {
            for (target, host) in &targets {
                // The API call is redirected; the token request is not.
                let location = format!("{target}{SEARCH}?secret-path=1");
                let server = HostileServer::https(with_tokens(move |_| Answer::redirect(status, &location)));
                let c = hostile_client(&server, user());
                let e = wait!(c.search_images(&query())).unwrap_err();
                let text = e.to_string();
                assert_eq!(e.kind(), ErrorKind::Http, "{text}");
                assert!(text.contains(&status.to_string()) && text.contains(host), "{text}");
                assert!(!text.contains("secret-path"), "the Location's path stays out: {text}");
                assert_eq!(server.requests_to(SEARCH), 1, "not retried");
                assert_no_leak(&server, &[&elsewhere_http, &elsewhere_https]);

                // The token request is redirected (OAuth2 and a legacy session).
                for credentials in [user(), legacy()] {
                    let target = target.clone();
                    let server = HostileServer::https(move |r| match r.path() {
                        SEARCH => search_ok(),
                        path => Answer::redirect(status, &format!("{target}{path}")),
                    });
                    let c = hostile_client(&server, credentials);
                    let e = wait!(c.search_images(&query())).unwrap_err();
                    let text = e.to_string();
                    assert!(text.contains(&status.to_string()) && text.contains(host), "{text}");
                    assert_eq!(server.request_count(), 1, "{:?}", server.requests());
                    assert_no_leak(&server, &[&elsewhere_http, &elsewhere_https]);
                }
            }
        }
    }
}

scenario! {
    fn hostile_token_lifetimes_neither_panic_nor_loop() {
        // Zero, absurd, negative and non-numeric lifetimes, three calls each: no panic, at most
        // one token request per call; usable lifetimes give working calls.
        let oauth = ["0", "18446744073709551615", "1e300", "-1", "\"soon\"", "null"];
        for expires in oauth {
            let server = HostileServer::https(move |r| match r.path() {
                TOKEN => Answer::token(&format!("tok{}", r.seq), Some(expires)),
                _ => search_ok(),
            });
            let c = hostile_client(&server, user());
            for calls in 1..=3 {
                let r = wait!(c.search_images(&query()));
                let tokens = server.requests_to(TOKEN);
                assert!(tokens <= calls, "{expires}: {tokens} token requests for {calls} calls");
                match r {
                    Ok(_) => {}
                    Err(e) if ["0", "18446744073709551615", "null"].contains(&expires) => {
                        panic!("{expires}: {e}")
                    }
                    Err(e) => assert_eq!(e.kind(), ErrorKind::Decode, "{expires}: {e}"),
                }
            }
        }
        for minutes in ["0", "4294967295", "-5", "1e300"] {
            let server = HostileServer::https(move |r| match r.path() {
                CREATE_SESSION | RENEW_SESSION => Answer::session(r, &format!("tok{}", r.seq), minutes),
                _ => search_ok(),
            });
            let c = hostile_client(&server, legacy());
            for calls in 1..=3 {
                let r = wait!(c.search_images(&query()));
                let tokens = server.request_count() - server.requests_to(SEARCH);
                assert!(tokens <= calls, "{minutes}: {tokens} token requests for {calls} calls");
                if ["0", "4294967295"].contains(&minutes) {
                    r.unwrap();
                }
            }
        }
    }
}

scenario! {
    fn hostile_tokens_revoked_right_after_issue() {
        // Every token is refused at its first use: one recovery, then an explained failure.
        let app = Credentials::client_credentials("hostile-client", CLIENT_SECRET);
        for credentials in [user(), legacy(), app] {
            let server = HostileServer::https(with_tokens(|_| Answer::api_error("AUTH-021", "revoked")));
            let c = hostile_client(&server, credentials);
            let e = wait!(c.search_images(&query())).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
            assert_eq!(server.requests_to(SEARCH), 2, "retried once, never more");
            let tokens = server.request_count() - 2;
            assert!((2..=3).contains(&tokens), "{tokens} token requests");
            assert_no_leak(&server, &[]);
        }
        // Only the first token is revoked: the call recovers with one more.
        for credentials in [user(), legacy()] {
            let server = HostileServer::https(with_tokens(|r| {
                if r.seq_on_path == 0 {
                    Answer::api_error("AUTH-021", "revoked")
                } else {
                    search_ok()
                }
            }));
            let c = hostile_client(&server, credentials);
            wait!(c.search_images(&query())).unwrap();
            assert_eq!(server.requests_to(SEARCH), 2);
            assert_eq!(server.request_count(), 4, "{:?}", server.requests());
        }
    }
}

/// The `RequestHeader.CoordinationId` of each logged request ("" when there is none).
fn coordination_ids(server: &HostileServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            body["RequestHeader"]["CoordinationId"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

scenario! {
    fn hostile_every_envelope_request_carries_the_calls_coordination_id() {
        // CreateSession, a refusal, RenewSession, a 503, the answer: one call, one id.
        let server = HostileServer::https(with_tokens(|r| match r.seq_on_path {
            0 => Answer::api_error("AUTH-021", "revoked"),
            1 => Answer::html(503, "busy"),
            _ => search_ok(),
        }));
        let c = hostile_client(&server, legacy());
        wait!(c.search_images(&query())).unwrap();
        let paths: Vec<String> = server.requests().iter().map(|r| r.path().to_owned()).collect();
        assert_eq!(paths, [CREATE_SESSION, SEARCH, RENEW_SESSION, SEARCH, SEARCH]);
        let ids = coordination_ids(&server);
        assert!(!ids[0].is_empty());
        assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
        // The next call has its own.
        wait!(c.search_images(&query())).unwrap();
        let ids = coordination_ids(&server);
        assert!(!ids[5].is_empty() && ids[5] != ids[0], "{ids:?}");
    }
}

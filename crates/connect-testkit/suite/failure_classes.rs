//! Every transport and HTTP failure class, driven through the client, with the cause and the
//! hint each one gets: a hint names the real cause, so a user acting on it acts on the right
//! thing (issue: "every message tells the truth").
//!
//! Included by each client's `tests/it/main.rs`, with the same macros as `hostile.rs`.

use super::hostile::{hostile_builder, hostile_client, query, user, with_tokens};
use super::scenarios::EXCLUSIVE;
use super::sdk;
use connect_testkit::{Answer, HostileServer};
use sdk::ops::CreateLightboxRequest;
use sdk::{ErrorKind, TransportCause};
use std::time::Duration;

/// One row of the table: what the error must say, and what it must not.
struct Expect {
    kind: ErrorKind,
    cause: Option<TransportCause>,
    hint: &'static str,
    message: &'static [&'static str],
    never: &'static [&'static str],
}

fn check(case: &str, e: &sdk::Error, want: &Expect) {
    let text = e.to_string();
    let hint = e.hint();
    assert_eq!(e.kind(), want.kind, "{case}: {text}");
    assert_eq!(e.transport_cause(), want.cause, "{case}: {text}");
    assert!(
        hint.contains(want.hint),
        "{case}: hint {hint:?} lacks {:?}",
        want.hint
    );
    for m in want.message {
        assert!(text.contains(m), "{case}: {text:?} lacks {m:?}");
    }
    for n in want.never {
        assert!(
            !text.contains(n) && !hint.contains(n),
            "{case}: {text:?} / {hint:?} says {n:?}"
        );
    }
}

scenario! {
    fn every_transport_failure_class_gets_its_own_hint() {
        // Nothing listens.
        let refusing = connect_testkit::RefusingPort::new();
        let c = sdk::Client::builder()
            .credentials(user())
            .base_url(refusing.https_url())
            .retry_policy(super::hostile::quick_retries())
            .build()
            .unwrap();
        let e = wait!(c.search_images(&query())).unwrap_err();
        check("refused", &e, &Expect {
            kind: ErrorKind::Transport,
            cause: Some(TransportCause::ConnectionRefused),
            hint: "nothing answered",
            message: &["3 attempts"],
            never: &["certificate"],
        });

        // A certificate nobody told the client to trust: not retried, named as such.
        let server = HostileServer::https(with_tokens(|_| super::hostile::search_ok()));
        let c = sdk::Client::builder()
            .credentials(user())
            .base_url(server.base_url())
            .retry_policy(super::hostile::quick_retries())
            .build()
            .unwrap();
        let e = wait!(c.search_images(&query())).unwrap_err();
        check("untrusted", &e, &Expect {
            kind: ErrorKind::Transport,
            cause: Some(TransportCause::UntrustedCertificate),
            hint: "certificate is not trusted",
            message: &[],
            never: &["attempts", "dropped"],
        });
        assert_eq!(server.request_count(), 0, "no request got through the handshake");

        // https:// to a plain-HTTP port (a server that answers any bytes with an HTTP error
        // at once, as HTTP servers do): a failed handshake, not a certificate problem.
        let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = plain.local_addr().unwrap().port();
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            for stream in plain.incoming().take(8) {
                let Ok(mut s) = stream else { continue };
                let mut hello = [0u8; 512];
                let _ = s.read(&mut hello);
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
            }
        });
        let c = sdk::Client::builder()
            .credentials(user())
            .base_url(format!("https://127.0.0.1:{port}"))
            .retry_policy(super::hostile::quick_retries())
            .build()
            .unwrap();
        let e = wait!(c.search_images(&query())).unwrap_err();
        check("handshake", &e, &Expect {
            kind: ErrorKind::Transport,
            cause: Some(TransportCause::Handshake),
            hint: "scheme and port",
            message: &[],
            never: &["attempts", "not trusted"],
        });

        // A server that hangs up, or cuts its answer short: a dropped connection, retried.
        let cut = Answer::Raw(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"ResponseHeader\":".to_vec(),
        );
        for (case, answer) in [("hang-up", Answer::HangUp), ("cut", cut)] {
            let server = HostileServer::https(with_tokens(move |_| answer.clone()));
            let e = wait!(hostile_client(&server, user()).search_images(&query())).unwrap_err();
            assert!(
                matches!(e.transport_cause(), Some(TransportCause::Closed | TransportCause::Reset)),
                "{case}: {e}"
            );
            check(case, &e, &Expect {
                kind: ErrorKind::Transport,
                cause: e.transport_cause(),
                hint: "dropped the connection",
                message: &["3 attempts over"],
                never: &["certificate", "--ca-cert"],
            });
        }

        // A server that does not answer in time.
        let slow = Answer::Drip {
            pieces: vec![b"HTTP/1.1 200 OK\r\n".to_vec()],
            pause: Duration::from_secs(5),
        };
        let server = HostileServer::https(with_tokens(move |_| slow.clone()));
        let c = hostile_builder(&server, user())
            .request_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let e = wait!(c.search_images(&query())).unwrap_err();
        check("timeout", &e, &Expect {
            kind: ErrorKind::Transport,
            cause: Some(TransportCause::Timeout),
            hint: "did not answer in time",
            message: &["request timeout of 0.3 s", "3 attempts over"],
            never: &["certificate"],
        });
    }
}

scenario! {
    fn a_create_whose_connection_broke_may_have_taken_effect() {
        let server = HostileServer::https(with_tokens(|_| Answer::HangUp));
        let c = hostile_client(&server, user());
        let e = wait!(c.create_lightbox(&CreateLightboxRequest::named("maybe"))).unwrap_err();
        assert!(e.may_have_taken_effect(), "{e}");
        check("create", &e, &Expect {
            kind: ErrorKind::Transport,
            cause: e.transport_cause(),
            hint: "may have been carried out",
            message: &["may have taken effect"],
            never: &["attempts"],
        });
        assert_eq!(
            server.requests_to("/v1/lightbox/CreateLightbox"),
            1,
            "not repeated: it may have happened"
        );
        // A search that broke the same way may be repeated and does not claim an effect.
        let e = wait!(c.search_images(&query())).unwrap_err();
        assert!(!e.may_have_taken_effect(), "{e}");
    }
}

scenario! {
    fn every_http_status_class_gets_its_own_hint_and_the_servers_words() {
        let cases: Vec<(&str, Answer, Expect)> = vec![
            (
                "404 page",
                Answer::html(404, "<html><head><title>404 Not Found</title></head></html>"),
                Expect {
                    kind: ErrorKind::Http,
                    cause: None,
                    hint: "check the base URL",
                    message: &["HTTP 404", "(404 Not Found)"],
                    never: &["overloaded", "try again later"],
                },
            ),
            (
                "401 text",
                Answer::status(401)
                    .header("content-type", "text/plain")
                    .body("image 9 is not available for embedding\n"),
                Expect {
                    kind: ErrorKind::Http,
                    cause: None,
                    hint: "credentials",
                    message: &["HTTP 401", "not available for embedding"],
                    never: &["overloaded"],
                },
            ),
            (
                "403 json",
                Answer::json(403, r#"{"message":"Forbidden for this key"}"#),
                Expect {
                    kind: ErrorKind::Http,
                    cause: None,
                    hint: "permission",
                    message: &["HTTP 403", "Forbidden for this key"],
                    never: &["overloaded"],
                },
            ),
            (
                "502",
                Answer::html(502, "<title>Bad gateway</title>"),
                Expect {
                    kind: ErrorKind::Http,
                    cause: None,
                    hint: "failed on its side",
                    message: &["HTTP 502", "3 attempts over"],
                    never: &["base URL"],
                },
            ),
            (
                "503",
                Answer::status(503),
                Expect {
                    kind: ErrorKind::Http,
                    cause: None,
                    hint: "busy or unavailable",
                    message: &["HTTP 503", "3 attempts over"],
                    never: &["base URL"],
                },
            ),
        ];
        for (case, answer, want) in cases {
            let server = HostileServer::https(with_tokens(move |_| answer.clone()));
            let e = wait!(hostile_client(&server, user()).search_images(&query())).unwrap_err();
            check(case, &e, &want);
        }
    }
}

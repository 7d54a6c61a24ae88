//! Token acquisition, renewal, expiry, fallback and invalidation under a fake clock.

use crate::fake::*;
use connect_auth::token::Grant;
use connect_auth::{Call, CallOptions, Credentials, ErrorKind, Purpose, Step};
use std::time::{Duration, Instant};

fn find() -> Find {
    Find {
        phrase: "tree".into(),
    }
}

#[test]
fn first_acquisition_for_each_credential_kind() {
    let cases = [
        (oauth(), Grant::ClientCredentials),
        (
            Credentials::resource_owner("id", "secret", "alice", "pw"),
            Grant::Password,
        ),
        (
            Credentials::refresh_token("id", "secret", "r0"),
            Grant::RefreshToken,
        ),
        (session(), Grant::CreateSession),
    ];
    for (creds, grant) in cases {
        let mut core = core(creds);
        let mut fake = Fake::new(1800);
        let mut now = Instant::now();
        let r = run(&mut core, &mut fake, &mut now, &find()).unwrap();
        assert_eq!(r.result.count, 7);
        assert_eq!(fake.grants(), vec![grant]);
        // The second call reuses the token.
        run(&mut core, &mut fake, &mut now, &find()).unwrap();
        assert_eq!(fake.grants().len(), 1, "{grant:?}");
        assert_eq!(fake.calls().len(), 2);
    }
}

#[test]
fn an_access_token_from_elsewhere_is_used_as_is_and_not_renewed() {
    let mut core = core(Credentials::access_token("implicit-tok", Some(mins(10))));
    let mut fake = Fake::new(1800);
    fake.valid.push("implicit-tok".into());
    let mut now = Instant::now();
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert!(fake.grants().is_empty());
    assert_eq!(fake.calls()[0].1.as_deref(), Some("implicit-tok"));
    now += mins(11);
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("cannot be renewed"));
    assert!(fake.grants().is_empty());
}

#[test]
fn renews_just_before_expiry_and_not_earlier_than_the_margin() {
    // 30-minute tokens: margin = max(60 s, 3 min) = 3 min, so renewal is due at 27 min.
    let mut core = core(Credentials::resource_owner("id", "secret", "alice", "pw"));
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(core.tokens.poll_timeout(), Some(start + mins(27)));

    now = start + mins(27) - Duration::from_secs(1);
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        fake.grants(),
        vec![Grant::Password],
        "no renewal before the margin"
    );

    now = start + mins(27);
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(fake.grants(), vec![Grant::Password, Grant::RefreshToken]);
    // The call that triggered the renewal went out with the new token.
    assert_eq!(fake.calls().last().unwrap().1.as_deref(), Some("t2"));
}

#[test]
fn short_lifetimes_renew_at_half_life_not_on_every_call() {
    let mut core = core(oauth());
    let mut fake = Fake::new(4);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        core.tokens.poll_timeout(),
        Some(start + Duration::from_secs(2))
    );
    now += Duration::from_secs(1);
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(fake.grants().len(), 1);
}

#[test]
fn legacy_session_renews_with_renew_session_and_the_secure_token() {
    let mut core = core(session());
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    now = start + mins(28);
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        fake.grants(),
        vec![Grant::CreateSession, Grant::RenewSession]
    );
    assert_eq!(fake.calls()[1].1.as_deref(), Some("s2"));
}

#[test]
fn expiry_while_idle_for_hours_logs_in_afresh() {
    for (creds, grants) in [
        (session(), vec![Grant::CreateSession, Grant::CreateSession]),
        (
            oauth(),
            vec![Grant::ClientCredentials, Grant::ClientCredentials],
        ),
        (
            Credentials::resource_owner("id", "secret", "alice", "pw"),
            // A refresh token outlives the access token, so it is used.
            vec![Grant::Password, Grant::RefreshToken],
        ),
    ] {
        let mut core = core(creds);
        let mut fake = Fake::new(1800);
        let mut now = Instant::now();
        run(&mut core, &mut fake, &mut now, &find()).unwrap();
        now += Duration::from_secs(5 * 3600);
        run(&mut core, &mut fake, &mut now, &find()).unwrap();
        assert_eq!(fake.grants(), grants);
        assert_eq!(
            fake.calls().last().unwrap().1.as_deref(),
            Some(if grants[0] == Grant::CreateSession {
                "s2"
            } else {
                "t2"
            })
        );
    }
}

#[test]
fn a_failed_refresh_falls_back_to_a_full_grant() {
    let mut core = core(Credentials::resource_owner("id", "secret", "alice", "pw"));
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    now = start + mins(29);
    fake.script.push_back(respond(
        400,
        br#"{"error":"invalid_grant","error_description":"revoked"}"#.to_vec(),
    ));
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        fake.grants(),
        vec![Grant::Password, Grant::RefreshToken, Grant::Password]
    );
}

#[test]
fn a_failed_renew_session_falls_back_to_create_session() {
    let mut core = core(session());
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    now = start + mins(29);
    fake.script
        .push_back(respond(200, error_envelope("FailedToRenewToken")));
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        fake.grants(),
        vec![
            Grant::CreateSession,
            Grant::RenewSession,
            Grant::CreateSession
        ]
    );
}

#[test]
fn a_refused_refresh_token_credential_surfaces_an_auth_error_and_is_not_cached() {
    let mut core = core(Credentials::refresh_token("id", "secret", "r0"));
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    fake.script
        .push_back(respond(400, br#"{"error":"invalid_grant"}"#.to_vec()));
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("invalid_grant"), "{err}");
    // The next call tries again rather than replaying the failure.
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        fake.grants(),
        vec![Grant::RefreshToken, Grant::RefreshToken]
    );
}

#[test]
fn wrong_credentials_are_an_auth_error_with_the_code() {
    let mut core = core(session());
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    fake.script
        .push_back(respond(200, error_envelope("InvalidUsernameOrPassword")));
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(
        err.status_code().unwrap().as_str(),
        "InvalidUsernameOrPassword"
    );
    assert!(fake.calls().is_empty(), "the call itself was never sent");
}

#[test]
fn a_token_revoked_mid_use_is_dropped_and_the_call_retried_once() {
    let mut core = core(oauth());
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    fake.valid.clear(); // revoke everything
    let r = run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(r.result.count, 7);
    assert_eq!(fake.grants().len(), 2);
    let calls = fake.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[1].1.as_deref(), Some("t1"));
    assert_eq!(calls[2].1.as_deref(), Some("t2"));
}

#[test]
fn a_token_refused_twice_gives_up_after_one_retry() {
    let mut core = core(oauth());
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    // Every call attempt is refused; token requests are answered normally.
    let (err, attempts) = run_refusing_every_call(&mut core, &mut fake, now, &find());
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status_code().unwrap().as_str(), "AUTH-021");
    assert_eq!(attempts, 2);
    assert_eq!(fake.grants().len(), 2);
}

#[test]
fn secure_only_call_to_an_http_base_is_refused_before_any_request() {
    let endpoints = connect_auth::Endpoints::new("http://api.example").unwrap();
    let mut core = connect_auth::Core::new(session(), endpoints);
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    let err = run(&mut core, &mut fake, &mut now, &Fetch { id: "1".into() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(err.to_string().contains("Fetch"), "{err}");
    assert!(fake.seen.is_empty(), "nothing may be sent");
    // Even a standard call needs a token, and the token endpoint is HTTPS only.
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(fake.seen.is_empty());
}

#[test]
fn legacy_session_sends_the_standard_token_over_http_and_the_secure_one_over_https() {
    let mut core = core(session());
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    run(&mut core, &mut fake, &mut now, &Fetch { id: "1".into() }).unwrap();
    let calls = fake.calls();
    assert_eq!(
        calls[0],
        ("/v1/search/Find".into(), Some("s1".into()), false)
    );
    assert_eq!(
        calls[1],
        ("/v1/download/Fetch".into(), Some("S1".into()), true)
    );
}

#[test]
fn without_an_http_base_everything_goes_over_https_with_the_secure_token() {
    let endpoints = connect_auth::Endpoints::new("https://api.example").unwrap();
    let mut core = connect_auth::Core::new(session(), endpoints);
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        fake.calls()[0],
        ("/v1/search/Find".into(), Some("S1".into()), true)
    );
}

#[test]
fn concurrent_callers_share_one_acquisition() {
    use connect_auth::{Call, CallOptions, Step};
    let mut core = core(oauth());
    let mut fake = Fake::new(1800);
    let now = Instant::now();
    let mut a = Call::new(&find(), CallOptions::default(), 1);
    let mut b = Call::new(&find(), CallOptions::default(), 2);
    let Step::Send(auth) = a.poll_step(&mut core, now) else {
        panic!()
    };
    assert!(matches!(b.poll_step(&mut core, now), Step::WaitForToken));
    let o = fake.serve(auth.request, auth.purpose);
    a.handle_outcome(&mut core, now, o);
    // Both proceed with the one token.
    for c in [&mut a, &mut b] {
        let Step::Send(out) = c.poll_step(&mut core, now) else {
            panic!()
        };
        let o = fake.serve(out.request, out.purpose);
        c.handle_outcome(&mut core, now, o);
        assert!(matches!(c.poll_step(&mut core, now), Step::Done(Ok(_))));
    }
    assert_eq!(fake.grants().len(), 1);
}

#[test]
fn during_a_renewal_other_callers_keep_the_still_valid_token() {
    use connect_auth::{Call, CallOptions, Step};
    let mut core = core(oauth());
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    now = start + mins(28);
    let mut a = Call::new(&find(), CallOptions::default(), 1);
    let mut b = Call::new(&find(), CallOptions::default(), 2);
    let Step::Send(renewal) = a.poll_step(&mut core, now) else {
        panic!()
    };
    assert!(matches!(
        renewal.purpose,
        connect_auth::Purpose::Auth { .. }
    ));
    let Step::Send(out) = b.poll_step(&mut core, now) else {
        panic!("b should not wait")
    };
    assert!(matches!(out.purpose, connect_auth::Purpose::Call { .. }));
    let body: serde_json::Value = serde_json::from_slice(out.request.body()).unwrap();
    assert_eq!(body["RequestHeader"]["Token"], "t1");
    let o = fake.serve(renewal.request, renewal.purpose);
    a.handle_outcome(&mut core, now, o);
    assert_eq!(core.tokens.grants_sent(), 2);
}

#[test]
fn an_abandoned_acquisition_is_restarted_by_the_next_caller() {
    use connect_auth::{Call, CallOptions, Step};
    let mut core = core(oauth());
    let now = Instant::now();
    let mut a = Call::new(&find(), CallOptions::default(), 1);
    let Step::Send(_) = a.poll_step(&mut core, now) else {
        panic!()
    };
    drop(a); // cancelled before the answer came
    let mut b = Call::new(&find(), CallOptions::default(), 2);
    assert!(matches!(
        b.poll_step(&mut core, now + Duration::from_secs(5)),
        Step::WaitForToken
    ));
    assert!(matches!(
        b.poll_step(&mut core, now + Duration::from_secs(121)),
        Step::Send(_)
    ));
}

#[test]
fn a_transport_failure_of_the_token_request_is_retried_with_backoff() {
    let mut core = core(oauth());
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    fake.script.push_back(connect_auth::Outcome::Failed(
        connect_auth::TransportFailure::new(
            connect_auth::TransportCause::ConnectionRefused,
            "connection refused",
        ),
    ));
    // Driven by hand to see when each token request goes out and what pause comes between.
    let mut call = Call::new(&find(), CallOptions::default(), 7);
    let mut token_requests_at = Vec::new();
    let mut pauses = Vec::new();
    let result = loop {
        match call.poll_step(&mut core, now) {
            Step::Send(out) => {
                if matches!(out.purpose, Purpose::Auth { .. }) {
                    token_requests_at.push(now - start);
                }
                fake.now = now;
                let outcome = fake.serve(out.request, out.purpose);
                call.handle_outcome(&mut core, now, outcome);
            }
            Step::Wait(until) => {
                // Polled before the deadline, the call keeps waiting: the pause cannot be cut.
                assert!(matches!(call.poll_step(&mut core, now), Step::Wait(u) if u == until));
                assert_eq!(call.poll_timeout(), Some(until));
                pauses.push(until - now);
                now = until;
            }
            Step::WaitForToken => panic!("a lone call never waits"),
            Step::Done(r) => break r,
        }
    };
    result.unwrap();
    assert_eq!(fake.grants().len(), 2);
    // One pause, taken between the two token requests: the retry went out no sooner than
    // the backoff (non-zero: the jitter is seeded) and no later than its 200 ms ceiling.
    assert_eq!(pauses.len(), 1, "{pauses:?}");
    let pause = pauses[0];
    assert!(
        pause > Duration::ZERO && pause <= Duration::from_millis(200),
        "{pause:?}"
    );
    assert_eq!(token_requests_at.len(), 2);
    assert!(
        token_requests_at[1] - token_requests_at[0] >= pause,
        "{token_requests_at:?}"
    );
    assert!(now - start <= Duration::from_millis(200));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 64,
        // Failing cases are kept in a committed file and replayed first ever after.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/proptest-regressions/tokens.txt"),
        ))),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever the pattern of idle gaps, every call succeeds, no call ever carries a token past
    /// its lifetime, and there is at most one token request per call.
    #[test]
    fn never_sends_an_expired_token(kind in 0usize..4, gaps in proptest::collection::vec(0u64..5000, 1..30)) {
        let creds = match kind {
            0 => oauth(),
            1 => Credentials::resource_owner("id", "secret", "alice", "pw"),
            2 => Credentials::refresh_token("id", "secret", "r0"),
            _ => session(),
        };
        let mut core = core(creds);
        let mut fake = Fake::new(1800);
        let mut now = Instant::now();
        for gap in &gaps {
            now += Duration::from_secs(*gap);
            proptest::prop_assert!(run(&mut core, &mut fake, &mut now, &find()).is_ok());
        }
        proptest::prop_assert_eq!(fake.expired_uses, 0);
        proptest::prop_assert!(fake.grants().len() <= gaps.len());
    }
}

#[test]
fn a_fresh_token_refused_twice_ends_the_call_with_the_likely_cause() {
    // An application-only token asking for a user's lightbox: the call gets one more token in
    // case the first was revoked right after issue; when that one is refused too, it fails with
    // a message that says what to do.
    let mut core = core(oauth());
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    let (err, attempts) = run_refusing_every_call(&mut core, &mut fake, now, &find());
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("acts for no user"), "{err}");
    assert_eq!(attempts, 2, "retried once, never more");
    assert_eq!(fake.grants().len(), 2);
    // The second token is still good for what it may do.
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(fake.grants().len(), 2);
}

#[test]
fn a_token_revoked_right_after_issue_is_replaced_once_and_the_call_succeeds() {
    for credentials in [
        oauth(),
        Credentials::resource_owner("id", "secret", "alice", "pw"),
        session(),
    ] {
        let mut core = core(credentials);
        let mut fake = Fake::new(1800);
        let mut now = Instant::now();
        // The first token is answered, then refused at its first use.
        fake.script.push_back(respond(
            200,
            br#"{"access_token":"gone","token_type":"Bearer","expires_in":1800,"refresh_token":"r1"}"#
                .to_vec(),
        ));
        if matches!(core.tokens.credentials(), Credentials::Session { .. }) {
            fake.script.pop_back();
            fake.script.push_back(respond(
                200,
                ok_envelope(
                    "CreateSessionResult",
                    r#"{"Token":"gone","SecureToken":"gone","TokenDurationMinutes":30}"#,
                ),
            ));
        }
        let start = now;
        let r = run(&mut core, &mut fake, &mut now, &find()).unwrap();
        assert_eq!(r.result.count, 7);
        let grants = fake.grants();
        assert_eq!(grants.len(), 2, "{grants:?}");
        assert_eq!(fake.calls().len(), 2);
        assert_eq!(fake.calls()[0].1.as_deref(), Some("gone"));
        assert!(now > start, "a pause before the second token request");
    }
}

#[test]
fn a_call_sends_at_most_three_token_requests_however_the_server_answers() {
    // A user whose every token is refused at first use, and whose renewals are refused too:
    // first acquisition, a refresh (refused), one full sign-in, and the call ends.
    let mut core = core(Credentials::resource_owner("id", "secret", "alice", "pw"));
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    let mut call = connect_auth::Call::new(&find(), connect_auth::CallOptions::default(), 5);
    let mut token_requests = 0;
    let err = loop {
        match call.poll_step(&mut core, now) {
            connect_auth::Step::Send(out) => {
                let outcome = match out.purpose {
                    connect_auth::Purpose::Call { .. } => respond(200, error_envelope("AUTH-021")),
                    connect_auth::Purpose::Auth { grant } => {
                        token_requests += 1;
                        if grant == Grant::RefreshToken {
                            respond(400, br#"{"error":"invalid_grant"}"#.to_vec())
                        } else {
                            fake.serve(out.request, out.purpose)
                        }
                    }
                };
                call.handle_outcome(&mut core, now, outcome);
            }
            connect_auth::Step::Wait(until) => now = until,
            connect_auth::Step::Done(r) => break r.unwrap_err(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(token_requests, 3);
    assert_eq!(call.token_requests(), 3);
    assert_eq!(call.attempts(), 2);

    // Server trouble at the token endpoint with a generous retry policy: still three at most.
    let mut core = crate::fake::core(oauth());
    core.retry.max_attempts = 10;
    let mut fake = Fake::new(1800);
    for _ in 0..10 {
        fake.script.push_back(respond(503, b"busy".to_vec()));
    }
    let mut now = Instant::now();
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http, "{err}");
    assert_eq!(fake.grants().len(), 3);
}

#[test]
fn session_requests_carry_the_calls_coordination_id() {
    let mut core = core(session());
    let mut now = Instant::now();
    let options = connect_auth::CallOptions {
        coordination_id: Some("trace-me".into()),
        ..Default::default()
    };
    let mut call = connect_auth::Call::new(&find(), options, 1);
    let connect_auth::Step::Send(out) = call.poll_step(&mut core, now) else {
        panic!("a token request first")
    };
    let body: serde_json::Value = serde_json::from_slice(out.request.body()).unwrap();
    assert_eq!(body["RequestHeader"]["CoordinationId"], "trace-me");
    // An empty id is replaced by a random one.
    now += Duration::from_secs(1);
    let options = connect_auth::CallOptions {
        coordination_id: Some(" ".into()),
        ..Default::default()
    };
    let call = connect_auth::Call::new(&find(), options, 1);
    assert_eq!(call.coordination_id().len(), 16);
    let _ = now;
}

#[test]
fn oauth_tokens_stay_off_plain_http_unless_the_caller_opts_in() {
    for credentials in [
        oauth(),
        Credentials::resource_owner("id", "secret", "alice", "pw"),
        Credentials::access_token("a", None),
    ] {
        // Refused before anything is sent, token request included.
        let mut core = core_with_http_base(credentials.clone(), false);
        let mut fake = Fake::new(1800);
        fake.valid.push("a".into());
        let mut now = Instant::now();
        let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{err}");
        assert!(
            err.to_string()
                .contains("--insecure-send-oauth-token-over-http"),
            "{err}"
        );
        assert!(fake.seen.is_empty());
        // A secure-only call still goes over HTTPS.
        run(&mut core, &mut fake, &mut now, &Fetch { id: "1".into() }).unwrap();
        // Opted in: the standard call goes over plain HTTP.
        let mut core = core_with_http_base(credentials, true);
        run(&mut core, &mut fake, &mut now, &find()).unwrap();
        assert!(!fake.calls().last().unwrap().2, "over http");
    }
    // A legacy session keeps its standard/secure split without opting in.
    let mut core = core_with_http_base(session(), false);
    let mut fake = Fake::new(1800);
    let mut now = Instant::now();
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(fake.calls()[0].1.as_deref(), Some("s1"));
}

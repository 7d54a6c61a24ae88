//! Lifetimes stated by the server (or a redirect fragment): clamped to 24 hours, added to the
//! clock with checked arithmetic, and never a reason to fetch tokens in a loop.

use crate::fake::*;
use connect_auth::token::MAX_LIFETIME;
use connect_auth::{Call, CallOptions, Core, Credentials, Endpoints, Outcome, Purpose, Step};
use std::time::{Duration, Instant};

fn find() -> Find {
    Find {
        phrase: "tree".into(),
    }
}

fn https_core(credentials: Credentials) -> Core {
    Core::new(credentials, Endpoints::new("https://api.example").unwrap())
}

fn oauth_token(expires_in: &str) -> Outcome {
    respond(
        200,
        format!(r#"{{"access_token":"t","token_type":"Bearer","expires_in":{expires_in}}}"#)
            .into_bytes(),
    )
}

fn session_token(minutes: &str) -> Outcome {
    respond(
        200,
        ok_envelope(
            "CreateSessionResult",
            &format!(r#"{{"Token":"s","SecureToken":"S","TokenDurationMinutes":{minutes}}}"#),
        ),
    )
}

/// Runs one call at `now`: token requests get `token()`, the operation gets `answer()`.
/// Returns the result and how many token requests the call sent.
fn drive(
    core: &mut Core,
    now: &mut Instant,
    token: &dyn Fn() -> Outcome,
    answer: &dyn Fn() -> Outcome,
) -> (Result<u32, String>, usize) {
    let mut call = Call::new(&find(), CallOptions::default(), 3);
    let mut token_requests = 0;
    for _ in 0..100 {
        match call.poll_step(core, *now) {
            Step::Send(out) => {
                let outcome = if matches!(out.purpose, Purpose::Auth { .. }) {
                    token_requests += 1;
                    token()
                } else {
                    answer()
                };
                call.handle_outcome(core, *now, outcome);
            }
            Step::Wait(until) => *now = until,
            Step::WaitForToken => panic!("a lone call never waits"),
            Step::Done(r) => {
                return (
                    r.map(|r| r.result.count).map_err(|e| e.to_string()),
                    token_requests,
                );
            }
        }
    }
    panic!("the call did not end in 100 steps");
}

fn found() -> Outcome {
    respond(200, ok_envelope("FindResult", r#"{"Count":7}"#))
}

#[test]
fn absurd_lifetimes_never_overflow_the_clock() {
    let cases: [(Credentials, &dyn Fn() -> Outcome); 4] = [
        (oauth(), &|| oauth_token("18446744073709551615")),
        (oauth(), &|| oauth_token("9223372036854775807")),
        (oauth(), &|| oauth_token("\"99999999999999\"")),
        (session(), &|| session_token("4294967295")),
    ];
    for (credentials, token) in cases {
        let mut core = https_core(credentials);
        let mut now = Instant::now();
        assert_eq!(drive(&mut core, &mut now, token, &found), (Ok(7), 1));
        // Believed for 24 hours at most: used for half a day, renewed once the day is over.
        now += MAX_LIFETIME / 2;
        assert_eq!(drive(&mut core, &mut now, token, &found), (Ok(7), 0));
        now += MAX_LIFETIME / 2;
        assert_eq!(drive(&mut core, &mut now, token, &found), (Ok(7), 1));
        assert!(core.tokens.poll_timeout().is_some());
    }
}

#[test]
fn a_zero_lifetime_costs_one_token_request_per_call_not_a_loop() {
    let cases: [(Credentials, &dyn Fn() -> Outcome); 3] = [
        (oauth(), &|| oauth_token("0")),
        (session(), &|| session_token("0")),
        (session(), &|| session_token("\"0\"")),
    ];
    for (credentials, token) in cases {
        let mut core = https_core(credentials);
        let mut now = Instant::now();
        for _ in 0..3 {
            assert_eq!(drive(&mut core, &mut now, token, &found), (Ok(7), 1));
        }
    }
}

#[test]
fn implicit_grant_lifetimes_are_clamped_too() {
    let t = connect_auth::implicit::parse_redirect(
        "https://app.example/cb#access_token=a&expires_in=18446744073709551615&state=s",
        "s",
    )
    .unwrap();
    assert_eq!(t.expires_in, Some(MAX_LIFETIME));
    // An access token handed over with any lifetime at all does not upset the clock.
    let mut core = https_core(Credentials::access_token("a", Some(Duration::MAX)));
    let mut now = Instant::now();
    assert_eq!(
        drive(&mut core, &mut now, &|| unreachable!(), &found),
        (Ok(7), 0)
    );
    now += Duration::from_secs(3600);
    assert_eq!(
        drive(&mut core, &mut now, &|| unreachable!(), &found),
        (Ok(7), 0)
    );
}

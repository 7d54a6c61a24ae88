//! Classification of responses and the retry policy in a call.

use crate::fake::*;
use connect_auth::{Call, CallOptions, ErrorKind, Outcome, Step, TransportFailure};
use std::time::{Duration, Instant};

fn find() -> Find {
    Find {
        phrase: "tree".into(),
    }
}

fn dropped() -> Outcome {
    Outcome::Failed(TransportFailure::new(
        connect_auth::TransportCause::Reset,
        "connection reset",
    ))
}

fn warm(fake: &mut Fake) -> (connect_auth::Core, Instant) {
    let mut core = core(oauth());
    let mut now = Instant::now();
    run(&mut core, fake, &mut now, &find()).unwrap();
    (core, now)
}

#[test]
fn transient_failures_are_retried_up_to_three_attempts() {
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    fake.script.push_back(respond(503, b"busy".to_vec()));
    fake.script
        .push_back(respond(200, error_envelope("DependentServiceDown")));
    let start = now;
    let r = run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(r.result.count, 7);
    assert_eq!(fake.calls().len(), 4);
    assert!(
        now - start < Duration::from_millis(600),
        "backoff within the cap"
    );

    for _ in 0..3 {
        fake.script.push_back(respond(500, Vec::new()));
    }
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(fake.calls().len(), 7);
}

#[test]
fn retry_after_is_honoured() {
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    fake.script.push_back(Outcome::Response(
        http::Response::builder()
            .status(429)
            .header("Retry-After", "3")
            .body(Vec::new())
            .unwrap(),
    ));
    let start = now;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(now - start, Duration::from_secs(3));
}

#[test]
fn retry_after_is_honoured_up_to_30_seconds_and_a_longer_one_ends_the_call() {
    // On the fake clock, so the 30 s wait takes no time.
    let busy = |secs: &str| {
        Outcome::Response(
            http::Response::builder()
                .status(503)
                .header("Retry-After", secs)
                .body(Vec::new())
                .unwrap(),
        )
    };
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    let calls_before = fake.calls().len();
    fake.script.push_back(busy("30"));
    let start = now;
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(
        now - start,
        Duration::from_secs(30),
        "the whole 30 s waited"
    );
    assert_eq!(fake.calls().len() - calls_before, 2);

    let calls_before = fake.calls().len();
    fake.script.push_back(busy("31"));
    let start = now;
    let e = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(now, start, "no pause at all");
    assert_eq!(fake.calls().len() - calls_before, 1, "not retried");
    assert!(e.to_string().contains("503"), "{e}");
}

#[test]
fn permanent_api_errors_are_not_retried_and_keep_the_status_list() {
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    fake.script
        .push_back(respond(200, error_envelope("ImageNotFound")));
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status_code().unwrap().as_str(), "ImageNotFound");
    assert_eq!(err.api_error().unwrap().header.status_list.len(), 1);
    assert_eq!(fake.calls().len(), 2);
}

#[test]
fn a_non_idempotent_call_is_not_repeated_after_it_may_have_reached_the_server() {
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    fake.script.push_back(dropped());
    let err = run(&mut core, &mut fake, &mut now, &Fetch { id: "1".into() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(fake.calls().len(), 2);

    // But a refusal the server made before doing anything may be repeated.
    fake.script.push_back(respond(503, Vec::new()));
    run(&mut core, &mut fake, &mut now, &Fetch { id: "1".into() }).unwrap();
    assert_eq!(fake.calls().len(), 4);

    // And the caller may opt in.
    fake.script.push_back(dropped());
    let mut call = Call::new(
        &Fetch { id: "1".into() },
        CallOptions {
            retry_non_idempotent: Some(true),
            ..Default::default()
        },
        3,
    );
    let r = loop {
        match call.poll_step(&mut core, now) {
            Step::Send(out) => {
                let o = fake.serve(out.request, out.purpose);
                call.handle_outcome(&mut core, now, o);
            }
            Step::Wait(until) => now = until,
            Step::Done(r) => break r,
            Step::WaitForToken => unreachable!(),
        }
    };
    assert!(r.is_ok());
    assert_eq!(call.attempts(), 2);
}

#[test]
fn an_idempotent_call_is_repeated_after_a_dropped_connection() {
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    fake.script.push_back(dropped());
    run(&mut core, &mut fake, &mut now, &find()).unwrap();
    assert_eq!(fake.calls().len(), 3);
}

#[test]
fn warnings_and_coordination_id_reach_the_caller() {
    let mut fake = Fake::new(1800);
    let (mut core, now) = warm(&mut fake);
    let mut call = Call::new(
        &find(),
        CallOptions {
            coordination_id: Some("coord-1".into()),
            ..Default::default()
        },
        3,
    );
    let Step::Send(out) = call.poll_step(&mut core, now) else {
        panic!()
    };
    let body: serde_json::Value = serde_json::from_slice(out.request.body()).unwrap();
    assert_eq!(body["RequestHeader"]["CoordinationId"], "coord-1");
    call.handle_outcome(
        &mut core,
        now,
        respond(
            200,
            br#"{"ResponseHeader":{"Status":"Warning","CoordinationId":"coord-1","StatusList":[{"Type":"Information","Code":"DefaultLanguageUsed","Message":"en-us"}]},"FindResult":{"Count":2}}"#.to_vec(),
        ),
    );
    let Step::Done(Ok(r)) = call.poll_step(&mut core, now) else {
        panic!()
    };
    assert_eq!(r.coordination_id(), Some("coord-1"));
    assert_eq!(
        r.warnings().next().unwrap().code.as_ref().unwrap().as_str(),
        "DefaultLanguageUsed"
    );
}

#[test]
fn garbage_is_a_decode_error_not_a_panic() {
    let mut fake = Fake::new(1800);
    let (mut core, mut now) = warm(&mut fake);
    fake.script
        .push_back(respond(200, b"<html>gateway</html>".to_vec()));
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    fake.script.push_back(respond(404, b"not here".to_vec()));
    let err = run(&mut core, &mut fake, &mut now, &find()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
    assert!(err.to_string().contains("404"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 64,
        // Failing cases are kept in a committed file and replayed first ever after.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/proptest-regressions/calls.txt"),
        ))),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever the server answers, a call ends within a bounded number of steps, never
    /// panics, and never sends the operation more than max_attempts + 1 (one auth retry) times.
    #[test]
    fn any_sequence_of_answers_ends_the_call(answers in proptest::collection::vec((0u8..8, 0u16..600), 1..12)) {
        let mut core = core(oauth());
        let mut now = Instant::now();
        let mut call = Call::new(&find(), CallOptions::default(), 9);
        let mut answers = answers.into_iter();
        let mut steps = 0;
        loop {
            steps += 1;
            proptest::prop_assert!(steps < 100);
            match call.poll_step(&mut core, now) {
                Step::Send(_) => {
                    let (kind, status) = answers.next().unwrap_or((0, 200));
                    let body = match kind {
                        0 => br#"{"access_token":"t","expires_in":1800}"#.to_vec(),
                        1 => ok_envelope("FindResult", "{}"),
                        2 => error_envelope("AUTH-021"),
                        3 => error_envelope("DependentServiceDown"),
                        4 => error_envelope("InvalidItemCount"),
                        5 => b"{\"error\":\"invalid_client\"}".to_vec(),
                        6 => b"\x00\xff".to_vec(),
                        _ => Vec::new(),
                    };
                    let status = status.clamp(100, 599);
                    call.handle_outcome(&mut core, now, respond(status, body));
                }
                Step::Wait(until) => now = until,
                Step::WaitForToken => proptest::prop_assert!(false, "a lone call never waits"),
                Step::Done(_) => break,
            }
        }
        proptest::prop_assert!(call.attempts() <= 4);
    }
}

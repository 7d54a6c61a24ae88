//! The exact bytes the core emits, pinned by snapshots.

use crate::fake::*;
use connect_auth::{Call, CallOptions, Credentials, Step};
use connect_types::ops::session::{CreateSessionRequest, RenewSessionRequest};
use std::time::Instant;

fn show(req: &http::Request<Vec<u8>>) -> String {
    let mut s = format!("{} {}\n", req.method(), req.uri());
    let mut headers: Vec<_> = req.headers().iter().collect();
    headers.sort_by_key(|(k, _)| k.as_str());
    for (k, v) in headers {
        s.push_str(&format!("{k}: {}\n", v.to_str().unwrap()));
    }
    s.push('\n');
    s.push_str(std::str::from_utf8(req.body()).unwrap());
    s
}

/// The first request a call of `op` sends with these credentials, and then the request after
/// the token is answered.
fn first_two<O: connect_types::Operation>(creds: Credentials, op: &O) -> (String, String) {
    let mut core = core_with_http_base(creds, true);
    let mut fake = Fake::new(1800);
    let now = Instant::now();
    let mut call = Call::new(
        op,
        CallOptions {
            coordination_id: Some("c-1".into()),
            ..Default::default()
        },
        1,
    );
    let Step::Send(auth) = call.poll_step(&mut core, now) else {
        panic!()
    };
    let first = show(&auth.request);
    let o = fake.serve(auth.request, auth.purpose);
    call.handle_outcome(&mut core, now, o);
    let Step::Send(out) = call.poll_step(&mut core, now) else {
        panic!()
    };
    (first, show(&out.request))
}

#[test]
fn token_endpoint_request() {
    let (grant, search) = first_two(
        Credentials::resource_owner("key", "s3cret", "alice", "pw d"),
        &Find {
            phrase: "tree".into(),
        },
    );
    insta::assert_snapshot!("oauth2_password_grant", grant);
    insta::assert_snapshot!("standard_call_over_http", search);
    let (grant, _) = first_two(
        oauth(),
        &Find {
            phrase: "tree".into(),
        },
    );
    insta::assert_snapshot!("oauth2_client_credentials_grant", grant);
}

#[test]
fn create_session_and_secure_only_call() {
    let (create, fetch) = first_two(session(), &Fetch { id: "123".into() });
    insta::assert_snapshot!("create_session", create);
    insta::assert_snapshot!("secure_only_call_over_https", fetch);
}

#[test]
fn renew_session_request() {
    let mut core = core(session());
    let mut fake = Fake::new(1800);
    let start = Instant::now();
    let mut now = start;
    run(&mut core, &mut fake, &mut now, &Find { phrase: "x".into() }).unwrap();
    let mut call = Call::new(&Find { phrase: "x".into() }, CallOptions::default(), 1);
    let Step::Send(renew) = call.poll_step(&mut core, start + mins(29)) else {
        panic!()
    };
    insta::assert_snapshot!("renew_session", show(&renew.request));
}

#[test]
fn a_no_token_operation_goes_over_https_without_a_token() {
    let mut core = core(session());
    let op = CreateSessionRequest {
        system_id: "sys".into(),
        system_password: "p".into(),
        user_name: "u".into(),
        user_password: "q".into(),
    };
    let mut call = Call::new(
        &op,
        CallOptions {
            coordination_id: Some("c-2".into()),
            ..Default::default()
        },
        1,
    );
    let Step::Send(out) = call.poll_step(&mut core, Instant::now()) else {
        panic!()
    };
    insta::assert_snapshot!("no_token_call", show(&out.request));
    // RenewSession is secure-only; with no HTTPS base it is refused.
    let mut core = connect_auth::Core::new(
        session(),
        connect_auth::Endpoints::new("http://x.example").unwrap(),
    );
    let renew = RenewSessionRequest {
        system_id: "sys".into(),
        system_password: "p".into(),
    };
    let mut call = Call::new(&renew, CallOptions::default(), 1);
    assert!(matches!(
        call.poll_step(&mut core, Instant::now()),
        Step::Done(Err(_))
    ));
}

#[test]
fn debug_output_never_shows_secrets() {
    let sentinel = "SENTINEL-7f3a";
    let creds = Credentials::resource_owner("key", sentinel, "alice", sentinel);
    let mut core = core(creds.clone());
    let mut fake = Fake::new(1800);
    let now = Instant::now();
    let mut call = Call::new(&Find { phrase: "x".into() }, CallOptions::default(), 1);
    let step = call.poll_step(&mut core, now);
    let dbg = format!("{creds:?} {core:?} {step:?} {call:?}");
    assert!(!dbg.contains(sentinel), "{dbg}");
    let Step::Send(auth) = step else { panic!() };
    assert!(
        std::str::from_utf8(auth.request.body())
            .unwrap()
            .contains(sentinel)
    );
    fake.valid.clear();
    let o = fake.serve(auth.request, auth.purpose);
    call.handle_outcome(&mut core, now, o);
    let Step::Send(out) = call.poll_step(&mut core, now) else {
        panic!()
    };
    let dbg = format!("{out:?} {core:?}");
    assert!(!dbg.contains("t1"), "the access token leaked: {dbg}");
    // And errors carry no secret either.
    let mut core = core_with_refusal();
    let mut now = Instant::now();
    let err = run(
        &mut core,
        &mut Fake::refusing(sentinel),
        &mut now,
        &Find { phrase: "x".into() },
    )
    .unwrap_err();
    assert!(!format!("{err} {err:?}").contains(sentinel));
}

fn core_with_refusal() -> connect_auth::Core {
    core(Credentials::resource_owner(
        "key",
        "SENTINEL-7f3a",
        "alice",
        "SENTINEL-7f3a",
    ))
}

impl Fake {
    fn refusing(_sentinel: &str) -> Fake {
        let mut f = Fake::new(1800);
        f.script.push_back(respond(
            401,
            br#"{"error":"invalid_client","error_description":"bad secret"}"#.to_vec(),
        ));
        f
    }
}

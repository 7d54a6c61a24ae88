//! Calls recorded through a [`Recorder`] and replayed from the cassette by a [`Player`], as
//! the clients' recording and replaying transports do.

use crate::fake::*;
use connect_auth::cassette::{Cassette, Player, RecordOptions, Recorder, ReplayOptions, Replayed};
use connect_auth::{Call, CallOptions, Core, Credentials, Endpoints, ErrorKind, Outcome, Step};
use connect_types::Operation;
use std::time::Instant;

/// Runs `op` to completion, every request answered by `answer`.
fn drive<O: Operation>(
    core: &mut Core,
    op: &O,
    answer: &mut dyn FnMut(http::Request<Vec<u8>>, connect_auth::Purpose) -> Outcome,
) -> (
    Result<connect_types::Response<O::Result>, connect_auth::Error>,
    u32,
) {
    let mut call = Call::new(op, CallOptions::default(), 3);
    let now = Instant::now();
    for _ in 0..20 {
        match call.poll_step(core, now) {
            Step::Send(out) => {
                let outcome = answer(out.request, out.purpose);
                call.handle_outcome(core, now, outcome);
            }
            Step::Done(r) => return (r, call.attempts()),
            other => panic!("unexpected step {other:?}"),
        }
    }
    panic!("the call did not end");
}

/// Sends through the fake and records the exchange, as a recording transport does.
fn recording<'a>(
    fake: &'a mut Fake,
    recorder: &'a mut Recorder,
    text: &'a mut String,
) -> impl FnMut(http::Request<Vec<u8>>, connect_auth::Purpose) -> Outcome + 'a {
    move |request, purpose| {
        let mut take = recorder.begin(&request);
        let outcome = fake.serve(request, purpose);
        if let Outcome::Response(r) = &outcome {
            take.response(r.status(), r.headers());
            take.chunk(r.body());
        }
        text.push_str(&recorder.finish(take));
        outcome
    }
}

/// Answers from the player, as a replaying transport does.
fn replaying(
    player: &mut Player,
) -> impl FnMut(http::Request<Vec<u8>>, connect_auth::Purpose) -> Outcome + '_ {
    move |request, _| match player.answer(&request) {
        Ok(Replayed::Response(r)) => {
            let mut body = r.body;
            let mut bytes = vec![0u8; usize::try_from(body.len()).unwrap()];
            let n = body.read(&mut bytes).unwrap();
            bytes.truncate(n);
            let mut response = http::Response::new(bytes);
            *response.status_mut() = r.status;
            *response.headers_mut() = r.headers;
            Outcome::Response(response)
        }
        Ok(Replayed::Failure(f)) => Outcome::Failed(f),
        Err(m) => Outcome::Failed(m.into_failure()),
    }
}

fn find(phrase: &str) -> Find {
    Find {
        phrase: phrase.into(),
    }
}

#[test]
fn a_recorded_session_replays_to_equal_results_with_placeholder_credentials() {
    let mut fake = Fake::new(1800);
    let mut recorder = Recorder::new(RecordOptions::default());
    let mut text = recorder.header_line();
    let mut core = core(Credentials::resource_owner(
        "app-id-1234",
        "app-secret-1234",
        "someone",
        "pass-1234",
    ));
    let recorded: Vec<_> = ["tree", "dog"]
        .iter()
        .map(|p| {
            let mut send = recording(&mut fake, &mut recorder, &mut text);
            drive(&mut core, &find(p), &mut send).0.unwrap().result
        })
        .collect();
    for secret in ["app-id-1234", "app-secret-1234", "someone", "pass-1234"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
    let cassette = Cassette::parse(&text).unwrap();
    assert_eq!(cassette.exchanges.len(), 3, "{text}");

    // Another base URL, the cassette's own placeholders as credentials, no server.
    let mut player = Player::new(cassette.clone(), ReplayOptions::default());
    let endpoints = Endpoints::new("https://replay.invalid").unwrap();
    let mut core = Core::new(cassette.placeholder_credentials(), endpoints);
    let replayed: Vec<_> = ["tree", "dog"]
        .iter()
        .map(|p| {
            drive(&mut core, &find(p), &mut replaying(&mut player))
                .0
                .unwrap()
                .result
        })
        .collect();
    assert_eq!(replayed, recorded);
    assert_eq!(player.remaining(), 0);
}

#[test]
fn a_request_the_cassette_lacks_fails_at_once_without_retries() {
    let mut fake = Fake::new(1800);
    let mut recorder = Recorder::new(RecordOptions::default());
    let mut text = recorder.header_line();
    let mut core = core(oauth());
    drive(
        &mut core,
        &find("tree"),
        &mut recording(&mut fake, &mut recorder, &mut text),
    )
    .0
    .unwrap();

    let mut player = Player::new(Cassette::parse(&text).unwrap(), ReplayOptions::default());
    let mut core = self::core(oauth());
    let (result, attempts) = drive(&mut core, &find("beach"), &mut replaying(&mut player));
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Replay);
    assert_eq!(attempts, 1, "a mismatch is not retried");
    let text = e.to_string();
    assert!(text.contains("#2 Find"), "{text}");
    assert!(
        text.contains("body.FindRequestBody.Phrase: recorded \"tree\", sent \"beach\""),
        "{text}"
    );
    assert!(e.hint().contains("record the cassette again"));
}

//! `--replay`: a session recorded against one sandbox (by plain HTTP, as a client in any
//! language would send it) is answered by another from the cassette: the same answers, the
//! download URL pointing at the replaying sandbox and serving the same bytes, any credentials,
//! and a 501 naming the difference for a request the cassette does not hold.

use crate::common::*;
use connect_auth::cassette::{Cassette, Recorder, ReplayOptions};
use connect_sandbox::SandboxConfig;
use serde_json::{Value, json};

/// Sends `request` with the client's agent; returns the status and the body, recording the
/// exchange when a recorder is given.
fn send(
    c: &Client,
    request: http::Request<Vec<u8>>,
    mut recorder: Option<&mut (Recorder, String)>,
) -> (u16, Vec<u8>) {
    let take = recorder.as_mut().map(|tape| tape.0.begin(&request));
    let mut response = c.agent.run(request).expect("the request completes");
    let status = response.status();
    let body = response.body_mut().read_to_vec().expect("the body reads");
    if let (Some(mut t), Some(tape)) = (take, recorder) {
        t.response(status, response.headers());
        t.chunk(&body);
        let line = tape.0.finish(t);
        tape.1.push_str(&line);
    }
    (status.as_u16(), body)
}

fn token_request(c: &Client, password: &str) -> http::Request<Vec<u8>> {
    let form = format!(
        "grant_type=password&username=alice&password={password}&client_id=sandbox-client&client_secret=sandbox-client-secret"
    );
    http::Request::post(format!("{}/oauth2/token", c.https))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.into_bytes())
        .unwrap()
}

fn call(c: &Client, path: &str, token: &str, key: &str, body: Value) -> http::Request<Vec<u8>> {
    let envelope = json!({"RequestHeader": {"Token": token, "CoordinationId": "any"}, key: body});
    http::Request::post(format!("{}{path}", c.https))
        .header("content-type", "application/json")
        .body(envelope.to_string().into_bytes())
        .unwrap()
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("a JSON answer")
}

/// Signs in, searches, authorizes and requests a download, and fetches the file: every
/// answer (the token's `access_token` left out), and the file.
fn session(
    c: &Client,
    password: &str,
    mut recorder: Option<&mut (Recorder, String)>,
) -> (Vec<Value>, Vec<u8>) {
    let (s, t) = send(c, token_request(c, password), recorder.as_deref_mut());
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&t));
    let token = json(&t)["access_token"].as_str().unwrap().to_owned();
    let mut out = Vec::new();
    let search = json!({"Query": {"SearchPhrase": "beach"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
    let found = call(
        c,
        "/v2/search/SearchForImages",
        &token,
        "SearchForImagesRequestBody",
        search,
    );
    let (_, found) = send(c, found, recorder.as_deref_mut());
    let found = json(&found);
    let id = found["SearchForImagesResult"]["Images"][0]["ImageId"].clone();
    out.push(found);
    let auth = call(
        c,
        "/v1/download/GetImageDownloadAuthorizations",
        &token,
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": id, "SizeKey": "small"}]}),
    );
    let (_, auth) = send(c, auth, recorder.as_deref_mut());
    let auth = json(&auth);
    let download_token = auth["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"][0]
        ["DownloadToken"]
        .clone();
    out.push(auth);
    let create = call(
        c,
        "/v1/download/CreateDownloadRequest",
        &token,
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": download_token}]}),
    );
    let (_, urls) = send(c, create, recorder.as_deref_mut());
    let urls = json(&urls);
    let url = urls["CreateDownloadRequestResult"]["DownloadUrls"][0]["UrlAttachment"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.starts_with(&c.https), "{url} is not this sandbox's");
    out.push(urls["ResponseHeader"]["Status"].clone());
    let (s, file) = send(
        c,
        http::Request::get(url).body(Vec::new()).unwrap(),
        recorder,
    );
    assert_eq!(s, 200);
    (out, file)
}

#[test]
fn a_replaying_sandbox_answers_a_recorded_session_to_any_http_client() {
    let recording = start(SandboxConfig::default().with_images(2_000));
    let c = Client::new(&recording);
    let mut tape = (Recorder::new(Default::default()), String::new());
    tape.1 = tape.0.header_line();
    let (recorded, file) = session(&c, "alice-password", Some(&mut tape));
    recording.stop();
    let text = tape.1;
    assert!(!text.contains("alice-password") && !text.contains("sandbox-client-secret"));
    let cassette = Cassette::parse(&text).unwrap();
    assert_eq!(cassette.exchanges.len(), 5, "{text}");

    let replaying = start(SandboxConfig::default().with_replay(cassette, ReplayOptions::default()));
    assert_eq!(replaying.replay_remaining(), Some(5));
    let c = Client::new(&replaying);
    // Another password: the recorded one is a placeholder, which any value matches.
    let (replayed, replayed_file) = session(&c, "whatever", None);
    assert_eq!(replaying.replay_remaining(), Some(0));
    assert_eq!(replayed[0], recorded[0]);
    let tokens = |v: &Value| {
        v["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"][0]["DownloadToken"]
            .clone()
    };
    assert_eq!(tokens(&replayed[1]), json!("<token-3>"));
    assert_eq!(replayed[2], recorded[2]);
    assert_eq!(
        replayed_file, file,
        "the file is served from the cassette, byte for byte"
    );

    // The cassette is used up: a request more is answered 501, saying so.
    let (s, why) = send(&c, token_request(&c, "x"), None);
    let why = String::from_utf8(why).unwrap();
    assert_eq!(s, 501);
    assert!(
        why.contains("oauth2/token") && why.contains("played"),
        "{why}"
    );
}

#[test]
fn a_request_the_cassette_does_not_hold_gets_501_naming_the_difference() {
    let recording = start(SandboxConfig::default().with_images(2_000));
    let c = Client::new(&recording);
    let mut tape = (Recorder::new(Default::default()), String::new());
    tape.1 = tape.0.header_line();
    session(&c, "alice-password", Some(&mut tape));
    drop(recording);
    let cassette = Cassette::parse(&tape.1).unwrap();

    let replaying = start(SandboxConfig::default().with_replay(cassette, ReplayOptions::default()));
    let c = Client::new(&replaying);
    let (_, t) = send(&c, token_request(&c, "x"), None);
    let token = json(&t)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(token, "<token-1>");
    let search = |phrase: &str| {
        let body = json!({"Query": {"SearchPhrase": phrase}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
        let request = call(
            &c,
            "/v2/search/SearchForImages",
            &token,
            "SearchForImagesRequestBody",
            body,
        );
        send(&c, request, None)
    };
    // The recorded search, answered as the sandbox writes JSON (every `/` escaped).
    let (s, raw) = search("beach");
    let raw = String::from_utf8(raw).unwrap();
    assert_eq!(s, 200, "{raw}");
    assert!(
        raw.contains(r"https:\/\/") && !raw.contains("https://"),
        "{raw}"
    );
    let (s, why) = search("dog");
    let why = String::from_utf8(why).unwrap();
    assert_eq!(s, 501, "{why}");
    assert!(
        why.contains("#2 SearchForImages")
            && why.contains("SearchPhrase: recorded \"beach\", sent \"dog\""),
        "{why}"
    );
}

//! Recording and replaying whole exchanges, as a transport does, without one.

use super::*;
use crate::failure::TransportFailure;

const SECRET: &str = "canary-client-secret-8c1f";
const PASSWORD: &str = "canary-password-77aa";
const USER: &str = "canary-user-d00d";
const CLIENT: &str = "canary-client-id-3b9e";
const TOKEN: &str = "canary-access-token-5e5e";
const SIGNED: &str = "https://delivery.example/xa/1.jpg?Expires=9&Signature=canary-signature-4242";

fn token_request(base: &str, secret: &str) -> http::Request<Vec<u8>> {
    let form = format!(
        "grant_type=password&client_id={CLIENT}&client_secret={secret}&username={USER}&password={PASSWORD}"
    );
    http::Request::post(format!("{base}/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.into_bytes())
        .unwrap()
}

fn call(
    base: &str,
    op: &str,
    token: &str,
    coordination: &str,
    body: &str,
) -> http::Request<Vec<u8>> {
    let envelope = format!(
        r#"{{"RequestHeader":{{"Token":"{token}","CoordinationId":"{coordination}"}},"{op}RequestBody":{body}}}"#
    );
    http::Request::post(format!("{base}/v1/group/{op}"))
        .header("content-type", "application/json")
        .body(envelope.into_bytes())
        .unwrap()
}

fn get(url: &str) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

/// Records `request` answered by `status`, `headers` and `body` (in two chunks).
fn take(
    recorder: &mut Recorder,
    request: &http::Request<Vec<u8>>,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> String {
    let mut t = recorder.begin(request);
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            http::HeaderValue::from_str(v).unwrap(),
        );
    }
    t.response(http::StatusCode::from_u16(status).unwrap(), &map);
    let half = body.len() / 2;
    t.chunk(&body[..half]);
    t.chunk(&body[half..]);
    recorder.finish(t)
}

/// A session: sign-in, an authorization, CreateDownloadRequest, the file.
fn session(file: &[u8], options: RecordOptions) -> String {
    let mut r = Recorder::new(options);
    let base = "https://api.example";
    let mut text = r.header_line();
    let answer = format!(
        r#"{{"access_token":"{TOKEN}","token_type":"Bearer","expires_in":1800,"refresh_token":"canary-refresh-1234"}}"#
    );
    text += &take(
        &mut r,
        &token_request(base, SECRET),
        200,
        &[("content-type", "application/json")],
        answer.as_bytes(),
    );
    let auths = format!(
        r#"{{"ResponseHeader":{{"Status":"Success"}},"GetImageDownloadAuthorizationsResult":{{"Images":[{{"Authorizations":[{{"DownloadToken":"canary-download-token-99","SizeKey":"small"}}]}}],"Note":"signed in as {USER}"}}}}"#
    );
    let body = r#"{"ImageSizes":[{"ImageId":"1","SizeKey":"small"}]}"#;
    text += &take(
        &mut r,
        &call(base, "GetImageDownloadAuthorizations", TOKEN, "c1", body),
        200,
        &[],
        auths.as_bytes(),
    );
    let create = r#"{"DownloadItems":[{"DownloadToken":"canary-download-token-99"}]}"#;
    let urls = format!(
        r#"{{"ResponseHeader":{{"Status":"Success"}},"CreateDownloadRequestResult":{{"DownloadUrls":[{{"UrlAttachment":"{SIGNED}"}}]}}}}"#
    );
    text += &take(
        &mut r,
        &call(base, "CreateDownloadRequest", TOKEN, "c2", create),
        200,
        &[],
        urls.as_bytes(),
    );
    let len = file.len().to_string();
    text += &take(
        &mut r,
        &get(SIGNED),
        200,
        &[
            ("content-type", "image/jpeg"),
            ("content-length", &len),
            ("etag", "\"e1\""),
            ("date", "today"),
        ],
        file,
    );
    text
}

#[test]
fn no_secret_survives_and_placeholders_line_up() {
    let text = session(b"\xff\xd8 a small jpeg", RecordOptions::default());
    assert!(!text.contains("canary-"), "a canary leaked:\n{text}");
    let cassette = Cassette::parse(&text).unwrap();
    let ops: Vec<&str> = cassette
        .exchanges
        .iter()
        .map(|e| e.operation.as_str())
        .collect();
    assert_eq!(
        ops,
        [
            "oauth2/token",
            "GetImageDownloadAuthorizations",
            "CreateDownloadRequest",
            "download"
        ]
    );
    // The token the answer gave is the placeholder the next request carries.
    let answer = cassette.exchanges[0].response().unwrap();
    let Content::Json(a) = &answer.body else {
        panic!()
    };
    assert_eq!(a["access_token"], "<token-1>");
    let Content::Json(call) = &cassette.exchanges[1].request.body else {
        panic!()
    };
    assert_eq!(call["RequestHeader"]["Token"], "<token-1>");
    // The user name is found in the result's text too, the download token is one token.
    let Content::Json(auths) = &cassette.exchanges[1].response().unwrap().body else {
        panic!()
    };
    assert_eq!(
        auths["GetImageDownloadAuthorizationsResult"]["Note"],
        "signed in as <user-1>"
    );
    let Content::Json(create) = &cassette.exchanges[2].request.body else {
        panic!()
    };
    assert_eq!(
        create["CreateDownloadRequestRequestBody"]["DownloadItems"][0]["DownloadToken"],
        "<token-3>"
    );
    // The URL in the answer and the GET that fetched it carry the same placeholder.
    let get = &cassette.exchanges[3];
    assert_eq!(
        get.request.url,
        "https://delivery.example/xa/1.jpg?%3Csignature-1%3E"
    );
    // The file is kept (small), with the headers a client reads and not the others.
    let file = get.response().unwrap();
    let Content::Bytes(d) = &file.body else {
        panic!()
    };
    assert_eq!(d.kept.as_deref(), Some(&b"\xff\xd8 a small jpeg"[..]));
    assert_eq!(d.sha256, sha256_hex(b"\xff\xd8 a small jpeg"));
    assert!(file.headers.contains_key("etag") && !file.headers.contains_key("date"));
}

#[test]
fn a_replay_answers_the_same_requests_with_other_credentials_and_base() {
    let cassette = Cassette::parse(&session(b"file bytes", RecordOptions::default())).unwrap();
    let mut player = Player::new(cassette.clone(), ReplayOptions::default());
    let base = "https://replay.invalid:1";
    let Ok(Replayed::Response(answer)) = player.answer(&token_request(base, "another-secret"))
    else {
        panic!("the sign-in did not match")
    };
    assert_eq!(answer.status, 200);
    let mut body = answer.body;
    let mut buf = [0u8; 4096];
    let n = body.read(&mut buf).unwrap();
    let token: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    assert_eq!(token["access_token"], "<token-1>");
    assert_eq!(token["expires_in"], 1800);
    let body = r#"{"ImageSizes":[{"ImageId":"1","SizeKey":"small"}]}"#;
    assert!(
        player
            .answer(&call(
                base,
                "GetImageDownloadAuthorizations",
                "<token-1>",
                "zz",
                body
            ))
            .is_ok()
    );
    let create = r#"{"DownloadItems":[{"DownloadToken":"<token-3>"}]}"#;
    assert!(
        player
            .answer(&call(
                base,
                "CreateDownloadRequest",
                "<token-1>",
                "yy",
                create
            ))
            .is_ok()
    );
    let Ok(Replayed::Response(file)) =
        player.answer(&get("https://delivery.example/xa/1.jpg?%3Csignature-1%3E"))
    else {
        panic!()
    };
    assert_eq!(file.headers["content-length"], "10");
    assert_eq!(file.headers["etag"], "\"e1\"");
    let mut body = file.body;
    let n = body.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"file bytes");
    assert_eq!(body.read(&mut buf), Ok(0));
    assert_eq!(player.remaining(), 0);
}

#[test]
fn a_changed_request_names_the_nearest_and_the_first_difference() {
    let cassette = Cassette::parse(&session(b"x", RecordOptions::default())).unwrap();
    let base = "https://api.example";
    let mut player = Player::new(cassette.clone(), ReplayOptions::default());
    player.answer(&token_request(base, "s")).unwrap();
    let changed = r#"{"ImageSizes":[{"ImageId":"2","SizeKey":"small"}]}"#;
    let m = player
        .answer(&call(
            base,
            "GetImageDownloadAuthorizations",
            "t",
            "c",
            changed,
        ))
        .unwrap_err();
    let n = m.nearest.clone().unwrap();
    assert_eq!(
        (n.n, n.operation.as_str(), n.played),
        (2, "GetImageDownloadAuthorizations", false)
    );
    let d = n.difference.unwrap();
    assert_eq!(
        d.at,
        "body.GetImageDownloadAuthorizationsRequestBody.ImageSizes[0].ImageId"
    );
    assert_eq!((d.recorded.as_str(), d.sent.as_str()), ("\"1\"", "\"2\""));
    let text = m.to_string();
    assert!(
        text.contains("nothing was sent") && text.contains("#2 GetImageDownloadAuthorizations"),
        "{text}"
    );

    // Out of order: the message says it comes later; in any order it plays.
    let create = r#"{"DownloadItems":[{"DownloadToken":"<token-3>"}]}"#;
    let early = call(base, "CreateDownloadRequest", "t", "c", create);
    let m = player.answer(&early).unwrap_err();
    assert!(m.to_string().contains("later in the cassette"), "{m}");
    assert_eq!(m.expected.as_ref().map(|e| e.n), Some(2));
    let mut any = Player::new(cassette, ReplayOptions::default().any_order());
    assert!(any.answer(&early).is_ok());
    assert!(
        any.answer(&early)
            .unwrap_err()
            .to_string()
            .contains("played already")
    );

    // A mismatch reported as a transport failure becomes the typed error.
    let failure = player.answer(&early).unwrap_err().into_failure();
    assert!(!failure.reached_server);
    match replay_error(failure) {
        Ok(Error::Replay(m)) => assert_eq!(m.operation, "CreateDownloadRequest"),
        other => panic!("{other:?}"),
    }
    let plain = TransportFailure::new(crate::failure::TransportCause::ConnectionRefused, "refused");
    assert!(replay_error(plain).is_err());
}

#[test]
fn large_bodies_are_kept_by_digest_and_replayed_at_their_length() {
    let big = vec![7u8; 5000];
    let text = session(&big, RecordOptions::default().body_limit(1000));
    let cassette = Cassette::parse(&text).unwrap();
    let Content::Bytes(d) = &cassette.exchanges[3].response().unwrap().body else {
        panic!()
    };
    assert_eq!((d.length, d.kept.is_none()), (5000, true));
    assert_eq!(d.sha256, sha256_hex(&big));
    assert!(text.len() < 4000, "the body was not left out");
    let mut player = Player::new(cassette, ReplayOptions::default().any_order());
    let Ok(Replayed::Response(file)) =
        player.answer(&get("https://delivery.example/xa/1.jpg?%3Csignature-1%3E"))
    else {
        panic!()
    };
    let mut body = file.body;
    let (mut total, mut buf) = (0, [1u8; 1024]);
    loop {
        let n = body.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        assert!(buf[..n].iter().all(|b| *b == 0));
        total += n;
    }
    assert_eq!(total, 5000);
}

#[test]
fn cut_bodies_and_failures_replay_as_they_happened() {
    let mut r = Recorder::new(RecordOptions::default());
    let mut text = r.header_line();
    let url = "http://127.0.0.1:9/download/i1.small.1.signature-abcdef";
    let mut t = r.begin(&get(url));
    t.response(http::StatusCode::OK, &http::HeaderMap::new());
    t.chunk(b"half");
    t.read_failed(&"connection reset");
    text += &r.finish(t);
    let mut t = r.begin(&get(url));
    t.failed(&TransportFailure::new(
        crate::failure::TransportCause::ConnectionRefused,
        format!("{url}: connection refused"),
    ));
    text += &r.finish(t);
    assert!(!text.contains("signature-abcdef"), "{text}");
    let mut player = Player::new(Cassette::parse(&text).unwrap(), ReplayOptions::default());
    let replayed = "http://elsewhere/download/%3Csignature-1%3E";
    let Ok(Replayed::Response(a)) = player.answer(&get(replayed)) else {
        panic!()
    };
    let mut body = a.body;
    let mut buf = [0u8; 16];
    assert_eq!(body.read(&mut buf), Ok(4));
    assert!(
        body.read(&mut buf)
            .unwrap_err()
            .to_string()
            .contains("connection reset")
    );
    let Ok(Replayed::Failure(f)) = player.answer(&get(replayed)) else {
        panic!()
    };
    assert_eq!(
        f.cause,
        crate::failure::TransportCause::ConnectionRefused,
        "the cause replays too"
    );
    assert!(
        !f.reached_server && f.message.contains("connection refused"),
        "{}",
        f.message
    );
    let exhausted = player.answer(&get(replayed)).unwrap_err();
    assert!(
        exhausted
            .to_string()
            .contains("all 2 recorded exchanges were played"),
        "{exhausted}"
    );
}

#[test]
fn origins_are_rewritten_for_a_replaying_server() {
    let cassette = Cassette::parse(&session(b"x", RecordOptions::default())).unwrap();
    let options = ReplayOptions::default()
        .any_order()
        .rewrite_origin("https://delivery.example", "http://127.0.0.1:5");
    let mut player = Player::new(cassette, options);
    let create = r#"{"DownloadItems":[{"DownloadToken":"<token-3>"}]}"#;
    let Ok(Replayed::Response(a)) = player.answer(&call(
        "https://x",
        "CreateDownloadRequest",
        "t",
        "c",
        create,
    )) else {
        panic!()
    };
    let mut body = a.body;
    let mut buf = vec![0u8; 4096];
    let n = body.read(&mut buf).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    assert_eq!(
        v["CreateDownloadRequestResult"]["DownloadUrls"][0]["UrlAttachment"],
        "http://127.0.0.1:5/xa/1.jpg?%3Csignature-1%3E"
    );
}

#[test]
fn settings_show_a_cassette_by_its_size() {
    let cassette = Cassette::parse(&session(b"x", RecordOptions::default())).unwrap();
    let mode = CassetteMode::ReplayCassette {
        cassette: Box::new(cassette),
        options: ReplayOptions::default(),
    };
    let shown = format!("{mode:?}");
    assert!(shown.contains("exchanges: 4"), "{shown}");
    assert!(!shown.contains("token"), "{shown}");
    let options = RecordOptions::default().redact_value("canary-extra-secret");
    assert!(!format!("{options:?}").contains("canary"));
}

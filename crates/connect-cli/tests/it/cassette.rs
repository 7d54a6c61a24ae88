//! A CLI session recorded against the sandbox with canary credentials (OAuth2 sign-in, a
//! search, details, a download, a lightbox created, filled and deleted), one cassette a
//! command: no canary is in any cassette; with the sandbox stopped each command replays to the
//! same output; both clients replay each cassette to equal typed results; a changed request
//! fails, naming the difference.

use crate::{assert_one_error_line, cli, json_of};
use connect_auth::cassette::{Cassette, Content, ReplayOptions, sha256_hex};
use connect_sandbox::{Sandbox, SandboxConfig, User};
use connect_types::Operation;
use connect_types::ops::{
    CreateDownloadRequest, CreateLightboxItemsRequest, CreateLightboxRequest,
    DeleteLightboxRequest, GetImageDetailsRequest, GetImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsRequest, GetLightboxRequest, SearchForImagesRequest,
};
use serde_json::Value;
use std::path::Path;

const CLIENT: &str = "canary-cli-client-41aa";
const SECRET: &str = "canary-cli-secret-0f9e";
const USER: &str = "canary-cli-user-77b3";
const PASSWORD: &str = "canary cli pass/word&8c";

/// The session, as (cassette name, arguments); `{image}` and `{lightbox}` are filled in from
/// the answers as the session goes.
const SESSION: &[(&str, &[&str])] = &[
    ("search", &["search", "beach", "--count", "3"]),
    ("details", &["--json", "details", "{image}"]),
    (
        "download",
        &[
            "--json", "download", "{image}", "--size", "small", "-o", "files",
        ],
    ),
    ("create", &["--json", "lightbox", "create", "Canary trip"]),
    ("add", &["lightbox", "add", "{lightbox}", "{image}"]),
    ("delete", &["lightbox", "delete", "{lightbox}"]),
];

fn filled(args: &[&str], image: &str, lightbox: &str) -> Vec<String> {
    args.iter()
        .map(|a| a.replace("{image}", image).replace("{lightbox}", lightbox))
        .collect()
}

/// Runs a typed request decoded from a recorded envelope through `run`, and checks its result
/// against the recorded answer decoded with the models. `$O` names the request type in `run`.
macro_rules! typed {
    ($exchange:expr, $O:ident => $run:expr) => {{
        let e = $exchange;
        let Content::Json(request) = &e.request.body else {
            panic!("#{} has no envelope", e.n)
        };
        let Some(Content::Json(answer)) = e.response().map(|r| &r.body) else {
            panic!("#{} has no JSON answer", e.n)
        };
        let recorded = serde_json::to_vec(answer).unwrap();
        match e.operation.as_str() {
            "SearchForImages" => typed!(@one e, request, recorded, SearchForImagesRequest, $O => $run),
            "GetImageDetails" => typed!(@one e, request, recorded, GetImageDetailsRequest, $O => $run),
            "GetImageDownloadAuthorizations" => {
                typed!(@one e, request, recorded, GetImageDownloadAuthorizationsRequest, $O => $run)
            }
            "GetLargestImageDownloadAuthorizations" => typed!(
                @one e, request, recorded, GetLargestImageDownloadAuthorizationsRequest, $O => $run
            ),
            "CreateDownloadRequest" => typed!(@one e, request, recorded, CreateDownloadRequest, $O => $run),
            "CreateLightbox" => typed!(@one e, request, recorded, CreateLightboxRequest, $O => $run),
            "CreateLightboxItems" => {
                typed!(@one e, request, recorded, CreateLightboxItemsRequest, $O => $run)
            }
            "GetLightbox" => typed!(@one e, request, recorded, GetLightboxRequest, $O => $run),
            "DeleteLightbox" => typed!(@one e, request, recorded, DeleteLightboxRequest, $O => $run),
            other => panic!("the session made a {other} call this test does not know"),
        }
    }};
    (@one $e:ident, $request:ident, $recorded:ident, $T:ty, $O:ident => $run:expr) => {{
        type $O = $T;
        let body = $request.get(<$T>::BODY_KEY).cloned().unwrap_or(Value::Null);
        let req: $T = serde_json::from_value(body).unwrap();
        let want = connect_types::decode_response::<$T>(&$recorded).unwrap().result;
        let got = ($run)(req);
        assert_eq!(got, want, "#{} {}: the replayed result differs", $e.n, $e.operation);
        serde_json::to_value(got).unwrap()
    }};
}

/// The download URL a CreateDownloadRequest answer gave.
fn download_url(result: &Value) -> String {
    result["DownloadUrls"][0]["UrlAttachment"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Replays `cassette` through a client: each recorded call sent as its typed request by
/// `call` (checked against the recorded answer there), each file fetched by `fetch` from the
/// URL the cassette gave. What came back, as JSON.
fn replay(
    cassette: &Cassette,
    mut call: impl FnMut(&connect_auth::cassette::Exchange) -> Value,
    mut fetch: impl FnMut(String) -> Vec<u8>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for e in &cassette.exchanges {
        match e.operation.as_str() {
            // The client signs in by itself, on its first call.
            "oauth2/token" => {}
            "download" => {
                let bytes = fetch(download_url(out.last().unwrap()));
                out.push(Value::String(sha256_hex(&bytes)));
            }
            _ => out.push(call(e)),
        }
    }
    out
}

fn replay_blocking(cassette: &Cassette) -> Vec<Value> {
    let client = connect_blocking::Client::builder()
        .replay_cassette(cassette.clone(), ReplayOptions::default())
        .build()
        .unwrap();
    replay(
        cassette,
        |e| typed!(e, O => |r: O| client.execute(&r).unwrap().result),
        |url| {
            let target = connect_blocking::DownloadTarget {
                image_id: String::new(),
                size_key: None,
                url,
                offering: None,
            };
            let mut bytes = Vec::new();
            client
                .download_target(target)
                .to_writer(&mut bytes)
                .unwrap();
            bytes
        },
    )
}

fn replay_async(cassette: &Cassette) -> Vec<Value> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = connect_async::Client::builder()
        .replay_cassette(cassette.clone(), ReplayOptions::default())
        .build()
        .unwrap();
    replay(
        cassette,
        |e| typed!(e, O => |r: O| rt.block_on(client.execute(&r)).unwrap().result),
        |url| {
            let target = connect_async::DownloadTarget {
                image_id: String::new(),
                size_key: None,
                url,
                offering: None,
            };
            let mut bytes = Vec::new();
            rt.block_on(client.download_target(target).to_writer(&mut bytes))
                .unwrap();
            bytes
        },
    )
}

/// The bytes of the file a `--json download` report names, under `dir`.
fn downloaded(dir: &Path, report: &[u8]) -> Vec<u8> {
    let v: Value = serde_json::from_slice(report).unwrap();
    std::fs::read(dir.join(v[0]["path"].as_str().unwrap())).unwrap()
}

#[test]
fn a_cli_session_recorded_with_canaries_replays_offline_through_the_cli_and_both_clients() {
    let sandbox = Sandbox::start_blocking(
        SandboxConfig::default()
            .with_images(2_000)
            .with_credentials(connect_sandbox::Credentials {
                client_id: CLIENT.into(),
                client_secret: SECRET.into(),
                users: vec![User {
                    name: USER.into(),
                    password: PASSWORD.into(),
                }],
                ..connect_sandbox::Credentials::default()
            }),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (recording, replaying) = (dir.path().join("recording"), dir.path().join("replaying"));
    let tapes = dir.path().join("cassettes");
    for d in [&recording, &replaying, &tapes] {
        std::fs::create_dir_all(d).unwrap();
    }
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();

    // Record: the credentials come from the environment, as a user's would.
    let (mut image, mut lightbox) = (String::new(), String::new());
    let mut printed = Vec::new();
    for (name, args) in SESSION {
        let tape = tapes.join(format!("{name}.jsonl"));
        let out = cli()
            .current_dir(&recording)
            .env("GETTY_CONNECT_BASE_URL", sandbox.https_base_url())
            .env("GETTY_CONNECT_CA_CERT", &ca)
            .env("GETTY_CLIENT_ID", CLIENT)
            .env("GETTY_CLIENT_SECRET", SECRET)
            .env("GETTY_USERNAME", USER)
            .env("GETTY_PASSWORD", PASSWORD)
            .arg("--record")
            .arg(&tape)
            .args(filled(args, &image, &lightbox))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {err}");
        if *name == "search" {
            // The first image id the search printed.
            let text = String::from_utf8_lossy(&out.stdout);
            image = text
                .split(|c: char| !c.is_ascii_digit())
                .find(|w| w.len() == 9 && w.starts_with("1000"))
                .unwrap()
                .to_owned();
        }
        if *name == "create" {
            lightbox = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();
        }
        printed.push(out.stdout);
    }
    sandbox.stop();

    // No canary, in any spelling, anywhere in any cassette.
    let mut cassettes = Vec::new();
    for (name, _) in SESSION {
        let bytes = std::fs::read(tapes.join(format!("{name}.jsonl"))).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        for canary in [CLIENT, SECRET, USER, PASSWORD] {
            for s in connect_testkit::spellings(canary) {
                assert!(
                    !text.contains(&s),
                    "{name}: {s:?} is in the cassette:\n{text}"
                );
            }
        }
        assert!(!text.contains("canary"), "{name}:\n{text}");
        let cassette = Cassette::parse(&text).unwrap();
        assert_eq!(cassette.exchanges[0].operation, "oauth2/token", "{name}");
        cassettes.push(cassette);
    }
    let ops: Vec<&str> = cassettes[2]
        .exchanges
        .iter()
        .map(|e| e.operation.as_str())
        .collect();
    assert!(
        ops.contains(&"CreateDownloadRequest") && ops.contains(&"download"),
        "{ops:?}"
    );

    // Replay with the sandbox stopped, no credentials and no base URL: the same output.
    for (i, (name, args)) in SESSION.iter().enumerate() {
        let out = cli()
            .current_dir(&replaying)
            .arg("--replay")
            .arg(tapes.join(format!("{name}.jsonl")))
            .args(filled(args, &image, &lightbox))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name} replayed: {err}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&printed[i]),
            "{name}: the replay printed something else"
        );
        if *name == "download" {
            assert_eq!(
                downloaded(&replaying, &out.stdout),
                downloaded(&recording, &printed[i]),
                "the replayed file differs"
            );
        }
    }

    // Both clients replay every cassette to the recorded typed results, and agree.
    for (cassette, (name, _)) in cassettes.iter().zip(SESSION) {
        let blocking = replay_blocking(cassette);
        let asynchronous = replay_async(cassette);
        assert!(!blocking.is_empty(), "{name}");
        assert_eq!(blocking, asynchronous, "{name}: the clients disagree");
    }

    // A changed request fails, naming the recorded request and the difference.
    let out = cli()
        .current_dir(&replaying)
        .arg("--replay")
        .arg(tapes.join("search.jsonl"))
        .args(["search", "beach", "--count", "5"])
        .output()
        .unwrap();
    assert_one_error_line(
        &out,
        &[
            "#2 SearchForImages",
            "body.SearchForImagesRequestBody.ResultOptions.ItemCount: recorded 3, sent 5",
            "nothing was sent",
        ],
    );
}

#[test]
fn replay_and_record_refuse_what_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .arg("--replay")
        .arg(dir.path().join("missing.jsonl"))
        .args(["search", "beach"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["missing.jsonl"]);
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "not a cassette\n").unwrap();
    let out = cli()
        .arg("--replay")
        .arg(&bad)
        .args(["search", "beach"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["bad.jsonl", "line 1", "not a cassette"]);
    let out = cli()
        .args(["--sandbox", "--replay"])
        .arg(&bad)
        .args(["search", "beach"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
    let out = cli()
        .arg("--record")
        .arg(&bad)
        .args(["demo"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["demo does not record or replay"]);
}

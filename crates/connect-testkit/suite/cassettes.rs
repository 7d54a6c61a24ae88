//! Cassettes on both clients (like `scenarios.rs`): a session recorded against the sandbox
//! with canary credentials holds no canary and no token; replayed with the sandbox stopped and
//! no credentials it gives the same typed results and the same file; a changed request fails at
//! once, naming the difference; the order can be relaxed.

use super::scenarios::{EXCLUSIVE, builder, start};
use super::sdk;
use connect_sandbox::{SandboxConfig, User};
use sdk::cassette::{Cassette, Content, ReplayOptions};
use sdk::ops::{
    CreateLightboxItemsRequest, CreateLightboxRequest, DeleteLightboxRequest,
    GetImageDetailsRequest, GetLightboxRequest, ImageFamily, SearchForImagesRequest,
};
use sdk::{Credentials, ErrorKind};

const CLIENT: &str = "canary-client-6b0f";
const SECRET: &str = "canary-secret-91d2";
const USER: &str = "canary-user-5c4e";
/// With characters a form and a URL encode, so every spelling of it is looked for.
const PASSWORD: &str = "canary pass&word=7e/1";

fn canary_sandbox() -> connect_sandbox::SandboxThread {
    start(
        SandboxConfig::default().with_credentials(connect_sandbox::Credentials {
            client_id: CLIENT.into(),
            client_secret: SECRET.into(),
            users: vec![User {
                name: USER.into(),
                password: PASSWORD.into(),
            }],
            ..connect_sandbox::Credentials::default()
        }),
    )
}

fn canary() -> Credentials {
    Credentials::resource_owner(CLIENT, SECRET, USER, PASSWORD)
}

/// Fails on any canary, and on any token or signature that is not a placeholder.
fn assert_redacted(text: &str) {
    for canary in [CLIENT, SECRET, USER, PASSWORD] {
        for s in connect_testkit::spellings(canary) {
            assert!(!text.contains(&s), "{s:?} is in the cassette:\n{text}");
        }
    }
    assert!(!text.contains("canary"), "{text}");
    let placeholder = |v: &serde_json::Value| {
        let s = v.as_str().unwrap_or("");
        s.starts_with("<token-") && s.ends_with('>')
    };
    let cassette = Cassette::parse(text).unwrap();
    for e in &cassette.exchanges {
        let answer = e.response().map(|r| &r.body);
        match (&e.request.body, answer) {
            (_, Some(Content::Json(a))) if e.operation == "oauth2/token" => {
                assert!(placeholder(&a["access_token"]), "{a}");
                assert!(placeholder(&a["refresh_token"]), "{a}");
            }
            (Content::Json(r), _) => assert!(placeholder(&r["RequestHeader"]["Token"]), "{r}"),
            _ if e.operation == "download" => {
                assert!(
                    e.request.url.ends_with("%3Csignature-1%3E"),
                    "{}",
                    e.request.url
                );
            }
            other => panic!("unexpected exchange {other:?}"),
        }
    }
}

/// The session: a search, details, a lightbox made, filled, read and deleted, a download. Its
/// typed results as JSON (so two runs compare), and the file's bytes.
macro_rules! session {
    ($c:expr) => {{
        let c = &$c;
        let mut out = Vec::new();
        let search = SearchForImagesRequest::phrase("beach")
            .family(ImageFamily::Creative)
            .count(3);
        let found = wait!(c.search_images(&search)).unwrap().result;
        let id = found.images[0].image_id.clone().unwrap();
        out.push(serde_json::to_value(&found).unwrap());
        let details = wait!(c.image_details(&GetImageDetailsRequest::ids([id.clone()])));
        out.push(serde_json::to_value(details.unwrap().result).unwrap());
        let made = wait!(c.create_lightbox(&CreateLightboxRequest::named("Canary trip")));
        let made = made.unwrap().result;
        let lightbox = made.lightbox_id.unwrap();
        out.push(serde_json::to_value(&made).unwrap());
        wait!(c.add_lightbox_items(&CreateLightboxItemsRequest::new(lightbox, [id.clone()])))
            .unwrap();
        let read = wait!(c.lightbox(&GetLightboxRequest::new(lightbox)))
            .unwrap()
            .result;
        out.push(serde_json::to_value(read).unwrap());
        wait!(c.delete_lightbox(&DeleteLightboxRequest::new(lightbox))).unwrap();
        let mut file = Vec::new();
        let download = wait!(c.download(&id, "small")).unwrap();
        let summary = wait!(download.to_writer(&mut file)).unwrap();
        assert_eq!(summary.bytes, file.len() as u64);
        (out, file)
    }};
}

scenario! {
    fn a_session_recorded_with_canaries_replays_with_the_sandbox_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.jsonl");
        let sb = canary_sandbox();
        let c = builder(&sb, canary()).record(&path).build().unwrap();
        let (recorded, file) = session!(c);
        drop(c);
        sb.stop();

        let text = std::fs::read_to_string(&path).unwrap();
        assert_redacted(&text);
        let cassette = Cassette::parse(&text).unwrap();
        let ops: Vec<&str> = cassette.exchanges.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(
            ops,
            [
                "oauth2/token", "SearchForImages", "GetImageDetails", "CreateLightbox",
                "CreateLightboxItems", "GetLightbox", "DeleteLightbox",
                "GetImageDownloadAuthorizations", "CreateDownloadRequest", "download"
            ]
        );

        // No server, no credentials, the default (production) base URL: nothing is sent.
        let r = sdk::Client::builder().replay(&path).build().unwrap();
        let (replayed, replayed_file) = session!(r);
        assert_eq!(replayed, recorded);
        assert_eq!(replayed_file, file, "the file replays byte for byte");

        // A changed request fails at once (a retry would meet the same cassette).
        let r = sdk::Client::builder().replay(&path).build().unwrap();
        let e = wait!(r.search_images(&SearchForImagesRequest::phrase("dog").family(ImageFamily::Creative).count(3)))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Replay, "{e}");
        let text = e.to_string();
        assert!(text.contains("#2 SearchForImages"), "{text}");
        assert!(
            text.contains("body.SearchForImagesRequestBody.Query.SearchPhrase: recorded \"beach\", sent \"dog\""),
            "{text}"
        );
    }
}

scenario! {
    fn the_recorded_order_is_kept_unless_the_replay_allows_any() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.jsonl");
        let sb = canary_sandbox();
        let c = builder(&sb, canary()).record(&path).build().unwrap();
        let beach = SearchForImagesRequest::phrase("beach").count(1);
        let dog = SearchForImagesRequest::phrase("dog").count(1);
        let first = wait!(c.search_images(&beach)).unwrap().result;
        let second = wait!(c.search_images(&dog)).unwrap().result;
        drop(c);
        sb.stop();

        let cassette = Cassette::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let strict = sdk::Client::builder().replay_cassette(cassette.clone(), ReplayOptions::default()).build().unwrap();
        let e = wait!(strict.search_images(&dog)).unwrap_err();
        assert!(e.to_string().contains("later in the cassette"), "{e}");

        // A transport built by hand: it tells what was left unplayed.
        let transport = std::sync::Arc::new(sdk::ReplayTransport::new(cassette.clone(), ReplayOptions::default().any_order()));
        let loose = sdk::Client::builder()
            .credentials(cassette.placeholder_credentials())
            .transport(transport.clone())
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_value(wait!(loose.search_images(&dog)).unwrap().result).unwrap(),
            serde_json::to_value(&second).unwrap()
        );
        assert_eq!(transport.remaining(), 1);
        assert_eq!(
            serde_json::to_value(wait!(loose.search_images(&beach)).unwrap().result).unwrap(),
            serde_json::to_value(&first).unwrap()
        );
        assert_eq!(transport.remaining(), 0);
        let e = wait!(loose.search_images(&beach)).unwrap_err();
        assert!(e.to_string().contains("played already"), "{e}");
    }
}

scenario! {
    fn an_unreadable_cassette_is_named_at_build() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.jsonl");
        let e = sdk::Client::builder().replay(&missing).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.to_string().contains("missing.jsonl"), "{e}");
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, "{\"format\":\"getty-connect-cassette\",\"version\":1}\n{oops\n").unwrap();
        let e = sdk::Client::builder().replay(&bad).build().unwrap_err();
        assert!(e.to_string().contains("bad.jsonl") && e.to_string().contains("line 2"), "{e}");
        let nowhere = dir.path().join("no-such-dir").join("x.jsonl");
        let e = sdk::Client::builder()
            .credentials(Credentials::client_credentials("id", "secret"))
            .record(&nowhere)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("cannot create the cassette"), "{e}");
    }
}

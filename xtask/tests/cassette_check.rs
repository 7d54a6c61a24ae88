//! `cargo xtask cassette check`: a session the blocking client records against the sandbox
//! agrees with the models member for member; the same cassette edited to hold a member the
//! models do not know, or a value of another type, is reported, naming the member.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use connect_auth::cassette::{Cassette, Content, RecordedOutcome};
use connect_blocking::ops::{
    GetEventDetailsRequest, GetImageDetailsRequest, GetLargestImageDownloadAuthorizationsRequest,
    GetLightboxHeadersRequest, GetLightboxRequest, SearchForImagesRequest, SearchForVideosRequest,
};
use connect_blocking::{Client, Credentials};
use connect_sandbox::{Sandbox, SandboxConfig};
use std::path::Path;
use std::process::Output;

fn check(file: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["cassette", "check"])
        .arg(file)
        .output()
        .expect("xtask runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Records a session touching most kinds of answer into `path`.
fn record(path: &Path) {
    let sb = Sandbox::start_blocking(SandboxConfig::default().with_images(2_000)).unwrap();
    let c = Client::builder()
        .base_url(sb.https_base_url())
        .root_certificate_pem(sb.ca_pem())
        .credentials(Credentials::resource_owner(
            "sandbox-client",
            "sandbox-client-secret",
            "alice",
            "alice-password",
        ))
        .record(path)
        .build()
        .unwrap();
    let found = c
        .search_images(&SearchForImagesRequest::phrase("beach").count(10))
        .unwrap()
        .result;
    let ids: Vec<String> = found
        .images
        .iter()
        .filter_map(|i| i.image_id.clone().map(String::from))
        .collect();
    c.image_details(&GetImageDetailsRequest::ids(ids.clone()))
        .unwrap();
    let events: Vec<u64> = found
        .images
        .iter()
        .flat_map(|i| i.event_ids.clone())
        .collect();
    if !events.is_empty() {
        c.event_details(&GetEventDetailsRequest::ids(events))
            .unwrap();
    }
    c.search_videos(&SearchForVideosRequest::phrase("ocean"))
        .unwrap();
    c.largest_image_download_authorizations(&GetLargestImageDownloadAuthorizationsRequest::ids(
        ids.clone(),
    ))
    .unwrap();
    let made = c
        .create_lightbox(&connect_blocking::ops::CreateLightboxRequest::named(
            "Checked",
        ))
        .unwrap()
        .result;
    let lightbox = made.lightbox_id.unwrap();
    c.add_lightbox_items(&connect_blocking::ops::CreateLightboxItemsRequest::new(
        lightbox,
        ids[..2].to_vec(),
    ))
    .unwrap();
    c.lightbox(&GetLightboxRequest::new(lightbox)).unwrap();
    c.lightbox_headers(&GetLightboxHeadersRequest::page(1, 10))
        .unwrap();
    c.countries(&Default::default()).unwrap();
    c.collections(&Default::default()).unwrap();
    let mut file = Vec::new();
    c.download(&ids[0], "small")
        .unwrap()
        .to_writer(&mut file)
        .unwrap();
    // An API error is an answer like any other.
    let missing = c.lightbox(&GetLightboxRequest::new(999_999));
    assert!(missing.is_err());
}

#[test]
fn a_recorded_session_agrees_with_the_models_and_edits_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.jsonl");
    record(&path);
    let out = check(&path);
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.contains("every answer agrees with the models"),
        "{text}"
    );
    assert!(
        text.contains("SearchForVideos (200): decodes with the models"),
        "{text}"
    );
    assert!(text.contains("an API error"), "{text}");

    // A member the models do not know, and a number turned into a word.
    let mut cassette = Cassette::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let search = cassette
        .exchanges
        .iter_mut()
        .find(|e| e.operation == "SearchForImages")
        .unwrap();
    let RecordedOutcome::Response(answer) = &mut search.outcome else {
        panic!()
    };
    let Content::Json(v) = &mut answer.body else {
        panic!()
    };
    v["SearchForImagesResult"]["Images"][0]["Surprise"] = serde_json::json!("new");
    v["SearchForImagesResult"]["ItemTotalCount"] = serde_json::json!("many");
    let edited = dir.path().join("edited.jsonl");
    std::fs::write(&edited, cassette.to_text()).unwrap();
    let out = check(&edited);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(
            "SearchForImagesResult.Images[0].Surprise: not in the schema: the models drop it \
             when decoding"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "SearchForImagesResult.ItemTotalCount: a string (\"many\") where the schema says \
             integer or null"
        ),
        "{text}"
    );
    assert!(text.contains("the models cannot decode it"), "{text}");
    assert!(text.contains("3 difference(s) in 1 exchange(s)"), "{text}");

    // Not a cassette at all.
    std::fs::write(&edited, "{}\n").unwrap();
    let out = check(&edited);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

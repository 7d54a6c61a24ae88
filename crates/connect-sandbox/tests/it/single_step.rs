//! SingleStepDownload: Bearer token and Api-Key headers, no envelope, HTTP statuses, quota.

use crate::common::*;
use serde_json::json;

fn single(
    c: &Client,
    base: &str,
    id: &str,
    bearer: Option<&str>,
    key: Option<&str>,
) -> (u16, String, String) {
    let mut req = c.agent.post(format!("{base}/v2/download/{id}"));
    if let Some(t) = bearer {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    if let Some(k) = key {
        req = req.header("Api-Key", k);
    }
    req = req.header("GI-Coordination-Id", "ss-1");
    let mut r = req.send_empty().expect("request completes");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("Location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if status != 302 {
        assert_eq!(
            r.headers()
                .get("GI-Coordination-Id")
                .and_then(|v| v.to_str().ok()),
            Some("ss-1")
        );
    }
    let body = r.body_mut().read_to_string().unwrap_or_default();
    (status, location, body)
}

const KEY: &str = "sandbox-client";

#[test]
fn redirects_to_the_largest_file_and_records_the_download() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let t = c.oauth("alice");
    let (s, location, _) = single(&c, &c.https, "100000001", Some(&t), Some(KEY));
    assert_eq!(s, 302);
    assert!(location.starts_with(&c.https), "{location}");
    let mut file = c.agent.get(&location).call().unwrap();
    assert_eq!(file.status().as_u16(), 200);
    let len = file
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap()
        .len();
    // The largest size: the biggest FileSizeInBytes of the image's sizes.
    let (_, d) = c.call(
        &c.http,
        "/v1/search/GetImageDetails",
        Some(&t),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": ["100000001"], "Language": "en-us"}),
    );
    let largest = d["GetImageDetailsResult"]["Images"][0]["SizesDownloadableImages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["FileSizeInBytes"].as_u64().unwrap())
        .max()
        .unwrap();
    assert_eq!(len as u64, largest);
    let (_, h) = c.call(
        &c.https,
        "/v1/download/GetPreviousDownloads",
        Some(&t),
        "GetPreviousDownloadsRequestBody",
        json!({"ItemCount": 5, "ItemStartNumber": 1}),
    );
    assert_eq!(
        h["GetPreviousDownloadsResultBody"]["PreviousDownloads"][0]["AssetId"], "100000001",
        "{h}"
    );
}

#[test]
fn the_quota_runs_out_with_403() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let t = c.oauth("bob");
    // Bob's Premium Access allows 10 downloads a month; his editorial subscription is free,
    // so pick creative images (not covered by it).
    let creative: Vec<String> = (0..200u32)
        .map(|i| (100_000_000 + i).to_string())
        .filter(|id| {
            let (_, d) = c.call(
                &c.http,
                "/v1/search/GetImageDetails",
                Some(&t),
                "GetImageDetailsRequestBody",
                json!({"ImageIds": [id], "Language": "en-us"}),
            );
            d["GetImageDetailsResult"]["Images"][0]["ImageFamily"] == "Creative"
        })
        .take(11)
        .collect();
    assert_eq!(creative.len(), 11);
    for id in &creative[..10] {
        let (s, _, body) = single(&c, &c.https, id, Some(&t), Some(KEY));
        assert_eq!(s, 302, "{id}: {body}");
    }
    let (s, _, body) = single(&c, &c.https, &creative[10], Some(&t), Some(KEY));
    assert_eq!(s, 403, "{body}");
    assert!(body.contains("no product offering"), "{body}");
    let (_, v) = c.post(
        &format!("{}/v1/data/GetAllProductOfferings", c.http),
        &json!({"RequestHeader": {"Token": t}}),
    );
    let premium = v["GetAllProductOfferingsResult"]["ProductOfferings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["DownloadLimit"] == 10)
        .cloned()
        .unwrap();
    assert_eq!(premium["DownloadsRemaining"], 0, "{v}");
}

#[test]
fn refusals_carry_their_documented_statuses() {
    let c = Client::new(shared());
    let t = c.oauth("alice");
    let (standard, secure) = c.session("alice");
    // Over plain HTTP: 403, whatever the token.
    assert_eq!(single(&c, &c.http, "100000001", Some(&t), Some(KEY)).0, 403);
    // A standard session token is not a secure token: 401.
    let (s, _, body) = single(&c, &c.https, "100000001", Some(&standard), Some(KEY));
    assert_eq!(s, 401, "{body}");
    assert!(body.contains("secure"), "{body}");
    // The secure session token works.
    assert_eq!(
        single(&c, &c.https, "100000002", Some(&secure), Some(KEY)).0,
        302
    );
    // No token, an unknown one, no Api-Key or a wrong one: 401.
    assert_eq!(single(&c, &c.https, "100000001", None, Some(KEY)).0, 401);
    assert_eq!(
        single(&c, &c.https, "100000001", Some("nope"), Some(KEY)).0,
        401
    );
    assert_eq!(single(&c, &c.https, "100000001", Some(&t), None).0, 401);
    assert_eq!(
        single(&c, &c.https, "100000001", Some(&t), Some("other-app")).0,
        401
    );
    // No such image: 404.
    let (s, _, body) = single(&c, &c.https, "123", Some(&t), Some(KEY));
    assert_eq!(s, 404, "{body}");
    assert!(body.contains("not found"), "{body}");
    // Only POST.
    let r = c
        .agent
        .get(format!("{}/v2/download/100000001", c.https))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
}

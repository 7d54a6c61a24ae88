use crate::common::*;
use connect_sandbox::SandboxConfig;
use serde_json::{Value, json};
use std::io::Read;
use std::time::Duration;

/// Authorizes `size` of `image` and returns a download URL.
pub(crate) fn url_for(c: &Client, secure: &str, image: &str, size: &str) -> (String, u64) {
    let (_, d) = c.call(
        &c.https,
        "/v1/search/GetImageDetails",
        Some(secure),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": [image]}),
    );
    let sizes = d["GetImageDetailsResult"]["Images"][0]["SizesDownloadableImages"]
        .as_array()
        .unwrap()
        .clone();
    let s = sizes.iter().find(|s| s["SizeKey"] == size).unwrap();
    let bytes = s["FileSizeInBytes"].as_u64().unwrap();
    let (_, a) = c.call(
        &c.https,
        "/v1/download/GetImageDownloadAuthorizations",
        Some(secure),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": image, "SizeKey": size}]}),
    );
    assert_eq!(status(&a), "Success", "{a}");
    let entry = &a["GetImageDownloadAuthorizationsResult"]["Images"][0];
    assert_eq!(entry["Status"], "Available");
    let token = entry["Authorizations"][0]["DownloadToken"]
        .as_str()
        .unwrap();
    let (_, r) = c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(secure),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": token}]}),
    );
    assert_eq!(status(&r), "Success", "{r}");
    let u = &r["CreateDownloadRequestResult"]["DownloadUrls"][0];
    assert_eq!(u["Status"], "Success");
    assert_eq!(u["ImageId"].as_str(), Some(image));
    let url = u["UrlAttachment"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&c.https), "{url}");
    (url, bytes)
}

fn get(c: &Client, url: &str, range: Option<&str>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut req = c.agent.get(url);
    if let Some(r) = range {
        req = req.header("Range", r);
    }
    let mut resp = req.call().unwrap();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let mut body = Vec::new();
    let _ = resp
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .reader()
        .read_to_end(&mut body);
    (resp.status().as_u16(), headers, body)
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn multi_megabyte_download_with_length_prefix_and_resumed_range() {
    let c = Client::new(shared());
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000003", "master");
    assert!(len > 2_000_000, "master size is multi-megabyte: {len}");
    let (s, h, whole) = get(&c, &url, None);
    assert_eq!(s, 200);
    assert_eq!(header(&h, "content-length"), Some(len.to_string().as_str()));
    assert_eq!(header(&h, "accept-ranges"), Some("bytes"));
    assert_eq!(whole.len() as u64, len);
    assert_eq!(&whole[..2], &[0xFF, 0xD8]);
    // Resume from the middle.
    let from = len / 2 + 17;
    let (s, h, tail) = get(&c, &url, Some(&format!("bytes={from}-")));
    assert_eq!(s, 206);
    assert_eq!(
        header(&h, "content-range"),
        Some(format!("bytes {from}-{}/{len}", len - 1).as_str())
    );
    assert_eq!(&tail[..], &whole[from as usize..]);
    let (s, _, part) = get(&c, &url, Some("bytes=10-19"));
    assert_eq!((s, &part[..]), (206, &whole[10..20]));
    let (s, h, _) = get(&c, &url, Some(&format!("bytes={len}-")));
    assert_eq!(s, 416);
    assert_eq!(
        header(&h, "content-range"),
        Some(format!("bytes */{len}").as_str())
    );
    // Bytes are deterministic across downloads.
    let (_, _, again) = get(&c, &url, None);
    assert!(again == whole);
}

#[test]
fn largest_authorization_and_large_file_fixture() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_large_file_bytes(12 * 1024 * 1024 + 5),
    );
    let c = Client::new(&sb);
    let oauth = c.oauth("alice");
    let (_, a) = c.call(
        &c.https,
        "/v1/download/GetLargestImageDownloadAuthorizations",
        Some(&oauth),
        "GetLargestImageDownloadAuthorizationsRequestBody",
        json!({"Images": [{"ImageId": connect_sandbox::LARGE_IMAGE_ID}]}),
    );
    assert_eq!(status(&a), "Success", "{a}");
    let auth = &a["GetLargestImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"][0];
    assert_eq!(auth["SizeKey"], "master");
    let (_, r) = c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(&oauth),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": auth["DownloadToken"]}]}),
    );
    let url = r["CreateDownloadRequestResult"]["DownloadUrls"][0]["UrlAttachment"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, _, body) = get(&c, &url, None);
    assert_eq!(s, 200);
    assert_eq!(body.len(), 12 * 1024 * 1024 + 5);
    assert_eq!(&body[..2], &[0xFF, 0xD8]);
    assert_eq!(sb.stats().download_bytes, 12 * 1024 * 1024 + 5);
}

#[test]
fn injected_disconnect_then_resume() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_disconnect_after_bytes(Some(100_000)),
    );
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000004", "large");
    let (s, h, first) = get(&c, &url, None);
    assert_eq!(s, 200);
    assert_eq!(header(&h, "content-length"), Some(len.to_string().as_str()));
    assert_eq!(first.len(), 100_000, "the first GET is cut");
    let (s, _, rest) = get(&c, &url, Some(&format!("bytes={}-", first.len())));
    assert_eq!(s, 206);
    assert_eq!(first.len() + rest.len(), len as usize);
    let (_, _, whole) = get(&c, &url, None);
    let mut joined = first;
    joined.extend_from_slice(&rest);
    assert!(joined == whole);
    assert!(sb.stats().faults >= 1);
}

#[test]
fn download_token_errors() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_download_token_ttl(Duration::from_secs(60)),
    );
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (_, a) = c.call(&c.https, "/v1/download/GetImageDownloadAuthorizations", Some(&secure),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": "100000001", "SizeKey": "small"}, {"ImageId": "100000001", "SizeKey": "huge"}, {"ImageId": "42", "SizeKey": "small"}]}));
    assert_eq!(status(&a), "Warning", "{a}");
    let imgs = a["GetImageDownloadAuthorizationsResult"]["Images"]
        .as_array()
        .unwrap();
    let st: Vec<&str> = imgs.iter().map(|i| i["Status"].as_str().unwrap()).collect();
    assert_eq!(st, ["Available", "InvalidSizeKey", "ImageNotFound"]);
    let token = imgs[0]["Authorizations"][0]["DownloadToken"]
        .as_str()
        .unwrap()
        .to_owned();
    // Past the download token's minute by the sandbox clock (the session's 30 minutes hold).
    sb.advance(Duration::from_secs(61));
    let call = |t: &str| -> Value {
        c.call(
            &c.https,
            "/v1/download/CreateDownloadRequest",
            Some(&secure),
            "CreateDownloadRequestBody",
            json!({"DownloadItems": [{"DownloadToken": t}]}),
        )
        .1
    };
    let v = call(&token);
    assert_error(&v, "ExpiredDownloadToken");
    assert_eq!(v["CreateDownloadRequestResult"], Value::Null);
    assert_error(&call("not-a-token"), "InvalidDownloadToken");
    // No user, no agreement.
    let (_, cc) = c.token_form("grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret");
    let app = cc["access_token"].as_str().unwrap();
    let (_, v) = c.call(
        &c.https,
        "/v1/download/GetImageDownloadAuthorizations",
        Some(app),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": "100000001", "SizeKey": "small"}]}),
    );
    assert_error(&v, "NoAgreement");
    let many: Vec<Value> = (0..501)
        .map(|_| json!({"ImageId": "100000001", "SizeKey": "small"}))
        .collect();
    let (_, v) = c.call(
        &c.https,
        "/v1/download/GetImageDownloadAuthorizations",
        Some(&secure),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": many}),
    );
    assert_error(&v, "AssetIdListExceedsMaxAllowed");
    let (s, _, _) = get(
        &c,
        &format!("{}/download/i1.small.1.0000000000000000", c.https),
        None,
    );
    assert_eq!(s, 404);
}

#[test]
fn head_on_a_download_url_gives_the_headers_of_the_get() {
    let sb = start(SandboxConfig::default().with_images(300));
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000001", "small");
    sb.reset_stats();
    let mut head = c.agent.head(&url).call().unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let header = |r: &ureq::http::Response<ureq::Body>, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header(&head, "content-length"), Some(len.to_string()));
    assert_eq!(header(&head, "accept-ranges").as_deref(), Some("bytes"));
    let etag = header(&head, "etag").expect("an ETag to resume against");
    let mut body = Vec::new();
    head.body_mut().as_reader().read_to_end(&mut body).unwrap();
    assert!(body.is_empty(), "a HEAD has no body");
    let stats = sb.stats();
    assert_eq!(
        (stats.downloads, stats.download_bytes),
        (0, 0),
        "no GET, nothing sent"
    );
    // The GET that follows names the same file and length.
    let get = c.agent.get(&url).call().unwrap();
    assert_eq!(header(&get, "etag"), Some(etag));
    assert_eq!(header(&get, "content-length"), Some(len.to_string()));
    // A HEAD with a Range describes that part.
    let part = c
        .agent
        .head(&url)
        .header("Range", "bytes=10-")
        .call()
        .unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(
        header(&part, "content-range"),
        Some(format!("bytes 10-{}/{len}", len - 1))
    );
    // And an expired URL answers 410 to a HEAD too.
    sb.advance(Duration::from_secs(25 * 3600));
    let gone = c.agent.head(&url).call().unwrap();
    assert_eq!(gone.status().as_u16(), 410);
}

#[test]
fn urls_expire_after_their_lifetime_and_sales_and_gets_are_counted_per_image() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_download_url_ttl(Duration::from_secs(600)),
    );
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000007", "small");
    let (s, _, whole) = get(&c, &url, None);
    assert_eq!((s, whole.len() as u64), (200, len));
    let (s, _, _) = get(&c, &url, Some("bytes=10-"));
    assert_eq!(s, 206);
    let asset = sb.stats().assets["100000007"];
    assert_eq!(
        (asset.urls_sold, asset.whole_gets, asset.range_gets),
        (1, 1, 1)
    );
    sb.advance(Duration::from_secs(601));
    let (s, _, body) = get(&c, &url, None);
    assert_eq!(s, 410, "{}", String::from_utf8_lossy(&body));
}

#[test]
fn a_trickle_fault_sends_the_whole_body_slowly() {
    use connect_sandbox::{Fault, FaultRule};
    let sb = start(SandboxConfig::default().with_images(500));
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000008", "small");
    let (_, _, fast) = get(&c, &url, None);
    sb.inject(
        FaultRule::new(Fault::trickle(len * 4))
            .operation("download")
            .times(1),
    );
    let (s, h, slow) = get(&c, &url, None);
    assert_eq!(s, 200);
    assert_eq!(header(&h, "content-length"), Some(len.to_string().as_str()));
    assert!(slow == fast, "the trickled body is the file");
    assert_eq!(sb.stats().faults_by_kind.get("trickle"), Some(&1));
}

#[test]
fn a_download_url_outlives_a_restart_with_the_same_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let config = || {
        SandboxConfig::default()
            .with_images(500)
            .with_state_file(&state)
    };
    let sb = start(config());
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000009", "small");
    let path = url.split_once("/download/").unwrap().1.to_owned();
    drop(c);
    sb.stop();
    let again = start(config());
    assert_eq!(
        again.https_base_url(),
        url.split_once("/download/").unwrap().0,
        "the HTTPS port is kept: the URL as bought works"
    );
    let c = Client::new(&again);
    let (s, _, body) = get(&c, &url, None);
    assert_eq!((s, body.len() as u64), (200, len));
    // Without the file, another key: the URL is not this sandbox's.
    let other = start(SandboxConfig::default().with_images(500));
    let c = Client::new(&other);
    let (s, _, _) = get(&c, &format!("{}/download/{path}", c.https), None);
    assert_eq!(s, 404);
}

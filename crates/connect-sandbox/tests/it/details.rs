use crate::common::*;
use serde_json::json;

#[test]
fn image_details_with_sizes() {
    let c = Client::new(shared());
    let t = c.oauth("alice");
    let (s, v) = c.call(
        &c.https,
        "/v1/search/GetImageDetails",
        Some(&t),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": ["100000001", 100000002], "Language": "en-us"}),
    );
    assert_eq!(s, 200);
    assert_eq!(status(&v), "Success", "{v}");
    let imgs = v["GetImageDetailsResult"]["Images"].as_array().unwrap();
    assert_eq!(imgs.len(), 2);
    assert_eq!(imgs[1]["ImageId"], "100000002");
    let sizes = imgs[0]["SizesDownloadableImages"].as_array().unwrap();
    assert!(sizes.len() >= 3);
    for s in sizes {
        for f in [
            "FileSizeInBytes",
            "PixelWidth",
            "PixelHeight",
            "ResolutionDpi",
            "InchesWidth",
            "SizeKey",
            "MimeType",
        ] {
            assert!(!s[f].is_null(), "{f} in {s}");
        }
    }
    assert!(
        imgs[0]["DateCreated"]
            .as_str()
            .unwrap()
            .starts_with("/Date(")
    );
}

#[test]
fn image_details_errors() {
    let c = Client::new(shared());
    let t = c.oauth("alice");
    let (_, v) = c.call(
        &c.https,
        "/v1/search/GetImageDetails",
        Some(&t),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": ["1"]}),
    );
    assert_error(&v, "ImageNotFound");
    let (_, v) = c.call(
        &c.https,
        "/v1/search/GetImageDetails",
        Some(&t),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": ["100000001", "nope"]}),
    );
    assert_eq!(status(&v), "Warning");
    let many: Vec<String> = (0..91).map(|i| (100_000_000 + i).to_string()).collect();
    let (_, v) = c.call(
        &c.https,
        "/v1/search/GetImageDetails",
        Some(&t),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": many}),
    );
    assert_error(&v, "MaxExceeded");
}

#[test]
fn event_details() {
    let c = Client::new(shared());
    let (t, _) = c.session("bob");
    let (_, v) = c.call(
        &c.http,
        "/v1/search/GetEventDetails",
        Some(&t),
        "GetEventDetailsRequestBody",
        json!({"EventIds": [10000, "10001", 99]}),
    );
    assert_eq!(status(&v), "Warning", "{v}");
    let r = v["GetEventDetailsResult"]["EventResult"]
        .as_array()
        .unwrap();
    assert_eq!(r[0]["Status"], "Success");
    assert_eq!(r[0]["Event"]["EventId"], 10000);
    assert!(r[0]["Event"]["EventName"].as_str().unwrap().len() > 5);
    assert!(r[0]["Event"]["Location"]["City"].is_string());
    assert!(
        r[0]["Event"]["StartDate"]
            .as_str()
            .unwrap()
            .starts_with("/Date(")
    );
    assert_eq!(r[2]["Status"], "Not Found");
    let (_, v) = c.call(
        &c.http,
        "/v1/search/GetEventDetails",
        Some(&t),
        "GetEventDetailsRequestBody",
        json!({"EventIds": []}),
    );
    assert_error(&v, "MissingEventIds");
    let (_, v) = c.call(
        &c.http,
        "/v1/search/GetEventDetails",
        Some(&t),
        "GetEventDetailsRequestBody",
        json!({"EventIds": [5]}),
    );
    assert_error(&v, "EventNotFound");
}

use crate::common::*;
use serde_json::json;

#[test]
fn liberal_input_is_accepted() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    // Numbers and booleans as strings, lower-case enums, unknown fields, no CoordinationId,
    // odd key casing.
    let (s, v) = c.post(
        &format!("{}/v2/search/SearchForImages", c.http),
        &json!({"RequestHeader": {"Token": t, "ClientVersion": "1.0"},
                "SearchForImagesRequestBody": {
                    "query": {"SearchPhrase": "dog", "Mood": "happy"},
                    "Filter": {"ImageFamilies": ["creative"], "Orientations": ["HORIZONTAL"],
                               "LicensingModels": ["royaltyfree"], "ExcludeNudity": "true",
                               "EmbedContentOnly": "", "GraphicStyles": ["photography"]},
                    "ResultOptions": {"ItemCount": "10", "ItemStartNumber": "1", "IncludeKeywords": "false",
                                      "CreativeSortOrder": "mostrecent"},
                    "Language": "EN-US", "Extra": [1, 2, 3]}}),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(status(&v), "Success", "{v}");
    assert!(v["ResponseHeader"].get("CoordinationId").is_none());
    let r = &v["SearchForImagesResult"];
    assert_eq!(r["ItemCount"], 10);
    assert_eq!(r["CreativeSortOrder"], "MostRecent");
    for i in r["Images"].as_array().unwrap() {
        assert_eq!(i["LicensingModel"], "RoyaltyFree");
        assert!(i.get("Keywords").is_none_or(|k| k == &json!([])));
    }
    // A numeric CoordinationId is echoed (as a string).
    let (_, v) = c.post(
        &format!("{}/v2/search/SearchForImages", c.http),
        &json!({"RequestHeader": {"Token": t, "CoordinationId": 12345},
                "SearchForImagesRequestBody": {"Query": {"SearchPhrase": "dog"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}}),
    );
    assert_eq!(v["ResponseHeader"]["CoordinationId"], "12345");
}

#[test]
fn missing_language_is_information_not_failure() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "dog"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_eq!(status(&v), "Success");
    let e = &v["ResponseHeader"]["StatusList"][0];
    assert_eq!(
        (e["Type"].as_str(), e["Code"].as_str()),
        (Some("Information"), Some("DefaultLanguageUsed"))
    );
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "dog"}, "Language": "12$$", "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_error(&v, "InvalidLanguageCode");
}

#[test]
fn malformed_bodies_get_400_invalid_request_naming_the_field() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let url = format!("{}/v2/search/SearchForImages", c.http);
    let (s, body) = c.raw(&url, b"{\"RequestHeader\": {");
    assert_eq!(s, 400);
    assert!(body.contains("InvalidRequest"), "{body}");
    let (s, body) = c.raw(&url, b"[1,2]");
    assert_eq!(s, 400, "{body}");
    let (s, v) = c.search(&t, json!({"Query": {"SearchPhrase": "dog"}, "ResultOptions": {"ItemCount": "ten", "ItemStartNumber": 1}}));
    assert_eq!(s, 400);
    assert_error(&v, "InvalidRequest");
    assert!(v.to_string().contains("ResultOptions.ItemCount"), "{v}");
    let (s, v) = c.search(
        &t,
        json!({"Query": {"SearchPhrase": "dog"}, "ResultOptions": {"ItemStartNumber": 1}}),
    );
    assert_eq!(s, 400);
    assert!(v.to_string().contains("ItemCount is required"), "{v}");
    let (s, v) = c.search(
        &t,
        json!({"ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    assert_eq!(s, 400);
    assert!(v.to_string().contains("Query is required"), "{v}");
    let (s, v) = c.search(&t, json!({"Query": {"SearchPhrase": "dog"}, "Filter": {"ExcludeNudity": "perhaps"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_eq!(s, 400);
    assert!(v.to_string().contains("Filter.ExcludeNudity"), "{v}");
    let (s, v) = c.post(&url, &json!({"RequestHeader": {"Token": t}}));
    assert_eq!(s, 400);
    assert!(
        v.to_string()
            .contains("SearchForImagesRequestBody is required"),
        "{v}"
    );
}

/// Every documented POST operation's path (SingleStepDownload with an image id).
const DOCUMENTED: &[&str] = &[
    "/v1/session/CreateSession",
    "/v1/session/RenewSession",
    "/v1/search/GetEventDetails",
    "/v1/search/GetImageDetails",
    "/v2/search/SearchForImages",
    "/v1/search/SearchForVideos",
    "/v1/download/CreateDownloadRequest",
    "/v1/download/GetImageDownloadAuthorizations",
    "/v1/download/GetLargestImageDownloadAuthorizations",
    "/v1/lightbox/CreateLightbox",
    "/v1/lightbox/CreateLightboxItems",
    "/v1/lightbox/DeleteLightbox",
    "/v1/lightbox/DeleteLightboxItems",
    "/v1/lightbox/GetLightbox",
    "/v1/lightbox/GetLightboxHeaders",
    "/v1/lightbox/UpdateLightboxHeader",
    "/v1/download/GetPreviousDownloads",
    "/v2/download/100000001",
    "/v1/lightbox/CreateSharedLightbox",
    "/v1/data/GetActiveProductOfferings",
    "/v1/data/GetAllProductOfferings",
    "/v1/data/GetCollections",
    "/v1/data/GetCountries",
    "/v1/account/CreateCustomer",
    "/v1/purchase/GetPreviousPurchases",
    "/v1/usage/ReportUsage",
    "/v1/partnerassetingestion/ConfirmAssetChanges",
    "/v1/partnerassetingestion/GetAssetChanges",
];

#[test]
fn every_documented_operation_is_emulated() {
    // A client of its own, apart from the oversized-body test's connections.
    let c = Client::new(shared());
    for path in DOCUMENTED {
        let (s, v) = c.post(&format!("{}{path}", c.https), &json!({"RequestHeader": {}}));
        assert_ne!(s, 501, "{path}: {v}");
        assert_ne!(s, 404, "{path}: {v}");
    }
    let r = c
        .agent
        .get(format!("{}/oembed?url=http%3A%2F%2Fgty.im%2F1", c.http))
        .call()
        .unwrap();
    assert_ne!(r.status().as_u16(), 501);
}

#[test]
fn oversized_bodies_and_unknown_paths() {
    let c = Client::new(shared());
    let big = format!(
        "{{\"RequestHeader\":{{}},\"X\":\"{}\"}}",
        "a".repeat(1_100_000)
    );
    let (s, _) = c.raw(
        &format!("{}/v2/search/SearchForImages", c.http),
        big.as_bytes(),
    );
    assert_eq!(s, 413);
    // The sandbox closes a connection whose oversized body it did not read; a pooled agent
    // could pick that connection again before it sees the close, so go on with a fresh one.
    let c = Client::new(shared());
    let (s, v) = c.post(&format!("{}/v1/search/NoSuchThing", c.http), &json!({}));
    assert_eq!(s, 404);
    assert_error(&v, "InvalidRequest");
    let r = c
        .agent
        .get(format!("{}/v2/search/SearchForImages", c.http))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
}

#[test]
fn hostile_inputs_never_cause_a_5xx() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let paths = [
        "/v2/search/SearchForImages",
        "/v1/search/GetImageDetails",
        "/v1/search/GetEventDetails",
        "/v1/search/SearchForVideos",
        "/v1/download/GetImageDownloadAuthorizations",
        "/v1/download/GetLargestImageDownloadAuthorizations",
        "/v1/lightbox/CreateLightbox",
        "/v1/lightbox/GetLightbox",
        "/v1/lightbox/GetLightboxHeaders",
        "/v1/lightbox/CreateLightboxItems",
        "/v1/lightbox/UpdateLightboxHeader",
        "/v1/lightbox/DeleteLightbox",
        "/v1/lightbox/DeleteLightboxItems",
    ];
    let bodies = [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!({"Query": [], "ResultOptions": "x", "ImageIds": {"a": 1}, "EventIds": [null, "x", -5],
               "ImageSizes": [1, {"ImageId": []}], "Images": [{}], "LightboxId": "-99999999999999999999",
               "LightboxItemsViewOptions": {"ItemCount": 1e300, "ItemStartNumber": -1},
               "ResultsViewOptions": {"ItemCount": 9007199254740993u64, "ItemStartNumber": 1}, "AssetIds": [[]]}),
        json!({"Query": {"SearchPhrase": "\u{0}\u{ffff}", "EventId": -1, "KeywordIds": ["-1", "99999999999999999999"],
               "DateCreatedRange": {"StartDate": "9999-99-99"}},
               "ResultOptions": {"ItemCount": 75, "ItemStartNumber": 18446744073709551615u64}}),
    ];
    for p in paths {
        let key = format!("{}RequestBody", p.rsplit('/').next().unwrap());
        for b in &bodies {
            let (s, v) = c.call(&c.http, p, Some(&t), &key, b.clone());
            assert!(s < 500, "{p} {b}: {s} {v}");
            assert!(v["ResponseHeader"]["Status"].is_string(), "{p} {b}: {v}");
        }
    }
}

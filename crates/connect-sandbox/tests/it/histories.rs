//! GetPreviousDownloads and GetPreviousPurchases: filled by downloads, newest first, paged.

use crate::common::*;
use serde_json::{Value, json};

const DOWNLOADS: &str = "/v1/download/GetPreviousDownloads";
const PURCHASES: &str = "/v1/purchase/GetPreviousPurchases";

fn history(c: &Client, token: &str, path: &str, body: Value) -> Value {
    let key = if path == DOWNLOADS {
        "GetPreviousDownloadsRequestBody"
    } else {
        "GetPreviousPurchasesRequestBody"
    };
    c.call(&c.https, path, Some(token), key, body).1
}

/// Downloads `ids` through the authorization flow, spending the token of a free offering
/// where one covers the image and the first authorization's otherwise; returns the ids paid
/// for (the token spent decides the offering charged).
fn download(c: &Client, token: &str, ids: &[String]) -> Vec<String> {
    let images: Vec<Value> = ids.iter().map(|i| json!({"ImageId": i})).collect();
    let (_, v) = c.call(
        &c.http,
        "/v1/download/GetLargestImageDownloadAuthorizations",
        Some(token),
        "GetLargestImageDownloadAuthorizationsRequestBody",
        json!({"Images": images}),
    );
    let mut paid = Vec::new();
    let mut tokens = Vec::new();
    for img in v["GetLargestImageDownloadAuthorizationsResult"]["Images"]
        .as_array()
        .unwrap()
    {
        let auths = img["Authorizations"].as_array().unwrap();
        let chosen = auths
            .iter()
            .find(|a| a["DownloadIsFree"] == true)
            .unwrap_or(&auths[0]);
        if chosen["DownloadIsFree"] != true {
            paid.push(img["ImageId"].as_str().unwrap().to_owned());
        }
        tokens.push(json!({"DownloadToken": chosen["DownloadToken"]}));
    }
    let (s, v) = c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(token),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": tokens}),
    );
    assert_eq!((s, status(&v)), (200, "Success"), "{v}");
    paid
}

fn ids(v: &Value, list: &str, key: &str) -> Vec<String> {
    v[key][list]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["AssetId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn downloads_and_purchases_fill_the_histories_newest_first() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let token = c.oauth("alice");
    let empty = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": 10, "ItemStartNumber": 1}),
    );
    assert_eq!(status(&empty), "Success", "{empty}");
    assert_eq!(empty["GetPreviousDownloadsResultBody"]["ItemTotalCount"], 0);

    let wanted: Vec<String> = (1..=6).map(|i| (100_000_000 + i).to_string()).collect();
    let paid = download(&c, &token, &wanted);

    let key = "GetPreviousDownloadsResultBody";
    let first = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": 4, "ItemStartNumber": 1}),
    );
    assert_eq!(first[key]["ItemTotalCount"], 6, "{first}");
    assert_eq!(first[key]["ItemCount"], 4);
    let second = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": "4", "ItemStartNumber": "5"}),
    );
    let mut seen = ids(&first, "PreviousDownloads", key);
    seen.extend(ids(&second, "PreviousDownloads", key));
    // Newest first: the order of the request, reversed.
    let mut expected = wanted.clone();
    expected.reverse();
    assert_eq!(seen, expected);
    let entry = &first[key]["PreviousDownloads"][0];
    assert!(
        entry["DateDownloaded"].as_str().unwrap().ends_with('Z'),
        "{entry}"
    );
    let thumb = entry["ThumbnailImageUrl"].as_str().unwrap();
    assert!(thumb.contains("/thumb/"), "{thumb}");
    // The thumbnail loads from this sandbox, as search thumbnails do.
    let mut r = c.agent.get(thumb).call().expect("the thumbnail loads");
    assert_eq!(r.status().as_u16(), 200, "{thumb}");
    assert_eq!(&r.body_mut().read_to_vec().unwrap()[..2], &[0xff, 0xd8]);

    // The date range keeps what falls inside it; the table's key names work too.
    let none = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": 10, "ItemStartNumber": 1,
               "Filter": {"DateRange": {"StartDate": "2001-01-01T00:00:00Z", "EndDate": "2001-12-31T00:00:00Z"}}}),
    );
    assert_eq!(none[key]["ItemTotalCount"], 0, "{none}");
    let all = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": 10, "ItemStartNumber": 1,
               "Filter": {"DateRange": {"Start": "2001-01-01T00:00:00Z", "End": "2999-12-31T00:00:00-08:00"},
                          "ProductOffering": "All"}}),
    );
    assert_eq!(all[key]["ItemTotalCount"], 6, "{all}");
    let offering = first[key]["PreviousDownloads"][0]["ProductOffering"]
        .as_str()
        .unwrap()
        .to_owned();
    let same = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": 10, "ItemStartNumber": 1, "Filter": {"ProductOffering": offering}}),
    );
    let same_list = same[key]["PreviousDownloads"].as_array().unwrap();
    assert!(!same_list.is_empty());
    assert!(
        same_list
            .iter()
            .all(|d| d["ProductOffering"] == offering.as_str())
    );

    // Purchases: the downloads that spent a paid offering, newest first.
    let pkey = "GetPreviousPurchasesResultBody";
    let p = history(
        &c,
        &token,
        PURCHASES,
        json!({"ItemCount": 25, "ItemStartNumber": 1}),
    );
    let mut bought = paid.clone();
    bought.reverse();
    assert_eq!(ids(&p, "PreviousPurchases", pkey), bought, "{p}");
    if let Some(one) = paid.first() {
        let f = history(
            &c,
            &token,
            PURCHASES,
            json!({"ItemCount": 25, "ItemStartNumber": 1,
                   "Filter": {"SearchCriteria": one, "SearchCriteriaType": "AssetId"}}),
        );
        assert_eq!(
            ids(&f, "PreviousPurchases", pkey),
            std::slice::from_ref(one),
            "{f}"
        );
    }
    // Bob's histories are his own.
    let bob = c.oauth("bob");
    let b = history(
        &c,
        &bob,
        DOWNLOADS,
        json!({"ItemCount": 10, "ItemStartNumber": 1}),
    );
    assert_eq!(b[key]["ItemTotalCount"], 0, "{b}");
}

#[test]
fn histories_are_secure_only() {
    let c = Client::new(shared());
    let (standard, secure) = c.session("alice");
    for path in [DOWNLOADS, PURCHASES] {
        let key = if path == DOWNLOADS {
            "GetPreviousDownloadsRequestBody"
        } else {
            "GetPreviousPurchasesRequestBody"
        };
        let body = json!({"ItemCount": 5, "ItemStartNumber": 1});
        let (_, v) = c.call(&c.http, path, Some(&standard), key, body.clone());
        assert_error(&v, "OperationRequiresHttps");
        assert_error(&v, "AUTH-002");
        let (_, v) = c.call(&c.https, path, Some(&standard), key, body.clone());
        assert_error(&v, "AUTH-023");
        let (_, v) = c.call(&c.https, path, Some(&secure), key, body);
        assert_eq!(status(&v), "Success", "{v}");
    }
}

#[test]
fn history_requests_are_validated() {
    let c = Client::new(shared());
    let token = c.oauth("alice");
    let cases = [
        (
            DOWNLOADS,
            json!({"ItemCount": 0, "ItemStartNumber": 1}),
            "InvalidItemCount",
        ),
        (
            DOWNLOADS,
            json!({"ItemCount": 5, "ItemStartNumber": 0}),
            "InvalidItemStartNumber",
        ),
        (
            DOWNLOADS,
            json!({"ItemCount": 101, "ItemStartNumber": 1}),
            "MaxExceeded",
        ),
        (
            DOWNLOADS,
            json!({"ItemCount": 5, "ItemStartNumber": 1, "Filter": {"ProductOffering": "GoldPass"}}),
            "InvalidProductOffering",
        ),
        (
            DOWNLOADS,
            json!({"ItemCount": 5, "ItemStartNumber": 1, "Filter": {"DateRange": {"Start": "2013-01-01T00:00:00Z"}}}),
            "InvalidRequest",
        ),
        (
            PURCHASES,
            json!({"ItemCount": 0, "ItemStartNumber": 1}),
            "InvalidItemCount",
        ),
        // A count the model cannot read at all is a malformed request.
        (
            PURCHASES,
            json!({"ItemCount": -1, "ItemStartNumber": 1}),
            "InvalidRequest",
        ),
        (
            PURCHASES,
            json!({"ItemCount": 5, "ItemStartNumber": 1, "ItemSortType": "Random"}),
            "InvalidItemSortType",
        ),
        (
            PURCHASES,
            json!({"ItemCount": 5, "ItemStartNumber": 1, "Filter": {"SearchCriteriaType": "Colour", "SearchCriteria": "x"}}),
            "InvalidSearchCriteriaType",
        ),
        (
            PURCHASES,
            json!({"ItemCount": 5, "ItemStartNumber": 1, "Filter": {"SearchCriteria": "123"}}),
            "SearchCriteriaRequestMismatch",
        ),
    ];
    for (path, body, code) in cases {
        let v = history(&c, &token, path, body);
        assert_error(&v, code);
    }
    // A client-credentials token has no user, hence no agreement.
    let (_, v) = c.token_form(
        "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret",
    );
    let app = v["access_token"].as_str().unwrap().to_owned();
    let v = history(
        &c,
        &app,
        DOWNLOADS,
        json!({"ItemCount": 5, "ItemStartNumber": 1}),
    );
    assert_error(&v, "NoAgreement");
}

#[test]
fn start_past_the_total_is_an_error_once_there_is_history() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let token = c.oauth("alice");
    download(&c, &token, &["100000007".to_owned()]);
    let v = history(
        &c,
        &token,
        DOWNLOADS,
        json!({"ItemCount": 5, "ItemStartNumber": 2}),
    );
    assert_error(&v, "StartPastTotal");
}

//! One download token per product offering: the authorizations answer one entry per offering
//! instance that covers the size, each with its own token, and the token spent decides which
//! offering CreateDownloadRequest charges (quota, download history, purchases).

use crate::common::*;
use connect_sandbox::SandboxConfig;
use serde_json::{Value, json};

/// The first creative royalty-free image of a search: covered by EasyAccess, PremiumAccess,
/// RoyaltyFreeSubscription and ImagePack, all of which alice holds.
fn creative_image(c: &Client, token: &str) -> String {
    let (_, v) = c.search(
        token,
        json!({"Query": {"SearchPhrase": "beach"},
               "Filter": {"ImageFamilies": ["Creative"], "LicensingModels": ["RoyaltyFree"]},
               "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    v["SearchForImagesResult"]["Images"][0]["ImageId"]
        .as_str()
        .expect("a creative image")
        .to_owned()
}

/// The first editorial image of a search: covered by EditorialSubscription and PremiumAccess.
fn editorial_image(c: &Client, token: &str) -> String {
    let (_, v) = c.search(
        token,
        json!({"Query": {"SearchPhrase": "city"},
               "Filter": {"ImageFamilies": ["Editorial"]},
               "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    v["SearchForImagesResult"]["Images"][0]["ImageId"]
        .as_str()
        .expect("an editorial image")
        .to_owned()
}

fn authorizations(c: &Client, secure: &str, image: &str) -> Vec<Value> {
    let (_, v) = c.call(
        &c.https,
        "/v1/download/GetImageDownloadAuthorizations",
        Some(secure),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": image, "SizeKey": "small"}]}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    v["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"]
        .as_array()
        .unwrap()
        .clone()
}

fn of<'a>(auths: &'a [Value], offering: &str) -> &'a Value {
    auths
        .iter()
        .find(|a| a["ProductOfferingType"] == offering)
        .unwrap_or_else(|| panic!("no {offering} authorization in {auths:?}"))
}

fn spend(c: &Client, secure: &str, token: &Value) -> Value {
    c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(secure),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": token}]}),
    )
    .1
}

fn history(c: &Client, secure: &str, path: &str, key: &str) -> Vec<Value> {
    let (_, v) = c.call(
        &c.https,
        path,
        Some(secure),
        key,
        json!({"ItemCount": 100, "ItemStartNumber": 1}),
    );
    let result = if path.ends_with("Downloads") {
        &v["GetPreviousDownloadsResultBody"]["PreviousDownloads"]
    } else {
        &v["GetPreviousPurchasesResultBody"]["PreviousPurchases"]
    };
    result.as_array().cloned().unwrap_or_default()
}

fn downloads(c: &Client, secure: &str) -> Vec<Value> {
    history(
        c,
        secure,
        "/v1/download/GetPreviousDownloads",
        "GetPreviousDownloadsRequestBody",
    )
}

fn purchases(c: &Client, secure: &str) -> Vec<Value> {
    history(
        c,
        secure,
        "/v1/purchase/GetPreviousPurchases",
        "GetPreviousPurchasesRequestBody",
    )
}

fn remaining(auths: &[Value]) -> Vec<(String, i64)> {
    let mut r: Vec<_> = auths
        .iter()
        .map(|a| {
            (
                a["ProductOfferingType"].as_str().unwrap().to_owned(),
                a["DownloadsRemaining"].as_i64().unwrap(),
            )
        })
        .collect();
    r.sort();
    r
}

#[test]
fn every_offering_gets_its_own_token_and_the_token_spent_is_the_offering_charged() {
    let sb = start(SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let (standard, secure) = c.session("alice");
    let image = creative_image(&c, &standard);

    let auths = authorizations(&c, &secure, &image);
    let mut types: Vec<&str> = auths
        .iter()
        .map(|a| a["ProductOfferingType"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "EasyAccess",
            "ImagePack",
            "PremiumAccess",
            "RoyaltyFreeSubscription"
        ]
    );
    let distinct = |field: &str| {
        let set: std::collections::HashSet<String> =
            auths.iter().map(|a| a[field].to_string()).collect();
        set.len()
    };
    assert_eq!(distinct("DownloadToken"), 4, "{auths:?}");
    assert_eq!(distinct("ProductOfferingInstanceId"), 4, "{auths:?}");
    assert_eq!(of(&auths, "EasyAccess")["DownloadIsFree"], true);
    assert_eq!(of(&auths, "PremiumAccess")["DownloadIsFree"], false);

    // The largest-size authorizations carry one token per offering too.
    let (_, v) = c.call(
        &c.https,
        "/v1/download/GetLargestImageDownloadAuthorizations",
        Some(&secure),
        "GetLargestImageDownloadAuthorizationsRequestBody",
        json!({"Images": [{"ImageId": image}]}),
    );
    let largest = v["GetLargestImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(largest.len(), 4, "{v}");
    let tokens: std::collections::HashSet<String> = largest
        .iter()
        .map(|a| a["DownloadToken"].to_string())
        .collect();
    assert_eq!(tokens.len(), 4, "{v}");

    // Each token charges its own offering, though a free one covers the image too.
    let before = remaining(&auths);
    for (offering, paid) in [
        ("ImagePack", true),
        ("PremiumAccess", true),
        ("EasyAccess", false),
    ] {
        let bought = purchases(&c, &secure).len();
        let auths = authorizations(&c, &secure, &image);
        let v = spend(&c, &secure, &of(&auths, offering)["DownloadToken"]);
        assert_eq!(status(&v), "Success", "{offering}: {v}");
        assert_eq!(
            v["CreateDownloadRequestResult"]["DownloadUrls"][0]["Status"],
            "Success"
        );
        let newest = &downloads(&c, &secure)[0];
        assert_eq!(newest["ProductOffering"], offering, "{newest}");
        assert_eq!(newest["AssetId"].as_str(), Some(image.as_str()));
        assert_eq!(
            purchases(&c, &secure).len(),
            bought + usize::from(paid),
            "{offering}"
        );
    }
    let after = remaining(&authorizations(&c, &secure, &image));
    let change: Vec<(String, i64)> = before
        .iter()
        .zip(&after)
        .map(|((name, b), (_, a))| (name.clone(), b - a))
        .collect();
    assert_eq!(
        change,
        [
            ("EasyAccess".to_owned(), 0),
            ("ImagePack".to_owned(), 1),
            ("PremiumAccess".to_owned(), 1),
            ("RoyaltyFreeSubscription".to_owned(), 0),
        ]
    );
}

#[test]
fn a_token_is_spent_on_its_own_offering_or_refused() {
    let sb = start(SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let (standard, bob) = c.session("bob");
    let image = editorial_image(&c, &standard);
    let auths = authorizations(&c, &bob, &image);
    let premium = of(&auths, "PremiumAccess")["DownloadToken"].clone();
    assert_eq!(of(&auths, "PremiumAccess")["DownloadsRemaining"], 10);
    assert_eq!(of(&auths, "EditorialSubscription")["DownloadIsFree"], true);
    // Bob's Premium Access allows 10 downloads a month: the same token, spent ten times,
    // uses them up.
    for n in 0..10 {
        let v = spend(&c, &bob, &premium);
        assert_eq!(status(&v), "Success", "download {n}: {v}");
    }
    let v = spend(&c, &bob, &premium);
    assert_error(&v, "NoAgreement");
    assert_eq!(
        v["CreateDownloadRequestResult"],
        Value::Null,
        "an error carries no result: {v}"
    );
    let message = v["ResponseHeader"]["StatusList"][0]["Message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("no downloads left"), "{message}");
    // Nothing else was charged in its place, and the free offering is not offered the
    // refused download either.
    let history = downloads(&c, &bob);
    assert_eq!(history.len(), 10, "{history:?}");
    assert!(
        history
            .iter()
            .all(|d| d["ProductOffering"] == "PremiumAccess")
    );
    let auths = authorizations(&c, &bob, &image);
    assert!(
        auths
            .iter()
            .all(|a| a["ProductOfferingType"] != "PremiumAccess"),
        "a used-up offering authorizes nothing: {auths:?}"
    );
    // The free offering's token still works.
    let v = spend(
        &c,
        &bob,
        &of(&auths, "EditorialSubscription")["DownloadToken"],
    );
    assert_eq!(status(&v), "Success", "{v}");

    // A token names another user's offering instance: not Bob's to spend.
    let (alice_standard, alice) = c.session("alice");
    let theirs = authorizations(&c, &alice, &creative_image(&c, &alice_standard));
    let v = spend(&c, &bob, &of(&theirs, "PremiumAccess")["DownloadToken"]);
    assert_error(&v, "UnauthorizedProductOffering");
    assert_eq!(downloads(&c, &bob).len(), 11);
}

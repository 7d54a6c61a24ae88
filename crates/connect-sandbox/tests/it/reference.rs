//! Offerings (per user, consistent with the download authorizations), collections (those the
//! catalog uses) and countries.

use crate::common::*;
use serde_json::{Value, json};

fn data(c: &Client, base: &str, token: &str, op: &str, body: Option<Value>) -> Value {
    let mut header = json!({"Token": token});
    header["CoordinationId"] = json!(op);
    let mut env = json!({"RequestHeader": header});
    if let Some(b) = body {
        env[format!("{op}RequestBody")] = b;
    }
    let (s, v) = c.post(&format!("{base}/v1/data/{op}"), &env);
    assert_eq!(s, 200, "{op}: {v}");
    v
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn alice_and_bob_hold_different_offerings() {
    let c = Client::new(shared());
    let (alice, _) = c.session("alice");
    let (bob, _) = c.session("bob");
    // Documented without a body: the header alone is enough.
    let a = data(&c, &c.http, &alice, "GetActiveProductOfferings", None);
    let b = data(&c, &c.http, &bob, "GetActiveProductOfferings", None);
    let key = "GetActiveProductOfferingsResult";
    let a_active = strings(&a[key]["ActiveProductOfferings"]);
    let b_active = strings(&b[key]["ActiveProductOfferings"]);
    assert_eq!(
        a_active,
        ["PremiumAccess", "EasyAccess", "EditorialSubscription"]
    );
    assert_eq!(b_active, ["PremiumAccess", "EditorialSubscription"]);

    let all = data(&c, &c.http, &bob, "GetAllProductOfferings", None);
    let list = all["GetAllProductOfferingsResult"]["ProductOfferings"]
        .as_array()
        .unwrap();
    let statuses: Vec<&str> = list.iter().map(|o| o["Status"].as_str().unwrap()).collect();
    assert!(
        statuses.contains(&"Expired") && statuses.contains(&"Fulfilled"),
        "{all}"
    );
    let premium = list
        .iter()
        .find(|o| o["Name"].as_str().unwrap().starts_with("Premium"))
        .unwrap();
    assert_eq!(premium["ProductOfferingType"], "Subscription");
    assert_eq!(premium["DownloadLimit"], 10);
    assert_eq!(premium["DownloadLimitDuration"], "Month");
    assert!(
        premium["DownloadLimitResetUtc"]
            .as_str()
            .unwrap()
            .starts_with("/Date(")
    );
    // An empty body object is accepted too, as old clients sent one.
    let again = data(&c, &c.http, &bob, "GetAllProductOfferings", Some(json!({})));
    assert_eq!(status(&again), "Success");
}

#[test]
fn authorizations_list_only_the_callers_offerings_with_their_quota() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let bob = c.oauth("bob");
    let alice = c.oauth("alice");
    let auth = |token: &str| -> Vec<(String, Value)> {
        let (_, v) = c.call(
            &c.http,
            "/v1/download/GetImageDownloadAuthorizations",
            Some(token),
            "GetImageDownloadAuthorizationsRequestBody",
            json!({"ImageSizes": [{"ImageId": "100000001", "SizeKey": "small"}]}),
        );
        v["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["ProductOfferingType"].as_str().unwrap().to_owned(),
                    a["DownloadsRemaining"].clone(),
                )
            })
            .collect()
    };
    let active = |token: &str| -> Vec<String> {
        let v = data(&c, &c.http, token, "GetActiveProductOfferings", None);
        strings(&v["GetActiveProductOfferingsResult"]["ActiveProductOfferings"])
    };
    let a = auth(&alice);
    let b = auth(&bob);
    assert_ne!(a, b);
    assert!(!b.is_empty());
    // Every offering bob is authorized under is one of his active ones.
    let bob_active = active(&bob);
    for (o, _) in &b {
        assert!(bob_active.contains(o), "{o} not in {bob_active:?}");
    }
    // Premium Access shows bob's monthly quota.
    if let Some((_, left)) = b.iter().find(|(o, _)| o == "PremiumAccess") {
        assert_eq!(left, &json!(10));
    }
}

#[test]
fn collections_are_those_the_catalog_uses() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let v = data(&c, &c.http, &t, "GetCollections", None);
    let cols = v["GetCollectionsResult"]["Collections"].as_array().unwrap();
    assert!(cols.len() >= 5, "{v}");
    let listed: Vec<u64> = cols
        .iter()
        .map(|c| c["CollectionId"].as_u64().unwrap())
        .collect();
    for col in cols {
        assert!(["Creative", "Editorial"].contains(&col["ImageFamily"].as_str().unwrap()));
        assert!(
            !col["ApplicableProductOfferings"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    // The collections of real catalog images are among those listed.
    let ids: Vec<String> = (0..40)
        .map(|i| (100_000_000 + i * 37).to_string())
        .collect();
    let (_, d) = c.call(
        &c.http,
        "/v1/search/GetImageDetails",
        Some(&t),
        "GetImageDetailsRequestBody",
        json!({"ImageIds": ids, "Language": "en-us"}),
    );
    let images = d["GetImageDetailsResult"]["Images"].as_array().unwrap();
    assert_eq!(images.len(), 40, "{d}");
    for img in images {
        let v = &img["CollectionId"];
        let id = v.as_u64().or_else(|| v.as_str()?.parse().ok()).unwrap();
        assert!(
            listed.contains(&id),
            "collection {id} not listed in {listed:?}"
        );
    }
}

#[test]
fn countries_with_their_codes_and_language_rules() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let v = data(&c, &c.http, &t, "GetCountries", Some(json!({})));
    assert!(codes(&v).contains(&"DefaultLanguageUsed".to_owned()), "{v}");
    let list = v["GetCountriesResult"]["Countries"].as_array().unwrap();
    let us = list.iter().find(|c| c["CountryChar2ISO"] == "US").unwrap();
    assert_eq!(us["CountryChar3ISO"], "USA");
    assert_eq!(us["CountryName"], "United States");
    let fr = data(
        &c,
        &c.http,
        &t,
        "GetCountries",
        Some(json!({"Language": "fr"})),
    );
    assert!(codes(&fr).is_empty(), "{fr}");
    let bad = data(
        &c,
        &c.http,
        &t,
        "GetCountries",
        Some(json!({"Language": "not a language!"})),
    );
    assert_error(&bad, "InvalidLanguageCode");
}

#[test]
fn data_operations_take_standard_tokens_over_http_and_refuse_secure_ones() {
    let c = Client::new(shared());
    let (_, secure) = c.session("alice");
    for op in [
        "GetActiveProductOfferings",
        "GetCollections",
        "GetCountries",
    ] {
        let (_, v) = c.post(
            &format!("{}/v1/data/{op}", c.http),
            &json!({"RequestHeader": {"Token": secure}}),
        );
        assert_error(&v, "AUTH-014");
    }
}

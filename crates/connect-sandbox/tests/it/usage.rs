//! ReportUsage: all or nothing, at most 1,000 entries, a repeated TransactionId records nothing.

use crate::common::*;
use serde_json::{Value, json};

fn report(c: &Client, token: &str, tx: &str, usages: Vec<Value>) -> Value {
    c.call(
        &c.https,
        "/v1/usage/ReportUsage",
        Some(token),
        "ReportUsageRequestBody",
        json!({"TransactionId": tx, "AssetUsages": usages}),
    )
    .1
}

fn usage(id: &str, q: u32) -> Value {
    json!({"AssetId": id, "Quantity": q, "UsageDate": "2013-04-02"})
}

#[test]
fn a_batch_is_recorded_once_under_its_transaction_id() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let t = c.oauth("alice");
    let key = "ReportUsageResponseBody";
    let v = report(
        &c,
        &t,
        "tx-1",
        vec![
            usage("100000001", 2),
            usage("100000001", 1),
            usage("100000002", 4),
        ],
    );
    assert_eq!(status(&v), "Success", "{v}");
    assert_eq!(v[key]["TotalAssetUsagesProcessed"], 7);
    // The same id again: a warning, and nothing recorded.
    let v = report(&c, &t, "tx-1", vec![usage("100000001", 5)]);
    assert_eq!(status(&v), "Warning", "{v}");
    assert!(codes(&v).contains(&"TransactionIdDuplicate".to_owned()));
    assert_eq!(v[key]["TotalAssetUsagesProcessed"], 0);
    assert_eq!(sb.usage_total("alice", "100000001"), 3);
    // Another user's ids are their own.
    let b = c.oauth("bob");
    let v = report(&c, &b, "tx-1", vec![usage("100000001", 1)]);
    assert_eq!(status(&v), "Success", "{v}");
}

#[test]
fn one_unknown_asset_fails_the_whole_batch() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let t = c.oauth("alice");
    let v = report(
        &c,
        &t,
        "tx-bad",
        vec![usage("100000003", 2), usage("999", 1)],
    );
    assert_error(&v, "InvalidAssets");
    assert!(v.to_string().contains("999"));
    assert_eq!(sb.usage_total("alice", "100000003"), 0);
    // Nothing was recorded, not even the id: the fixed batch goes under a new one.
    let v = report(&c, &t, "tx-good", vec![usage("100000003", 2)]);
    assert_eq!(status(&v), "Success", "{v}");
    assert_eq!(sb.usage_total("alice", "100000003"), 2);
}

#[test]
fn at_most_a_thousand_entries_and_valid_fields() {
    let c = Client::new(shared());
    let t = c.oauth("alice");
    let many: Vec<Value> = (0..1001).map(|_| usage("100000001", 1)).collect();
    let v = report(&c, &t, "tx-many", many);
    assert_error(&v, "InvalidRequest");
    assert!(v.to_string().contains("1000"), "{v}");
    let thousand: Vec<Value> = (0..1000).map(|_| usage("100000001", 1)).collect();
    let v = report(&c, &t, "tx-thousand", thousand);
    assert_eq!(
        v["ReportUsageResponseBody"]["TotalAssetUsagesProcessed"], 1000,
        "{v}"
    );
    for bad in [
        json!({"AssetId": "100000001", "Quantity": 1, "UsageDate": "02/04/2013"}),
        json!({"AssetId": "100000001", "Quantity": 0, "UsageDate": "2013-04-02"}),
        json!({"AssetId": "100000001", "UsageDate": "2013-04-02"}),
    ] {
        let v = report(&c, &t, "tx-x", vec![bad]);
        assert_error(&v, "InvalidRequest");
    }
    let (_, v) = c.call(
        &c.https,
        "/v1/usage/ReportUsage",
        Some(&t),
        "ReportUsageRequestBody",
        json!({"AssetUsages": [usage("100000001", 1)]}),
    );
    assert_error(&v, "InvalidRequest");
}

//! GetAssetChanges and ConfirmAssetChanges: a batch repeats until confirmed.

use crate::common::*;
use serde_json::{Value, json};

fn changes(c: &Client, token: &str, body: Value) -> Value {
    c.call(
        &c.http,
        "/v1/partnerassetingestion/GetAssetChanges",
        Some(token),
        "GetAssetChangesRequestBody",
        body,
    )
    .1
}

fn confirm(c: &Client, token: &str, tx: &Value) -> Value {
    c.call(
        &c.http,
        "/v1/partnerassetingestion/ConfirmAssetChanges",
        Some(token),
        "ConfirmAssetChangesRequestBody",
        json!({"TransactionId": tx}),
    )
    .1
}

const KEY: &str = "GetAssetChangesResponseBody";

#[test]
fn a_batch_comes_again_until_confirmed_then_the_next_one() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let (t, _) = c.session("alice");
    let first = changes(&c, &t, json!({"ChannelId": 1}));
    assert_eq!(status(&first), "Success", "{first}");
    let batch = first[KEY]["ChangedAssets"].as_array().unwrap();
    assert_eq!(batch.len(), 10, "default ItemCount");
    let e = &batch[0];
    assert!(
        e["AssetChangedDateTimeUtc"]
            .as_str()
            .unwrap()
            .starts_with("/Date(")
    );
    assert_eq!(e["AssetType"], "Image");
    for e in batch {
        let kind = e["AssetLifecycle"].as_str().unwrap();
        assert!(["New", "Updated", "Deleted"].contains(&kind));
        assert_eq!(e.get("Url").is_some(), kind == "New", "{e}");
    }
    let again = changes(&c, &t, json!({"ChannelId": "1", "ItemCount": 3}));
    assert_eq!(again[KEY], first[KEY], "unconfirmed: the same batch");
    let tx = &first[KEY]["TransactionId"];
    let v = confirm(&c, &t, tx);
    assert_eq!(status(&v), "Success", "{v}");
    assert!(v["ConfirmAssetChangesResponseBody"].is_object());
    let next = changes(&c, &t, json!({"ChannelId": 1, "ItemCount": 3}));
    assert_ne!(next[KEY]["TransactionId"], *tx);
    let next_ids: Vec<&Value> = next[KEY]["ChangedAssets"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(next_ids.len(), 3);
    // Confirming the old id again is harmless; an id never served is refused.
    assert_eq!(status(&confirm(&c, &t, tx)), "Success");
    assert_error(&confirm(&c, &t, &json!("1-999999-0")), "InvalidRequest");
}

#[test]
fn a_channel_drains_to_an_empty_batch() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let (t, _) = c.session("bob");
    let mut seen = 0;
    loop {
        let v = changes(&c, &t, json!({"ChannelId": 4, "ItemCount": 500}));
        let list = v[KEY]["ChangedAssets"].as_array().unwrap();
        if list.is_empty() {
            assert!(v[KEY].get("TransactionId").is_none(), "{v}");
            break;
        }
        assert!(list.iter().all(|e| e["AssetLifecycle"] == "Deleted"));
        seen += list.len();
        confirm(&c, &t, &v[KEY]["TransactionId"]);
        assert!(seen <= 1000, "the channel never drains");
    }
    assert!(seen > 0);
}

#[test]
fn item_count_and_channel_are_checked() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    assert_error(
        &changes(&c, &t, json!({"ChannelId": 1, "ItemCount": 501})),
        "MaxExceeded",
    );
    assert_error(
        &changes(&c, &t, json!({"ChannelId": 1, "ItemCount": 0})),
        "InvalidItemCount",
    );
    assert_error(&changes(&c, &t, json!({"ChannelId": 99})), "InvalidRequest");
    assert_error(&changes(&c, &t, json!({})), "InvalidRequest");
    let v = changes(&c, &t, json!({"ChannelId": 2, "ItemCount": 500}));
    assert_eq!(status(&v), "Success", "{v}");
}

use crate::common::*;
use serde_json::{Value, json};

fn lb(c: &Client, t: &str, op: &str, body: Value) -> Value {
    let (s, v) = c.call(
        &c.http,
        &format!("/v1/lightbox/{op}"),
        Some(t),
        &format!("{op}RequestBody"),
        body,
    );
    assert!(s == 200, "{op}: {s} {v}");
    v
}

#[test]
fn lightbox_lifecycle() {
    let c = Client::new(shared());
    let (alice, _) = c.session("alice");
    let (bob, _) = c.session("bob");
    let v = lb(
        &c,
        &alice,
        "CreateLightbox",
        json!({"LightboxName": "Trip", "ClientName": "ACME", "Notes": "n"}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let id = v["CreateLightboxResult"]["LightboxId"].as_u64().unwrap();
    let v2 = lb(
        &c,
        &alice,
        "CreateLightbox",
        json!({"LightboxName": "Trip"}),
    );
    let id2 = v2["CreateLightboxResult"]["LightboxId"].as_u64().unwrap();
    assert_ne!(id, id2, "ids are unique");
    let assets: Vec<String> = (10..17).map(|i| (100_000_000 + i).to_string()).collect();
    let v = lb(
        &c,
        &alice,
        "CreateLightboxItems",
        json!({"LightboxId": id.to_string(), "AssetIds": assets}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    assert!(v.get("CreateLightboxItemsResult").is_none());
    let v = lb(
        &c,
        &alice,
        "GetLightbox",
        json!({"LightboxId": id,
        "LightboxItemsViewOptions": {"ItemCount": 3, "ItemStartNumber": 4, "IncludeMaxSizePerLightboxItem": true}}),
    );
    let l = &v["GetLightboxResult"]["Lightbox"];
    assert_eq!(l["LightboxHeader"]["LightboxId"], id.to_string());
    assert_eq!(l["LightboxHeader"]["LightboxItemCount"], "7");
    assert_eq!(l["LightboxHeader"]["ClientName"], "ACME");
    let items = l["LightboxItems"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["AssetId"], "100000013");
    assert_eq!(items[0]["ItemPosition"], 4);
    assert!(items[0]["MaxWidthAvailable"].as_u64().unwrap() > 0);
    lb(
        &c,
        &alice,
        "DeleteLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["100000010", "100000011"]}),
    );
    lb(
        &c,
        &alice,
        "UpdateLightboxHeader",
        json!({"LightboxId": id, "LightboxName": "Trip 2", "ProjectName": "P"}),
    );
    let v = lb(
        &c,
        &alice,
        "GetLightbox",
        json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 50, "ItemStartNumber": 1}}),
    );
    let h = &v["GetLightboxResult"]["Lightbox"]["LightboxHeader"];
    assert_eq!(
        (
            h["LightboxName"].as_str(),
            h["ProjectName"].as_str(),
            h["ClientName"].as_str()
        ),
        (Some("Trip 2"), Some("P"), Some("ACME"))
    );
    assert_eq!(
        v["GetLightboxResult"]["Lightbox"]["LightboxItems"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let v = lb(
        &c,
        &alice,
        "GetLightboxHeaders",
        json!({"ResultsViewOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    assert_eq!(
        v["GetLightboxHeadersResult"]["LightboxHeaders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(
        v["GetLightboxHeadersResult"]["TotalLightboxHeaderCount"]
            .as_u64()
            .unwrap()
            >= 2
    );
    // Bob may not touch Alice's lightbox.
    for (op, body) in [
        (
            "GetLightbox",
            json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 5, "ItemStartNumber": 1}}),
        ),
        (
            "CreateLightboxItems",
            json!({"LightboxId": id, "AssetIds": ["100000001"]}),
        ),
        (
            "DeleteLightboxItems",
            json!({"LightboxId": id, "AssetIds": ["100000012"]}),
        ),
        (
            "UpdateLightboxHeader",
            json!({"LightboxId": id, "LightboxName": "mine"}),
        ),
        ("DeleteLightbox", json!({"LightboxId": id})),
    ] {
        let v = lb(&c, &bob, op, body);
        assert_error(&v, "OperationValidOnlyForLightboxOwner");
    }
    lb(&c, &alice, "DeleteLightbox", json!({"LightboxId": id}));
    let v = lb(
        &c,
        &alice,
        "GetLightbox",
        json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 5, "ItemStartNumber": 1}}),
    );
    assert_error(&v, "LightboxIdDoesNotExist");
}

#[test]
fn lightbox_validation() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    assert_error(
        &lb(&c, &t, "CreateLightbox", json!({"LightboxName": " "})),
        "InvalidLightboxName",
    );
    assert_error(
        &lb(&c, &t, "CreateLightbox", json!({"Notes": "x"})),
        "InvalidLightboxName",
    );
    let id = lb(&c, &t, "CreateLightbox", json!({"LightboxName": "L"}))["CreateLightboxResult"]["LightboxId"].clone();
    let many: Vec<String> = (0..501).map(|i| (100_000_000 + i).to_string()).collect();
    assert_error(
        &lb(
            &c,
            &t,
            "CreateLightboxItems",
            json!({"LightboxId": id, "AssetIds": many}),
        ),
        "AssetIdListExceedsMaxAllowed",
    );
    assert_error(
        &lb(
            &c,
            &t,
            "CreateLightboxItems",
            json!({"LightboxId": id, "AssetIds": ["bogus"]}),
        ),
        "InvalidAssets",
    );
    assert_error(
        &lb(&c, &t, "DeleteLightbox", json!({"LightboxId": 999_999})),
        "LightboxIdDoesNotExist",
    );
    assert_error(
        &lb(
            &c,
            &t,
            "GetLightbox",
            json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 0, "ItemStartNumber": 1}}),
        ),
        "InvalidItemCount",
    );
    assert_error(
        &lb(
            &c,
            &t,
            "GetLightboxHeaders",
            json!({"ResultsViewOptions": {"ItemCount": 5, "ItemStartNumber": 0}}),
        ),
        "InvalidItemStartNumber",
    );
}

#[test]
fn a_shared_copy_is_read_only_and_reads_back() {
    let c = Client::new(shared());
    let (alice, _) = c.session("alice");
    let (bob, _) = c.session("bob");
    let v = lb(
        &c,
        &alice,
        "CreateLightbox",
        json!({"LightboxName": "To share"}),
    );
    let id = v["CreateLightboxResult"]["LightboxId"].as_u64().unwrap();
    lb(
        &c,
        &alice,
        "CreateLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["100000004", "100000005"]}),
    );
    let v = lb(
        &c,
        &alice,
        "CreateSharedLightbox",
        json!({"LightboxId": id}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let copy = v["CreateSharedLightboxResult"]["SharedLightboxId"]
        .as_u64()
        .unwrap();
    assert_ne!(copy, id);
    // Anyone reads the copy, with its items, marked shared.
    for token in [&alice, &bob] {
        let v = lb(
            &c,
            token,
            "GetLightbox",
            json!({"LightboxId": copy,
            "LightboxItemsViewOptions": {"ItemCount": 10, "ItemStartNumber": 1}}),
        );
        let l = &v["GetLightboxResult"]["Lightbox"];
        assert_eq!(l["LightboxHeader"]["IsShared"], true, "{v}");
        assert_eq!(l["LightboxItems"].as_array().unwrap().len(), 2);
    }
    // Nobody edits it, not even its creator, and the refusal says why: the copy is read-only
    // (whoever asks; "another user's lightbox" would be the wrong cause).
    let message = |v: &Value| {
        v["ResponseHeader"]["StatusList"][0]["Message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    for token in [&alice, &bob] {
        for (op, body) in [
            (
                "CreateLightboxItems",
                json!({"LightboxId": copy, "AssetIds": ["100000006"]}),
            ),
            (
                "DeleteLightboxItems",
                json!({"LightboxId": copy, "AssetIds": ["100000004"]}),
            ),
            (
                "UpdateLightboxHeader",
                json!({"LightboxId": copy, "LightboxName": "x"}),
            ),
        ] {
            let v = lb(&c, token, op, body);
            assert_error(&v, "OperationValidOnlyForLightboxOwner");
            let m = message(&v);
            assert!(m.contains("read-only shared copy"), "{op}: {m}");
            assert!(!m.contains("another user"), "{op}: {m}");
        }
    }
    let v = lb(
        &c,
        &alice,
        "GetLightbox",
        json!({"LightboxId": copy,
        "LightboxItemsViewOptions": {"ItemCount": 10, "ItemStartNumber": 1}}),
    );
    assert_eq!(
        v["GetLightboxResult"]["Lightbox"]["LightboxItems"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "{v}"
    );
    // Another user's own lightbox is refused as such.
    let v = lb(
        &c,
        &bob,
        "CreateLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["100000006"]}),
    );
    assert_error(&v, "OperationValidOnlyForLightboxOwner");
    assert!(message(&v).contains("another user"), "{v}");
    // Only the owner may share; an unknown id does not exist.
    let v = lb(&c, &bob, "CreateSharedLightbox", json!({"LightboxId": id}));
    assert_error(&v, "OperationValidOnlyForLightboxOwner");
    let v = lb(&c, &alice, "CreateSharedLightbox", json!({"LightboxId": 1}));
    assert_error(&v, "LightboxIdDoesNotExist");
}

#[test]
fn a_state_file_that_cannot_be_written_is_reported_and_the_call_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("state");
    let sb = start(
        connect_sandbox::SandboxConfig::default()
            .with_images(300)
            .with_state_file(folder.join("sandbox.json")),
    );
    let c = Client::new(&sb);
    let (t, _) = c.session("alice");
    lb(&c, &t, "CreateLightbox", json!({"LightboxName": "Saved"}));
    assert_eq!(sb.state_file_error(), None);
    // The folder becomes a file: the next write fails, and says where.
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(&folder, b"in the way").unwrap();
    let v = lb(&c, &t, "CreateLightbox", json!({"LightboxName": "Lost"}));
    assert_eq!(status(&v), "Success");
    let why = sb.state_file_error().expect("the failed write is reported");
    assert!(why.contains("sandbox.json"), "{why}");
}

//! The commands of the operations beyond the seed set, against the shared sandbox.

use crate::{against_shared, assert_one_error_line, cli, json_of, shared};
use predicates::prelude::*;

#[test]
fn a_single_step_download_shows_up_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    against_shared("alice", "alice-password")
        .args(["download", "--single-step", "100000021", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("100000021.jpg"));
    assert!(dir.path().join("100000021.jpg").metadata().unwrap().len() > 0);
    let out = against_shared("alice", "alice-password")
        .args(["--json", "downloads", "--count", "100"])
        .output()
        .unwrap();
    let v = json_of(&out);
    let ids: Vec<&str> = v["PreviousDownloads"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["AssetId"].as_str())
        .collect();
    assert!(ids.contains(&"100000021"), "{v}");
    against_shared("alice", "alice-password")
        .args(["downloads", "--all"])
        .assert()
        .success()
        .stdout(predicate::str::contains("100000021"));
    let out = against_shared("alice", "alice-password")
        .args(["--json", "purchases", "--all"])
        .output()
        .unwrap();
    assert!(json_of(&out).is_array());
}

#[test]
fn histories_are_refused_over_plain_http() {
    let s = shared();
    let out = cli()
        .args(["--base-url", &s.sandbox.http_base_url()])
        .env("GETTY_CLIENT_ID", "sandbox-client")
        .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
        .env("GETTY_USERNAME", "alice")
        .env("GETTY_PASSWORD", "alice-password")
        .args(["downloads"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["GetPreviousDownloads", "plain HTTP"]);
}

#[test]
fn offerings_collections_and_countries_print_tables_and_json() {
    against_shared("alice", "alice-password")
        .args(["offerings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("EasyAccess"));
    against_shared("bob", "bob-password")
        .args(["offerings", "--all"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Fulfilled"));
    let out = against_shared("alice", "alice-password")
        .args(["--json", "collections"])
        .output()
        .unwrap();
    assert!(!json_of(&out)["Collections"].as_array().unwrap().is_empty());
    against_shared("alice", "alice-password")
        .args(["countries", "--language", "en-gb"])
        .assert()
        .success()
        .stdout(predicate::str::contains("USA").and(predicate::str::contains("United Kingdom")));
}

#[test]
fn usage_reports_from_csv_and_json_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("usage.csv");
    std::fs::write(
        &csv,
        "asset_id,quantity,date\n100000001,2,2013-04-02\n100000002,1,2013-04-03\n",
    )
    .unwrap();
    against_shared("alice", "alice-password")
        .args(["usage", "report", "--transaction-id", "cli-usage-1"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("Reported 3 usages"));
    against_shared("alice", "alice-password")
        .args(["usage", "report", "--transaction-id", "cli-usage-1"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing recorded"));
    let json = dir.path().join("usage.json");
    std::fs::write(
        &json,
        r#"[{"AssetId": "100000003", "Quantity": 4, "UsageDate": "2013-04-02"}]"#,
    )
    .unwrap();
    let out = against_shared("alice", "alice-password")
        .args(["--json", "usage", "report"])
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["TotalAssetUsagesProcessed"], 4);
    std::fs::write(&csv, "100000001,2,02/04/2013\n").unwrap();
    let out = against_shared("alice", "alice-password")
        .args(["usage", "report"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_one_error_line(&out, &["line 1"]);
}

#[test]
fn changes_follow_writes_json_lines_and_confirms_each_batch() {
    let first = against_shared("bob", "bob-password")
        .args(["changes", "follow", "4", "--batch-size", "50"])
        .output()
        .unwrap();
    assert!(first.status.success());
    let text = String::from_utf8(first.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 120);
    assert!(lines.iter().all(|c| c["AssetLifecycle"] == "Deleted"));
    // Every batch was confirmed: the channel is drained for this user.
    let again = against_shared("bob", "bob-password")
        .args(["changes", "follow", "4"])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(again.stdout.is_empty());
}

#[test]
fn customers_lightbox_sharing_and_oembed() {
    against_shared("alice", "alice-password")
        .args([
            "customer",
            "create",
            "cli-carol",
            "--customer-password",
            "cli-carol-pass",
            "--email",
            "c@example.com",
            "--first-name",
            "Carol",
            "--last-name",
            "Ng",
            "--country",
            "USA",
        ])
        .assert()
        .success();
    against_shared("cli-carol", "cli-carol-pass")
        .args(["search", "tree", "--count", "1"])
        .assert()
        .success();
    let out = against_shared("alice", "alice-password")
        .args(["--json", "lightbox", "create", "to share"])
        .output()
        .unwrap();
    let id = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();
    let out = against_shared("alice", "alice-password")
        .args(["--json", "lightbox", "share", &id])
        .output()
        .unwrap();
    assert!(json_of(&out)["SharedLightboxId"].as_u64().is_some());
    let embedded = (1..40).map(|i| (100_000_000 + i).to_string()).find(|id| {
        against_shared("alice", "alice-password")
            .args(["--json", "oembed", id])
            .output()
            .unwrap()
            .status
            .success()
    });
    let id = embedded.expect("an embeddable image among the first ones");
    against_shared("alice", "alice-password")
        .args(["oembed", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("<iframe"));
}

//! A lightbox's whole life through the CLI, against one sandbox that outlives the invocations.

use crate::{against_shared, assert_one_error_line, json_of};
use predicates::prelude::*;

fn alice() -> assert_cmd::Command {
    against_shared("alice", "alice-password")
}

#[test]
fn a_lightbox_from_creation_to_deletion() {
    let out = alice()
        .args([
            "--json",
            "lightbox",
            "create",
            "Beach picks",
            "--client",
            "ACME",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let id = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();

    alice()
        .args([
            "lightbox",
            "add",
            &id,
            "100000010",
            "100000011",
            "100000012",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Added 3 items"));
    alice()
        .args(["lightbox", "show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Beach picks"))
        .stdout(predicate::str::contains("100000011"));

    alice()
        .args(["lightbox", "rename", &id, "Best beaches"])
        .assert()
        .success();
    alice()
        .args(["lightbox", "remove", &id, "100000011"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Removed 1 item"));

    let out = alice()
        .args(["--json", "lightbox", "show", &id])
        .output()
        .unwrap();
    let v = json_of(&out);
    let header = &v["Lightbox"]["LightboxHeader"];
    assert_eq!(header["LightboxName"], "Best beaches");
    // The rename kept the other header fields.
    assert_eq!(header["ClientName"], "ACME");
    let items: Vec<&str> = v["Lightbox"]["LightboxItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["AssetId"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["100000010", "100000012"]);

    alice()
        .args(["lightbox", "list", "--all"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Best beaches"));
    let out = alice()
        .args(["--json", "lightbox", "list"])
        .output()
        .unwrap();
    assert!(json_of(&out)["LightboxHeaders"].as_array().is_some());

    alice()
        .args(["lightbox", "delete", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Deleted"));
    let out = alice().args(["lightbox", "show", &id]).output().unwrap();
    assert_one_error_line(&out, &["LightboxIdDoesNotExist"]);
}

#[test]
fn lightbox_commands_work_with_the_embedded_sandbox() {
    crate::sandboxed()
        .args(["lightbox", "list"])
        .assert()
        .success();
    let out = crate::sandboxed()
        .args(["--json", "lightbox", "create", "Scratch"])
        .output()
        .unwrap();
    assert!(json_of(&out)["LightboxId"].as_u64().is_some());
}

#[test]
fn adding_to_a_shared_copy_says_it_is_read_only() {
    let out = alice()
        .args(["--json", "lightbox", "create", "To share"])
        .output()
        .unwrap();
    let id = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();
    let out = alice()
        .args(["--json", "lightbox", "share", &id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let copy = json_of(&out)["SharedLightboxId"]
        .as_u64()
        .unwrap()
        .to_string();
    // The server's message names the cause, for its maker and for anyone else.
    for mut user in [alice(), against_shared("bob", "bob-password")] {
        let out = user
            .args(["lightbox", "add", &copy, "100000010"])
            .output()
            .unwrap();
        assert_one_error_line(
            &out,
            &[
                "OperationValidOnlyForLightboxOwner",
                &format!("lightbox {copy} is a read-only shared copy"),
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains(&format!("lightbox {copy} belongs to another user")),
            "{err}"
        );
    }
}

//! The error paths: each one clear line on stderr and a non-zero exit, no panic.

use crate::{against_shared, assert_one_error_line, cli, sandboxed, shared};

#[test]
fn wrong_password() {
    let out = sandboxed()
        .args(["--password", "not-her-password", "search", "beach"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "credentials refused: exit 3");
    assert_one_error_line(&out, &["authentication failed", "credentials"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not-her-password"));
}

#[test]
fn wrong_system_password_for_a_legacy_session() {
    let s = shared();
    let out = cli()
        .args(["--base-url", &s.sandbox.https_base_url()])
        .arg("--ca-cert")
        .arg(&s.ca_file)
        .args(["--system-id", "sandbox", "--system-password", "wrong"])
        .args([
            "--username",
            "bob",
            "--password",
            "bob-password",
            "search",
            "tree",
        ])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["InvalidSystemIdOrPassword"]);
}

#[test]
fn unknown_image_id() {
    let out = sandboxed().args(["details", "999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "not found: exit 5");
    assert_one_error_line(&out, &["999", "ImageNotFound", "check the id"]);
    let out = sandboxed()
        .args(["download", "999", "-o"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_one_error_line(&out, &["999"]);
}

#[test]
fn unknown_event_id() {
    let out = sandboxed().args(["events", "1"]).output().unwrap();
    assert_one_error_line(&out, &["EventNotFound"]);
}

#[test]
fn unknown_size_key_lists_the_offered_ones() {
    let out = sandboxed()
        .args(["download", "100000001", "--size", "poster", "-o"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_one_error_line(&out, &["poster", "small"]);
}

#[test]
fn secure_only_call_to_an_http_base_url_is_refused_locally() {
    let s = shared();
    let out = cli()
        .args(["--base-url", &s.sandbox.http_base_url()])
        .args([
            "--client-id",
            "sandbox-client",
            "--client-secret",
            "sandbox-client-secret",
        ])
        .args(["download", "100000001", "--size", "small", "-o"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_one_error_line(&out, &["refused to send", "plain HTTP", "https://"]);
}

#[test]
fn untrusted_certificate() {
    let s = shared();
    let out = cli()
        .args(["--base-url", &s.sandbox.https_base_url()])
        .args([
            "--client-id",
            "sandbox-client",
            "--client-secret",
            "sandbox-client-secret",
        ])
        .args(["search", "beach"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["--ca-cert"]);
}

#[test]
fn unreachable_host() {
    // A port bound by this test but not listening: every connection is refused.
    let refusing = connect_testkit::RefusingPort::new();
    let out = cli()
        .args(["--base-url", &refusing.https_url()])
        .args([
            "--client-id",
            "a",
            "--client-secret",
            "b",
            "search",
            "beach",
        ])
        .output()
        .unwrap();
    assert_one_error_line(&out, &[&refusing.addr().to_string()]);
}

#[test]
fn a_missing_ca_file() {
    let out = cli()
        .args(["--base-url", &shared().sandbox.https_base_url()])
        .args(["--ca-cert", "/nonexistent/ca.pem"])
        .args([
            "--client-id",
            "sandbox-client",
            "--client-secret",
            "sandbox-client-secret",
        ])
        .args(["search", "beach"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["/nonexistent/ca.pem"]);
}

#[test]
fn another_users_lightbox() {
    let out = against_shared("alice", "alice-password")
        .args(["--json", "lightbox", "create", "alice only"])
        .output()
        .unwrap();
    let id = crate::json_of(&out)["LightboxId"]
        .as_u64()
        .unwrap()
        .to_string();
    let out = against_shared("bob", "bob-password")
        .args(["lightbox", "delete", &id])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["OperationValidOnlyForLightboxOwner"]);
}

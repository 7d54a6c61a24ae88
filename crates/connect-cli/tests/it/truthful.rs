//! Messages that tell the truth: each hint matches the cause it names, each line claims only
//! what happened, and each cause has its own exit code.

use crate::{against_shared, assert_one_error_line, cli, sandboxed, shared};
use connect_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig, SandboxThread};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

/// A sandbox of its own (faults would disturb the shared one), with its CA in a file.
struct Own {
    sandbox: SandboxThread,
    ca: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn own() -> Own {
    let sandbox = Sandbox::start_blocking(SandboxConfig::default().with_images(500)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sandbox.ca_pem()).unwrap();
    Own {
        sandbox,
        ca,
        _dir: dir,
    }
}

impl Own {
    fn cli(&self) -> assert_cmd::Command {
        let mut c = cli();
        c.arg("--base-url")
            .arg(self.sandbox.https_base_url())
            .arg("--ca-cert")
            .arg(&self.ca)
            .args(["--client-id", "sandbox-client"])
            .args(["--client-secret", "sandbox-client-secret"])
            .args(["--username", "alice", "--password", "alice-password"]);
        c
    }
}

#[test]
fn a_connection_dropped_after_a_create_says_it_may_have_happened_and_how_to_check() {
    let s = own();
    s.sandbox.inject(
        FaultRule::new(Fault::DropAfter)
            .operation("CreateLightbox")
            .times(1),
    );
    let out = s
        .cli()
        .args(["lightbox", "create", "maybe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "no whole answer: exit 4");
    assert_one_error_line(&out, &["may have taken effect", "`lightbox list`"]);
    let err = String::from_utf8_lossy(&out.stderr);
    // The CA was given and is right: the certificate is not the cause.
    assert!(!err.contains("certificate"), "{err}");
    // And it was created indeed.
    let list = s.cli().args(["lightbox", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("maybe"));
}

#[test]
fn a_search_cut_before_its_answer_is_a_dropped_connection_retried() {
    let s = own();
    s.sandbox
        .inject(FaultRule::new(Fault::DropBefore).operation("SearchForImages"));
    let out = s.cli().args(["search", "tree"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_one_error_line(&out, &["connection", "3 attempts over", "try again"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("certificate") && !err.contains("--ca-cert"),
        "{err}"
    );
}

#[test]
fn a_slow_server_names_the_timeout_and_the_attempts() {
    let s = own();
    s.sandbox
        .inject(FaultRule::new(Fault::slow(Duration::from_secs(30))).operation("SearchForImages"));
    let out = s
        .cli()
        .args(["--timeout", "300ms", "search", "tree"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_one_error_line(
        &out,
        &[
            "within the request timeout of 0.3 s",
            "3 attempts over",
            "--timeout",
        ],
    );
    // The variable does the same.
    let out = s
        .cli()
        .env("GETTY_CONNECT_TIMEOUT", "300ms")
        .args(["search", "tree"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["within the request timeout of 0.3 s"]);
}

#[test]
fn a_ca_file_with_a_block_that_is_no_certificate_is_named_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQK\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let out = cli()
        .args([
            "--base-url",
            &shared().sandbox.https_base_url(),
            "--ca-cert",
        ])
        .arg(&bad)
        .args(["--client-id", "x", "--client-secret", "y", "search", "tree"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(&out, &["not usable", "not to an X.509 certificate"]);
}

#[test]
fn another_servers_ca_is_named_as_the_wrong_ca_not_as_a_missing_one() {
    let other = own();
    let s = shared();
    let out = cli()
        .args(["--base-url", &s.sandbox.https_base_url(), "--ca-cert"])
        .arg(&other.ca)
        .args([
            "--client-id",
            "sandbox-client",
            "--client-secret",
            "sandbox-client-secret",
        ])
        .args(["search", "tree"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let ca = other.ca.display().to_string();
    assert_one_error_line(&out, &["not signed by the CA in", &ca]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("pass its CA"), "{err}");
    assert!(
        !err.contains("attempts"),
        "an untrusted certificate is not retried: {err}"
    );
}

#[test]
fn statuses_without_an_envelope_quote_the_server_and_advise_by_class() {
    let s = shared();
    // A base URL with a path: the token endpoint is not there.
    let out = cli()
        .args([
            "--base-url",
            &format!("{}/wrong", s.sandbox.https_base_url()),
        ])
        .arg("--ca-cert")
        .arg(&s.ca_file)
        .args([
            "--client-id",
            "sandbox-client",
            "--client-secret",
            "sandbox-client-secret",
        ])
        .args(["search", "tree"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["HTTP 404", "base URL"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("overloaded"));
    // oEmbed's 401 is about the image, and its own words say so.
    let refused = (100_000_001..100_000_200)
        .map(|n| n.to_string())
        .find_map(|id| {
            let out = against_shared("alice", "alice-password")
                .args(["oembed", &id])
                .output()
                .unwrap();
            (!out.status.success()).then_some(out)
        })
        .expect("some image may not be embedded");
    assert_one_error_line(
        &refused,
        &["HTTP 401", "not available for embedding", "--embeddable"],
    );
    assert!(!String::from_utf8_lossy(&refused.stderr).contains("credentials"));
}

#[test]
fn a_customer_without_offerings_is_refused_as_such() {
    let s = own();
    let create = s
        .cli()
        .args([
            "customer",
            "create",
            "carol",
            "--customer-password",
            "carols-pw",
        ])
        .args([
            "--email",
            "c@example.com",
            "--first-name",
            "C",
            "--last-name",
            "D",
        ])
        .args(["--country", "USA"])
        .output()
        .unwrap();
    assert!(create.status.success(), "{create:?}");
    let out = cli()
        .arg("--base-url")
        .arg(s.sandbox.https_base_url())
        .arg("--ca-cert")
        .arg(&s.ca)
        .args([
            "--client-id",
            "sandbox-client",
            "--client-secret",
            "sandbox-client-secret",
        ])
        .args(["--username", "carol", "--password", "carols-pw"])
        .args(["download", "100000001", "-o"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_one_error_line(&out, &["product offerings", "`offerings`"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("base URL"));
}

#[test]
fn explicit_legacy_flags_win_over_exported_oauth_credentials() {
    let s = shared();
    let run = |system_password: &str| {
        against_shared("alice", "alice-password")
            .args([
                "--system-id",
                "sandbox",
                "--system-password",
                system_password,
            ])
            .args(["search", "tree", "--count", "1"])
            .output()
            .unwrap()
    };
    let wrong = run("WRONG");
    assert_eq!(wrong.status.code(), Some(3), "the wrong password is seen");
    assert_one_error_line(&wrong, &["InvalidSystemIdOrPassword"]);
    let right = run("sandbox-system-password");
    assert!(right.status.success(), "{right:?}");
    // Both ways only in the environment: ambiguous, refused naming both.
    let both = cli()
        .args(["--base-url", &s.sandbox.https_base_url(), "--ca-cert"])
        .arg(&s.ca_file)
        .env("GETTY_CLIENT_ID", "sandbox-client")
        .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
        .env("GETTY_SYSTEM_ID", "sandbox")
        .env("GETTY_SYSTEM_PASSWORD", "sandbox-system-password")
        .args(["search", "tree"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert_one_error_line(&both, &["GETTY_CLIENT_ID", "GETTY_SYSTEM_ID", "two ways"]);
    // Both ways as flags: the same.
    let flags = cli()
        .args(["--client-id", "a", "--client-secret", "b"])
        .args([
            "--system-id",
            "c",
            "--system-password",
            "d",
            "search",
            "tree",
        ])
        .output()
        .unwrap();
    assert_eq!(flags.status.code(), Some(2));
    assert_one_error_line(&flags, &["--client-id", "--system-id"]);
}

#[test]
fn lightbox_lines_report_what_changed() {
    // One data folder for the runs, so the embedded sandbox keeps the lightbox between them.
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = cli()
            .env("XDG_DATA_HOME", data.path())
            .arg("--sandbox")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let id = run(&["--json", "lightbox", "create", "counts"]);
    let id: serde_json::Value = serde_json::from_str(&id).unwrap();
    let id = id["LightboxId"].to_string();
    assert_eq!(
        run(&["lightbox", "add", &id, "100000001", "100000002"]).trim(),
        format!("Added 2 items to lightbox {id}")
    );
    assert_eq!(
        run(&["lightbox", "add", &id, "100000001"]).trim(),
        format!("Nothing added to lightbox {id}; already in it: 100000001")
    );
    assert_eq!(
        run(&["lightbox", "remove", &id, "100000005", "100000001"]).trim(),
        format!("Removed 1 item from lightbox {id}; not in it: 100000005")
    );
    run(&["lightbox", "create", "second"]);
    assert!(run(&["lightbox", "list"]).contains("2 lightboxes in all"));
}

#[test]
fn a_padded_id_is_the_same_image() {
    let out = sandboxed()
        .args(["details", "0100000001"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("100000001 "));
}

#[test]
fn search_flags_that_cannot_work_are_refused_before_sending() {
    let out = sandboxed()
        .args(["search", "tree", "--licensing", "rights-ready"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sandboxed()
        .args(["search", "tree", "--sort", "oldest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--family"));
    let out = sandboxed().args(["search", " "]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(&out, &["phrase is empty"]);
    // In flags, not in the request's field names.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("SearchPhrase"));
}

#[test]
fn a_page_past_the_end_has_one_exit_code_with_or_without_all() {
    let one = sandboxed()
        .args(["search", "tree", "--page", "9999"])
        .output()
        .unwrap();
    let all = sandboxed()
        .args(["search", "tree", "--page", "9999", "--all"])
        .output()
        .unwrap();
    assert_eq!(one.status.code(), Some(2));
    assert_eq!(all.status.code(), one.status.code());
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("getty-connect"))
        .env("XDG_DATA_HOME", crate::fresh_data_dir())
        .args([
            "--sandbox",
            "-q",
            "changes",
            "follow",
            "1",
            "--batch-size",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with('{'), "{first}");
    drop(lines);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {err}", out.status);
    assert!(!err.contains("error") && !err.contains("panicked"), "{err}");
}

#[test]
fn exit_codes_are_documented_in_help_and_docs_alike() {
    let help = cli().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/errors-and-retries.md"),
    )
    .unwrap();
    let listed: Vec<(String, String)> = help
        .split("Exit codes:")
        .nth(1)
        .expect("--help lists the exit codes")
        .lines()
        .filter_map(|l| {
            let (code, cause) = l.trim().split_once(' ')?;
            code.parse::<u8>().ok()?;
            Some((code.to_owned(), cause.trim().to_owned()))
        })
        .collect();
    assert!(listed.len() >= 8, "{help}");
    for (code, cause) in &listed {
        let row = format!("| {code} | {cause} |");
        assert!(
            docs.contains(&row),
            "docs/errors-and-retries.md lacks the row {row:?}"
        );
    }
}

#[test]
fn a_video_id_given_to_download_is_told_what_download_does() {
    let out = sandboxed()
        .args(["download", "700000092"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_one_error_line(&out, &["images only", "videos PHRASE --json"]);
}

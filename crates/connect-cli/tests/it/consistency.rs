//! A consistent command line: logging levels, one JSON type per id, the same refusals for
//! images and videos, Ctrl-C during a download, hints that say what to do, and the small
//! things (grammar, paging lines, limits, `-q` anywhere).

use crate::{against_shared, assert_one_error_line, cli, json_of, sandboxed, shared};
use predicates::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn has_level(text: &str, level: &str) -> bool {
    text.lines().any(|l| l.contains(&format!(" {level} ")))
}

#[test]
fn each_v_adds_its_level() {
    let run = |flag: &str| {
        let out = sandboxed()
            .args([flag, "search", "beach", "--count", "1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        stderr_of(&out)
    };
    let (info, debug, trace) = (run("-v"), run("-vv"), run("-vvv"));
    // -v: one line per call, at info, and nothing finer.
    assert!(info.contains("call succeeded"), "{info}");
    assert!(has_level(&info, "INFO"), "{info}");
    assert!(
        !has_level(&info, "DEBUG") && !has_level(&info, "TRACE"),
        "{info}"
    );
    // -vv adds the SDK's decisions, -vvv every exchange.
    assert!(
        has_level(&debug, "DEBUG") && !has_level(&debug, "TRACE"),
        "{debug}"
    );
    assert!(has_level(&trace, "TRACE"), "{trace}");
    let lines = |t: &str| t.lines().count();
    assert!(lines(&info) < lines(&debug) && lines(&debug) < lines(&trace));
}

#[test]
fn a_lightbox_id_is_a_number_in_every_json_document() {
    let alice = || against_shared("alice", "alice-password");
    let out = alice()
        .args(["--json", "lightbox", "create", "Typed"])
        .output()
        .unwrap();
    let created = json_of(&out);
    let id = created["LightboxId"].as_u64().expect("a number");
    let out = alice()
        .args(["--json", "lightbox", "show", &id.to_string()])
        .output()
        .unwrap();
    let shown = json_of(&out);
    assert_eq!(
        shown["Lightbox"]["LightboxHeader"]["LightboxId"], id,
        "{shown}"
    );
    let out = alice()
        .args(["--json", "lightbox", "list", "--all"])
        .output()
        .unwrap();
    let listed = json_of(&out);
    let ids: Vec<&serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["LightboxId"])
        .collect();
    assert!(ids.iter().all(|v| v.is_u64()), "{listed}");
    assert!(ids.iter().any(|v| v.as_u64() == Some(id)));
}

#[test]
fn a_sort_order_of_the_other_family_is_refused_for_images_and_videos_alike() {
    let out = sandboxed()
        .args([
            "search", "beach", "--family", "creative", "--sort", "oldest",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(
        &out,
        &[
            "--sort oldest does not apply to creative images",
            "most-recent or most-popular",
        ],
    );
    let out = sandboxed()
        .args([
            "videos", "beach", "--family", "creative", "--sort", "trending",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(
        &out,
        &[
            "--sort trending does not apply to creative videos",
            "most-recent or best-match",
        ],
    );
    // Orders that apply still work.
    sandboxed()
        .args([
            "search",
            "beach",
            "--family",
            "editorial",
            "--sort",
            "oldest",
        ])
        .assert()
        .success();
    sandboxed()
        .args([
            "videos",
            "beach",
            "--family",
            "editorial",
            "--sort",
            "trending",
        ])
        .assert()
        .success();
}

/// Waits until `path` exists and holds bytes (the download is then in flight).
fn wait_for_bytes(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "{} never filled", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_during_a_download_keeps_the_partial_file_and_the_same_command_resumes_it() {
    use connect_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
    // The first GET of the file is cut halfway; the SDK's resumption then waits a minute for
    // its answer: the download is in flight, with bytes on disk, when Ctrl-C comes.
    let sb = Sandbox::start_blocking(
        SandboxConfig::default()
            .with_images(2_000)
            .with_fault(
                FaultRule::new(Fault::CutMidBody)
                    .operation("download")
                    .times(1),
            )
            .with_fault(
                FaultRule::new(Fault::slow(Duration::from_secs(60)))
                    .operation("download")
                    .times(1),
            ),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sb.ca_pem()).unwrap();
    let out_dir = dir.path().join("out");
    let args = |c: &mut Command| {
        c.arg("--base-url")
            .arg(sb.https_base_url())
            .arg("--ca-cert")
            .arg(&ca)
            .args(["--client-id", "sandbox-client", "--client-secret"])
            .args(["sandbox-client-secret", "--username", "alice"])
            .args(["--password", "alice-password", "download", "100000004"])
            .args(["--size", "medium", "-o"])
            .arg(&out_dir)
            .env("XDG_DATA_HOME", dir.path())
            .env("XDG_CACHE_HOME", dir.path().join("cache"));
    };
    let bin = assert_cmd::cargo::cargo_bin("getty-connect");
    let mut first = Command::new(&bin);
    args(&mut first);
    let child = first
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let part = out_dir.join("100000004-medium.jpg.part");
    wait_for_bytes(&part);
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    let err = stderr_of(&out);
    assert!(err.contains("interrupted"), "{err}");
    assert!(err.contains(&part.display().to_string()), "{err}");
    assert!(
        err.contains("run the same command again to resume"),
        "{err}"
    );
    assert!(part.is_file(), "the partial file is kept");
    let had = std::fs::metadata(&part).unwrap().len();
    assert!(had > 0);

    // The same command, again (the slow answer may not have been reached yet: no faults now):
    // it resumes from the bytes on disk and completes.
    sb.clear_faults();
    let mut again = Command::new(&bin);
    args(&mut again);
    let out = again.arg("--json").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let report = json_of(&out);
    assert_eq!(report[0]["outcome"], "resumed", "{report}");
    assert_eq!(report[0]["resumed_from"].as_u64(), Some(had));
    assert!(!part.exists());
}

#[test]
fn a_download_with_application_only_credentials_says_to_sign_in_as_a_user() {
    let s = shared();
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .arg("--base-url")
        .arg(s.sandbox.https_base_url())
        .arg("--ca-cert")
        .arg(&s.ca_file)
        .env("GETTY_CLIENT_ID", "sandbox-client")
        .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
        .args(["download", "100000004", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_one_error_line(&out, &["application-only", "--username and --password"]);
    assert!(!stderr_of(&out).contains("account manager"));
    // Lightboxes act for a user too.
    let out = cli()
        .arg("--base-url")
        .arg(s.sandbox.https_base_url())
        .arg("--ca-cert")
        .arg(&s.ca_file)
        .env("GETTY_CLIENT_ID", "sandbox-client")
        .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
        .args(["lightbox", "list"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &["application-only", "--username and --password"]);
}

#[test]
fn someone_elses_lightbox_is_named_as_such() {
    let out = against_shared("alice", "alice-password")
        .args(["--json", "lightbox", "create", "Alice's"])
        .output()
        .unwrap();
    let id = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();
    for args in [
        vec!["lightbox", "show", &id],
        vec!["lightbox", "delete", &id],
    ] {
        let out = against_shared("bob", "bob-password")
            .args(&args)
            .output()
            .unwrap();
        assert_one_error_line(&out, &["belongs to another user", "lightbox list"]);
    }
}

#[test]
fn a_ca_cert_that_is_not_a_certificate_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-cert.pem");
    std::fs::write(&file, "just some text\n").unwrap();
    let out = cli()
        .args(["--base-url", "https://127.0.0.1:1", "--ca-cert"])
        .arg(&file)
        .args([
            "--client-id",
            "x",
            "--client-secret",
            "y",
            "search",
            "beach",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(&out, &[&file.display().to_string(), "not usable", "no PEM"]);
}

#[test]
fn counts_read_as_english() {
    let out = sandboxed()
        .args([
            "changes",
            "follow",
            "2",
            "--batch-size",
            "1",
            "--max-batches",
            "1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = stderr_of(&out);
    assert!(err.contains("1 change in 1 batch written"), "{err}");
    assert!(!err.contains("(s)") && !err.contains("(es)"), "{err}");
}

#[test]
fn the_last_page_offers_no_more_and_a_page_past_it_names_it() {
    let out = sandboxed()
        .args(["--json", "search", "beach", "--count", "75"])
        .output()
        .unwrap();
    let total = json_of(&out)["ItemTotalCount"].as_u64().unwrap();
    let last = total.div_ceil(75);
    assert!(last > 1, "beach should fill more than a page: {total}");
    sandboxed()
        .args(["search", "beach", "--count", "75", "--page", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--page N for more"));
    sandboxed()
        .args([
            "search",
            "beach",
            "--count",
            "75",
            "--page",
            &last.to_string(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Page {last} of {last}")))
        .stdout(predicate::str::contains("--page N for more").not());
    let past = (last + 1).to_string();
    let out = sandboxed()
        .args(["search", "beach", "--count", "75", "--page", &past])
        .output()
        .unwrap();
    assert_one_error_line(
        &out,
        &[
            &format!("there is no page {past}"),
            &format!("the last page is {last}"),
        ],
    );
}

#[test]
fn more_than_90_ids_to_details_says_at_most_90() {
    let ids: Vec<String> = (0..91).map(|i| (100_000_000 + i).to_string()).collect();
    let out = sandboxed().arg("details").args(&ids).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(&out, &["at most 90"]);
}

#[test]
fn quiet_is_accepted_anywhere_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    for args in [
        vec![
            "-q",
            "--sandbox",
            "download",
            "100000004",
            "--size",
            "small",
            "-o",
            d,
        ],
        vec![
            "--sandbox",
            "download",
            "100000004",
            "--size",
            "small",
            "-o",
            d,
            "-q",
        ],
        vec![
            "--sandbox",
            "--quiet",
            "download",
            "100000004",
            "--size",
            "small",
            "-o",
            d,
        ],
    ] {
        let out = cli().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
    }
    sandboxed()
        .args(["-q", "search", "beach", "--count", "1"])
        .assert()
        .success();
}

#[test]
fn a_page_past_the_end_of_a_lightbox_names_its_last_page() {
    let alice = || against_shared("alice", "alice-password");
    let out = alice()
        .args(["--json", "lightbox", "create", "Two items"])
        .output()
        .unwrap();
    let id = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();
    alice()
        .args(["lightbox", "add", &id, "100000010", "100000011"])
        .assert()
        .success();
    let out = alice()
        .args(["lightbox", "show", &id, "--count", "1", "--page", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_error_line(
        &out,
        &[
            "there is no page 5",
            "the last page is 2",
            "2 items, 1 a page",
        ],
    );
}

//! Every read-only subcommand against `--sandbox`, as a table and as `--json`.

use crate::{against_shared, json_of, sandboxed};
use predicates::prelude::*;

#[test]
fn search_prints_a_table_with_paging_hints() {
    sandboxed()
        .args(["search", "beach", "--count", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ID"))
        .stdout(predicate::str::contains("TITLE"))
        .stdout(predicate::str::contains("Page 1 of"));
}

#[test]
fn search_json_is_the_typed_result() {
    let out = sandboxed()
        .args(["--json", "search", "beach", "--family", "creative"])
        .args(["--orientation", "horizontal", "--licensing", "royalty-free"])
        .args(["--sort", "most-recent", "--count", "5", "--page", "2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json_of(&out);
    let images = v["Images"].as_array().unwrap();
    assert_eq!(images.len(), 5);
    for i in images {
        assert_eq!(i["ImageFamily"], "Creative");
        assert_eq!(i["LicensingModel"], "RoyaltyFree");
        // Dates stay MS JSON dates.
        assert!(i["DateCreated"].as_str().unwrap().starts_with("/Date("));
    }
    assert_eq!(v["ItemStartNumber"], 6);
}

#[test]
fn search_all_walks_every_page_into_one_array() {
    let filter = [
        "beach",
        "--family",
        "creative",
        "--orientation",
        "vertical",
        "--licensing",
        "royalty-free",
    ];
    let one = sandboxed()
        .args(["--json", "search"])
        .args(filter)
        .args(["--count", "75"])
        .output()
        .unwrap();
    let total = json_of(&one)["ItemTotalCount"].as_u64().unwrap();
    assert!(
        total > 10,
        "the filter should leave a few pages, got {total}"
    );
    let all = sandboxed()
        .args(["--json", "search"])
        .args(filter)
        .args(["--count", "10", "--all"])
        .output()
        .unwrap();
    assert!(all.status.success());
    let items = json_of(&all);
    let items = items.as_array().unwrap();
    assert_eq!(items.len() as u64, total);
    let mut ids: Vec<&str> = items
        .iter()
        .map(|i| i["ImageId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "pages overlapped");
}

#[test]
fn details_describes_images() {
    sandboxed()
        .args(["details", "100000001", "100000002"])
        .assert()
        .success()
        .stdout(predicate::str::contains("100000001"))
        .stdout(predicate::str::contains("100000002"))
        .stdout(predicate::str::contains("Sizes"))
        .stdout(predicate::str::contains("master"));
    let out = sandboxed()
        .args(["--json", "details", "100000001"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json_of(&out);
    assert_eq!(v["Images"][0]["ImageId"], "100000001");
    assert!(
        v["Images"][0]["SizesDownloadableImages"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
}

#[test]
fn events_shows_an_event_named_by_an_editorial_image() {
    let out = sandboxed()
        .args([
            "--json",
            "search",
            "city",
            "--family",
            "editorial",
            "--count",
            "10",
        ])
        .output()
        .unwrap();
    let v = json_of(&out);
    let event = v["Images"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|i| {
            i["EventIds"]
                .as_array()
                .and_then(|e| e.first())
                .and_then(|e| e.as_u64())
        })
        .expect("an editorial image with an event");
    let id = event.to_string();
    sandboxed()
        .args(["events", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains(id.as_str()))
        .stdout(predicate::str::contains("NAME"));
    let out = sandboxed()
        .args(["--json", "events", &id])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_of(&out)["EventResult"][0]["Event"]["EventId"], event);
}

#[test]
fn videos_prints_a_table_and_json() {
    sandboxed()
        .args(["videos", "dog", "--count", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("LENGTH"));
    let out = sandboxed()
        .args([
            "--json",
            "videos",
            "dog",
            "--family",
            "creative",
            "--sort",
            "most-recent",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!json_of(&out)["Videos"].as_array().unwrap().is_empty());
}

#[test]
fn verbose_logs_go_to_stderr_and_json_stays_clean() {
    let out = sandboxed()
        .args(["-v", "--json", "search", "tree", "--count", "3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_of(&out)["Images"].as_array().unwrap().len(), 3);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("SearchForImages"),
        "no tracing on stderr: {err}"
    );
    for secret in ["sandbox-client-secret", "alice-password"] {
        assert!(!err.contains(secret), "a secret leaked into the log");
    }
}

#[test]
fn legacy_session_credentials_work() {
    let s = crate::shared();
    crate::cli()
        .args(["--base-url", &s.sandbox.https_base_url()])
        .arg("--ca-cert")
        .arg(&s.ca_file)
        .args([
            "--system-id",
            "sandbox",
            "--system-password",
            "sandbox-system-password",
        ])
        .args(["--username", "bob", "--password", "bob-password"])
        .args(["search", "tree", "--count", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Page 1 of"));
}

#[test]
fn standard_calls_can_go_over_a_plain_http_base() {
    let s = crate::shared();
    let dir = tempfile::tempdir().unwrap();
    // An OAuth2 token stays off plain HTTP unless the flag says to risk it.
    let out = against_shared("alice", "alice-password")
        .args(["--http-base-url", &s.sandbox.http_base_url()])
        .args(["search", "tree", "--count", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--insecure-send-oauth-token-over-http"),
        "{stderr}"
    );
    against_shared("alice", "alice-password")
        .args(["--http-base-url", &s.sandbox.http_base_url()])
        .arg("--insecure-send-oauth-token-over-http")
        .args(["download", "100000003", "--size", "small", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Downloaded 1 file"));
}

/// Which listener each call went over, by the sandbox's per-listener counters: standard
/// operations over plain HTTP with the `standard_class` token, secure-only ones (the login and
/// CreateDownloadRequest) over HTTPS with the `secure_class` token.
#[test]
fn with_a_plain_http_base_only_standard_calls_go_over_http() {
    use connect_sandbox::{Sandbox, SandboxConfig};
    let sb = Sandbox::start_blocking(SandboxConfig::default().with_images(300)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    sb.write_ca_pem(&ca).unwrap();
    let legacy: &[(&str, &str)] = &[
        ("GETTY_SYSTEM_ID", "sandbox"),
        ("GETTY_SYSTEM_PASSWORD", "sandbox-system-password"),
        ("GETTY_USERNAME", "bob"),
        ("GETTY_PASSWORD", "bob-password"),
    ];
    let oauth: &[(&str, &str)] = &[
        ("GETTY_CLIENT_ID", "sandbox-client"),
        ("GETTY_CLIENT_SECRET", "sandbox-client-secret"),
        ("GETTY_USERNAME", "alice"),
        ("GETTY_PASSWORD", "alice-password"),
    ];
    let cases = [
        (legacy, "CreateSession", "standard", "secure", false),
        (oauth, "oauth2/token", "oauth", "oauth", true),
    ];
    for (vars, login, standard_class, secure_class, opt_in) in cases {
        sb.reset_stats();
        let mut c = crate::cli();
        c.args(["--base-url", &sb.https_base_url()])
            .args(["--http-base-url", &sb.http_base_url()])
            .arg("--ca-cert")
            .arg(&ca)
            .envs(vars.iter().copied());
        if opt_in {
            c.arg("--insecure-send-oauth-token-over-http");
        }
        // A folder of its own: in the first case's, the file is complete and nothing is asked.
        c.args(["download", "100000003", "--size", "small", "-o"])
            .arg(dir.path().join(login.replace('/', "-")))
            .assert()
            .success();
        let stats = sb.stats();
        let secure_only = [login, "CreateDownloadRequest"];
        let mut standard_seen = 0;
        for (listener, ops) in &stats.listeners {
            for (op, by_class) in ops {
                if op == "download" {
                    continue;
                }
                let want = if secure_only.contains(&op.as_str()) {
                    ("https", if op == login { "none" } else { secure_class })
                } else {
                    standard_seen += 1;
                    ("http", standard_class)
                };
                assert_eq!(
                    listener, want.0,
                    "{login}: {op} went over {listener}: {stats:?}"
                );
                let classes: Vec<&String> = by_class.keys().collect();
                assert_eq!(classes, [want.1], "{login}: {op}: {stats:?}");
            }
        }
        assert!(
            standard_seen >= 1,
            "{login}: a standard call was made: {stats:?}"
        );
        assert_eq!(
            stats.calls("https", "CreateDownloadRequest", secure_class),
            1,
            "{stats:?}"
        );
        assert_eq!(stats.calls("https", login, "*"), 1, "{stats:?}");
        assert_eq!(stats.downloads, 1, "{stats:?}");
    }
}

#[test]
fn sandbox_ignores_credentials_exported_for_the_real_service() {
    crate::cli()
        .env("GETTY_CONNECT_BASE_URL", "https://connect.gettyimages.com")
        .env("GETTY_CLIENT_ID", "real-id")
        .env("GETTY_CLIENT_SECRET", "real-secret")
        .env("GETTY_USERNAME", "real-user")
        .env("GETTY_PASSWORD", "real-password")
        .args(["--sandbox", "search", "tree", "--count", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Page 1 of"));
}

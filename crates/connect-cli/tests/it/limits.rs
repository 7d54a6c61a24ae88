//! The service's call limits from the command line: the daily limit in one line with its own
//! exit code after exactly one request, `-v` showing a throttle and the pause, `--max-qps`.

use crate::{assert_one_error_line, cli};
use connect_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig, SandboxThread};

/// A sandbox of its own (its counters are read), with its CA in a file.
fn sandbox(config: SandboxConfig) -> (SandboxThread, tempfile::TempDir, std::path::PathBuf) {
    let sb = Sandbox::start_blocking(config.with_images(300)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sb.ca_pem()).unwrap();
    (sb, dir, ca)
}

fn search(sb: &SandboxThread, ca: &std::path::Path, extra: &[&str]) -> std::process::Output {
    cli()
        .args(["--base-url", &sb.https_base_url()])
        .arg("--ca-cert")
        .arg(ca)
        .env("GETTY_CLIENT_ID", "sandbox-client")
        .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
        .env("GETTY_USERNAME", "alice")
        .env("GETTY_PASSWORD", "alice-password")
        .args(extra)
        .args(["search", "tree", "--count", "1"])
        .output()
        .unwrap()
}

#[test]
fn the_daily_limit_is_one_line_and_its_own_exit_code_after_one_request() {
    let (sb, _dir, ca) = sandbox(SandboxConfig::default().with_daily_limit(Some(4)));
    sb.advance_to_next_day();
    let refused = || sb.stats().app_keys["sandbox-client"].refused_for_day;
    // Each run signs in and searches: the allowance lasts a few runs (fewer requests per run
    // only make it last longer).
    let mut runs = 0;
    let failed = loop {
        let out = search(&sb, &ca, &[]);
        runs += 1;
        if !out.status.success() {
            break out;
        }
        assert!(runs <= 4, "the daily limit was not enforced");
    };
    assert_eq!(failed.status.code(), Some(6), "{failed:?}");
    assert_one_error_line(&failed, &["daily call limit is used up", "next day"]);
    assert!(!String::from_utf8_lossy(&failed.stderr).contains("overloaded"));
    assert_eq!(sb.stats().app_keys["sandbox-client"].allowed, 4);
    assert_eq!(refused(), 1, "exactly one request, never retried");
    // And again: one more request, the same answer.
    let again = search(&sb, &ca, &[]);
    assert_eq!(again.status.code(), Some(6));
    assert_eq!(refused(), 2);
}

#[test]
fn verbose_shows_the_throttle_and_the_pause() {
    let (sb, _dir, ca) = sandbox(SandboxConfig::default());
    sb.inject(
        FaultRule::new(Fault::OverQps)
            .operation("SearchForImages")
            .times(1),
    );
    let out = search(&sb, &ca, &["-v"]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("throttled by the service"), "{err}");
    assert!(
        err.contains("per-second-limit") && err.contains("pause_ms"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).is_empty());
}

#[test]
fn max_qps_is_checked_and_documented_with_the_exit_codes() {
    let out = cli()
        .args(["--sandbox", "--max-qps", "0", "search", "tree"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-qps"));
    let out = cli()
        .args([
            "--sandbox",
            "--max-qps",
            "20",
            "search",
            "tree",
            "--count",
            "1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = cli()
        .env("GETTY_CONNECT_MAX_QPS", "fast")
        .args(["--sandbox", "search", "tree"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let help = cli().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--max-qps"), "{help}");
    assert!(
        help.lines()
            .any(|l| l.trim().starts_with('6') && l.contains("daily call limit is used up")),
        "{help}"
    );
}

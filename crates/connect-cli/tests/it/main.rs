//! End-to-end tests of `getty-connect`: the real binary against an in-process sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;

fn cli() -> Command {
    let mut c = Command::cargo_bin("getty-connect").unwrap();
    for var in [
        "GETTY_CONNECT_BASE_URL",
        "GETTY_CONNECT_HTTP_BASE_URL",
        "GETTY_CONNECT_CA_CERT",
        "GETTY_CLIENT_ID",
        "GETTY_CLIENT_SECRET",
        "GETTY_USERNAME",
        "GETTY_PASSWORD",
        "GETTY_SYSTEM_ID",
        "GETTY_SYSTEM_PASSWORD",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        vec!["--help"],
        vec!["search", "--help"],
        vec!["details", "--help"],
        vec!["events", "--help"],
        vec!["videos", "--help"],
        vec!["download", "--help"],
        vec!["lightbox", "--help"],
        vec!["lightbox", "list", "--help"],
        vec!["lightbox", "show", "--help"],
        vec!["lightbox", "create", "--help"],
        vec!["lightbox", "rename", "--help"],
        vec!["lightbox", "add", "--help"],
        vec!["lightbox", "remove", "--help"],
        vec!["lightbox", "delete", "--help"],
        vec!["demo", "--help"],
    ] {
        cli()
            .args(&sub)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
}

#[test]
fn help_never_shows_secret_env_values() {
    cli()
        .env("GETTY_PASSWORD", "sentinel-password-value")
        .env("GETTY_CLIENT_SECRET", "sentinel-secret-value")
        .env("GETTY_SYSTEM_PASSWORD", "sentinel-system-value")
        .args(["search", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("GETTY_PASSWORD"))
        .stdout(predicate::str::contains("sentinel").not());
}

#[test]
fn missing_credentials_is_one_line_and_exit_2() {
    cli()
        .args(["search", "beach"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("GETTY_CLIENT_ID"))
        .stderr(predicate::function(|s: &str| {
            s.trim_end().lines().count() == 1
        }));
}

#[test]
fn bad_count_is_refused_before_any_call() {
    cli()
        .args(["search", "beach", "--count", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("75"));
}

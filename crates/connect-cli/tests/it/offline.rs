//! What works without any server: help, parsing, local validation, missing credentials.

use crate::cli;
use predicates::prelude::*;

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
    for sub in ["--help", "-h"] {
        cli()
            .env("GETTY_PASSWORD", "sentinel-password-value")
            .env("GETTY_CLIENT_SECRET", "sentinel-secret-value")
            .env("GETTY_SYSTEM_PASSWORD", "sentinel-system-value")
            .args(["search", sub])
            .assert()
            .success()
            .stdout(predicate::str::contains("GETTY_PASSWORD"))
            .stdout(predicate::str::contains("sentinel").not());
    }
}

#[test]
fn missing_credentials_is_one_line_and_exit_2() {
    let out = cli().args(["search", "beach"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    crate::assert_one_error_line(&out, &["GETTY_CLIENT_ID", "--sandbox"]);
}

#[test]
fn incomplete_credentials_name_what_is_missing_never_a_value() {
    let out = cli()
        .args([
            "--client-id",
            "x",
            "--password",
            "sentinel-pw",
            "search",
            "beach",
        ])
        .output()
        .unwrap();
    crate::assert_one_error_line(&out, &["GETTY_CLIENT_SECRET"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("sentinel-pw"));
}

#[test]
fn local_validation_happens_before_any_call() {
    cli()
        .args(["search", "beach", "--count", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("75"));
    cli()
        .args(["search", "beach", "--family", "vintage"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("creative"));
    cli().args(["details", "not an id"]).assert().code(2);
    cli()
        .args(["download", "1", "--size", "small", "--largest"])
        .assert()
        .code(2);
    cli().args(["lightbox", "show", "abc"]).assert().code(2);
}

#[test]
fn a_bad_base_url_is_a_usage_error() {
    let out = cli()
        .args(["--base-url", "ftp://example.com", "--client-id", "a"])
        .args(["--client-secret", "b", "search", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    crate::assert_one_error_line(&out, &["ftp://example.com"]);
}

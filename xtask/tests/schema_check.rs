//! `cargo xtask schema --check` fails on a stale, missing or extra schema file, naming it and
//! saying how to fix it; it passes on what `cargo xtask schema` wrote. Run against a copy in a
//! temporary folder (`--dir`), so the real docs/schemas/ is never touched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .output()
        .expect("xtask runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn schema_check_fails_on_a_stale_missing_or_extra_file() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    assert!(xtask(&["schema"], &schemas).status.success());
    let written: Vec<_> = std::fs::read_dir(&schemas)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(written.len() > 20, "{written:?}");
    let check = || xtask(&["schema", "--check"], &schemas);
    assert!(check().status.success(), "{}", stderr(&check()));

    // One file edited by hand: stale.
    let victim = schemas.join("CreateLightboxRequest.json");
    let original = std::fs::read_to_string(&victim).unwrap();
    std::fs::write(&victim, original.replace("LightboxName", "LightboxTitle")).unwrap();
    let out = check();
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains("stale:") && text.contains("CreateLightboxRequest.json"),
        "{text}"
    );
    assert!(text.contains("run `cargo xtask schema`"), "{text}");
    assert!(
        text.contains("LightboxTitle"),
        "the first differing line is shown: {text}"
    );

    // One file gone, one that nothing generates: both named.
    std::fs::remove_file(&victim).unwrap();
    std::fs::write(schemas.join("Leftover.json"), "{}").unwrap();
    let out = check();
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains("missing:") && text.contains("CreateLightboxRequest.json"),
        "{text}"
    );
    assert!(
        text.contains("extra:") && text.contains("Leftover.json"),
        "{text}"
    );

    // Writing again repairs it.
    assert!(xtask(&["schema"], &schemas).status.success());
    assert!(check().status.success(), "{}", stderr(&check()));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), original);
    assert!(!schemas.join("Leftover.json").exists());
}

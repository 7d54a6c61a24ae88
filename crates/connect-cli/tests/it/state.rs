//! The embedded sandbox remembers: what one `--sandbox` run makes, the next one sees, kept in
//! a state file under the data directory; `--sandbox-reset` starts over; a damaged file is
//! refused, named, and left alone.

use crate::{assert_one_error_line, cli, json_of};
use predicates::prelude::*;
use std::path::Path;

/// `getty-connect --sandbox` with `data` as its data directory.
fn sandboxed_in(data: &Path) -> assert_cmd::Command {
    let mut c = cli();
    c.env("XDG_DATA_HOME", data).arg("--sandbox");
    c
}

fn state_file(data: &Path) -> std::path::PathBuf {
    data.join("getty-connect").join("sandbox-state.json")
}

#[test]
fn a_lightbox_made_in_one_run_is_there_in_the_next() {
    let data = tempfile::tempdir().unwrap();
    let out = sandboxed_in(data.path())
        .args(["--json", "lightbox", "create", "Kept between runs"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let id = json_of(&out)["LightboxId"].as_u64().unwrap().to_string();
    assert!(state_file(data.path()).is_file());

    sandboxed_in(data.path())
        .args(["lightbox", "add", &id, "100000010", "100000011"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Added 2 items"));
    sandboxed_in(data.path())
        .args(["lightbox", "show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Kept between runs"))
        .stdout(predicate::str::contains("100000011"));

    // --sandbox-reset (which implies --sandbox) starts over and says so.
    let out = cli()
        .env("XDG_DATA_HOME", data.path())
        .args(["--sandbox-reset", "lightbox", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("Kept between runs"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("starts empty"), "{stderr}");
    assert!(
        stderr.contains(&state_file(data.path()).display().to_string()),
        "{stderr}"
    );
    sandboxed_in(data.path())
        .args(["lightbox", "show", &id])
        .assert()
        .failure();
}

#[test]
fn a_damaged_state_file_is_refused_by_name_and_kept() {
    let data = tempfile::tempdir().unwrap();
    let file = state_file(data.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"{\"format\": 1, \"lightboxes\": [").unwrap();
    let out = sandboxed_in(data.path())
        .args(["lightbox", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_one_error_line(
        &out,
        &[&file.display().to_string(), "damaged", "--sandbox-reset"],
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"{\"format\": 1, \"lightboxes\": [",
        "never silently discarded"
    );

    // A file from a newer version says so.
    std::fs::write(&file, b"{\"format\": 99}").unwrap();
    let out = sandboxed_in(data.path())
        .args(["lightbox", "list"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &[&file.display().to_string(), "newer"]);

    // And --sandbox-reset gets past it.
    sandboxed_in(data.path())
        .args(["--sandbox-reset", "lightbox", "list"])
        .assert()
        .success();
}

#[test]
fn concurrent_runs_leave_a_whole_state_file_the_last_writer_wins() {
    let data = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("getty-connect");
    let runs: Vec<std::process::Child> = (0..4)
        .map(|i| {
            std::process::Command::new(&bin)
                .env("XDG_DATA_HOME", data.path())
                .env("XDG_CACHE_HOME", data.path().join("cache"))
                .args(["--sandbox", "lightbox", "create", &format!("Run {i}")])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut r in runs {
        assert!(r.wait().unwrap().success());
    }
    // The file is whole (the next run reads it) and holds what one of the runs made.
    let out = sandboxed_in(data.path())
        .args(["--json", "lightbox", "list", "--all"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let names: Vec<String> = json_of(&out)
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["LightboxName"].as_str().map(str::to_owned))
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.starts_with("Run ")),
        "{names:?}"
    );
    // No temporary file is left beside it.
    let dir = state_file(data.path()).parent().unwrap().to_owned();
    let entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
}

#[test]
fn a_download_in_one_run_is_in_the_history_of_the_next() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    sandboxed_in(data.path())
        .args(["-q", "download", "100000004", "--size", "small", "-o"])
        .arg(out_dir.path())
        .assert()
        .success();
    sandboxed_in(data.path())
        .args(["downloads"])
        .assert()
        .success()
        .stdout(predicate::str::contains("100000004"))
        .stdout(predicate::str::contains("1 download in all"));
}

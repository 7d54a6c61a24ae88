//! Downloads: exact sizes, skip when complete, resume a partial file, `--json`, `--quiet`.

use crate::{json_of, sandboxed};
use predicates::prelude::*;

fn expected_size(id: &str, key: &str) -> u64 {
    let out = sandboxed()
        .args(["--json", "details", id])
        .output()
        .unwrap();
    json_of(&out)["Images"][0]["SizesDownloadableImages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["SizeKey"] == key)
        .and_then(|s| s["FileSizeInBytes"].as_u64())
        .unwrap()
}

#[test]
fn downloads_the_exact_size_then_skips_it() {
    let dir = tempfile::tempdir().unwrap();
    let want = expected_size("100000002", "large");
    sandboxed()
        .args(["download", "100000002", "--size", "large", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Downloaded 1 file"));
    let file = dir.path().join("100000002-large.jpg");
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bytes.len() as u64, want);
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    sandboxed()
        .args(["download", "100000002", "--size", "large", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("already complete"));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), want);
}

#[test]
fn a_partial_file_without_its_record_is_started_over() {
    let dir = tempfile::tempdir().unwrap();
    let out = sandboxed()
        .args(["--json", "download", "100000004", "--largest", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let report = json_of(&out);
    let path = std::path::PathBuf::from(report[0]["path"].as_str().unwrap());
    assert_eq!(report[0]["outcome"], "downloaded");
    let whole = std::fs::read(&path).unwrap();
    assert_eq!(whole.len() as u64, report[0]["bytes"].as_u64().unwrap());
    assert_eq!(
        whole.len() as u64,
        expected_size("100000004", report[0]["size_key"].as_str().unwrap())
    );

    // A partial file under the temporary name, but no record of which file it belongs to:
    // it could be another file's bytes, so it is started over, never spliced.
    let cut = whole.len() / 3;
    let mut part_name = path.file_name().unwrap().to_os_string();
    part_name.push(".part");
    let part = path.with_file_name(part_name);
    let mut other = whole[..cut].to_vec();
    other[cut / 2] ^= 0xFF;
    std::fs::write(&part, &other).unwrap();
    std::fs::remove_file(&path).unwrap();

    let out = sandboxed()
        .args(["--json", "download", "100000004", "--largest", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let report = json_of(&out);
    assert_eq!(report[0]["outcome"], "downloaded");
    assert_eq!(report[0]["resumed_from"].as_u64().unwrap(), 0);
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    assert!(!part.exists());
}

#[test]
fn several_files_with_a_summary_and_quiet_mode() {
    let dir = tempfile::tempdir().unwrap();
    sandboxed()
        .args([
            "download",
            "100000005",
            "100000006",
            "--size",
            "small",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Downloaded 2 files"));
    let dir = tempfile::tempdir().unwrap();
    sandboxed()
        .args(["download", "100000005", "--size", "medium", "--quiet", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    assert!(dir.path().join("100000005-medium.jpg").exists());
}

#[test]
fn a_killed_download_resumes_on_the_next_run() {
    // Image 100000000's master is the sandbox's 256 MiB fixture: big enough to stop half-way.
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("100000000-master.jpg");
    let part = dir.path().join("100000000-master.jpg.part");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("getty-connect"))
        .args([
            "--sandbox",
            "--json",
            "download",
            "100000000",
            "--largest",
            "-o",
        ])
        .arg(dir.path())
        .env_remove("GETTY_CONNECT_BASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let meta = dir.path().join("100000000-master.jpg.part.meta");
    let lock = dir.path().join("100000000-master.jpg.part.lock");
    let mut record = None;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::metadata(&part).map_or(0, |m| m.len()) < 1024 * 1024
        && !dest.exists()
        && std::time::Instant::now() < deadline
    {
        record = std::fs::read(&meta).ok().or(record);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    if dest.exists() {
        // Too fast to catch: leave what an interrupted run would have left.
        let whole = std::fs::read(&dest).unwrap();
        std::fs::write(&part, &whole[..whole.len() / 2]).unwrap();
        std::fs::remove_file(&dest).unwrap();
        if let Some(r) = &record {
            std::fs::write(&meta, r).unwrap();
        }
    } else {
        assert!(meta.exists(), "the record is written before the bytes");
        assert!(lock.exists(), "a killed run cannot remove its lock");
    }
    if cfg!(not(target_os = "linux")) {
        // Only Linux tells a dead process's lock apart; elsewhere the user deletes it.
        let _ = std::fs::remove_file(&lock);
    }
    let had = std::fs::metadata(&part).unwrap().len();
    assert!(had > 0);
    let provable = meta.exists();

    let out = sandboxed()
        .args(["--json", "download", "100000000", "--largest", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let report = json_of(&out);
    if provable {
        assert_eq!(report[0]["outcome"], "resumed");
        assert_eq!(report[0]["resumed_from"].as_u64().unwrap(), had);
    }
    assert_eq!(
        std::fs::metadata(&dest).unwrap().len(),
        expected_size("100000000", "master")
    );
    for gone in [&part, &meta, &lock] {
        assert!(!gone.exists(), "{} left behind", gone.display());
    }
}

#[test]
fn a_partial_file_longer_than_the_download_is_started_over() {
    let dir = tempfile::tempdir().unwrap();
    let want = expected_size("100000007", "small");
    std::fs::write(
        dir.path().join("100000007-small.jpg.part"),
        vec![0u8; want as usize + 10],
    )
    .unwrap();
    let out = sandboxed()
        .args(["--json", "download", "100000007", "--size", "small", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_of(&out)[0]["outcome"], "downloaded");
    let bytes = std::fs::read(dir.path().join("100000007-small.jpg")).unwrap();
    assert_eq!(bytes.len() as u64, want);
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
}

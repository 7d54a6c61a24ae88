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
    // One user's embedded sandbox for both runs, as on a real machine.
    let data = crate::fresh_data_dir();
    let sandboxed = || {
        let mut c = sandboxed();
        c.env("XDG_DATA_HOME", &data);
        c
    };
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

    // A partial file under the temporary name beside a file the manifest knows as complete:
    // nothing says which file its bytes belong to, so it is started over, never spliced (on
    // the URL already paid for: nothing is bought).
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
    assert_eq!(report[0]["url"], "reused", "{report}");
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
    use connect_sandbox::{Fault, FaultRule, LARGE_IMAGE_ID, Sandbox, SandboxConfig};
    // A sandbox of its own whose first download sends half the file, then stalls with the
    // connection open: the run is caught mid-download, and killed there.
    const SIZE: u64 = 8 << 20;
    let stall = FaultRule::new(Fault::stall_mid_body(std::time::Duration::from_secs(600)))
        .operation("download")
        .times(1);
    let sb = Sandbox::start_blocking(
        SandboxConfig::default()
            .with_images(2_000)
            .with_large_file_bytes(SIZE)
            .with_fault(stall),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    sb.write_ca_pem(&ca).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let run = |json: bool| {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("getty-connect"));
        for var in ["GETTY_CONNECT_HTTP_BASE_URL", "GETTY_SYSTEM_ID", "RUST_LOG"] {
            c.env_remove(var);
        }
        c.env("XDG_DATA_HOME", dir.path())
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("GETTY_CONNECT_BASE_URL", sb.https_base_url())
            .env("GETTY_CONNECT_CA_CERT", &ca)
            .env("GETTY_CLIENT_ID", "sandbox-client")
            .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
            .env("GETTY_USERNAME", "alice")
            .env("GETTY_PASSWORD", "alice-password")
            .args(if json { &["--json"][..] } else { &[][..] })
            .args(["download", LARGE_IMAGE_ID, "--largest", "-o"])
            .arg(&out_dir);
        c
    };
    let dest = out_dir.join("100000000-master.jpg");
    let part = out_dir.join("100000000-master.jpg.part");
    let manifest = out_dir.join("getty-connect-manifest.json");
    let lock = out_dir.join("getty-connect-manifest.json.lock");
    let mut child = run(false)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for most of the first half on disk (a minute at most, hundreds of times what it
    // takes), then kill.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let on_disk = || std::fs::metadata(&part).map_or(0, |m| m.len());
    while on_disk() < SIZE / 4 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let had = on_disk();
    assert!(
        had >= SIZE / 4,
        "the first half did not arrive: {had} bytes"
    );
    assert!(
        had <= SIZE / 2,
        "killed at the stall, not after it: {had} bytes"
    );
    assert!(!dest.exists());
    assert_eq!(count_faults(&sb), 1);
    let recorded = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        recorded.contains("\"url\"") && recorded.contains("\"etag\""),
        "the URL and what the answer said are recorded before the bytes: {recorded}"
    );
    assert!(lock.exists(), "a killed run cannot remove its lock");
    if cfg!(not(target_os = "linux")) {
        // Only Linux tells a dead process's lock apart; elsewhere the user deletes it.
        std::fs::remove_file(&lock).unwrap();
    }

    // The next run takes the dead run's lock over and asks only for the rest.
    sb.reset_stats();
    let out = run(true).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out);
    assert_eq!(report[0]["outcome"], "resumed", "{report}");
    assert_eq!(report[0]["resumed_from"].as_u64().unwrap(), had);
    assert_eq!(sb.stats().download_bytes, SIZE - had);
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), SIZE);
    let a = sb.stats().assets[LARGE_IMAGE_ID];
    assert_eq!(
        (a.urls_sold, a.whole_gets, a.range_gets),
        (0, 0, 1),
        "resumed, nothing bought"
    );
    for gone in [&part, &lock] {
        assert!(!gone.exists(), "{} left behind", gone.display());
    }
}

fn count_faults(sb: &connect_sandbox::SandboxThread) -> u64 {
    sb.stats()
        .faults_by_kind
        .get("stall_mid_body")
        .copied()
        .unwrap_or(0)
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

/// Creative royalty-free images of the shared sandbox, which EasyAccess, PremiumAccess,
/// RoyaltyFreeSubscription and ImagePack all cover (and alice holds all four).
fn creative_images(n: usize) -> Vec<String> {
    let out = crate::against_shared("alice", "alice-password")
        .args([
            "--json",
            "search",
            "beach",
            "--family",
            "creative",
            "--licensing",
        ])
        .arg("royalty-free")
        .args(["--count", "50"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let found: Vec<String> = json_of(&out)["Images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            let offers = i["ApplicableProductOfferings"].to_string();
            offers.contains("EasyAccess") && offers.contains("ImagePack")
        })
        .filter_map(|i| i["ImageId"].as_str().map(str::to_owned))
        .collect();
    assert!(found.len() >= n, "{found:?}");
    found.into_iter().take(n).collect()
}

fn history(kind: &str) -> serde_json::Value {
    let out = crate::against_shared("alice", "alice-password")
        .args(["--json", kind, "--all"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    json_of(&out)
}

#[test]
fn the_offering_that_pays_is_the_default_or_the_one_asked_for_and_the_report_says_which() {
    let ids = creative_images(4);
    let dir = tempfile::tempdir().unwrap();
    let download = |id: &str, extra: &[&str]| {
        crate::against_shared("alice", "alice-password")
            .args(["--json", "download", id, "-o"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap()
    };
    let bought = |id: &str| {
        history("purchases")
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["AssetId"] == id)
            .count()
    };
    // By default a free offering pays: nothing is bought.
    let out = download(&ids[0], &["--size", "small"]);
    assert!(out.status.success(), "{out:?}");
    let report = &json_of(&out)[0];
    assert_eq!(report["offering"]["name"], "EasyAccess", "{report}");
    assert_eq!(report["offering"]["reason"], "free");
    assert_eq!(report["offering"]["free"], true);
    assert_eq!(bought(&ids[0]), 0);

    // --offering picks another, for a size key and for the largest size; the download history
    // and the purchases follow the token spent.
    for (id, offering, size) in [
        (&ids[1], "PremiumAccess", "--size=small"),
        (&ids[2], "imagepack", "--largest"),
    ] {
        let out = download(id, &["--offering", offering, size]);
        assert!(out.status.success(), "{out:?}");
        let report = &json_of(&out)[0];
        assert!(
            report["offering"]["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case(offering),
            "{report}"
        );
        assert_eq!(report["offering"]["reason"], "asked_for");
        assert_eq!(report["offering"]["free"], false);
        assert!(report["offering"]["downloads_remaining"].is_i64() || size == "--largest");
        assert_eq!(bought(id), 1, "{offering}");
        // Other tests download as alice too: this image's entry, downloaded once here.
        let all = history("downloads");
        let mine: Vec<_> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["AssetId"] == id.as_str())
            .collect();
        assert_eq!(mine.len(), 1, "{all}");
        let newest = mine[0];
        assert!(
            newest["ProductOffering"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case(offering),
            "{newest}"
        );
    }

    // In text, each file's line names the offering that paid.
    let out = crate::against_shared("alice", "alice-password")
        .args([
            "download",
            &ids[3],
            "--size",
            "small",
            "--offering",
            "PremiumAccess",
            "-o",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("paid by PremiumAccess (") && text.contains("downloads left, asked for)"),
        "{text}"
    );
}

#[test]
fn an_offering_that_does_not_cover_the_image_is_refused_before_anything_is_spent() {
    let id = &creative_images(5)[4];
    let dir = tempfile::tempdir().unwrap();
    let of_image = || {
        history("downloads")
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["AssetId"] == id.as_str())
            .count()
    };
    for size in ["--size=small", "--largest"] {
        let out = crate::against_shared("alice", "alice-password")
            .args([
                "download",
                id,
                size,
                "--offering",
                "EditorialSubscription",
                "-o",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        crate::assert_one_error_line(
            &out,
            &[
                "\"EditorialSubscription\"",
                "EasyAccess",
                "PremiumAccess",
                "nothing was spent",
                "--offering",
            ],
        );
        // The command line as given cannot work; nothing was changed.
        assert_eq!(out.status.code(), Some(2));
    }
    assert_eq!(of_image(), 0, "nothing was downloaded");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn verbose_logs_show_which_offering_pays() {
    let id = &creative_images(6)[5];
    let dir = tempfile::tempdir().unwrap();
    let out = crate::against_shared("alice", "alice-password")
        .args(["-v", "download", id, "--largest", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains(&format!("download of image {id} paid by")))
        .unwrap_or_else(|| panic!("no offering line in:\n{err}"));
    // EasyAccess covers the image and costs nothing: the default takes it, and says why.
    assert!(line.contains("paid by EasyAccess (free)"), "{line}");
    assert!(
        line.contains("reason=\"free\"") || line.contains("reason=free"),
        "{line}"
    );
    assert!(!line.to_ascii_lowercase().contains("token"), "{line}");
}

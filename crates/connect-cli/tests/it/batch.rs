//! Downloads that are interrupted, killed and run again: nothing is paid for twice, complete
//! files are never fetched again, partial ones resume with `Range` on the URL already paid for.
//! Each test runs a sandbox of its own (its faults and counters are the test's) and the real
//! binary against it.

use crate::json_of;
use connect_sandbox::{AssetStats, Fault, FaultRule, Sandbox, SandboxConfig, SandboxThread};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A sandbox of this test's and what `getty-connect` needs to reach it.
struct Remote {
    sb: SandboxThread,
    dir: tempfile::TempDir,
    ca: PathBuf,
}

impl Remote {
    fn start(config: SandboxConfig) -> Self {
        let sb = Sandbox::start_blocking(config.with_images(2_000)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        sb.write_ca_pem(&ca).unwrap();
        Self { sb, dir, ca }
    }

    /// `getty-connect ARGS` against this sandbox, as alice, with a data folder of its own.
    fn cli(&self, args: &[&str]) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("getty-connect"));
        for var in ["GETTY_CONNECT_HTTP_BASE_URL", "GETTY_SYSTEM_ID", "RUST_LOG"] {
            c.env_remove(var);
        }
        c.env("XDG_DATA_HOME", self.dir.path())
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .env("GETTY_CONNECT_BASE_URL", self.sb.https_base_url())
            .env("GETTY_CONNECT_CA_CERT", &self.ca)
            .env("GETTY_CLIENT_ID", "sandbox-client")
            .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
            .env("GETTY_USERNAME", "alice")
            .env("GETTY_PASSWORD", "alice-password")
            .args(args);
        c
    }

    fn asset(&self, id: &str) -> AssetStats {
        self.sb.stats().assets.get(id).copied().unwrap_or_default()
    }

    fn create_download_requests(&self) -> u64 {
        self.sb
            .stats()
            .operations
            .get("CreateDownloadRequest")
            .copied()
            .unwrap_or(0)
    }

    /// The file of `id` at `size`, as the catalog serves it (through the SDK, from a sandbox of
    /// the same seed: these counters stay the test's).
    fn catalog_bytes(reference: &SandboxThread, id: &str, size: &str) -> Vec<u8> {
        let client = connect_blocking::Client::builder()
            .credentials(connect_blocking::Credentials::resource_owner(
                "sandbox-client",
                "sandbox-client-secret",
                "alice",
                "alice-password",
            ))
            .base_url(reference.https_base_url())
            .root_certificate_pem(reference.ca_pem().as_bytes().to_vec())
            .build()
            .unwrap();
        let mut bytes = Vec::new();
        client
            .download(id, size)
            .unwrap()
            .to_writer(&mut bytes)
            .unwrap();
        bytes
    }
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Waits (a minute at most, hundreds of times what it takes) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// An image PremiumAccess covers, so that each CreateDownloadRequest spending its token is a
/// purchase the history lists.
fn premium_image(r: &Remote) -> String {
    let out = r
        .cli(&["--json", "search", "beach", "--family", "creative"])
        .args(["--licensing", "royalty-free", "--count", "50"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    json_of(&out)["Images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["ApplicableProductOfferings"]
                .to_string()
                .contains("PremiumAccess")
        })
        .and_then(|i| i["ImageId"].as_str().map(str::to_owned))
        .expect("a royalty-free image PremiumAccess covers")
}

fn purchases_of(r: &Remote, id: &str) -> usize {
    let out = r.cli(&["--json", "purchases", "--all"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    json_of(&out)
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["AssetId"] == id)
        .count()
}

#[test]
fn a_download_interrupted_three_times_is_bought_once_and_byte_identical() {
    let r = Remote::start(SandboxConfig::default());
    let id = premium_image(&r);
    let out_dir = r.dir.path().join("out");
    let args = [
        "download",
        id.as_str(),
        "--largest",
        "--offering",
        "PremiumAccess",
        "--to",
        out_dir.to_str().unwrap(),
        // The stall protection would resume on its own; the test kills first.
        "--stall-grace",
        "10m",
    ];
    let mut part = None;
    for run in 1..=3 {
        // This run's download gets half of what it asks for, then the connection stays open
        // and silent: the run is caught mid-download, and killed there.
        r.sb.inject(
            FaultRule::new(Fault::stall_mid_body(Duration::from_secs(600)))
                .operation("download")
                .times(1),
        );
        let mut child = r
            .cli(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let before = part.as_deref().map_or(0, len);
        wait_until("the first half of the answer on disk", || {
            let p = std::fs::read_dir(&out_dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "part"));
            if let Some(p) = p {
                part = Some(p);
            }
            part.as_deref().is_some_and(|p| len(p) > before + 64 * 1024)
        });
        child.kill().unwrap();
        child.wait().unwrap();
        r.sb.clear_faults();
        assert_eq!(r.asset(&id).urls_sold, 1, "run {run} bought nothing more");
    }
    let part = part.unwrap();
    let held = len(&part);
    let out = r.cli(&args).arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = &json_of(&out)[0];
    assert_eq!(report["outcome"], "resumed", "{report}");
    assert_eq!(report["url"], "reused", "{report}");
    assert_eq!(report["resumed_from"].as_u64(), Some(held));
    assert_eq!(report["paid_earlier_by"], "PremiumAccess");

    // One purchase, one CreateDownloadRequest, every GET after the first a resume.
    let a = r.asset(&id);
    assert_eq!(a.urls_sold, 1);
    assert_eq!(r.create_download_requests(), 1);
    assert_eq!(purchases_of(&r, &id), 1);
    assert_eq!((a.whole_gets, a.range_gets), (1, 3), "{a:?}");
    let path = PathBuf::from(report["path"].as_str().unwrap());
    let key = report["size_key"].as_str().unwrap();
    let reference = Sandbox::start_blocking(SandboxConfig::default().with_images(2_000)).unwrap();
    assert!(
        std::fs::read(&path).unwrap() == Remote::catalog_bytes(&reference, &id, key),
        "byte-identical to the catalog's"
    );
    assert!(!part.exists());
}

#[test]
fn a_killed_batch_of_40_is_finished_by_the_same_command_without_buying_twice() {
    let r = Remote::start(SandboxConfig::default());
    let ids: Vec<String> = (0..40).map(|i| (100_000_200 + i).to_string()).collect();
    let list = r.dir.path().join("ids.txt");
    std::fs::write(&list, format!("# a nightly batch\n{}\n", ids.join("\n"))).unwrap();
    let out_dir = r.dir.path().join("out");
    let args = [
        "download",
        "--from",
        list.to_str().unwrap(),
        "--to",
        out_dir.to_str().unwrap(),
        "--size",
        "small",
        "--parallel",
        "4",
    ];
    // Twelve files download; from the thirteenth GET on, every answer sends half its body and
    // stalls: the four workers end up mid-body, each on a URL it has paid for (and recorded).
    r.sb.inject(
        FaultRule::new(Fault::stall_mid_body(Duration::from_secs(600)))
            .operation("download")
            .after(12),
    );
    let mut child = r
        .cli(&args)
        .arg("--no-stall-check")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let file = |id: &str| out_dir.join(format!("{id}-small.jpg"));
    let part = |id: &str| out_dir.join(format!("{id}-small.jpg.part"));
    wait_until("twelve files complete and four caught mid-body", || {
        let complete = ids.iter().filter(|id| file(id).exists()).count();
        let partial = ids.iter().filter(|id| len(&part(id)) > 0).count();
        complete == 12 && partial == 4 && r.sb.stats().downloads == 16
    });
    // SIGKILL: no chance to tidy up.
    child.kill().unwrap();
    child.wait().unwrap();
    r.sb.clear_faults();
    let complete: Vec<&String> = ids.iter().filter(|id| file(id).exists()).collect();
    let partial: Vec<&String> = ids.iter().filter(|id| len(&part(id)) > 0).collect();
    assert_eq!((complete.len(), partial.len()), (12, 4));
    assert_eq!(r.create_download_requests(), 16);
    let before: Vec<AssetStats> = ids.iter().map(|id| r.asset(id)).collect();

    let out = r.cli(&args).arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out);
    let reports = report.as_array().unwrap();
    assert_eq!(reports.len(), 40);
    let of = |id: &str| reports.iter().find(|r| r["image_id"] == id).unwrap();

    // Exactly 40 CreateDownloadRequests across both runs, none for an image twice.
    assert_eq!(r.create_download_requests(), 40);
    for id in &ids {
        assert_eq!(r.asset(id).urls_sold, 1, "image {id} bought once");
    }
    // Complete files were not fetched again; partial ones resumed with Range, on their URL.
    for (n, id) in ids.iter().enumerate() {
        let (was, now) = (before[n], r.asset(id));
        if complete.contains(&id) {
            assert_eq!(now, was, "{id} was complete: not fetched again");
            assert_eq!(of(id)["outcome"], "skipped");
        } else if partial.contains(&id) {
            assert_eq!(
                now.whole_gets, was.whole_gets,
                "{id}: no GET from the first byte"
            );
            assert_eq!(
                now.range_gets,
                was.range_gets + 1,
                "{id}: resumed with Range"
            );
            assert_eq!(of(id)["outcome"], "resumed");
            assert_eq!(of(id)["url"], "reused");
        } else {
            assert_eq!(of(id)["outcome"], "downloaded");
            assert_eq!(of(id)["url"], "bought");
        }
    }
    // Every file byte-identical to the catalog's.
    let reference = Sandbox::start_blocking(SandboxConfig::default().with_images(2_000)).unwrap();
    for id in &ids {
        assert!(
            std::fs::read(file(id)).unwrap() == Remote::catalog_bytes(&reference, id, "small"),
            "{id} byte-identical"
        );
        assert!(!part(id).exists());
    }
    assert!(!out_dir.join("getty-connect-manifest.json.lock").exists());
}

#[test]
fn a_lightbox_downloads_into_a_folder_and_ids_come_from_standard_input() {
    let r = Remote::start(SandboxConfig::default());
    let out = r
        .cli(&["--json", "lightbox", "create", "layout"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let lightbox = json_of(&out)["LightboxId"].to_string();
    let ids = ["100000301", "100000302", "100000303"];
    let add = r
        .cli(&["lightbox", "add", &lightbox])
        .args(ids)
        .output()
        .unwrap();
    assert!(add.status.success(), "{add:?}");
    let dir = r.dir.path().join("layout");
    let out = r
        .cli(&[
            "lightbox",
            "download",
            &lightbox,
            "--size",
            "small",
            "--parallel",
            "2",
        ])
        .arg("--to")
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Downloaded 3 files"), "{text}");
    assert!(text.contains("3 download URLs bought"), "{text}");
    for id in ids {
        assert!(dir.join(format!("{id}-small.jpg")).exists());
    }

    // `--from -`: the same ids on standard input, into the same folder: nothing to do.
    let mut child = r
        .cli(&["download", "--from", "-", "--size", "small", "--to"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}\n\n# done", ids.join("\n")).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Nothing to download: 3 files already complete"),
        "{text}"
    );
    for id in ids {
        assert_eq!(r.asset(id).urls_sold, 1);
    }
}

#[test]
fn a_single_step_download_resumes_on_its_url_and_a_complete_one_is_never_bought_again() {
    let r = Remote::start(SandboxConfig::default());
    let id = "100000401";
    let out_dir = r.dir.path().join("out");
    let args = [
        "download",
        id,
        "--single-step",
        "--to",
        out_dir.to_str().unwrap(),
        "--stall-grace",
        "10m",
    ];
    r.sb.inject(
        FaultRule::new(Fault::stall_mid_body(Duration::from_secs(600)))
            .operation("download")
            .times(1),
    );
    let mut child = r
        .cli(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let part = out_dir.join(format!("{id}.jpg.part"));
    wait_until("half the file on disk", || len(&part) > 16 * 1024);
    child.kill().unwrap();
    child.wait().unwrap();
    r.sb.clear_faults();
    assert_eq!(r.asset(id).urls_sold, 1);

    let out = r.cli(&args).arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = &json_of(&out)[0];
    assert_eq!(report["outcome"], "resumed", "{report}");
    assert_eq!(report["url"], "reused", "{report}");
    let before = r.asset(id);
    assert_eq!(
        (before.urls_sold, before.whole_gets, before.range_gets),
        (1, 1, 1)
    );

    // Complete: neither fetched nor paid for again.
    let out = r.cli(&args).arg("--json").output().unwrap();
    assert!(out.status.success());
    assert_eq!(json_of(&out)[0]["outcome"], "skipped");
    assert_eq!(r.asset(id), before);
    let single_steps = r.sb.stats().operations.get("SingleStepDownload").copied();
    assert_eq!(single_steps, Some(1), "one SingleStepDownload in all");
}

#[test]
fn a_daily_limit_ends_the_asking_the_rest_is_reported_and_the_same_command_resumes_later() {
    // Five calls a day: the token, the details, the tokens and two CreateDownloadRequests.
    let r = Remote::start(SandboxConfig::default().with_daily_limit(Some(5)));
    let out_dir = r.dir.path().join("out");
    let ids = ["100000501", "100000502", "100000503", "100000504"];
    let out = r
        .cli(&["download", "--size", "small", "--parallel", "1", "--to"])
        .arg(&out_dir)
        .args(ids)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("Downloaded 2 files"), "{stdout}");
    assert!(stdout.contains(", 2 failed"), "{stdout}");
    assert!(
        stderr.contains("no more download URLs were asked for"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stopped asking for download URLs"),
        "{stderr}"
    );
    let sold: u64 = ids.iter().map(|id| r.asset(id).urls_sold).sum();
    assert_eq!(sold, 2);

    // A new day: the same command downloads the rest, and only the rest.
    r.sb.advance(Duration::from_secs(24 * 3600));
    let out = r
        .cli(&[
            "--json",
            "download",
            "--size",
            "small",
            "--parallel",
            "1",
            "--to",
        ])
        .arg(&out_dir)
        .args(ids)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out);
    let outcomes: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["skipped", "skipped", "downloaded", "downloaded"]);
    for id in ids {
        assert_eq!(r.asset(id).urls_sold, 1, "{id}");
    }
}

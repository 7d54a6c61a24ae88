//! Downloads that never pay twice, bulk downloads and stall protection, against the sandbox,
//! through both clients (included by each client's `tests/it/main.rs` like `scenarios.rs`).
//!
//! What a purchase is, the sandbox counts per image ([`connect_sandbox::AssetStats`]): URLs
//! sold (CreateDownloadRequest or SingleStepDownload charged an offering), GETs from the first
//! byte, GETs with `Range`.

use super::scenarios::{EXCLUSIVE, alice, client, start};
use super::sdk;
use connect_sandbox::{AssetStats, Fault, FaultRule, SandboxConfig, SandboxThread};
use sdk::ops::{CreateLightboxItemsRequest, CreateLightboxRequest};
use sdk::{StallRule, UrlUse};
use std::time::{Duration, Instant};

fn asset(sb: &SandboxThread, id: &str) -> AssetStats {
    sb.stats().assets.get(id).copied().unwrap_or_default()
}

fn ids(n: u64) -> Vec<String> {
    (1..=n).map(|i| (100_000_100 + i).to_string()).collect()
}

/// The next `n` GETs of download URLs fail: half a body and a cut, then refused connections,
/// until the download gives up and keeps its `.part`.
fn interrupt_next_download(sb: &SandboxThread) {
    sb.inject(
        FaultRule::new(Fault::CutMidBody)
            .operation("download")
            .times(1),
    );
    sb.inject(
        FaultRule::new(Fault::DropBefore)
            .operation("download")
            .times(5),
    );
}

scenario! {
    fn an_interrupted_download_resumes_on_the_url_it_paid_for() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("img.jpg");
        let id = "100000031";
        for run in 0..2 {
            interrupt_next_download(&sb);
            let e = wait!(c.download_builder(id).size("large").to_file(&dest)).unwrap_err();
            assert_eq!(e.kind(), sdk::ErrorKind::Transport, "run {run}: {e}");
            sb.clear_faults();
            assert!(dir.path().join("img.jpg.part").exists());
            let meta = std::fs::read_to_string(dir.path().join("img.jpg.part.meta")).unwrap();
            assert!(meta.contains("\"url\""), "the URL paid for is kept: {meta}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(dir.path().join("img.jpg.part.meta"))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "the record holds a URL: owner-only");
            }
            assert_eq!(asset(&sb, id).urls_sold, 1, "run {run} bought nothing more");
        }
        let s = wait!(c.download_builder(id).size("large").to_file(&dest)).unwrap();
        assert!(matches!(s.url, UrlUse::Reused { .. }), "{:?}", s.url);
        assert!(s.resumed_from > 0);
        let a = asset(&sb, id);
        assert_eq!(a.urls_sold, 1, "one purchase in all");
        assert_eq!(a.whole_gets, 1, "only the first GET asked for the whole file");
        assert!(a.range_gets >= 2, "{a:?}");
        // Byte-identical to a fresh download of the same file.
        let mut fresh = Vec::new();
        wait!(wait!(c.download(id, "large")).unwrap().to_writer(&mut fresh)).unwrap();
        assert!(std::fs::read(&dest).unwrap() == fresh);
        // A complete file is never fetched or paid for again.
        let before = asset(&sb, id);
        let again = wait!(c.download_builder(id).size("large").to_file(&dest)).unwrap();
        assert!(again.skipped && again.url == UrlUse::NotNeeded);
        assert_eq!(asset(&sb, id), before);
    }
}

scenario! {
    fn a_url_the_server_refuses_is_bought_again_once_and_said_so() {
        let sb = start(SandboxConfig::default().with_download_url_ttl(Duration::from_secs(3600)));
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("img.jpg");
        let id = "100000032";
        interrupt_next_download(&sb);
        wait!(c.download_builder(id).size("large").to_file(&dest)).unwrap_err();
        sb.clear_faults();
        // The URL's hour passes on the sandbox's clock only: the client still holds it valid,
        // the server answers 410.
        sb.advance(Duration::from_secs(2 * 3600));
        let s = wait!(c.download_builder(id).size("large").to_file(&dest)).unwrap();
        assert_eq!(s.url, UrlUse::Renewed(sdk::RenewReason::Refused { status: 410 }));
        assert!(s.resumed_from > 0, "the bytes held are kept");
        assert_eq!(asset(&sb, id).urls_sold, 2);
    }
}

scenario! {
    fn a_stalled_body_resumes_on_the_same_url_after_the_grace_period() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("img.jpg");
        let id = "100000033";
        // Half the file, then the connection stays open and silent for ten minutes.
        let stall = Duration::from_secs(600);
        sb.inject(FaultRule::new(Fault::stall_mid_body(stall)).operation("download").times(1));
        let grace = Duration::from_millis(800);
        let started = Instant::now();
        let s = wait!(c
            .download_builder(id)
            .size("large")
            .stall(Some(StallRule::new(1024, grace)))
            .to_file(&dest))
        .unwrap();
        let took = started.elapsed();
        assert_eq!(s.stalls, 1);
        assert_eq!(s.url, UrlUse::Bought);
        let a = asset(&sb, id);
        assert_eq!((a.urls_sold, a.whole_gets, a.range_gets), (1, 1, 1), "resumed with Range");
        // Structural, not timed: the download did not wait the stall out.
        assert!(took < stall / 10, "{took:?}");
        assert!(s.stalled_for >= grace / 2, "{:?}", s.stalled_for);
        eprintln!(
            "stall given up {:?} after its last byte (grace {grace:?}, {:.2}x); download took {took:?}",
            s.stalled_for,
            s.stalled_for.as_secs_f64() / grace.as_secs_f64()
        );
    }
}

scenario! {
    fn a_slow_steady_trickle_above_the_minimum_is_not_a_stall() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let id = "100000034";
        let details = wait!(c.image_details(&sdk::ops::GetImageDetailsRequest::ids([id]))).unwrap();
        let small = details.result.images[0]
            .sizes_downloadable_images
            .iter()
            .find(|s| s.size_key.as_deref() == Some("small"))
            .and_then(|s| s.file_size_in_bytes)
            .unwrap();
        // The whole body over about 2.5 s, steadily, against a minimum of an eighth of that
        // pace over a grace period of 1.5 s.
        let pace = (small * 2 / 5).max(400);
        sb.inject(FaultRule::new(Fault::trickle(pace)).operation("download").times(1));
        let s = wait!(c
            .download_builder(id)
            .size("small")
            .stall(Some(StallRule::new(pace / 8, Duration::from_millis(1500))))
            .to_file(dir.path().join("img.jpg")))
        .unwrap();
        assert_eq!((s.stalls, s.resumes), (0, 0));
        assert_eq!(s.bytes, small);
        let a = asset(&sb, id);
        assert_eq!((a.whole_gets, a.range_gets), (1, 0));
        assert_eq!(sb.stats().faults_by_kind.get("trickle"), Some(&1));
    }
}

scenario! {
    fn download_many_fills_a_folder_and_a_rerun_fetches_nothing() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let mut list = ids(6);
        list.push("100000101".into()); // a repeat is downloaded once
        list.push("999999999".into()); // no such image: its report, not the batch's
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = heard.clone();
        let report = wait!(c
            .download_many(list.clone())
            .to(dir.path())
            .parallel(3)
            .size("small")
            .on_event(move |e| {
                if let sdk::BatchEvent::Finished(r) = e {
                    log.lock().unwrap().push(r.image_id.clone());
                }
            })
            .run())
        .unwrap();
        assert_eq!(report.files.len(), 7);
        assert_eq!((report.downloaded(), report.failed(), report.bought()), (6, 1, 6));
        let failed = report.files.iter().find(|r| r.result.is_err()).unwrap();
        assert_eq!(failed.image_id, "999999999");
        assert_eq!(heard.lock().unwrap().len(), 7, "one report event per image");
        for id in ids(6) {
            let path = dir.path().join(format!("{id}-small.jpg"));
            assert!(path.exists(), "{}", path.display());
            assert_eq!(asset(&sb, &id).urls_sold, 1);
        }
        let manifest = dir.path().join("getty-connect-manifest.json");
        let text = std::fs::read_to_string(&manifest).unwrap();
        assert!(text.contains("\"state\": \"complete\"") && text.contains("keep it private"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&manifest).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the manifest holds URLs: owner-only");
        }
        // Nothing secret in the report's Debug.
        let debug = format!("{report:?}");
        assert!(!debug.contains("/download/"), "{debug}");
        assert!(!dir.path().join("getty-connect-manifest.json.lock").exists());

        let before = sb.stats();
        let again = wait!(c.download_many(list).to(dir.path()).size("small").run()).unwrap();
        assert_eq!(again.skipped(), 6);
        assert_eq!(again.bought(), 0);
        let after = sb.stats();
        assert_eq!(after.assets, before.assets, "nothing bought or fetched again");
    }
}

scenario! {
    fn a_lightbox_downloads_as_a_batch() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let lb = wait!(c.create_lightbox(&CreateLightboxRequest::named("layout"))).unwrap();
        let id = lb.result.lightbox_id.unwrap();
        wait!(c.add_lightbox_items(&CreateLightboxItemsRequest::new(id, ids(3)))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let report = wait!(c.download_lightbox(id).to(dir.path()).size("small").parallel(2).run())
            .unwrap();
        assert_eq!((report.files.len(), report.downloaded()), (3, 3));
        for id in ids(3) {
            assert!(dir.path().join(format!("{id}-small.jpg")).exists());
        }
    }
}

scenario! {
    fn a_daily_limit_stops_the_asking_while_paid_downloads_finish() {
        // Five calls a day: the token, the details, the tokens, and two CreateDownloadRequests.
        let sb = start(SandboxConfig::default().with_daily_limit(Some(5)));
        let c = client(&sb, alice());
        // The first download comes quickly, the second slowly: the limit is reached while the
        // second, paid for, is still on its way.
        sb.inject(FaultRule::new(Fault::trickle(200_000)).operation("download").times(1));
        sb.inject(FaultRule::new(Fault::trickle(30_000)).operation("download").times(1));
        let dir = tempfile::tempdir().unwrap();
        let report = wait!(c.download_many(ids(6)).to(dir.path()).size("small").parallel(2).run())
            .unwrap();
        assert_eq!(report.downloaded(), 2, "both paid downloads finished: {report:?}");
        let errors: Vec<&sdk::Error> =
            report.files.iter().filter_map(|r| r.result.as_ref().err()).collect();
        assert_eq!(errors.len(), 4);
        // One refused by the limit itself, three not asked for because of it: all four say the
        // daily limit is why.
        let limited = errors.iter().filter(|e| e.kind() == sdk::ErrorKind::RateLimited).count();
        let stopped = errors
            .iter()
            .filter(|e| e.to_string().contains("stopped asking for download URLs"))
            .count();
        assert_eq!((limited, stopped), (1, 3), "{errors:?}");
        assert!(errors.iter().all(|e| e.is_daily_limit()), "{errors:?}");
        assert!(report.stopped.is_some());
        // One refused call told it; the images after it were not even asked for.
        let refused: u64 = sb.stats().app_keys.values().map(|k| k.refused_for_day).sum();
        assert_eq!(refused, 1);
        let sold: u64 = sb.stats().assets.values().map(|a| a.urls_sold).sum();
        assert_eq!(sold, 2);
    }
}

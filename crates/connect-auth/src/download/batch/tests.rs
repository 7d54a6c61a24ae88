//! [`Batch`] in a simulated world: killed runs, re-runs, limits, failures.

use super::super::sim::{Stop, World, daily_limit, file_of};
use super::*;
use crate::download::UrlUse;

fn ids(n: u32) -> Vec<String> {
    (1..=n).map(|i| format!("{}", 100 + i)).collect()
}

fn spec(ids: Vec<String>) -> BatchSpec {
    BatchSpec::new(BatchSource::Ids(ids), "/dl")
}

fn names(n: u32) -> Vec<String> {
    ids(n).iter().map(|id| format!("{id}-large.jpg")).collect()
}

#[test]
fn a_killed_batch_rerun_buys_each_image_once_and_fetches_only_what_is_missing() {
    let mut w = World::default();
    let total: u64 = ids(40).iter().map(|id| file_of(id).len() as u64).sum();
    // Killed after a bit less than half of all the bytes.
    assert!(
        w.batch(spec(ids(40)), Stop::AtBytes(total * 2 / 5))
            .is_none()
    );
    let complete_before: Vec<String> = names(40)
        .into_iter()
        .filter(|n| w.disk.contains_key(n))
        .collect();
    let partial_before: Vec<String> = names(40)
        .into_iter()
        .filter(|n| w.disk.contains_key(&format!("{n}.part")))
        .collect();
    assert!(
        !complete_before.is_empty() && partial_before.len() == 1,
        "{partial_before:?}"
    );
    let bought_before = w.purchases();
    let gets_before = w.gets.len();

    let reports = w
        .batch(spec(ids(40)), Stop::Never)
        .expect("the re-run ends");
    assert_eq!(reports.len(), 40);
    for (id, name) in ids(40).iter().zip(names(40)) {
        assert_eq!(w.disk[&name], file_of(id), "{name} byte-identical");
        assert_eq!(
            w.bought.get(id),
            Some(&1),
            "{id} bought once across both runs"
        );
    }
    assert_eq!(w.purchases(), 40);
    let rerun: Vec<&(String, Option<String>)> = w.gets[gets_before..].iter().collect();
    for name in &complete_before {
        let id = name.split('-').next().unwrap();
        assert!(
            rerun.iter().all(|(g, _)| g != id),
            "{id} was complete: not fetched again"
        );
    }
    for name in &partial_before {
        let id = name.split('-').next().unwrap();
        let (_, range) = rerun
            .iter()
            .find(|(g, _)| g == id)
            .expect("the partial one is fetched");
        assert!(range.is_some(), "{id} resumed with Range");
    }
    // The re-run's reports: skipped, resumed (on the URL already paid), and bought.
    let skipped = reports
        .iter()
        .filter(|r| r.result.as_ref().is_ok_and(|s| s.skipped))
        .count();
    assert_eq!(skipped, complete_before.len());
    let reused = reports
        .iter()
        .filter(|r| matches!(r.result.as_ref().map(|s| &s.url), Ok(UrlUse::Reused { .. })))
        .count();
    assert_eq!(reused, 1);
    assert_eq!(
        reports
            .iter()
            .filter(|r| r.result.as_ref().is_ok_and(|s| s.url.bought()))
            .count() as u32,
        40 - bought_before
    );
    // A third run does nothing at all.
    let (gets, calls) = (w.gets.len(), w.authorizations + w.details);
    let again = w.batch(spec(ids(40)), Stop::Never).unwrap();
    assert!(
        again
            .iter()
            .all(|r| r.result.as_ref().is_ok_and(|s| s.skipped))
    );
    assert_eq!((w.gets.len(), w.authorizations + w.details), (gets, calls));
}

#[test]
fn one_failing_image_never_stops_the_others() {
    let mut w = World::default();
    w.unknown.insert("103".into());
    let reports = w.batch(spec(ids(5)), Stop::Never).unwrap();
    let failed: Vec<&FileReport> = reports.iter().filter(|r| r.result.is_err()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].image_id, "103");
    let e = failed[0].result.as_ref().unwrap_err();
    assert_eq!(e.status_code(), Some(&StatusCode::ImageNotFound));
    assert_eq!(w.purchases(), 4);
    // The details of every image came in one call, and their tokens in one more.
    assert_eq!((w.details, w.authorizations), (1, 1));
}

#[test]
fn a_daily_limit_stops_the_asking_while_paid_downloads_finish() {
    let mut w = World::default();
    let total: u64 = ids(6).iter().map(|id| file_of(id).len() as u64).sum();
    // A first run pays for some images and is killed in the middle of one.
    assert!(w.batch(spec(ids(6)), Stop::AtBytes(total / 3)).is_none());
    let paid = w.purchases();
    assert!(paid >= 2, "{paid}");
    // Then the account reaches its daily limit: nothing more can be bought.
    w.daily_budget = Some(0);
    let calls = w.authorizations + w.details;
    let reports = w.batch(spec(ids(6)), Stop::Never).unwrap();
    assert_eq!(w.purchases(), paid, "nothing bought past the limit");
    let ok = reports.iter().filter(|r| r.result.is_ok()).count() as u32;
    assert_eq!(ok, paid, "every image paid for is complete");
    for r in reports.iter().filter(|r| r.result.is_err()) {
        let e = r.result.as_ref().unwrap_err();
        assert!(matches!(e, Error::AuthorizationsStopped { .. }), "{e}");
        assert!(e.to_string().contains("Account Over Rate Limit"), "{e}");
    }
    // One refused call told it: the rest were not even asked.
    assert_eq!(w.authorizations + w.details, calls + 1);
}

#[test]
fn a_refused_purchase_stops_the_others_from_asking() {
    let mut w = World::default();
    w.failing.insert("CreateDownloadRequest", daily_limit);
    let reports = w.batch(spec(ids(4)), Stop::Never).unwrap();
    assert!(reports.iter().all(|r| r.result.is_err()));
    let stopped = reports
        .iter()
        .filter(|r| matches!(r.result, Err(Error::AuthorizationsStopped { .. })))
        .count();
    // The first purchase was refused with the daily limit; the three others never asked.
    assert_eq!(stopped, 3);
    assert_eq!(w.purchases(), 0);
    // The daily limit's kind stops the asking; so does its 403 without the gateway's header,
    // and refused credentials. The per-second throttle passes, and does not.
    assert!(stops_authorizing(&daily_limit()));
    let http = |text: &str| Error::Http {
        operation: "CreateDownloadRequest",
        status: 403,
        retry_after: None,
        server_text: Some(text.into()),
        attempts: crate::Attempts::one(),
    };
    assert!(stops_authorizing(&http("Account Over Rate Limit")));
    assert!(!stops_authorizing(&http(
        "Account Over Queries Per Second Limit"
    )));
    let per_second = Error::RateLimited {
        operation: "CreateDownloadRequest",
        scope: crate::RateLimitScope::PerSecond,
    };
    assert!(!stops_authorizing(&per_second));
    assert!(!stops_authorizing(&Error::NotCovered {
        operation: "download",
        image_id: "1".into(),
        what: "at any size".into(),
    }));
}

#[test]
fn the_manifest_is_the_record_and_damage_stops_the_batch() {
    let mut w = World::default();
    w.batch(spec(ids(3)), Stop::Never).unwrap();
    let m = Manifest::from_bytes(&w.disk[manifest::MANIFEST_FILE]).unwrap();
    assert_eq!(m.files.len(), 3);
    for e in &m.files {
        assert_eq!(e.state, EntryState::Complete);
        assert_eq!(e.bytes, Some(file_of(&e.record.image_id).len() as u64));
        assert!(e.record.url.is_some() && e.record.url_expires_at.is_some());
        assert_eq!(
            e.record
                .paid_by
                .as_ref()
                .and_then(|p| p.offering.as_deref()),
            Some("PremiumAccess")
        );
    }
    // A complete file whose size no longer matches is fetched again, on the URL paid for.
    let name = "101-large.jpg";
    w.disk.get_mut(name).unwrap().truncate(10);
    let reports = w.batch(spec(ids(3)), Stop::Never).unwrap();
    let r = reports.iter().find(|r| r.image_id == "101").unwrap();
    assert!(matches!(
        r.result.as_ref().unwrap().url,
        UrlUse::Reused { .. }
    ));
    assert_eq!(w.disk[name], file_of("101"));
    assert_eq!(w.purchases(), 3);
    // A damaged manifest is refused before anything is asked.
    w.disk
        .insert(manifest::MANIFEST_FILE.into(), b"{oops".to_vec());
    assert!(Batch::new(spec(ids(3)), Some(b"{oops")).is_err());
}

#[test]
fn expired_urls_in_the_manifest_are_bought_again_and_said_so() {
    let mut w = World::default();
    let total: u64 = ids(2).iter().map(|id| file_of(id).len() as u64).sum();
    assert!(w.batch(spec(ids(2)), Stop::AtBytes(total / 4)).is_none());
    w.now_ms += 2 * 24 * 3600 * 1000;
    let reports = w.batch(spec(ids(2)), Stop::Never).unwrap();
    let renewed = reports
        .iter()
        .filter(|r| matches!(r.result.as_ref().map(|s| &s.url), Ok(UrlUse::Renewed(_))))
        .count();
    assert_eq!(renewed, 1);
    assert_eq!(w.bought["101"], 2);
    assert_eq!(w.disk["101-large.jpg"], file_of("101"));
}

#[test]
fn sizes_single_step_and_progress() {
    let mut w = World::default();
    let mut s = spec(ids(2));
    s.size = SizeChoice::Key("LARGE".into());
    let reports = w.batch(s, Stop::Never).unwrap();
    assert!(reports.iter().all(|r| r.result.is_ok()));
    assert!(w.disk.contains_key("101-large.jpg"));
    let mut s = spec(ids(2));
    s.size = SizeChoice::Key("huge".into());
    let reports = w.batch(s, Stop::Never).unwrap();
    let e = reports[0].result.as_ref().unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::NotCovered);
    assert!(e.to_string().contains("it has large"), "{e}");

    let mut w = World::default();
    let mut s = spec(ids(2));
    s.single_step = true;
    let reports = w.batch(s.clone(), Stop::Never).unwrap();
    assert!(reports.iter().all(|r| r.result.is_ok()));
    assert_eq!(w.disk["101.jpg"], file_of("101"));
    assert_eq!((w.details, w.authorizations), (0, 0));
    let mut b = Batch::new(s, w.disk.get(manifest::MANIFEST_FILE).map(Vec::as_slice)).unwrap();
    let BatchStep::File(job) = b.poll() else {
        panic!("a file first")
    };
    let facts = FileFacts {
        dest_len: Some(file_of("101").len() as u64),
        held: 0,
    };
    assert!(matches!(
        b.start_file(&job, facts, w.now_ms),
        FileStart::Skipped
    ));
    let p = b.overall();
    assert_eq!((p.files, p.finished, p.failed), (2, 1, 0));
    assert_eq!(p.bytes, file_of("101").len() as u64);
}

#[test]
fn a_lightbox_is_listed_page_by_page() {
    use connect_types::ops::{GetLightboxResult, Lightbox, LightboxHeader, LightboxItem};
    let mut b = Batch::new(BatchSpec::new(BatchSource::Lightbox(7), "/dl"), None).unwrap();
    let BatchStep::Call(BatchCall::Lightbox(r)) = b.poll() else {
        panic!("the listing first")
    };
    assert_eq!(r.lightbox_id, 7);
    let page = |ids: &[&str]| {
        Ok(Response {
            header: ResponseHeader::default(),
            result: GetLightboxResult {
                lightbox: Some(Lightbox {
                    lightbox_header: Some(LightboxHeader {
                        lightbox_item_count: Some(4),
                        ..LightboxHeader::default()
                    }),
                    lightbox_items: ids
                        .iter()
                        .map(|id| LightboxItem {
                            asset_id: Some((*id).into()),
                            ..LightboxItem::default()
                        })
                        .collect(),
                }),
            },
        })
    };
    b.handle_lightbox(page(&["1", "2", "2"]));
    assert_eq!(b.overall().files, 2, "a repeated id is one image");
    // Details for what is known, while the listing goes on.
    assert!(matches!(b.poll(), BatchStep::Call(BatchCall::Details(..))));
    let BatchStep::Call(BatchCall::Lightbox(_)) = b.poll() else {
        panic!("the next page")
    };
    b.handle_lightbox(page(&["3"]));
    assert_eq!(b.overall().files, 3);
}

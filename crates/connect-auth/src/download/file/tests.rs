//! [`FileFlow`] in a simulated world: purchases counted, runs killed and started again.

use super::super::sim::{Misbehave, Stop, World, file_of};
use super::*;

fn largest() -> UrlSource {
    UrlSource::Authorize {
        size: SizeChoice::Largest,
        offering: OfferingChoice::Default,
    }
}

const NAME: &str = "1-large.jpg";

#[test]
fn a_download_killed_three_times_is_bought_once_and_resumed_with_range() {
    let mut w = World::default();
    let whole = file_of("1");
    let len = whole.len() as u64;
    for (n, at) in [len / 5, len / 2, len * 4 / 5].into_iter().enumerate() {
        assert!(w.single("1", NAME, largest(), Stop::AtBytes(at)).is_none());
        let record = &w.records[NAME];
        assert!(record.url.is_some(), "the URL is recorded before the bytes");
        assert_eq!(w.purchases(), 1, "run {n} bought nothing more");
    }
    let s = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!(w.disk[NAME], whole, "byte-identical");
    assert_eq!(w.purchases(), 1);
    assert_eq!(w.bought["1"], 1);
    assert!(
        matches!(
            s.url,
            UrlUse::Reused {
                authorized_at: Some(_)
            }
        ),
        "{:?}",
        s.url
    );
    assert_eq!(
        s.paid_by.as_ref().and_then(|p| p.offering.as_deref()),
        Some("PremiumAccess")
    );
    assert!(s.resumed_from > 0);
    // Every GET after the first asked for the rest only.
    assert!(w.gets.len() >= 4);
    assert!(w.gets[0].1.is_none());
    assert!(w.gets[1..].iter().all(|(_, r)| r.is_some()), "{:?}", w.gets);
    assert!(
        !w.records.contains_key(NAME),
        "the record goes with the .part"
    );
    // A complete file is never fetched or paid for again.
    let gets = w.gets.len();
    let again = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert!(again.skipped);
    assert_eq!((w.gets.len(), w.purchases()), (gets, 1));
}

#[test]
fn the_first_run_reports_the_purchase_and_the_offering() {
    let mut w = World::default();
    let s = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!(s.url, UrlUse::Bought);
    assert!(s.url.bought());
    assert_eq!(s.offering.as_ref().map(|o| o.name()), Some("PremiumAccess"));
    assert_eq!(s.bytes, file_of("1").len() as u64);
}

#[test]
fn an_expired_url_is_the_one_case_that_buys_again() {
    let mut w = World::default();
    let len = file_of("1").len() as u64;
    assert!(
        w.single("1", NAME, largest(), Stop::AtBytes(len / 2))
            .is_none()
    );
    // A day and more later.
    w.now_ms += 25 * 3600 * 1000;
    let s = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!(w.bought["1"], 2);
    assert!(
        matches!(s.url, UrlUse::Renewed(RenewReason::Expired { at: Some(_) })),
        "{:?}",
        s.url
    );
    assert!(s.resumed_from > 0, "the bytes held are kept");
    assert_eq!(w.disk[NAME], file_of("1"));
}

#[test]
fn a_refused_url_from_an_earlier_run_is_bought_again_once() {
    let mut w = World::default();
    let len = file_of("1").len() as u64;
    assert!(
        w.single("1", NAME, largest(), Stop::AtBytes(len / 2))
            .is_none()
    );
    w.gone.insert("https://dl.example/1/u1".into());
    let s = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!(s.url, UrlUse::Renewed(RenewReason::Refused { status: 410 }));
    assert_eq!(w.bought["1"], 2);
    assert_eq!(w.disk[NAME], file_of("1"));

    // A URL bought in this very run that is refused is not bought again: an error.
    let mut w = World::default();
    w.gone.insert("https://dl.example/1/".into());
    let e = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.http_status(), Some(410));
    assert_eq!(w.bought["1"], 1);
    assert!(w.records[NAME].url.is_some(), "what was paid for is kept");
}

#[test]
fn a_callers_target_is_recorded_and_never_bought_again() {
    let mut w = World::default();
    let target = DownloadTarget {
        image_id: "1".into(),
        size_key: Some("large".into()),
        url: "https://dl.example/1/mine".into(),
        offering: None,
    };
    let source = UrlSource::Target {
        target,
        bought: false,
    };
    let len = file_of("1").len() as u64;
    assert!(
        w.single("1", NAME, source.clone(), Stop::AtBytes(len / 3))
            .is_none()
    );
    assert_eq!(
        w.records[NAME].url.as_deref(),
        Some("https://dl.example/1/mine")
    );
    w.gone.insert("https://dl.example/1/mine".into());
    let e = w
        .single("1", NAME, source, Stop::Never)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.http_status(), Some(410));
    assert_eq!(w.purchases(), 0);
}

#[test]
fn a_stall_resumes_on_the_same_url_within_the_grace_period() {
    let mut w = World::default();
    w.faults.push(Misbehave::StallHalf);
    let s = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!(s.stalls, 1);
    assert_eq!(s.resumes, 1);
    // The credit was full: the stall is given up exactly one grace period after its last byte.
    assert_eq!(s.stalled_for, Duration::from_secs(2));
    assert_eq!(w.purchases(), 1);
    assert_eq!(w.gets.len(), 2);
    assert!(w.gets[1].1.is_some(), "resumed with Range");
    assert_eq!(w.disk[NAME], file_of("1"));
    // A cut is not a stall.
    let mut w = World::default();
    w.faults.push(Misbehave::CutHalf);
    let s = w
        .single("1", NAME, largest(), Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!((s.stalls, s.resumes), (0, 1));
}

#[test]
fn single_step_downloads_keep_their_url_too() {
    let mut w = World::default();
    let len = file_of("1").len() as u64;
    assert!(
        w.single("1", "1.jpg", UrlSource::SingleStep, Stop::AtBytes(len / 2))
            .is_none()
    );
    let s = w
        .single("1", "1.jpg", UrlSource::SingleStep, Stop::Never)
        .unwrap()
        .unwrap();
    assert_eq!(w.bought["1"], 1);
    assert!(matches!(s.url, UrlUse::Reused { .. }));
    assert_eq!(w.disk["1.jpg"], file_of("1"));
    assert!(
        w.single("1", "1.jpg", UrlSource::SingleStep, Stop::Never)
            .unwrap()
            .unwrap()
            .skipped
    );
    assert_eq!(w.bought["1"], 1);
}

#[test]
fn a_record_of_another_size_is_not_spent() {
    let mut w = World::default();
    let len = file_of("1").len() as u64;
    assert!(
        w.single("1", NAME, largest(), Stop::AtBytes(len / 2))
            .is_none()
    );
    let mut r = w.records[NAME].clone();
    r.size_key = Some("small".into());
    w.records.insert(NAME.into(), r);
    let source = UrlSource::Authorize {
        size: SizeChoice::Key("large".into()),
        offering: OfferingChoice::Default,
    };
    let s = w.single("1", NAME, source, Stop::Never).unwrap().unwrap();
    assert_eq!(s.url, UrlUse::Bought);
    assert_eq!(w.bought["1"], 2);
    assert_eq!(s.resumed_from, 0, "bytes of another size are not spliced");
}

//! Fault modes (before the request, after the work, slow, cut mid-body; per operation or at a
//! seeded rate), per-listener statistics and the movable clock.

use crate::common::*;
use crate::downloads::url_for;
use connect_sandbox::{Fault, FaultRule, SandboxConfig, SandboxThread};
use serde_json::{Value, json};
use std::io::Read;
use std::time::{Duration, Instant};

fn small() -> SandboxConfig {
    SandboxConfig::default().with_images(300)
}

fn create_lightbox(c: &Client, token: &str) -> Result<Value, ureq::Error> {
    let body = json!({"RequestHeader": {"Token": token},
        "CreateLightboxRequestBody": {"LightboxName": "trip"}});
    let mut r = c
        .agent
        .post(format!("{}/v1/lightbox/CreateLightbox", c.http))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())?;
    let text = r.body_mut().read_to_string()?;
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn lightbox_count(c: &Client, token: &str) -> u64 {
    let (_, v) = c.call(
        &c.http,
        "/v1/lightbox/GetLightboxHeaders",
        Some(token),
        "GetLightboxHeadersRequestBody",
        json!({"ResultsViewOptions": {"ItemCount": 50, "ItemStartNumber": 1}}),
    );
    v["GetLightboxHeadersResult"]["TotalLightboxHeaderCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("a count: {v}"))
}

#[test]
fn drop_after_stores_the_work_and_drop_before_does_none() {
    let sb = start(small());
    let c = Client::new(&sb);
    let (token, _) = c.session("alice");
    sb.inject(
        FaultRule::new(Fault::DropBefore)
            .operation("CreateLightbox")
            .times(1),
    );
    assert!(
        create_lightbox(&c, &token).is_err(),
        "no answer before the work"
    );
    assert_eq!(lightbox_count(&c, &token), 0, "nothing was created");
    sb.inject(
        FaultRule::new(Fault::DropAfter)
            .operation("CreateLightbox")
            .times(1),
    );
    assert!(
        create_lightbox(&c, &token).is_err(),
        "no answer after the work"
    );
    assert_eq!(
        lightbox_count(&c, &token),
        1,
        "the lightbox exists all the same"
    );
    // Both rules ran out: the next call is answered.
    let v = create_lightbox(&c, &token).unwrap();
    assert_eq!(status(&v), "Success", "{v}");
    assert_eq!(lightbox_count(&c, &token), 2);
    let kinds = sb.stats().faults_by_kind;
    assert_eq!(kinds.get("drop_before"), Some(&1), "{kinds:?}");
    assert_eq!(kinds.get("drop_after"), Some(&1), "{kinds:?}");
    assert!(sb.fault_rules().iter().all(|(_, struck)| *struck == 1));
}

#[test]
fn a_slow_answer_comes_after_the_delay() {
    let delay = Duration::from_millis(400);
    let sb =
        start(small().with_fault(FaultRule::new(Fault::slow(delay)).operation("CreateLightbox")));
    let c = Client::new(&sb);
    let (token, _) = c.session("alice");
    let t = Instant::now();
    let v = create_lightbox(&c, &token).unwrap();
    // A lower bound only: the sandbox slept at least this long before answering.
    assert!(t.elapsed() >= delay, "{:?}", t.elapsed());
    assert_eq!(status(&v), "Success", "{v}");
    // Other operations are not slowed: counted, not timed.
    assert_eq!(sb.stats().faults_by_kind.get("slow"), Some(&1));
    lightbox_count(&c, &token);
    assert_eq!(sb.stats().faults_by_kind.get("slow"), Some(&1));
}

#[test]
fn cut_mid_body_sends_half_the_answer_then_closes() {
    let sb = start(small());
    let c = Client::new(&sb);
    let (token, _) = c.session("alice");
    sb.inject(
        FaultRule::new(Fault::CutMidBody)
            .operation("CreateLightbox")
            .times(1),
    );
    let body = json!({"RequestHeader": {"Token": token},
        "CreateLightboxRequestBody": {"LightboxName": "trip"}});
    let mut r = c
        .agent
        .post(format!("{}/v1/lightbox/CreateLightbox", c.http))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "the status line and headers arrive"
    );
    let announced: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut got = Vec::new();
    let read = r.body_mut().as_reader().read_to_end(&mut got);
    assert!(read.is_err(), "the body ends early");
    assert!(got.len() < announced, "{} of {announced}", got.len());
    assert_eq!(lightbox_count(&c, &token), 1, "the work was done");
}

#[test]
fn cut_mid_body_on_a_download() {
    let sb = start(small());
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000001", "small");
    sb.inject(
        FaultRule::new(Fault::CutMidBody)
            .operation("download")
            .times(1),
    );
    let mut r = c.agent.get(&url).call().unwrap();
    let mut got = Vec::new();
    assert!(r.body_mut().as_reader().read_to_end(&mut got).is_err());
    assert!((got.len() as u64) < len);
    let mut r = c.agent.get(&url).call().unwrap();
    let mut whole = Vec::new();
    r.body_mut().as_reader().read_to_end(&mut whole).unwrap();
    assert_eq!(whole.len() as u64, len);
    assert_eq!(
        &whole[..got.len()],
        &got[..],
        "the cut bytes are the file's first bytes"
    );
}

#[test]
fn stall_mid_body_holds_the_second_half_of_a_download() {
    let sb = start(small());
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let (url, len) = url_for(&c, &secure, "100000001", "small");
    let mut whole = Vec::new();
    let mut r = c.agent.get(&url).call().unwrap();
    r.body_mut().as_reader().read_to_end(&mut whole).unwrap();
    sb.inject(
        FaultRule::new(Fault::stall_mid_body(Duration::from_millis(300)))
            .operation("download")
            .times(1),
    );
    let t0 = Instant::now();
    let mut r = c.agent.get(&url).call().unwrap();
    let mut reader = r.body_mut().as_reader();
    let mut half = vec![0u8; (len / 2) as usize];
    reader.read_exact(&mut half).unwrap();
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    // The stall lies between the request and the last byte (a lower bound only: when the
    // client saw the half depends on the machine's load).
    assert!(
        t0.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t0.elapsed()
    );
    half.extend_from_slice(&rest);
    assert_eq!(half, whole, "nothing lost or repeated across the stall");
    assert_eq!(sb.stats().faults_by_kind.get("stall_mid_body"), Some(&1));
}

/// Which of 40 searches answered 503 under a 50 % rule.
fn pattern(seed: u64) -> Vec<bool> {
    let sb = start(
        small().with_seed(seed).with_fault(
            FaultRule::new(Fault::Unavailable)
                .operation("SearchForImages")
                .rate(0.5),
        ),
    );
    let c = Client::new(&sb);
    let (token, _) = c.session("alice");
    (0..40)
        .map(|_| {
            let (s, _) = c.search(
                &token,
                json!({"Query": {"SearchPhrase": "tree"},
                "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
            );
            s == 503
        })
        .collect()
}

#[test]
fn random_faults_are_reproducible_from_the_seed() {
    let a = pattern(11);
    assert_eq!(a, pattern(11));
    assert_ne!(a, pattern(12));
    let hits = a.iter().filter(|h| **h).count();
    assert!((5..=35).contains(&hits), "{hits} of 40 at rate 0.5");
}

fn get_json(c: &Client, url: &str) -> Value {
    let mut r = c.agent.get(url).call().unwrap();
    serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap()
}

#[test]
fn faults_and_the_clock_from_the_control_endpoints() {
    let sb = start(small().with_control_endpoints(true));
    let c = Client::new(&sb);
    let (token, _) = c.session("alice");
    let (s, _) = c.post(
        &format!(
            "{}/_sandbox/faults?fault=unavailable&operation=SearchForImages&times=1",
            c.http
        ),
        &json!({}),
    );
    assert_eq!(s, 200);
    let (s, v) = c.post(
        &format!("{}/_sandbox/faults?fault=explode", c.http),
        &json!({}),
    );
    assert_eq!(s, 400, "{v}");
    let q = json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
    assert_eq!(c.search(&token, q.clone()).0, 503);
    assert_eq!(status(&c.search(&token, q.clone()).1), "Success");
    let v = get_json(&c, &format!("{}/_sandbox/faults", c.http));
    assert_eq!(v["rules"][0]["struck"], 1, "{v}");
    assert_eq!(v["rules"][0]["rule"]["fault"], "unavailable", "{v}");
    let (s, _) = c.post(&format!("{}/_sandbox/faults/clear", c.http), &json!({}));
    assert_eq!(s, 200);
    assert!(sb.fault_rules().is_empty());
    // The clock: 31 minutes later the 30-minute token is gone.
    let (s, _) = c.post(
        &format!("{}/_sandbox/advance?seconds=1860", c.http),
        &json!({}),
    );
    assert_eq!(s, 200);
    assert_error(&c.search(&token, q).1, "AUTH-021");
}

#[test]
fn per_listener_stats_show_the_scheme_and_token_class() {
    let sb = start(small().with_control_endpoints(true));
    let c = Client::new(&sb);
    let (standard, secure) = c.session("alice");
    let oauth = c.oauth("bob");
    let q = json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
    let search = |base: &str, t: &str| {
        c.call(
            base,
            "/v2/search/SearchForImages",
            Some(t),
            "SearchForImagesRequestBody",
            q.clone(),
        )
    };
    search(&c.http, &standard);
    search(&c.http, &standard);
    search(&c.https, &secure);
    search(&c.http, &oauth);
    search(&c.http, "st-not-a-token");
    let (_, v) = search(&c.http, &secure);
    assert_error(&v, "AUTH-014");
    let stats = sb.stats();
    assert_eq!(stats.calls("http", "SearchForImages", "standard"), 2);
    assert_eq!(stats.calls("https", "SearchForImages", "secure"), 1);
    assert_eq!(stats.calls("http", "SearchForImages", "oauth"), 1);
    assert_eq!(stats.calls("http", "SearchForImages", "unknown"), 1);
    assert_eq!(
        stats.calls("http", "SearchForImages", "secure"),
        1,
        "counted though refused"
    );
    assert_eq!(stats.calls("http", "SearchForImages", "*"), 5);
    assert_eq!(stats.calls("https", "CreateSession", "none"), 1);
    assert_eq!(stats.calls("https", "oauth2/token", "none"), 1);
    let v = get_json(&c, &format!("{}/_sandbox/stats", c.http));
    assert_eq!(
        v["listeners"]["https"]["SearchForImages"]["secure"], 1,
        "{v}"
    );
}

fn expired_download(sb: &SandboxThread) {
    let c = Client::new(sb);
    let (_, secure) = c.session("alice");
    let (url, _) = url_for(&c, &secure, "100000001", "small");
    assert_eq!(c.agent.get(&url).call().unwrap().status().as_u16(), 200);
    sb.advance(Duration::from_secs(25 * 3600));
    assert_eq!(c.agent.get(&url).call().unwrap().status().as_u16(), 410);
}

#[test]
fn the_clock_expires_tokens_and_download_urls_without_waiting() {
    let sb = start(small().with_token_ttl(Duration::from_secs(600)));
    let c = Client::new(&sb);
    let (token, _) = c.session("alice");
    let q = json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
    sb.advance(Duration::from_secs(599));
    assert_eq!(
        status(&c.search(&token, q.clone()).1),
        "Success",
        "one second left"
    );
    sb.advance(Duration::from_secs(2));
    assert_error(&c.search(&token, q).1, "AUTH-021");
    // Download tokens expire by the same clock.
    let (_, secure) = c.session("alice");
    let (_, a) = c.call(
        &c.https,
        "/v1/download/GetImageDownloadAuthorizations",
        Some(&secure),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": "100000001", "SizeKey": "small"}]}),
    );
    let dt = a["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"][0]
        ["DownloadToken"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.advance(Duration::from_secs(24 * 3600 + 1));
    let (_, secure) = c.session("alice");
    let (_, v) = c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(&secure),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": dt}]}),
    );
    assert!(codes(&v).iter().any(|c| c == "ExpiredDownloadToken"), "{v}");
    expired_download(&sb);
}

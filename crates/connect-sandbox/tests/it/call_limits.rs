//! The gateway's call limits per application key (`--qps`, `--daily-limit`): the exact
//! answers, every API path, keys counted apart, the sliding second, and the day following the
//! sandbox clock.

use crate::common::*;
use connect_sandbox::{Fault, FaultRule, SandboxConfig};
use serde_json::json;
use std::time::{Duration, Instant};

const CLIENT_CREDENTIALS: &str =
    "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret";
const QPS_BODY: &[u8] = br#"{"message": "Account Over Queries Per Second Limit"}"#;
const DAILY_BODY: &[u8] = br#"{"message": "Account Over Rate Limit"}"#;

/// An answer as bytes: status, headers (lower-case names), body.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn raw(c: &Client, url: &str, content_type: &str, body: &[u8], api_key: Option<&str>) -> Raw {
    let mut req = c.agent.post(url).header("Content-Type", content_type);
    if let Some(k) = api_key {
        req = req.header("Api-Key", k);
    }
    let mut r = req.send(body).expect("request completes");
    let headers = r
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    Raw {
        status: r.status().as_u16(),
        headers,
        body: r.body_mut().read_to_vec().expect("body reads"),
    }
}

fn token_request(c: &Client) -> Raw {
    raw(
        c,
        &format!("{}/oauth2/token", c.https),
        "application/x-www-form-urlencoded",
        CLIENT_CREDENTIALS.as_bytes(),
        None,
    )
}

#[track_caller]
fn assert_refusal(r: &Raw, detail: &str, body: &[u8]) {
    assert_eq!(r.status, 403, "{:?}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("x-error-detail"), Some(detail));
    assert_eq!(r.body, body, "{:?}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("retry-after"), None, "none is documented");
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        r.headers
    );
}

#[test]
fn the_answers_are_the_gateways_byte_for_byte() {
    let sb = start(SandboxConfig::default().with_images(300).with_qps(Some(1)));
    let c = Client::new(&sb);
    // One a second: back-to-back requests meet the throttle at once (the loop only guards
    // against a machine so slow that a second passes between two of them).
    let refused = (0..50)
        .map(|_| token_request(&c))
        .find(|r| r.status == 403)
        .expect("a second request within the second is throttled");
    assert_refusal(&refused, "Account Over Queries Per Second Limit", QPS_BODY);

    let sb = start(
        SandboxConfig::default()
            .with_images(300)
            .with_daily_limit(Some(1)),
    );
    sb.advance_to_next_day();
    let c = Client::new(&sb);
    assert_eq!(token_request(&c).status, 200);
    assert_refusal(&token_request(&c), "Account Over Rate Limit", DAILY_BODY);
    let k = &sb.stats().app_keys["sandbox-client"];
    assert_eq!((k.allowed, k.refused_for_day), (1, 1));
}

#[test]
fn every_api_path_counts_and_each_key_has_its_own_limits() {
    let sb = start(
        SandboxConfig::default()
            .with_images(300)
            .with_daily_limit(Some(2)),
    );
    sb.advance_to_next_day();
    let c = Client::new(&sb);
    // The OAuth2 client: a token request and a search, then nothing more today.
    let token = c.oauth("alice");
    let (s, v) = c.search(&token, json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_eq!((s, status(&v)), (200, "Success"), "{v}");
    let search = raw(
        &c,
        &format!("{}/v2/search/SearchForImages", c.https),
        "application/json",
        json!({"RequestHeader": {"Token": token}, "SearchForImagesRequestBody": {"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}})
            .to_string()
            .as_bytes(),
        None,
    );
    assert_refusal(&search, "Account Over Rate Limit", DAILY_BODY);
    assert_refusal(&token_request(&c), "Account Over Rate Limit", DAILY_BODY);
    // SingleStepDownload is counted by its Api-Key, the same application.
    let single = raw(
        &c,
        &format!("{}/v2/download/100000001", c.https),
        "application/json",
        b"",
        Some("sandbox-client"),
    );
    assert_refusal(&single, "Account Over Rate Limit", DAILY_BODY);

    // The legacy SystemId is another key, with its own allowance.
    let (standard, _) = c.session("bob");
    let (s, v) = c.search(&standard, json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_eq!((s, status(&v)), (200, "Success"), "{v}");
    let (s, _) = c.call(
        &c.https,
        "/v1/session/CreateSession",
        None,
        "CreateSessionRequestBody",
        json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password",
               "UserName": "bob", "UserPassword": "bob-password"}),
    );
    assert_eq!(s, 403);

    // A key the sandbox does not know is not counted: the operation refuses it itself.
    let (s, v) = c.token_form("grant_type=client_credentials&client_id=nobody&client_secret=x");
    assert_ne!(s, 403, "{v}");

    let stats = sb.stats();
    let oauth = &stats.app_keys["sandbox-client"];
    assert_eq!((oauth.allowed, oauth.refused_for_day), (2, 3), "{stats:?}");
    let legacy = &stats.app_keys["sandbox"];
    assert_eq!(
        (legacy.allowed, legacy.refused_for_day),
        (2, 1),
        "{stats:?}"
    );
    assert_eq!(stats.app_keys.len(), 2, "{stats:?}");
    // Refused requests never reached the grant handler (the one client_credentials grant is
    // the unknown key's).
    assert_eq!(
        stats.grants.get("client_credentials"),
        Some(&1),
        "{stats:?}"
    );
    assert_eq!(stats.grants.get("password"), Some(&1), "{stats:?}");
}

#[test]
fn the_clock_moving_past_midnight_restores_the_daily_allowance() {
    let sb = start(
        SandboxConfig::default()
            .with_images(300)
            .with_daily_limit(Some(2)),
    );
    sb.advance_to_next_day();
    let c = Client::new(&sb);
    assert_eq!(token_request(&c).status, 200);
    assert_eq!(token_request(&c).status, 200);
    assert_refusal(&token_request(&c), "Account Over Rate Limit", DAILY_BODY);
    // Still the same day twelve hours later.
    sb.advance(Duration::from_secs(12 * 3600));
    assert_eq!(token_request(&c).status, 403);
    // The next day: two more.
    sb.advance_to_next_day();
    assert_eq!(token_request(&c).status, 200);
    assert_eq!(token_request(&c).status, 200);
    assert_eq!(token_request(&c).status, 403);
    let k = &sb.stats().app_keys["sandbox-client"];
    assert_eq!((k.allowed, k.refused_for_day), (4, 3));
}

#[test]
fn a_burst_of_twice_the_limit_sees_half_refused() {
    let sb = start(SandboxConfig::default().with_images(300).with_qps(Some(5)));
    let c = Client::new(&sb);
    // Warm the connection, then wait for the window to empty.
    assert_eq!(token_request(&c).status, 200);
    std::thread::sleep(Duration::from_millis(1100));
    sb.reset_stats();
    let t0 = Instant::now();
    let statuses: Vec<u16> = (0..10).map(|_| token_request(&c).status).collect();
    let elapsed = t0.elapsed();
    let allowed = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 403).count();
    assert_eq!(allowed + refused, 10, "{statuses:?}");
    assert!(refused >= 1, "{statuses:?}");
    if elapsed < Duration::from_secs(1) {
        // The whole burst fell within one second: exactly the limit got through.
        assert_eq!((allowed, refused), (5, 5), "{statuses:?}");
        assert_eq!(&statuses[..5], &[200; 5]);
    }
    let k = &sb.stats().app_keys["sandbox-client"];
    assert_eq!(k.allowed as usize, allowed);
    assert_eq!(k.throttled_per_second as usize, refused);
    // A second later the window has moved on.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(token_request(&c).status, 200);
}

#[test]
fn the_throttle_can_be_injected_for_one_operation() {
    let sb = start(SandboxConfig::default().with_images(300));
    sb.inject(
        FaultRule::new(Fault::OverQps)
            .operation("oauth2/token")
            .times(1),
    );
    sb.inject(
        FaultRule::new(Fault::OverDaily)
            .operation("download")
            .times(1),
    );
    let c = Client::new(&sb);
    assert_refusal(
        &token_request(&c),
        "Account Over Queries Per Second Limit",
        QPS_BODY,
    );
    assert_eq!(token_request(&c).status, 200);
    let r = c
        .agent
        .get(format!("{}/download/anything", c.https))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        r.headers().get("x-error-detail").unwrap(),
        "Account Over Rate Limit"
    );
    let stats = sb.stats();
    assert_eq!(stats.faults_by_kind.get("over_qps"), Some(&1));
    assert_eq!(stats.faults_by_kind.get("over_daily"), Some(&1));
    // Limits off: nothing is counted per key.
    assert!(stats.app_keys.is_empty());
}

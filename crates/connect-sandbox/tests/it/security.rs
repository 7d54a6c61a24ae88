use crate::common::*;
use connect_sandbox::SandboxConfig;
use serde_json::{Value, json};
use std::time::Duration;

fn search_body() -> Value {
    json!({"Query": {"SearchPhrase": "beach"}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}})
}

#[test]
fn secure_only_operations_over_http_fail() {
    let c = Client::new(shared());
    let (_, v) = c.call(
        &c.http,
        "/v1/session/CreateSession",
        None,
        "CreateSessionRequestBody",
        json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password", "UserName": "alice", "UserPassword": "alice-password"}),
    );
    assert_error(&v, "OperationRequiresHttps");
    assert_error(&v, "AUTH-002");
    let (_, secure) = c.session("alice");
    let (_, v) = c.call(
        &c.http,
        "/v1/download/CreateDownloadRequest",
        Some(&secure),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": "x"}]}),
    );
    assert_error(&v, "AUTH-002");
    // OAuth2 tokens serve both roles but secure-only operations still need HTTPS.
    let oauth = c.oauth("alice");
    let (_, v) = c.call(
        &c.http,
        "/v1/download/CreateDownloadRequest",
        Some(&oauth),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": "x"}]}),
    );
    assert_error(&v, "OperationRequiresHttps");
}

#[test]
fn secure_token_over_http_fails() {
    let c = Client::new(shared());
    let (_, secure) = c.session("alice");
    let (s, v) = c.search(&secure, search_body());
    assert_eq!(s, 200);
    assert_error(&v, "SecureTokenPassedOverHttp");
    assert_error(&v, "AUTH-014");
}

#[test]
fn standard_token_on_secure_only_operation_fails() {
    let c = Client::new(shared());
    let (standard, _) = c.session("alice");
    let (_, v) = c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(&standard),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": "x"}]}),
    );
    assert_error(&v, "OperationRequiresSecureToken");
    assert_error(&v, "AUTH-023");
}

#[test]
fn over_https_either_token_serves_standard_operations() {
    let c = Client::new(shared());
    let (standard, secure) = c.session("alice");
    let oauth = c.oauth("alice");
    for t in [&standard, &secure, &oauth] {
        let (_, v) = c.call(
            &c.https,
            "/v2/search/SearchForImages",
            Some(t),
            "SearchForImagesRequestBody",
            search_body(),
        );
        assert_eq!(status(&v), "Success", "{v}");
    }
    for t in [&standard, &oauth] {
        let (_, v) = c.search(t, search_body());
        assert_eq!(status(&v), "Success", "{v}");
    }
}

#[test]
fn unknown_missing_malformed_and_refresh_tokens_fail() {
    let c = Client::new(shared());
    for t in [
        Some("st-00000000000000000000000000000000"),
        Some("garbage ✓"),
        None,
    ] {
        let (_, v) = c.call(
            &c.http,
            "/v2/search/SearchForImages",
            t,
            "SearchForImagesRequestBody",
            search_body(),
        );
        assert_error(&v, "AUTH-021");
    }
    let (_, v) = c.token_form(
        "grant_type=password&username=bob&password=bob-password&client_id=sandbox-client&client_secret=sandbox-client-secret",
    );
    let refresh = v["refresh_token"].as_str().unwrap();
    let (_, v) = c.search(refresh, search_body());
    assert_error(&v, "AUTH-021");
}

#[test]
fn tokens_expire_after_the_ttl_and_renewal_extends_them() {
    // Tokens live 30 minutes by the sandbox clock, which the test moves: no wall time, no race.
    let sb = start(SandboxConfig::default().with_images(500));
    let c = Client::new(&sb);
    let (standard, secure) = c.session("alice");
    let oauth = c.oauth("alice");
    let (_, v) = c.search(&standard, search_body());
    assert_eq!(status(&v), "Success", "{v}");
    sb.advance(Duration::from_secs(20 * 60));
    let (_, v) = c.call(
        &c.https,
        "/v1/session/RenewSession",
        Some(&secure),
        "RenewSessionRequestBody",
        json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password"}),
    );
    let renewed = v["RenewSessionResult"]["Token"]
        .as_str()
        .unwrap()
        .to_owned();
    // 35 minutes after the first tokens, 15 after the renewal.
    sb.advance(Duration::from_secs(15 * 60));
    for t in [&standard, &oauth] {
        let (_, v) = c.search(t, search_body());
        assert_error(&v, "AUTH-021");
    }
    let (_, v) = c.search(&renewed, search_body());
    assert_eq!(status(&v), "Success", "renewed token still lives: {v}");
    // An expired secure token cannot be renewed.
    let (_, v) = c.call(
        &c.https,
        "/v1/session/RenewSession",
        Some(&secure),
        "RenewSessionRequestBody",
        json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password"}),
    );
    assert_error(&v, "AUTH-021");
}

#[test]
fn revoked_tokens_fail_until_reacquired() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_control_endpoints(true),
    );
    let c = Client::new(&sb);
    let (_, v) = c.token_form(
        "grant_type=password&username=alice&password=alice-password&client_id=sandbox-client&client_secret=sandbox-client-secret",
    );
    let access = v["access_token"].as_str().unwrap().to_owned();
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();
    let (standard, _) = c.session("bob");
    assert!(sb.revoke_all_tokens() >= 3);
    for t in [&access, &standard] {
        let (_, v) = c.search(t, search_body());
        assert_error(&v, "AUTH-021");
    }
    // The refresh token survived the revocation: re-acquire once and carry on.
    let (s, v) = c.token_form(&format!(
        "grant_type=refresh_token&refresh_token={refresh}&client_id=sandbox-client&client_secret=sandbox-client-secret"
    ));
    assert_eq!(s, 200, "{v}");
    let (_, out) = c.search(v["access_token"].as_str().unwrap(), search_body());
    assert_eq!(status(&out), "Success");
    // The HTTP hook does the same.
    let (s, v) = c.post(
        &format!("{}/_sandbox/revoke?refresh=true", c.http),
        &json!({}),
    );
    assert_eq!(s, 200);
    assert!(v["revoked"].as_u64().unwrap() >= 2);
    assert!(sb.stats().revocations >= 5);
}

#[test]
fn debug_output_is_short_and_shows_no_tokens() {
    let sb = shared();
    let c = Client::new(sb);
    let (standard, secure) = c.session("alice");
    let dbg = format!("{sb:?}");
    assert!(dbg.len() < 300, "{dbg}");
    assert!(!dbg.contains(&standard) && !dbg.contains(&secure), "{dbg}");
}

use crate::common::*;
use serde_json::json;

#[test]
fn create_session_returns_both_tokens_and_echoes_coordination_id() {
    let c = Client::new(shared());
    let (s, v) = c.post(
        &format!("{}/v1/session/CreateSession", c.https),
        &json!({"RequestHeader": {"Token": null, "CoordinationId": "abc-1"},
                "CreateSessionRequestBody": {"SystemId": "sandbox", "SystemPassword": "sandbox-system-password",
                                              "UserName": "alice", "UserPassword": "alice-password"}}),
    );
    assert_eq!(s, 200);
    assert_eq!(status(&v), "Success");
    assert_eq!(v["ResponseHeader"]["CoordinationId"], "abc-1");
    let r = &v["CreateSessionResult"];
    assert!(r["Token"].as_str().unwrap().len() > 10);
    assert!(r["SecureToken"].as_str().unwrap().len() > 10);
    assert_ne!(r["Token"], r["SecureToken"]);
    assert_eq!(r["TokenDurationMinutes"], 30);
}

#[test]
fn create_session_refuses_wrong_credentials() {
    let c = Client::new(shared());
    let body = |sys: &str, user_pw: &str| json!({"SystemId": "sandbox", "SystemPassword": sys, "UserName": "alice", "UserPassword": user_pw});
    let (_, v) = c.call(
        &c.https,
        "/v1/session/CreateSession",
        None,
        "CreateSessionRequestBody",
        body("nope", "alice-password"),
    );
    assert_error(&v, "InvalidSystemIdOrPassword");
    let (_, v) = c.call(
        &c.https,
        "/v1/session/CreateSession",
        None,
        "CreateSessionRequestBody",
        body("sandbox-system-password", "nope"),
    );
    assert_error(&v, "InvalidUsernameOrPassword");
}

#[test]
fn renew_session_issues_fresh_tokens_that_work() {
    let c = Client::new(shared());
    let (_, secure) = c.session("alice");
    let (s, v) = c.call(
        &c.https,
        "/v1/session/RenewSession",
        Some(&secure),
        "RenewSessionRequestBody",
        json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password"}),
    );
    assert_eq!(s, 200);
    assert_eq!(status(&v), "Success", "{v}");
    let fresh = v["RenewSessionResult"]["Token"].as_str().unwrap();
    let (_, v) = c.search(fresh, json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_eq!(status(&v), "Success", "{v}");
}

#[test]
fn renew_session_needs_the_secure_token() {
    let c = Client::new(shared());
    let (standard, _) = c.session("alice");
    let (_, v) = c.call(
        &c.https,
        "/v1/session/RenewSession",
        Some(&standard),
        "RenewSessionRequestBody",
        json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password"}),
    );
    assert_error(&v, "OperationRequiresSecureToken");
    assert_error(&v, "AUTH-023");
}

//! CreateCustomer: the documented rules, and a new customer who can sign in both ways.

use crate::common::*;
use serde_json::{Value, json};

fn customer(name: &str, password: &str, country: &str) -> Value {
    json!({"UserName": name, "Password": password, "EmailAddress": format!("{name}@example.com"),
           "FirstName": "Carol", "LastName": "Ng", "MarketingEmailOptIn": "false",
           "BillingCountryChar3Iso": country})
}

fn create(c: &Client, base: &str, token: &str, body: Value) -> Value {
    c.call(
        base,
        "/v1/account/CreateCustomer",
        Some(token),
        "CreateCustomerRequestBody",
        body,
    )
    .1
}

#[test]
fn a_new_customer_signs_in_by_password_grant_and_create_session() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let token = c.oauth("alice");
    let v = create(
        &c,
        &c.https,
        &token,
        customer("carol", "carol-password", "USA"),
    );
    assert_eq!(status(&v), "Success", "{v}");
    assert!(v.get("CreateCustomerResult").is_none());
    // c.oauth and c.session use "<user>-password".
    let access = c.oauth("carol");
    assert!(!access.is_empty());
    let (standard, _) = c.session("carol");
    // The new customer holds no offering yet.
    let (_, v) = c.post(
        &format!("{}/v1/data/GetActiveProductOfferings", c.http),
        &json!({"RequestHeader": {"Token": standard}}),
    );
    assert_error(&v, "NoAgreement");
    // The name is now taken, in any casing.
    let v = create(
        &c,
        &c.https,
        &token,
        customer("CAROL", "another-pass", "FRA"),
    );
    assert_error(&v, "DuplicateUsername");
}

#[test]
fn the_documented_rules_have_their_codes() {
    let c = Client::new(shared());
    let token = c.oauth("alice");
    let cases = [
        (customer("alice", "whatever-1", "USA"), "DuplicateUsername"),
        (customer("dave", "abc", "USA"), "PasswordTooShort"),
        (
            customer("erin-xyz", "ERIN-XYZ", "USA"),
            "UsernameEqualsPassword",
        ),
        (
            customer("frank", "frank-pass", "XYZ"),
            "FailedToCreateCustomer",
        ),
        (
            json!({"UserName": "gina", "Password": "gina-pass"}),
            "InvalidRequest",
        ),
    ];
    for (body, code) in cases {
        let v = create(&c, &c.https, &token, body);
        assert_error(&v, code);
    }
}

#[test]
fn create_customer_is_https_only_and_takes_either_token_there() {
    let c = Client::new(shared());
    let (standard, secure) = c.session("alice");
    let v = create(
        &c,
        &c.http,
        &standard,
        customer("henry", "henry-pass", "GBR"),
    );
    assert_error(&v, "OperationRequiresHttps");
    assert_error(&v, "AUTH-002");
    // The page asks for a standard token: over HTTPS it is accepted, like the secure one.
    let v = create(
        &c,
        &c.https,
        &standard,
        customer("henry", "henry-pass", "GBR"),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let v = create(&c, &c.https, &secure, customer("ivy", "ivy-pass-1", "deu"));
    assert_eq!(status(&v), "Success", "{v}");
}

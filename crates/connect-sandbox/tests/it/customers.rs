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

/// GetCountries lists the whole of ISO 3166-1, and CreateCustomer takes exactly its
/// three-letter codes as billing countries.
#[test]
fn every_listed_country_and_nothing_else_is_a_billing_country() {
    let sb = start(connect_sandbox::SandboxConfig::default().with_images(2_000));
    let c = Client::new(&sb);
    let token = c.oauth("alice");
    let (s, v) = c.post(
        &format!("{}/v1/data/GetCountries", c.https),
        &json!({"RequestHeader": {"Token": token}, "GetCountriesRequestBody": {"Language": "en-us"}}),
    );
    assert_eq!(s, 200, "{v}");
    let list = v["GetCountriesResult"]["Countries"].as_array().unwrap();
    assert_eq!(list.len(), 249, "ISO 3166-1 assigns 249 codes");
    let field = |c: &Value, k: &str| c[k].as_str().unwrap_or_default().to_owned();
    let mut two = std::collections::HashSet::new();
    let mut three = std::collections::HashSet::new();
    for country in list {
        assert!(two.insert(field(country, "CountryChar2ISO")), "{country}");
        assert!(three.insert(field(country, "CountryChar3ISO")), "{country}");
        assert!(!field(country, "CountryName").is_empty(), "{country}");
    }
    for (c2, c3, name) in [
        ("US", "USA", "United States"),
        ("AX", "ALA", "Åland Islands"),
        ("SS", "SSD", "South Sudan"),
        ("CW", "CUW", "Curaçao"),
        ("AQ", "ATA", "Antarctica"),
        ("GB", "GBR", "United Kingdom"),
    ] {
        let found = list.iter().find(|c| field(c, "CountryChar3ISO") == c3);
        let found = found.unwrap_or_else(|| panic!("{c3} is not listed"));
        assert_eq!(field(found, "CountryChar2ISO"), c2);
        assert_eq!(field(found, "CountryName"), name);
    }
    for (n, code) in three.iter().enumerate() {
        let v = create(
            &c,
            &c.https,
            &token,
            customer(&format!("customer-{n}"), "long-enough", code),
        );
        assert_eq!(status(&v), "Success", "{code}: {v}");
    }
    // Alpha-2 and numeric codes, withdrawn ones (Netherlands Antilles, Serbia and Montenegro)
    // and user-assigned ones (Kosovo's XKX) are refused.
    for code in ["US", "840", "ANT", "SCG", "XKX", "UK", "EUR"] {
        let v = create(
            &c,
            &c.https,
            &token,
            customer("not-created", "long-enough", code),
        );
        assert_error(&v, "FailedToCreateCustomer");
        let message = v["ResponseHeader"]["StatusList"][0]["Message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("GetCountries"), "{message}");
    }
}

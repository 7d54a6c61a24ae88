//! The limits the OpenAPI description states are the limits the sandbox enforces: a list's
//! `minItems` and `maxItems`, and the non-blank pattern of required strings. A client generated
//! from the description (or a tester such as schemathesis) then never builds a request the
//! description calls valid and the sandbox refuses for its shape.

use crate::common::*;
use connect_types::openapi;
use connect_types::schema::NON_BLANK;
use serde_json::{Value, json};

/// A request body property's schema in the description, by component and property name.
fn property(component: &str, name: &str) -> Value {
    openapi::document()["components"]["schemas"][component]["properties"][name].clone()
}

/// `minItems` and `maxItems` of a list property; both must be stated.
fn item_limits(component: &str, name: &str) -> (usize, usize) {
    let p = property(component, name);
    let limit = |key: &str| {
        p[key]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or_else(|| panic!("{component}.{name} states no {key}: {p}"))
    };
    (limit("minItems"), limit("maxItems"))
}

/// One list-valued request field and how to fill it.
struct ListCase {
    path: &'static str,
    key: &'static str,
    component: &'static str,
    field: &'static str,
    /// The body's other fields.
    rest: Value,
    /// One valid entry.
    item: Value,
    /// The code of the answer to one entry too many.
    too_many: &'static str,
}

#[test]
fn list_lengths_outside_the_described_range_are_refused_and_inside_are_not() {
    let c = Client::new(shared());
    let token = c.oauth("alice");
    let cases = [
        ListCase {
            path: "/v1/search/GetImageDetails",
            key: "GetImageDetailsRequestBody",
            component: "GetImageDetailsRequest",
            field: "ImageIds",
            rest: json!({}),
            item: json!("100000001"),
            too_many: "MaxExceeded",
        },
        ListCase {
            path: "/v1/download/GetImageDownloadAuthorizations",
            key: "GetImageDownloadAuthorizationsRequestBody",
            component: "GetImageDownloadAuthorizationsRequest",
            field: "ImageSizes",
            rest: json!({}),
            item: json!({"ImageId": "100000001", "SizeKey": "x"}),
            too_many: "AssetIdListExceedsMaxAllowed",
        },
        ListCase {
            path: "/v1/usage/ReportUsage",
            key: "ReportUsageRequestBody",
            component: "ReportUsageRequest",
            field: "AssetUsages",
            rest: json!({"TransactionId": "description-test"}),
            item: json!({"AssetId": "100000001", "Quantity": 1, "UsageDate": "2026-01-01"}),
            too_many: "InvalidRequest",
        },
    ];
    for case in cases {
        let (min, max) = item_limits(case.component, case.field);
        assert_eq!(min, 1, "{}.{}", case.component, case.field);
        let send = |n: usize| {
            let mut body = case.rest.clone();
            body[case.field] = Value::Array(vec![case.item.clone(); n]);
            c.call(&c.https, case.path, Some(&token), case.key, body).1
        };
        let at = format!("{}.{}", case.key, case.field);
        let empty = send(min - 1);
        assert_error(&empty, "InvalidRequest");
        assert!(empty.to_string().contains(&at), "{empty}");
        let over = send(max + 1);
        assert_error(&over, case.too_many);
        assert!(over.to_string().contains(&at), "{over}");
        // At the limit, whatever else the answer says, it is not about the list's length.
        for n in [min, max] {
            let v = send(n);
            let text = v.to_string();
            assert!(
                !(text.contains(&format!("{at} is required")) || text.contains("at most")),
                "{at} with {n} entries: {v}"
            );
        }
    }
}

#[test]
fn blank_required_strings_are_described_as_refused_and_are_refused() {
    let c = Client::new(shared());
    let (path, key) = ("/v1/session/CreateSession", "CreateSessionRequestBody");
    let good = json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password",
                      "UserName": "alice", "UserPassword": "alice-password"});
    for field in ["SystemId", "SystemPassword", "UserName", "UserPassword"] {
        let p = property("CreateSessionRequest", field);
        assert_eq!(p["pattern"], NON_BLANK, "CreateSessionRequest.{field}: {p}");
        let mut body = good.clone();
        body[field] = json!("  ");
        let (_, v) = c.call(&c.https, path, None, key, body);
        assert_error(&v, "InvalidRequest");
        assert!(
            v.to_string()
                .contains(&format!("{key}.{field} is required")),
            "{v}"
        );
    }
    let (status, v) = c.call(&c.https, path, None, key, good);
    assert_eq!(status, 200, "the unchanged body is accepted: {v}");
}

/// The first value under `key` anywhere in `v`.
fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|c| find(c, key))),
        Value::Array(a) => a.iter().find_map(|c| find(c, key)),
        _ => None,
    }
}

/// Replaces every value under `key` anywhere in `v`.
fn replace(v: &mut Value, key: &str, with: &Value) {
    match v {
        Value::Object(m) => {
            for (k, c) in m.iter_mut() {
                if k == key {
                    *c = with.clone();
                } else {
                    replace(c, key, with);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| replace(c, key, with)),
        _ => {}
    }
}

#[test]
fn every_example_in_the_description_works_against_the_sandbox() {
    use connect_types::openapi::examples;
    let sb = start(connect_sandbox::SandboxConfig::default());
    let c = Client::new(&sb);
    let doc = openapi::document();
    let paths = &doc["paths"];

    // OAuth2: the token form and the sign-in form, as given.
    let form = |v: &Value| {
        let pairs: Vec<String> = v
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect();
        pairs.join("&")
    };
    let token_example = &paths["/oauth2/token"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
        ["example"];
    let (s, v) = c.token_form(&form(token_example));
    assert_eq!(s, 200, "the token form example: {v}");
    let token = v["access_token"].as_str().expect("access_token").to_owned();
    let sign_in = &paths["/oauth2/auth"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
        ["example"];
    let r = c
        .agent
        .post(format!("{}/oauth2/auth", c.https))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form(sign_in).as_bytes())
        .expect("request completes");
    let location = r
        .headers()
        .get("Location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(r.status().as_u16(), 302, "the sign-in form example");
    assert!(location.contains("#access_token="), "{location}");

    // Every envelope operation, in the list's order but deleting the lightbox last. The ids an
    // example can only name (a lightbox, a download token, a transaction) come from the answers
    // of the examples that create them.
    let (_, secure) = c.session("alice");
    let mut ops = connect_types::schema::operations();
    ops.sort_by_key(|op| op.name == "DeleteLightbox");
    let mut made: Vec<(&str, Value)> = Vec::new();
    for op in &ops {
        let mut example =
            paths[op.path]["post"]["requestBody"]["content"]["application/json"]["example"].clone();
        assert!(example.is_object(), "{} has no example", op.path);
        if op.has_body {
            assert!(example[op.body_key].is_object(), "{}: {example}", op.path);
        }
        if example["RequestHeader"]["Token"].is_string() {
            // RenewSession renews a legacy session; everything else takes the OAuth2 token.
            let t = if op.name == "RenewSession" {
                &secure
            } else {
                &token
            };
            example["RequestHeader"]["Token"] = json!(t);
        }
        for (key, value) in &made {
            if op.name != "GetAssetChanges" {
                replace(&mut example, key, value);
            }
        }
        let (s, v) = c.post(&format!("{}{}", c.https, op.path), &example);
        assert_eq!(s, 200, "{}: {v}", op.path);
        assert_ne!(status(&v), "Error", "{}: {v}", op.path);
        for (maker, key) in [
            ("CreateLightbox", "LightboxId"),
            ("GetImageDownloadAuthorizations", "DownloadToken"),
            ("GetAssetChanges", "TransactionId"),
        ] {
            if op.name == maker {
                let value = find(&v, key).unwrap_or_else(|| panic!("{maker}: no {key}: {v}"));
                made.push((key, value.clone()));
            }
        }
    }

    // SingleStepDownload and oEmbed, with their parameters' examples.
    let single = &paths["/v2/download/{ImageId}"]["post"];
    let id = single["parameters"][0]["example"]
        .as_str()
        .expect("an example id");
    let r = c
        .agent
        .post(format!("{}/v2/download/{id}", c.https))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Api-Key", "sandbox-client")
        .send_empty()
        .expect("request completes");
    assert_eq!(r.status().as_u16(), 302, "the SingleStepDownload example");
    let query: Vec<String> = paths["/oembed"]["get"]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(format!(
                "{}={}",
                p["name"].as_str()?,
                p["example"].as_str()?
            ))
        })
        .collect();
    let r = c
        .agent
        .get(format!("{}/oembed?{}", c.https, query.join("&")))
        .call()
        .expect("request completes");
    assert_eq!(r.status().as_u16(), 200, "the oEmbed example: {query:?}");
    assert_eq!(examples::IMAGE_ID, id);
}

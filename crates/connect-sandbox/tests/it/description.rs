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

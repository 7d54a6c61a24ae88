//! The committed OpenAPI document is current and describes every operation of the list the
//! schema files come from.

use connect_types::{openapi, schema};
use std::path::PathBuf;

fn committed() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(openapi::OPENAPI_FILE);
    std::fs::read_to_string(path).ok()
}

#[test]
fn committed_openapi_document_is_up_to_date() {
    let wanted = openapi::render(&openapi::document());
    let have = committed().unwrap_or_default();
    assert!(
        have == wanted,
        "{} is out of date: run `cargo xtask openapi` and commit it",
        openapi::OPENAPI_FILE
    );
}

#[test]
fn every_listed_operation_and_every_schema_file_is_in_the_document() {
    let doc = openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    for op in schema::operations() {
        assert!(doc["paths"][op.path]["post"].is_object(), "{}", op.path);
    }
    // Each request body's schema file is a component of the document too (same derives).
    let files = schema::files();
    for op in schema::operations()
        .iter()
        .filter(|op| op.alias_of.is_none() && op.has_body)
    {
        assert!(files.contains_key(&schema::file_name(&op.request_name)));
        assert!(
            doc["components"]["schemas"][&op.request_name].is_object(),
            "{} is not a component",
            op.request_name
        );
    }
    for path in ["/oauth2/token", "/oauth2/auth"] {
        assert!(
            doc["paths"][path]["servers"][0]["url"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
    }
    let token_form = &doc["paths"]["/oauth2/token"]["post"]["requestBody"]["content"];
    assert!(token_form["application/x-www-form-urlencoded"].is_object());
}

/// Every object schema in `v`, wherever it sits.
fn each_schema<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            out.push(v);
            m.values().for_each(|c| each_schema(c, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|c| each_schema(c, out)),
        _ => {}
    }
}

#[test]
fn sized_integers_state_a_range_within_what_a_decoder_takes() {
    let doc = openapi::document();
    let mut all = Vec::new();
    each_schema(&doc, &mut all);
    let mut seen = 0;
    for s in all.into_iter().filter(|s| s["format"].is_string()) {
        let (min, max) = match s["format"].as_str().unwrap_or_default() {
            "int32" => (i64::from(i32::MIN), i64::from(i32::MAX)),
            "uint32" => (0, i64::from(u32::MAX)),
            // The service's integers are signed; so is the sandbox's reading of them.
            "int64" => (i64::MIN, i64::MAX),
            "uint64" => (0, i64::MAX),
            _ => continue,
        };
        seen += 1;
        // A field may narrow its type's range (a quantity starts at 1), never widen it.
        let (low, high) = (s["minimum"].as_i64(), s["maximum"].as_i64());
        assert!(low.is_some_and(|l| l >= min), "{s}");
        assert!(high.is_some_and(|h| h <= max), "{s}");
        assert!(low <= high, "{s}");
    }
    assert!(seen > 20, "only {seen} sized integers found");
}

#[test]
fn required_properties_have_no_default_and_documented_limits_are_stated() {
    let doc = openapi::document();
    let mut all = Vec::new();
    each_schema(&doc, &mut all);
    for s in &all {
        for name in s["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            let p = &s["properties"][name];
            assert!(
                p.get("default").is_none(),
                "required {name} has a default: {p}"
            );
        }
    }
    let schemas = &doc["components"]["schemas"];
    let ids = &schemas["GetImageDetailsRequest"]["properties"]["ImageIds"];
    assert_eq!(ids["minItems"], 1);
    assert_eq!(
        ids["maxItems"],
        connect_types::ops::MAX_IMAGE_DETAIL_IDS,
        "{ids}"
    );
    let usages = &schemas["ReportUsageRequest"]["properties"]["AssetUsages"];
    assert_eq!(usages["maxItems"], connect_types::ops::MAX_ASSET_USAGES);
    for (component, field) in [
        ("CreateSessionRequest", "SystemId"),
        ("ReportUsageRequest", "TransactionId"),
        ("ConfirmAssetChangesRequest", "TransactionId"),
        ("CreateCustomerRequest", "BillingCountryChar3Iso"),
    ] {
        assert_eq!(
            schemas[component]["properties"][field]["pattern"],
            schema::NON_BLANK,
            "{component}.{field}"
        );
    }
}

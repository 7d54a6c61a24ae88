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

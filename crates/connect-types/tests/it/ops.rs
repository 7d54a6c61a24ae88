//! Each operation's routing constants match the documented facts (copied into
//! tests/fixtures/operations/) and the security and retry classes the SDK relies on.

use connect_types::Security::{None as NoToken, SecureOnly, Standard};
use connect_types::ops::*;
use connect_types::{Operation, schema};
use serde_json::Value;
use std::collections::BTreeMap;

/// The SDK's choices the documentation leaves to it: which operations are secure-only or need
/// no token (every other one is [`Standard`]), and which are not idempotent (every other one
/// is).
const SECURE_ONLY: &[&str] = &[
    "RenewSession",
    "CreateDownloadRequest",
    "GetPreviousDownloads",
    "GetPreviousPurchases",
    "CreateCustomer",
];
const NO_TOKEN: &[&str] = &["CreateSession"];
const NOT_IDEMPOTENT: &[&str] = &[
    "CreateDownloadRequest",
    "CreateLightbox",
    "CreateLightboxItems",
    "CreateSharedLightbox",
    "CreateCustomer",
];

fn check(spec: &BTreeMap<String, Value>, op: &schema::OperationDoc) -> Option<String> {
    let Some(facts) = spec.get(op.name) else {
        return Some(format!(
            "{}: no documented facts in tests/fixtures/operations/",
            op.name
        ));
    };
    let mut problems = Vec::new();
    if facts["path"] != op.path {
        problems.push(format!("PATH {} vs {}", op.path, facts["path"]));
    }
    match facts["body_key"].as_str() {
        // Documented without a body: nothing may be sent under the key.
        None if op.has_body => problems.push("HAS_BODY true, documented without a body".into()),
        None => {}
        Some(key) if key != op.body_key || !op.has_body => {
            problems.push(format!("BODY_KEY {} vs {key}", op.body_key));
        }
        Some(_) => {}
    }
    if facts["result_key"].as_str() != op.result_key {
        problems.push(format!(
            "RESULT_KEY {:?} vs {}",
            op.result_key, facts["result_key"]
        ));
    }
    let security = if SECURE_ONLY.contains(&op.name) {
        SecureOnly
    } else if NO_TOKEN.contains(&op.name) {
        NoToken
    } else {
        Standard
    };
    if op.security != security {
        problems.push(format!("SECURITY {:?}, want {security:?}", op.security));
    }
    let idempotent = !NOT_IDEMPOTENT.contains(&op.name);
    if op.idempotent != idempotent {
        problems.push(format!("IDEMPOTENT {}, want {idempotent}", op.idempotent));
    }
    (!problems.is_empty()).then(|| format!("{}: {}", op.name, problems.join("; ")))
}

#[test]
fn routing_constants_match_the_spec() {
    let spec: BTreeMap<String, Value> = crate::fixtures::documented();
    let ops = schema::operations();
    let problems: Vec<String> = ops
        .iter()
        .filter(|op| op.alias_of.is_none())
        .filter_map(|op| check(&spec, op))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // And nothing documented is left out of the list (the two outside the envelope aside).
    for name in spec.keys() {
        let listed = ops.iter().any(|op| op.name == name);
        assert!(
            listed || name.starts_with('_') || name == "SingleStepDownload" || name == "oEmbed",
            "{name} is documented but not in connect_types::ops::visit"
        );
    }
}

#[test]
fn the_v1_search_differs_only_in_path_and_body_key() {
    type V1 = SearchForImagesV1Request;
    type V2 = SearchForImagesRequest;
    assert_eq!(V1::PATH, "/v1/search/SearchForImages");
    assert_eq!(V1::BODY_KEY, "SearchForImages2RequestBody");
    assert_eq!(V1::NAME, V2::NAME);
    assert_eq!(V1::RESULT_KEY, V2::RESULT_KEY);
    assert_eq!(V1::SECURITY, V2::SECURITY);
    let req = V2::phrase("tree");
    assert_eq!(
        serde_json::to_string(&req.clone().v1()).unwrap(),
        serde_json::to_string(&req).unwrap()
    );
}

#[test]
fn only_image_details_has_a_header_detail() {
    assert_eq!(GetImageDetailsRequest::ids(["1"]).header_detail(), None);
    let req = GetImageDetailsRequest::ids(["1"]).detail(ImageDetailLevel::IncludeSizeName);
    assert_eq!(req.header_detail(), Some("IncludeSizeName"));
    assert!(!serde_json::to_string(&req).unwrap().contains("Detail"));
    assert_eq!(SearchForImagesRequest::phrase("x").header_detail(), None);
}

#[test]
fn the_two_operations_without_an_envelope_match_the_spec() {
    let spec: BTreeMap<String, Value> = crate::fixtures::documented();
    let single = &spec["SingleStepDownload"];
    assert_eq!(single["path"], SingleStepDownloadRequest::PATH_TEMPLATE);
    assert_eq!(single["method"], SingleStepDownloadRequest::METHOD);
    assert_eq!(single["secure_only"], true);
    assert!(SingleStepDownloadRequest::SECURITY.requires_https());
    assert!(
        SingleStepDownloadRequest::PATH_TEMPLATE
            .starts_with(SingleStepDownloadRequest::PATH_PREFIX)
    );
    let oembed = &spec["oEmbed"];
    assert_eq!(oembed["path"], OEmbedRequest::PATH);
    assert_eq!(oembed["method"], OEmbedRequest::METHOD);
    assert_eq!(oembed["secure_only"], false);
    assert_eq!(oembed["envelope"], false);
    assert_eq!(single["envelope"], false);
}

#[test]
fn bodyless_operations_send_the_header_alone() {
    let header = connect_types::RequestHeader::default();
    let bytes = connect_types::encode_request(&header, &GetCollectionsRequest {});
    assert_eq!(bytes, br#"{"RequestHeader":{}}"#);
    let bytes = connect_types::encode_request(&header, &GetCountriesRequest::default());
    assert_eq!(
        bytes,
        br#"{"RequestHeader":{},"GetCountriesRequestBody":{}}"#
    );
}

//! Each operation's routing constants match the documented facts (copied into
//! tests/fixtures/spec-fields.json) and the security and retry classes the SDK relies on.

use connect_types::Operation;
use connect_types::Security::{self, None as NoToken, SecureOnly, Standard};
use connect_types::ops::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn check<O: Operation>(
    spec: &BTreeMap<String, Value>,
    security: Security,
    idempotent: bool,
) -> Option<String> {
    let facts = &spec[O::NAME];
    let mut problems = Vec::new();
    if facts["path"] != O::PATH {
        problems.push(format!("PATH {} vs {}", O::PATH, facts["path"]));
    }
    match facts["body_key"].as_str() {
        // Documented without a body: nothing may be sent under the key.
        None if O::HAS_BODY => problems.push("HAS_BODY true, documented without a body".into()),
        None => {}
        Some(key) if key != O::BODY_KEY || !O::HAS_BODY => {
            problems.push(format!("BODY_KEY {} vs {key}", O::BODY_KEY));
        }
        Some(_) => {}
    }
    if facts["result_key"].as_str() != O::RESULT_KEY {
        problems.push(format!(
            "RESULT_KEY {:?} vs {}",
            O::RESULT_KEY,
            facts["result_key"]
        ));
    }
    if O::SECURITY != security {
        problems.push(format!("SECURITY {:?}, want {security:?}", O::SECURITY));
    }
    if O::IDEMPOTENT != idempotent {
        problems.push(format!("IDEMPOTENT {}, want {idempotent}", O::IDEMPOTENT));
    }
    (!problems.is_empty()).then(|| format!("{}: {}", O::NAME, problems.join("; ")))
}

#[test]
fn routing_constants_match_the_spec() {
    let spec: BTreeMap<String, Value> =
        serde_json::from_str(include_str!("../fixtures/spec-fields.json")).unwrap();
    let problems: Vec<String> = [
        check::<CreateSessionRequest>(&spec, NoToken, true),
        check::<RenewSessionRequest>(&spec, SecureOnly, true),
        check::<SearchForImagesRequest>(&spec, Standard, true),
        check::<GetImageDetailsRequest>(&spec, Standard, true),
        check::<GetEventDetailsRequest>(&spec, Standard, true),
        check::<SearchForVideosRequest>(&spec, Standard, true),
        check::<GetImageDownloadAuthorizationsRequest>(&spec, Standard, true),
        check::<GetLargestImageDownloadAuthorizationsRequest>(&spec, Standard, true),
        check::<CreateDownloadRequest>(&spec, SecureOnly, false),
        check::<CreateLightboxRequest>(&spec, Standard, false),
        check::<GetLightboxRequest>(&spec, Standard, true),
        check::<CreateLightboxItemsRequest>(&spec, Standard, false),
        check::<DeleteLightboxItemsRequest>(&spec, Standard, true),
        check::<DeleteLightboxRequest>(&spec, Standard, true),
        check::<GetLightboxHeadersRequest>(&spec, Standard, true),
        check::<UpdateLightboxHeaderRequest>(&spec, Standard, true),
        check::<GetPreviousDownloadsRequest>(&spec, SecureOnly, true),
        check::<CreateSharedLightboxRequest>(&spec, Standard, false),
        check::<GetActiveProductOfferingsRequest>(&spec, Standard, true),
        check::<GetAllProductOfferingsRequest>(&spec, Standard, true),
        check::<GetCollectionsRequest>(&spec, Standard, true),
        check::<GetCountriesRequest>(&spec, Standard, true),
        check::<CreateCustomerRequest>(&spec, SecureOnly, false),
        check::<GetPreviousPurchasesRequest>(&spec, SecureOnly, true),
        check::<ReportUsageRequest>(&spec, Standard, true),
        check::<GetAssetChangesRequest>(&spec, Standard, true),
        check::<ConfirmAssetChangesRequest>(&spec, Standard, true),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
    let spec: BTreeMap<String, Value> =
        serde_json::from_str(include_str!("../fixtures/spec-fields.json")).unwrap();
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

//! Every operation's populated request encodes to the documented envelope, and the body
//! decodes back to the same value (the sandbox reads requests with these types).

use crate::pretty;
use connect_types::ops::*;
use connect_types::{Operation, RequestDate, RequestHeader, Secret, encode_request};
use serde::de::DeserializeOwned;

fn header() -> RequestHeader {
    RequestHeader {
        token: Some(Secret::new("standard-token-fixture")),
        coordination_id: Some("coord-42".into()),
        detail: None,
    }
}

/// The snapshot text: the operation's routing facts, then the envelope as sent.
fn encoded<O: Operation + DeserializeOwned>(req: &O) -> String {
    let bytes = encode_request(&header(), req);
    let env: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(env.as_object().unwrap().len(), 2, "header and body only");
    let body = &env[O::BODY_KEY];
    assert!(body.is_object(), "body under {}", O::BODY_KEY);
    assert!(!bytes.windows(4).any(|w| w == b"null"), "no nulls sent");
    let back: O = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        serde_json::to_string(&back).unwrap(),
        serde_json::to_string(req).unwrap(),
        "the body decodes back to the request"
    );
    format!(
        "POST {} ({:?}, idempotent: {}, result key: {:?})\n{}",
        O::PATH,
        O::SECURITY,
        O::IDEMPOTENT,
        O::RESULT_KEY,
        pretty(&bytes)
    )
}

#[test]
fn create_session() {
    let req = CreateSessionRequest {
        system_id: "10001".into(),
        system_password: Secret::new("system-password-fixture"),
        user_name: "jholloway".into(),
        user_password: Secret::new("user-password-fixture"),
    };
    let bytes = encode_request(&RequestHeader::default(), &req);
    insta::assert_snapshot!(format!(
        "POST {} ({:?})\n{}",
        CreateSessionRequest::PATH,
        CreateSessionRequest::SECURITY,
        pretty(&bytes)
    ));
}

#[test]
fn renew_session() {
    let req = RenewSessionRequest {
        system_id: "10001".into(),
        system_password: Secret::new("system-password-fixture"),
    };
    let header = RequestHeader {
        token: Some(Secret::new("secure-token-fixture")),
        ..RequestHeader::default()
    };
    let bytes = encode_request(&header, &req);
    insta::assert_snapshot!(format!(
        "POST {} ({:?})\n{}",
        RenewSessionRequest::PATH,
        RenewSessionRequest::SECURITY,
        pretty(&bytes)
    ));
}

fn full_search() -> SearchForImagesRequest {
    let mut req = SearchForImagesRequest::phrase("dog on the beach")
        .family(ImageFamily::Editorial)
        .family(ImageFamily::Creative)
        .count(50)
        .page(3)
        .language(Language::EnGb)
        .include_keywords(true)
        .refinement_options(RefinementOptionsSet::RefinementSet1)
        .refine(RefinementCategory::NumberOfPeople, "88110")
        .editorial_sort(EditorialSortOrder::MostRecent)
        .creative_sort(CreativeSortOrder::MostPopular);
    let f = &mut req.filter;
    f.collections = Some(IdFilter::include(["45", "112"]));
    f.editorial_segments = vec![EditorialSegment::Sports, EditorialSegment::News];
    f.editorial_sources = Some(IdFilter::exclude(["7"]));
    f.embed_content_only = Some(false);
    f.exclude_nudity = Some(true);
    f.file_types = vec![FileType::Jpg];
    f.graphic_styles = vec![GraphicStyle::Photography];
    f.licensing_models = vec![LicensingModel::RoyaltyFree];
    f.orientations = vec![Orientation::Horizontal, Orientation::PanoramicHorizontal];
    f.product_offerings = vec![ProductOffering::EasyAccess];
    f.white_background_only = Some(false);
    let q = &mut req.query;
    q.date_created_range = Some(DateCreatedRange {
        start_date: RequestDate::new(2013, 12, 30),
        end_date: RequestDate::new(2014, 1, 8),
    });
    q.event_id = Some(118_224);
    q.keyword_ids = vec!["61723".into()];
    q.entity_uris = vec!["http://dbpedia.org/resource/Robert_Smith_(musician)".into()];
    q.specific_persons = vec!["Robert Smith".into()];
    req
}

#[test]
fn search_for_images() {
    insta::assert_snapshot!(encoded(&full_search()));
}

#[test]
fn search_for_images_minimal() {
    let req = SearchForImagesRequest::phrase("tree").family(ImageFamily::Creative);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn search_for_images_v1() {
    let req = SearchForImagesRequest::phrase("tree")
        .family(ImageFamily::Creative)
        .count(10)
        .v1();
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn get_image_details() {
    let req = GetImageDetailsRequest::ids(["109876543", "109876544"])
        .language(Language::De)
        .detail(ImageDetailLevel::IncludeSizeName);
    let text = encoded(&req);
    assert!(text.contains("\"Detail\": \"IncludeSizeName\""));
    insta::assert_snapshot!(text);
}

#[test]
fn get_event_details() {
    insta::assert_snapshot!(encoded(&GetEventDetailsRequest::ids([118_224, 118_225])));
}

#[test]
fn search_for_videos() {
    let mut req = SearchForVideosRequest::phrase("surf")
        .family(AssetFamily::Editorial)
        .count(90)
        .start(91)
        .sort(VideoSortOrder::MostRecent);
    req.language = Some(Language::Fr);
    req.filter.clip_type = Some(ClipType::Raw);
    req.filter.collections = Some(VideoCollectionsFilter {
        ids: vec!["610".into()],
        mode: Some(VideoCollectionMode::Exclude),
    });
    req.filter.exclude_nudity = Some(true);
    req.filter.formats = vec![VideoFormat::Hd];
    req.filter.licensing_models = vec![LicensingModel::RightsReady];
    req.query.keyword_ids = vec!["7001".into()];
    req.query.entity_uris = vec!["http://rdf.freebase.com/ns/m.01tp5bj".into()];
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn search_for_videos_by_asset_ids() {
    insta::assert_snapshot!(encoded(&SearchForVideosRequest::asset_ids([
        "168012345",
        "168012346"
    ])));
}

#[test]
fn get_image_download_authorizations() {
    let req =
        GetImageDownloadAuthorizationsRequest::for_sizes([("109876543", "5"), ("109876544", "2")]);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn get_largest_image_download_authorizations() {
    let req = GetLargestImageDownloadAuthorizationsRequest::ids(["109876543", "109876544"]);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn create_download_request() {
    let req = CreateDownloadRequest::for_tokens(["dl-token-109876543-5-ea", "vid-token-1"]);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn create_lightbox() {
    let req = CreateLightboxRequest::named("Trip")
        .client("ACME Travel")
        .project("Spring brochure")
        .notes("Shortlist for the cover");
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn get_lightbox() {
    let req = GetLightboxRequest::new(2_207_841)
        .items(1, 50)
        .include_max_size(true);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn create_lightbox_items() {
    let req = CreateLightboxItemsRequest::new(2_207_841, ["109876543", "168012345"]);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn delete_lightbox_items() {
    let req = DeleteLightboxItemsRequest::new(2_207_841, ["168012345"]);
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn delete_lightbox() {
    insta::assert_snapshot!(encoded(&DeleteLightboxRequest::new(2_207_841)));
}

#[test]
fn get_lightbox_headers() {
    insta::assert_snapshot!(encoded(&GetLightboxHeadersRequest::page(1, 25)));
}

#[test]
fn update_lightbox_header() {
    let req = UpdateLightboxHeaderRequest::new(2_207_841, "Trip (final)")
        .client("ACME Travel")
        .project("Spring brochure")
        .notes("Cover picked");
    insta::assert_snapshot!(encoded(&req));
}

#[test]
fn oauth2_token_requests() {
    let reqs = [
        TokenRequest::ClientCredentials {
            client_id: "api-key".into(),
            client_secret: "api-secret".into(),
        },
        TokenRequest::Password {
            client_id: "api-key".into(),
            client_secret: "api-secret".into(),
            username: "jholloway".into(),
            password: "pa ss&word".into(),
        },
        TokenRequest::RefreshToken {
            client_id: "api-key".into(),
            client_secret: "api-secret".into(),
            refresh_token: "refresh-fixture".into(),
        },
    ];
    let forms: Vec<String> = reqs.iter().map(TokenRequest::to_form).collect();
    insta::assert_snapshot!(forms.join("\n"));
}

/// Old clients' spellings decode into the same request the SDK would send.
#[test]
fn historical_request_forms_decode() {
    let body = r#"{
        "Filter": {"ImageFamilies": ["creative"], "ExcludeNudity": "true", "EmbedContentOnly": "",
                   "Collections": {"Ids": [45, "112"], "Mode": "Include"}, "Refinements": null},
        "Language": "EN-US",
        "Query": {"SearchPhrase": "dog", "EventId": "118224",
                  "DateCreatedRange": {"StartDate": "2013-12-30T00:00:00", "EndDate": ""}},
        "ResultOptions": {"ItemCount": "25", "ItemStartNumber": 1, "IncludeKeywords": "False"},
        "ClientVersion": "1.0.3"
    }"#;
    let req: SearchForImagesRequest = serde_json::from_str(body).unwrap();
    assert_eq!(req.filter.image_families, [ImageFamily::Creative]);
    assert_eq!(req.filter.exclude_nudity, Some(true));
    assert_eq!(req.filter.embed_content_only, None);
    let c = req.filter.collections.as_ref().unwrap();
    assert_eq!(c.ids, ["45", "112"]);
    assert_eq!(c.mode, Some(CollectionMode::Include));
    assert_eq!(req.language, Some(Language::EnUs));
    assert_eq!(req.query.event_id, Some(118_224));
    let range = req.query.date_created_range.as_ref().unwrap();
    assert_eq!(range.start_date, RequestDate::new(2013, 12, 30));
    assert_eq!(range.end_date, None);
    assert_eq!(req.result_options.item_count, 25);
    assert_eq!(req.result_options.include_keywords, Some(false));

    let lb: GetLightboxRequest = serde_json::from_str(
        r#"{"LightboxId":"2207841","LightboxItemsViewOptions":{"ItemCount":"10","ItemStartNumber":"1","IncludeMaxSizePerLightboxItem":"true"}}"#,
    )
    .unwrap();
    assert_eq!(
        lb,
        GetLightboxRequest::new(2_207_841)
            .items(1, 10)
            .include_max_size(true)
    );

    let v: SearchForVideosRequest = serde_json::from_str(
        r#"{"Filter":{"ClipType":["Raw"],"Collections":{"Ids":["1"],"Mode":"exclude"}},"Query":{"AssetIds":[{"AssetId":"168012345"},168012346]},"ResultOptions":{"ItemCount":"90","ItemStartNumber":"1"}}"#,
    )
    .unwrap();
    assert_eq!(v.filter.clip_type, Some(ClipType::Raw));
    assert_eq!(v.query.asset_ids, ["168012345", "168012346"]);
    assert_eq!(
        v.filter.collections.unwrap().mode,
        Some(VideoCollectionMode::Exclude)
    );
}

//! Every operation's populated request encodes to the documented envelope, and the body
//! decodes back to the same value (the sandbox reads requests with these types).

use crate::pretty;
use connect_types::ops::*;
use connect_types::{IsoDateTime, Operation, RequestDate, RequestHeader, Secret, encode_request};
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
    assert!(!bytes.windows(4).any(|w| w == b"null"), "no nulls sent");
    if !O::HAS_BODY {
        assert_eq!(env.as_object().unwrap().len(), 1, "the header alone");
        assert!(env["RequestHeader"].is_object());
        return format!(
            "POST {} ({:?}, idempotent: {}, no body, result key: {:?})\n{}",
            O::PATH,
            O::SECURITY,
            O::IDEMPOTENT,
            O::RESULT_KEY,
            pretty(&bytes)
        );
    }
    assert_eq!(env.as_object().unwrap().len(), 2, "header and body only");
    let body = &env[O::BODY_KEY];
    assert!(body.is_object(), "body under {}", O::BODY_KEY);
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
fn get_previous_downloads() {
    let range = DateRange::new(
        IsoDateTime::parse("2013-03-01T00:00:00-08:00").unwrap(),
        IsoDateTime::parse("2013-04-01T00:00:00Z").unwrap(),
    );
    let req = GetPreviousDownloadsRequest::page(26, 25)
        .between(range)
        .offering(DownloadOfferingFilter::All);
    let text = encoded(&req);
    // The example's key names (Start/End) go out, with the zone each date was given in.
    assert!(text.contains(r#""Start": "2013-03-01T00:00:00-08:00""#));
    assert!(text.contains(r#""End": "2013-04-01T00:00:00Z""#));
    insta::assert_snapshot!(text);
}

#[test]
fn get_previous_purchases() {
    let req = GetPreviousPurchasesRequest::page(1, 25)
        .sort(PurchaseSortType::OrderDateDescending)
        .matching(SearchCriteriaType::AssetId, "83454811");
    let text = encoded(&req);
    assert!(text.contains("GetPreviousPurchasesResultBody"));
    insta::assert_snapshot!(text);
}

#[test]
fn create_shared_lightbox() {
    insta::assert_snapshot!(encoded(&CreateSharedLightboxRequest::new(2_207_841)));
}

#[test]
fn bodyless_data_operations() {
    let texts = [
        encoded(&GetActiveProductOfferingsRequest {}),
        encoded(&GetAllProductOfferingsRequest {}),
        encoded(&GetCollectionsRequest {}),
    ];
    for t in &texts {
        assert!(!t.contains("RequestBody\""), "{t}");
    }
    insta::assert_snapshot!(texts.join("\n\n"));
}

#[test]
fn get_countries() {
    let text = encoded(&GetCountriesRequest::in_language(Language::EnGb));
    assert!(text.contains(r#""Language": "en-gb""#));
    insta::assert_snapshot!(text);
}

#[test]
fn create_customer() {
    let req = CreateCustomerRequest::new(
        "carol",
        "customer-password-fixture",
        "carol@example.com",
        "Carol",
        "Ng",
        "USA",
    )
    .middle_name("J")
    .phone("+1 555 0100")
    .marketing_email(true);
    let bytes = encode_request(&header(), &req);
    let text = format!(
        "POST {} ({:?}, idempotent: {}, result key: {:?})\n{}",
        CreateCustomerRequest::PATH,
        CreateCustomerRequest::SECURITY,
        CreateCustomerRequest::IDEMPOTENT,
        CreateCustomerRequest::RESULT_KEY,
        pretty(&bytes)
    );
    // The password goes on the wire (it must) but never into Debug.
    assert!(text.contains("customer-password-fixture"));
    assert!(!format!("{req:?}").contains("customer-password-fixture"));
    assert!(text.contains(r#""MarketingEmailOptIn": true"#));
    insta::assert_snapshot!(text);
}

#[test]
fn report_usage() {
    let day = RequestDate::new(2013, 4, 2).unwrap();
    let req = ReportUsageRequest::new("9f1c2d7e-0d1b-4c55-a1de-2f3c4b5a6d7e")
        .usage("83454811", 2, day)
        .usage("83454811", 1, RequestDate::new(2013, 4, 3).unwrap());
    let text = encoded(&req);
    assert!(text.contains(r#""UsageDate": "2013-04-02""#));
    insta::assert_snapshot!(text);
}

#[test]
fn asset_change_feed() {
    let get = encoded(&GetAssetChangesRequest::channel(17).count(100));
    let confirm = encoded(&ConfirmAssetChangesRequest::new("tx-17-000001"));
    assert!(get.contains(r#""ItemCount": 100"#));
    insta::assert_snapshot!(format!("{get}\n\n{confirm}"));
}

#[test]
fn single_step_download_and_oembed() {
    let single = SingleStepDownloadRequest::new("177670965");
    let oembed = OEmbedRequest::for_asset("83454811")
        .caller("example.com")
        .format(OEmbedFormat::Json);
    let text = format!(
        "{} {} ({:?}, idempotent: {}; headers {} and Authorization: Bearer, no body)\n{} {}?{}",
        SingleStepDownloadRequest::METHOD,
        single.path(),
        SingleStepDownloadRequest::SECURITY,
        SingleStepDownloadRequest::IDEMPOTENT,
        SingleStepDownloadRequest::API_KEY_HEADER,
        OEmbedRequest::METHOD,
        OEmbedRequest::PATH,
        oembed.query()
    );
    assert_eq!(OEmbedRequest::from_query(&oembed.query()).unwrap(), oembed);
    insta::assert_snapshot!(text);
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

/// The new operations' historical spellings: table key names, numbers as strings.
#[test]
fn historical_forms_of_the_newer_operations_decode() {
    let d: GetPreviousDownloadsRequest = serde_json::from_str(
        r#"{"ItemCount":"25","ItemStartNumber":"1","Filter":{"DateRange":{"StartDate":"2013-03-01T00:00:00-08:00","EndDate":"2013-04-01"},"ProductOffering":"easyaccess"}}"#,
    )
    .unwrap();
    let f = d.filter.unwrap();
    let range = f.date_range.unwrap();
    assert_eq!(range.start.unwrap().offset_minutes, Some(-480));
    assert_eq!(range.end, Some(IsoDateTime::from_millis(1_364_774_400_000)));
    assert_eq!(f.product_offering, Some(DownloadOfferingFilter::EasyAccess));
    assert_eq!((d.item_count, d.item_start_number), (25, 1));

    let u: ReportUsageRequest = serde_json::from_str(
        r#"{"TransactionId":12345,"AssetUsages":[{"AssetId":83454811,"Quantity":"2","UsageDate":"2013-04-02T00:00:00"}]}"#,
    )
    .unwrap();
    assert_eq!(u.transaction_id, "12345");
    assert_eq!(u.asset_usages[0].asset_id, "83454811");
    assert_eq!(u.asset_usages[0].quantity, 2);
    assert!(serde_json::from_str::<ReportUsageRequest>(
        r#"{"TransactionId":"t","AssetUsages":[{"AssetId":"1","Quantity":1,"UsageDate":"yesterday"}]}"#
    )
    .is_err());

    let c: CreateCustomerRequest = serde_json::from_str(
        r#"{"UserName":"carol","Password":"pw12","MarketingEmailOptIn":"true","BillingCountryChar3Iso":"USA"}"#,
    )
    .unwrap();
    assert_eq!(c.marketing_email_opt_in, Some(true));
    assert_eq!(c.password.expose(), "pw12");

    let g: GetAssetChangesRequest =
        serde_json::from_str(r#"{"ChannelId":"17","ItemCount":""}"#).unwrap();
    assert_eq!(g, GetAssetChangesRequest::channel(17));
}

/// Every request a user builds has `new`, taking what its operation requires, so
/// `GetImageDetailsRequest::new` works as `GetLightboxRequest::new` does; the named
/// constructors (`ids`, `phrase`, …) build the same request.
#[test]
fn every_request_has_new_and_it_agrees_with_the_named_constructor() {
    assert_eq!(
        SearchForImagesRequest::new("tree"),
        SearchForImagesRequest::phrase("tree")
    );
    assert_eq!(
        SearchForVideosRequest::new("sea"),
        SearchForVideosRequest::phrase("sea")
    );
    assert_eq!(
        GetImageDetailsRequest::new(["1"]),
        GetImageDetailsRequest::ids(["1"])
    );
    assert_eq!(
        GetEventDetailsRequest::new([7]),
        GetEventDetailsRequest::ids([7])
    );
    assert_eq!(
        GetImageDownloadAuthorizationsRequest::new([("1", "large")]),
        GetImageDownloadAuthorizationsRequest::for_sizes([("1", "large")])
    );
    assert_eq!(
        GetLargestImageDownloadAuthorizationsRequest::new(["1"]),
        GetLargestImageDownloadAuthorizationsRequest::ids(["1"])
    );
    assert_eq!(
        CreateDownloadRequest::new(["t"]),
        CreateDownloadRequest::for_tokens(["t"])
    );
    assert_eq!(
        CreateLightboxRequest::new("a"),
        CreateLightboxRequest::named("a")
    );
    assert_eq!(
        GetLightboxHeadersRequest::new(1, 5),
        GetLightboxHeadersRequest::page(1, 5)
    );
    assert_eq!(
        GetPreviousDownloadsRequest::new(1, 5),
        GetPreviousDownloadsRequest::page(1, 5)
    );
    assert_eq!(
        GetPreviousPurchasesRequest::new(1, 5),
        GetPreviousPurchasesRequest::page(1, 5)
    );
    assert_eq!(
        GetAssetChangesRequest::new(3),
        GetAssetChangesRequest::channel(3)
    );
    assert_eq!(
        GetCountriesRequest::new(Language::parse("en-us")),
        GetCountriesRequest::in_language(Language::parse("en-us"))
    );
    assert_eq!(OEmbedRequest::new("42"), OEmbedRequest::for_asset("42"));
    // These had `new` already.
    let _ = (
        GetLightboxRequest::new(1),
        DeleteLightboxRequest::new(1),
        CreateSharedLightboxRequest::new(1),
        UpdateLightboxHeaderRequest::new(1, "n"),
        CreateLightboxItemsRequest::new(1, ["1"]),
        DeleteLightboxItemsRequest::new(1, ["1"]),
        ConfirmAssetChangesRequest::new("t"),
        ReportUsageRequest::new("t"),
        SingleStepDownloadRequest::new("1"),
    );
}

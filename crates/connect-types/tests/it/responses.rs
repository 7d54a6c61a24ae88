//! Realistic responses (the `answer` of tests/fixtures/operations/<Op>.json) decode, and re-encode stably.
//!
//! Each fixture carries lenient forms on purpose: numeric strings, bare numbers for string
//! ids, `""` booleans, unknown extra fields and values the documentation does not list.

use connect_types::envelope::decode_response;
use connect_types::operation::{Described, Visit};
use connect_types::ops::*;
use connect_types::{Operation, OverallStatus, Response, StatusCode};

fn fixture(op: &str) -> Vec<u8> {
    crate::fixtures::answer(op)
}

/// Rebuilds the envelope from a decoded response, as a server using these types would.
fn reencode<O: Operation>(r: &Response<O::Result>) -> Vec<u8> {
    let mut env = serde_json::Map::new();
    env.insert(
        "ResponseHeader".into(),
        serde_json::to_value(&r.header).unwrap(),
    );
    if let Some(key) = O::RESULT_KEY {
        env.insert(key.into(), serde_json::to_value(&r.result).unwrap());
    }
    serde_json::to_vec(&env).unwrap()
}

/// Decodes the fixture, checks that decoding what it re-encodes to gives the same value, and
/// returns the decoded response as pretty JSON for the snapshot.
fn decode_stably<O: Operation>(op: &str) -> String {
    let first = decode_response::<O>(&fixture(op)).unwrap_or_else(|e| panic!("{op}: {e}"));
    let again = decode_response::<O>(&reencode::<O>(&first)).unwrap();
    let a = serde_json::to_string_pretty(&first).unwrap();
    let b = serde_json::to_string_pretty(&again).unwrap();
    assert_eq!(a, b, "{op} re-encodes stably");
    a
}

/// `GetCountries` → `get_countries`: the snapshot's name.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Every operation of the list reads its documented answer (the `answer` of
/// `tests/fixtures/operations/<Name>.json`, which must exist): a snapshot of what it decodes to, or, for the operations without a
/// result, what a caller learns from the answer ([`without_result`]).
#[test]
fn every_operation_reads_its_documented_answer() {
    struct Each(Vec<String>);
    impl Visit for Each {
        fn operation<O: Described>(&mut self) {
            let name = O::NAME;
            if std::any::type_name::<O::Result>() == std::any::type_name::<Empty>() {
                let raw: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
                let id = raw["ResponseHeader"]["CoordinationId"].as_str();
                without_result::<O>(name, id);
            } else {
                insta::assert_snapshot!(snake(name), decode_stably::<O>(name));
            }
            self.0.push(name.to_owned());
        }
    }
    let mut each = Each(Vec::new());
    connect_types::ops::visit(&mut each);
    let names = crate::fixtures::answered();
    each.0.sort();
    assert_eq!(
        names, each.0,
        "a fixture for an operation that is not listed"
    );
}

/// The operations whose success carries no result. A snapshot of their `{}` said nothing, so
/// these check what a caller learns from such an answer: the outcome, the coordination id,
/// the notices of a success, and that the same envelope reporting an error is an API error
/// with its code, never an empty success.
fn without_result<O: Operation>(name: &str, coordination_id: Option<&str>) {
    let ok = decode_response::<O>(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(ok.header.status, Some(OverallStatus::Success), "{name}");
    assert_eq!(
        ok.header.coordination_id.as_deref(),
        coordination_id,
        "{name}"
    );
    assert_eq!(
        serde_json::to_value(&ok.result).unwrap(),
        serde_json::json!({}),
        "{name}: nothing to carry"
    );
    assert_eq!(ok.warnings().count(), 0, "{name}");

    let mut v: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    v["ResponseHeader"]["StatusList"] = serde_json::json!([
        {"Type": "Information", "Code": "DefaultLanguageUsed", "Message": "en-us"}
    ]);
    let noted = decode_response::<O>(&serde_json::to_vec(&v).unwrap()).unwrap();
    let codes: Vec<_> = noted.warnings().map(|w| w.code.clone()).collect();
    assert_eq!(codes, [Some(StatusCode::DefaultLanguageUsed)], "{name}");

    v["ResponseHeader"]["Status"] = "Error".into();
    v["ResponseHeader"]["StatusList"] = serde_json::json!([
        {"Type": "Error", "Code": "AUTH-012", "Message": "not yours"}
    ]);
    match decode_response::<O>(&serde_json::to_vec(&v).unwrap()) {
        Err(connect_types::envelope::DecodeError::Api(e)) => {
            assert_eq!(e.code().map(StatusCode::as_str), Some("AUTH-012"), "{name}");
            assert_eq!(
                e.header.coordination_id.as_deref(),
                coordination_id,
                "{name}"
            );
        }
        other => panic!("{name}: an error envelope decoded as {other:?}"),
    }
}

#[test]
fn the_v1_search_reads_the_same_result() {
    let v1 = decode_response::<SearchForImagesV1Request>(&fixture("SearchForImages")).unwrap();
    let v2 = decode_response::<SearchForImagesRequest>(&fixture("SearchForImages")).unwrap();
    assert_eq!(v1, v2);
}

#[test]
fn lenient_values_land_where_expected() {
    let r = decode_response::<SearchForImagesRequest>(&fixture("SearchForImages"))
        .unwrap()
        .result;
    assert_eq!(r.item_total_count, Some(1854));
    let img = &r.images[1];
    assert_eq!(img.event_ids, [118_224, 118_225]);
    assert_eq!(img.image_family, Some(ImageFamily::Editorial));
    assert_eq!(img.editorial_source_id.as_deref(), Some("7"));
    assert_eq!(
        img.authorization_constraints,
        [AuthorizationConstraint::CallForImage]
    );
    assert_eq!(
        r.images[0].applicable_product_offerings[2],
        ProductOffering::Other("UltraPack".into())
    );
    assert_eq!(
        r.refinement_options[1].category,
        Some(RefinementCategory::Other("Mood".into()))
    );
    assert_eq!(r.images[0].keywords[1].id.as_deref(), Some("88110"));
    assert_eq!(
        r.images[0].keywords[1].r#type,
        Some(KeywordType::NumberOfPeople)
    );

    let h = decode_response::<GetLightboxHeadersRequest>(&fixture("GetLightboxHeaders"))
        .unwrap()
        .result;
    assert_eq!(h.lightbox_headers[0].lightbox_id, Some(2_207_841));
    assert_eq!(h.lightbox_headers[0].lightbox_item_count, Some(2));
    assert_eq!(h.lightbox_headers[0].is_shared, None);
    assert_eq!(h.lightbox_headers[1].lightbox_id, Some(2_207_842));
    assert_eq!(h.lightbox_headers[1].is_shared, Some(true));

    let s = decode_response::<CreateSessionRequest>(&fixture("CreateSession"))
        .unwrap()
        .result;
    assert_eq!(s.token_duration_minutes, Some(30));
    assert_eq!(s.account_id.as_deref(), Some("10046872"));

    let e = decode_response::<GetEventDetailsRequest>(&fixture("GetEventDetails"))
        .unwrap()
        .result;
    let venue = e.event_result[1].event.as_ref().unwrap().location.as_ref();
    assert_eq!(
        venue.unwrap().venue.as_deref(),
        Some("Palais des Festivals")
    );
    assert_eq!(e.event_result[2].status, Some(EventStatus::NotFound));
}

#[test]
fn the_newer_operations_read_their_quirks() {
    let d = decode_response::<GetPreviousDownloadsRequest>(&fixture("GetPreviousDownloads"))
        .unwrap()
        .result;
    assert_eq!(d.item_total_count, Some(41));
    let first = &d.previous_downloads[0];
    assert_eq!(first.date_downloaded.unwrap().offset_minutes, Some(-420));
    // The table's key name (UrlThumb) and the /Date()/ form both read.
    let second = &d.previous_downloads[1];
    assert_eq!(
        second.thumbnail_image_url.as_deref(),
        Some("http://cache.gettyimages.com/83454812/thumb.jpg")
    );
    assert_eq!(second.date_downloaded.unwrap().millis, 1_364_949_101_417);
    assert_eq!(second.asset_id.as_deref(), Some("83454812"));
    assert_eq!(
        second.product_offering,
        Some(ProductOffering::LegacyRfSubscription)
    );
    assert_eq!(d.previous_downloads[2].date_downloaded, None);

    let o = decode_response::<GetAllProductOfferingsRequest>(&fixture("GetAllProductOfferings"))
        .unwrap()
        .result;
    assert_eq!(o.product_offerings[0].downloads_remaining, Some(247));
    assert_eq!(
        o.product_offerings[0]
            .download_limit_reset_utc
            .unwrap()
            .millis,
        1_367_366_400_000
    );
    assert_eq!(
        o.product_offerings[1].product_offering_type,
        Some(ProductOfferingType::ImagePack)
    );
    assert_eq!(
        o.product_offerings[2].status,
        Some(OfferingStatus::Other("Frozen".into()))
    );

    let c = decode_response::<GetCountriesRequest>(&fixture("GetCountries")).unwrap();
    assert_eq!(
        c.result.countries[1].country_char3_iso.as_deref(),
        Some("FRA")
    );
    assert_eq!(c.warnings().count(), 1);

    let u = decode_response::<ReportUsageRequest>(&fixture("ReportUsage"))
        .unwrap()
        .result;
    assert_eq!(u.total_asset_usages_processed, Some(2));
    assert!(u.invalid_assets.is_empty());

    let a = decode_response::<GetAssetChangesRequest>(&fixture("GetAssetChanges"))
        .unwrap()
        .result;
    assert_eq!(a.transaction_id.as_deref(), Some("90210"));
    assert_eq!(
        a.changed_assets[0]
            .asset_changed_date_time_utc
            .unwrap()
            .offset_minutes,
        Some(-420)
    );
    assert_eq!(
        a.changed_assets[1].asset_lifecycle,
        Some(AssetLifecycle::Updated)
    );
    assert_eq!(
        a.changed_assets[2].asset_lifecycle,
        Some(AssetLifecycle::Other("Embargoed".into()))
    );
}

#[test]
fn oembed_reads_quoted_thumbnail_sizes() {
    let body = br#"{"type":"rich","version":"1.0","title":"Dog on the beach","caption":"A dog runs",
        "photographer":"Jo Smith","collection":"Photodisc","html":"<iframe src=\"//embed.gettyimages.com/embed/83454811\"></iframe>",
        "width":594,"height":396,"thumbnail_url":"http://cache.gettyimages.com/83454811/thumb.jpg",
        "thumbnail_height":"170","thumbnail_width":"113","terms_of_use_url":"http://www.gettyimages.com/Corporate/Terms.aspx","provider_name":"Getty Images"}"#;
    let r: OEmbedResponse = serde_json::from_slice(body).unwrap();
    assert_eq!(
        (r.thumbnail_width, r.thumbnail_height),
        (Some(113), Some(170))
    );
    assert_eq!(r.r#type.as_deref(), Some("rich"));
    let again: OEmbedResponse = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(again, r);
    insta::assert_snapshot!(serde_json::to_string_pretty(&r).unwrap());
}

//! The issue's "done when": undocumented enum values, numeric strings and unknown fields
//! decode; truncated or non-JSON input is a clear error, never a panic.

use connect_types::envelope::{DecodeError, decode_response};
use connect_types::ops::*;

const SEARCH: &[u8] = br#"{
  "ResponseHeader": {"Status": "Success", "StatusList": [], "SomethingNew": {"a": 1}},
  "SearchForImagesResult": {
    "Images": [{
      "ImageId": 109876543,
      "ImageFamily": "Generative",
      "ColorType": "Sepia",
      "LicensingModel": "royaltyfree",
      "QualityRank": "3",
      "EventIds": ["118224"],
      "DateCreated": "\/Date(1294868991374-0800)\/",
      "BrandNewField": [1, 2, 3]
    }],
    "ItemCount": "1",
    "ItemTotalCount": "1",
    "EditorialSortOrder": "Shuffled",
    "ExtraTopLevel": null
  }
}"#;

#[test]
fn undocumented_values_numeric_strings_and_unknown_fields_decode() {
    let r = decode_response::<SearchForImagesRequest>(SEARCH)
        .unwrap()
        .result;
    let img = &r.images[0];
    assert_eq!(img.image_id.as_deref(), Some("109876543"));
    assert_eq!(
        img.image_family,
        Some(ImageFamily::Other("Generative".into()))
    );
    assert_eq!(img.color_type, Some(ColorType::Other("Sepia".into())));
    assert_eq!(img.licensing_model, Some(LicensingModel::RoyaltyFree));
    assert_eq!(img.quality_rank, Some(3));
    assert_eq!(img.event_ids, [118_224]);
    assert_eq!(r.item_count, Some(1));
    assert_eq!(
        r.editorial_sort_order,
        Some(EditorialSortOrder::Other("Shuffled".into()))
    );
    // Unknown values keep their spelling when written back.
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.contains(r#""ImageFamily":"Generative""#));
    assert!(out.contains(r#""EditorialSortOrder":"Shuffled""#));
}

#[test]
fn lightbox_strings_and_numbers_both_decode() {
    let body = br#"{"ResponseHeader":{"Status":"Success"},
        "CreateLightboxResult":{"LightboxId":"2207841"}}"#;
    let r = decode_response::<CreateLightboxRequest>(body).unwrap();
    assert_eq!(r.result.lightbox_id, Some(2_207_841));
    let body = br#"{"ResponseHeader":{"Status":"Success"},
        "GetLightboxResult":{"Lightbox":{"LightboxHeader":{"LightboxId":7,"LightboxItemCount":"3","IsShared":"false"}}}}"#;
    let h = decode_response::<GetLightboxRequest>(body)
        .unwrap()
        .result
        .lightbox
        .unwrap()
        .lightbox_header
        .unwrap();
    assert_eq!(h.lightbox_id, Some(7));
    assert_eq!(h.lightbox_item_count, Some(3));
    assert_eq!(h.is_shared, Some(false));
    // Written back as the documented strings.
    let out = serde_json::to_string(&h).unwrap();
    assert!(out.contains(r#""LightboxId":"7""#), "{out}");
    assert!(out.contains(r#""LightboxItemCount":"3""#), "{out}");
}

#[test]
fn truncated_or_non_json_input_is_a_clear_error() {
    let truncated = &SEARCH[..SEARCH.len() / 2];
    for junk in [
        truncated,
        b"",
        b"<html><body>502 Bad Gateway</body></html>",
        b"null",
        b"\"ResponseHeader\"",
        b"{\"ResponseHeader\": {\"Status\": \"Success\"}, \"SearchForImagesResult\": [1]}",
        b"{\"ResponseHeader\": {\"Status\": \"Success\"}, \"SearchForImagesResult\": {\"Images\": [{\"DateCreated\": \"yesterday\"}]}}",
    ] {
        match decode_response::<SearchForImagesRequest>(junk) {
            Err(e @ DecodeError::Json(_)) => {
                assert!(
                    e.to_string().starts_with("the response is not a valid Connect envelope"),
                    "{e}"
                );
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(junk)),
        }
    }
    assert!(matches!(
        decode_response::<SearchForImagesRequest>(b"{\"Other\": 1}"),
        Err(DecodeError::MissingHeader)
    ));
}

#[test]
fn an_error_status_carries_its_codes() {
    let body = br#"{"ResponseHeader":{"Status":"Error","StatusList":[
        {"Type":"Error","Code":"InvalidItemCount","Message":"ItemCount must be one of ..."},
        {"Type":"Error","Code":"BrandNewCode","Message":"?"}]},
        "SearchForImagesResult":null}"#;
    match decode_response::<SearchForImagesRequest>(body) {
        Err(DecodeError::Api(e)) => {
            assert_eq!(e.codes().count(), 2);
            assert!(e.to_string().contains("InvalidItemCount"));
        }
        other => panic!("{other:?}"),
    }
}

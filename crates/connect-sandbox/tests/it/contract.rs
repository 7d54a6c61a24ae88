//! The sandbox and the SDK share wire models: requests encoded by `connect-types` are accepted,
//! and every answer decodes with the `connect-types` result models.

use crate::common::*;
use connect_types::ops::*;
use connect_types::{
    DecodeError, Operation, RequestHeader, Response, Secret, decode_response, encode_request,
};

fn send<O: Operation>(
    c: &Client,
    base: &str,
    token: Option<&str>,
    req: &O,
) -> Result<Response<O::Result>, DecodeError> {
    let header = RequestHeader {
        token: token.map(Secret::new),
        coordination_id: Some("contract".into()),
        ..RequestHeader::default()
    };
    let (_, text) = c.raw(&format!("{base}{}", O::PATH), &encode_request(&header, req));
    decode_response::<O>(text.as_bytes())
}

#[test]
fn every_seed_operation_round_trips_through_the_shared_models() {
    let c = Client::new(shared());
    let session = send(
        &c,
        &c.https,
        None,
        &CreateSessionRequest {
            system_id: "sandbox".into(),
            system_password: "sandbox-system-password".into(),
            user_name: "alice".into(),
            user_password: "alice-password".into(),
        },
    )
    .unwrap();
    assert_eq!(session.coordination_id(), Some("contract"));
    let secure = session.result.secure_token.unwrap();
    let standard = session.result.token.unwrap();
    let renewed = send(
        &c,
        &c.https,
        Some(secure.expose()),
        &RenewSessionRequest {
            system_id: "sandbox".into(),
            system_password: "sandbox-system-password".into(),
        },
    )
    .unwrap();
    let secure = renewed.result.secure_token.unwrap();
    let secure = secure.expose();
    let standard = standard.expose();

    let search = SearchForImagesRequest::phrase("dog")
        .family(ImageFamily::Creative)
        .count(10)
        .include_keywords(true);
    let r = send(&c, &c.http, Some(standard), &search).unwrap().result;
    assert_eq!(r.images.len(), 10);
    assert!(r.item_total_count.unwrap() > 10);
    assert!(!r.images[0].keywords.is_empty());
    let v1 = send(&c, &c.http, Some(standard), &search.clone().v1())
        .unwrap()
        .result;
    assert_eq!(v1.images.len(), 10);
    let id = r.images[0].image_id.clone().unwrap().into_string();

    let details = send(
        &c,
        &c.https,
        Some(secure),
        &GetImageDetailsRequest {
            image_ids: vec![id.clone()],
            ..GetImageDetailsRequest::default()
        },
    )
    .unwrap()
    .result;
    assert_eq!(details.images.len(), 1);

    let events = send(
        &c,
        &c.http,
        Some(standard),
        &GetEventDetailsRequest {
            event_ids: vec![10_000],
        },
    )
    .unwrap()
    .result;
    assert_eq!(events.event_result[0].event_id, Some(10_000));
    assert!(events.event_result[0].event.is_some());

    let videos = send(
        &c,
        &c.http,
        Some(standard),
        &SearchForVideosRequest {
            query: VideoQuery {
                search_phrase: Some("ocean".into()),
                ..VideoQuery::default()
            },
            result_options: VideoResultOptions {
                item_count: 5,
                item_start_number: 1,
                ..VideoResultOptions::default()
            },
            ..SearchForVideosRequest::default()
        },
    )
    .unwrap()
    .result;
    assert_eq!(videos.videos.len(), 5);

    let auths = send(
        &c,
        &c.https,
        Some(secure),
        &GetImageDownloadAuthorizationsRequest {
            image_sizes: vec![ImageSizeRequest {
                image_id: id.clone(),
                size_key: "medium".into(),
            }],
        },
    )
    .unwrap()
    .result;
    let token = auths.images[0].authorizations[0]
        .download_token
        .clone()
        .unwrap();
    let largest = send(
        &c,
        &c.https,
        Some(secure),
        &GetLargestImageDownloadAuthorizationsRequest {
            images: vec![ImageIdEntry {
                image_id: id.clone(),
            }],
        },
    )
    .unwrap()
    .result;
    assert!(!largest.images[0].authorizations.is_empty());
    let urls = send(
        &c,
        &c.https,
        Some(secure),
        &CreateDownloadRequest {
            download_items: vec![DownloadItem {
                download_token: token,
            }],
        },
    )
    .unwrap()
    .result;
    assert_eq!(urls.download_urls[0].image_id.as_deref(), Some(id.as_str()));

    let created = send(
        &c,
        &c.http,
        Some(standard),
        &CreateLightboxRequest {
            lightbox_name: "contract".into(),
            ..CreateLightboxRequest::default()
        },
    )
    .unwrap()
    .result;
    let lb = created.lightbox_id.unwrap();
    send(
        &c,
        &c.http,
        Some(standard),
        &CreateLightboxItemsRequest {
            lightbox_id: lb,
            asset_ids: vec![id.clone()],
        },
    )
    .unwrap();
    send(
        &c,
        &c.http,
        Some(standard),
        &UpdateLightboxHeaderRequest {
            lightbox_id: lb,
            lightbox_name: "contract 2".into(),
            ..UpdateLightboxHeaderRequest::default()
        },
    )
    .unwrap();
    let got = send(
        &c,
        &c.http,
        Some(standard),
        &GetLightboxRequest {
            lightbox_id: lb,
            lightbox_items_view_options: LightboxItemsViewOptions {
                item_count: 10,
                item_start_number: 1,
                ..LightboxItemsViewOptions::default()
            },
        },
    )
    .unwrap()
    .result;
    let l = got.lightbox.unwrap();
    assert_eq!(l.lightbox_header.unwrap().lightbox_id, Some(lb));
    assert_eq!(l.lightbox_items.len(), 1);
    let headers = send(
        &c,
        &c.http,
        Some(standard),
        &GetLightboxHeadersRequest {
            results_view_options: ResultsViewOptions {
                item_count: 50,
                item_start_number: 1,
            },
        },
    )
    .unwrap()
    .result;
    assert!(
        headers
            .lightbox_headers
            .iter()
            .any(|h| h.lightbox_id == Some(lb))
    );
    send(
        &c,
        &c.http,
        Some(standard),
        &DeleteLightboxItemsRequest {
            lightbox_id: lb,
            asset_ids: vec![id],
        },
    )
    .unwrap();
    send(
        &c,
        &c.http,
        Some(standard),
        &DeleteLightboxRequest { lightbox_id: lb },
    )
    .unwrap();
    match send(
        &c,
        &c.http,
        Some(standard),
        &DeleteLightboxRequest { lightbox_id: lb },
    ) {
        Err(DecodeError::Api(e)) => assert_eq!(
            e.code(),
            Some(&connect_types::StatusCode::LightboxIdDoesNotExist)
        ),
        other => panic!("{other:?}"),
    }
}

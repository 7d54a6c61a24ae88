//! The shared behaviour suite for the operations beyond the seed set: histories with lazy
//! paging, SingleStepDownload, offerings, collections, countries, customers, usage reports,
//! shared lightboxes, the asset-change feed's calls, oEmbed, and the secure-only refusals.
//! Included by both clients' `tests/it/main.rs` after `scenarios.rs`.

use super::scenarios::{
    CLIENT_ID, CLIENT_SECRET, EXCLUSIVE, alice, builder, client, count, session, start,
};
use super::sdk;
use connect_sandbox::SandboxConfig;
use connect_types::RequestDate;
use sdk::ops::{
    ConfirmAssetChangesRequest, CreateCustomerRequest, CreateLightboxItemsRequest,
    CreateLightboxRequest, CreateSharedLightboxRequest, GetActiveProductOfferingsRequest,
    GetAllProductOfferingsRequest, GetAssetChangesRequest, GetCollectionsRequest,
    GetCountriesRequest, GetLightboxRequest, GetPreviousDownloadsRequest,
    GetPreviousPurchasesRequest, OEmbedRequest, ProductOffering, ReportUsageRequest,
    SearchForImagesRequest,
};
use sdk::{Credentials, ErrorKind, StatusCode};

fn bob() -> Credentials {
    Credentials::resource_owner(CLIENT_ID, CLIENT_SECRET, "bob", "bob-password")
}

scenario! {
    fn histories_fill_up_and_page_lazily() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let ids = ["100000001", "100000002", "100000003"];
        for id in ids {
            let mut sink = Vec::new();
            wait!(wait!(c.download_largest(id)).unwrap().to_writer(&mut sink)).unwrap();
        }
        let page = wait!(c.previous_downloads(&GetPreviousDownloadsRequest::page(1, 2))).unwrap();
        assert_eq!(page.result.item_total_count, Some(3));
        assert_eq!(page.result.previous_downloads.len(), 2);
        // Lazily, one entry a page: every download, newest first.
        let all: Vec<_> = all!(c.previous_downloads_all(GetPreviousDownloadsRequest::page(1, 1)));
        let got: Vec<String> = all.into_iter().map(|d| d.unwrap().asset_id.unwrap()).collect();
        assert_eq!(got, ["100000003", "100000002", "100000001"]);
        assert_eq!(count(&sb.stats().operations, "GetPreviousDownloads"), 4);
        let purchases: Vec<_> = all!(c.previous_purchases_all(GetPreviousPurchasesRequest::page(1, 1)));
        // Purchases are the downloads a paid offering paid for: a subset.
        assert!(purchases.len() <= 3);
        for p in purchases {
            assert!(ids.contains(&p.unwrap().asset_id.unwrap().as_str()));
        }
    }
}

scenario! {
    fn secure_only_operations_are_refused_locally_over_http() {
        let sb = start(SandboxConfig::default());
        let c = builder(&sb, alice()).base_url(sb.http_base_url()).build().unwrap();
        let before = sb.stats();
        let e = wait!(c.previous_downloads(&GetPreviousDownloadsRequest::page(1, 5))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        let e = wait!(c.previous_purchases(&GetPreviousPurchasesRequest::page(1, 5))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        let e = wait!(c.create_customer(&CreateCustomerRequest::new("zed", "zed-pass", "z@example.com", "Z", "Ed", "USA"))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        let e = wait!(c.single_step_download("100000001")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        // Nothing reached the sandbox.
        let after = sb.stats();
        for op in ["GetPreviousDownloads", "GetPreviousPurchases", "CreateCustomer", "SingleStepDownload"] {
            assert_eq!(count(&after.operations, op), count(&before.operations, op), "{op}");
        }
    }
}

scenario! {
    fn single_step_download_streams_the_largest_file_and_spends_quota() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let progressed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let reported = progressed.clone();
        let mut bytes = Vec::new();
        let summary = wait!(wait!(c.single_step_download("100000001"))
            .unwrap()
            .on_progress(move |p| reported.store(p.bytes, std::sync::atomic::Ordering::SeqCst))
            .to_writer(&mut bytes))
        .unwrap();
        assert_eq!(summary.bytes, bytes.len() as u64);
        assert_eq!(progressed.load(std::sync::atomic::Ordering::SeqCst), summary.bytes);
        assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
        let history = wait!(c.previous_downloads(&GetPreviousDownloadsRequest::page(1, 5))).unwrap();
        assert_eq!(history.result.previous_downloads[0].asset_id.as_deref(), Some("100000001"));
        // Bob's Premium Access allows ten downloads: creative images spend it until it is gone.
        let b = client(&sb, bob());
        let creative = wait!(c.search_images(
            &SearchForImagesRequest::phrase("tree").family(sdk::ops::ImageFamily::Creative).count(12)
        ))
        .unwrap();
        let ids: Vec<String> = creative.result.images.iter().filter_map(|i| i.image_id.clone().map(String::from)).take(11).collect();
        assert_eq!(ids.len(), 11);
        for id in &ids[..10] {
            wait!(b.single_step_download(id)).unwrap();
        }
        let e = wait!(b.single_step_download(&ids[10])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Api, "{e}");
        assert_eq!(e.status_code(), Some(&StatusCode::NoAgreement), "{e}");
        // Unknown image: 404, as ImageNotFound.
        let e = wait!(c.single_step_download("42")).unwrap_err();
        assert_eq!(e.status_code(), Some(&StatusCode::ImageNotFound), "{e}");
        // Legacy session credentials carry no API key: refused locally.
        let s = client(&sb, super::scenarios::session());
        let e = wait!(s.single_step_download("100000001")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
    }
}

scenario! {
    fn offerings_collections_and_countries() {
        let sb = start(SandboxConfig::default());
        let a = client(&sb, alice());
        let b = client(&sb, bob());
        let mine = wait!(a.active_product_offerings(&GetActiveProductOfferingsRequest {})).unwrap();
        let his = wait!(b.active_product_offerings(&GetActiveProductOfferingsRequest {})).unwrap();
        assert!(mine.result.active_product_offerings.contains(&ProductOffering::EasyAccess));
        assert!(!his.result.active_product_offerings.contains(&ProductOffering::EasyAccess));
        let all = wait!(b.all_product_offerings(&GetAllProductOfferingsRequest {})).unwrap();
        assert!(all.result.product_offerings.iter().any(|o| o.downloads_remaining == Some(10)));
        let cols = wait!(a.collections(&GetCollectionsRequest {})).unwrap();
        assert!(!cols.result.collections.is_empty());
        let countries = wait!(a.countries(&GetCountriesRequest::default())).unwrap();
        assert!(countries.warnings().any(|w| w.code == Some(StatusCode::DefaultLanguageUsed)));
        assert!(countries.result.countries.iter().any(|c| c.country_char3_iso.as_deref() == Some("USA")));
    }
}

scenario! {
    fn a_new_customer_signs_in() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let req = CreateCustomerRequest::new("carol", "carol-password", "carol@example.com", "Carol", "Ng", "USA");
        wait!(c.create_customer(&req)).unwrap();
        let e = wait!(c.create_customer(&req)).unwrap_err();
        assert_eq!(e.status_code(), Some(&StatusCode::DuplicateUsername), "{e}");
        let short = CreateCustomerRequest::new("dave", "abc", "d@example.com", "D", "Ave", "USA");
        let e = wait!(c.create_customer(&short)).unwrap_err();
        assert_eq!(e.status_code(), Some(&StatusCode::PasswordTooShort), "{e}");
        let carol = client(&sb, Credentials::resource_owner(CLIENT_ID, CLIENT_SECRET, "carol", "carol-password"));
        wait!(carol.search_images(&super::scenarios::search("tree", 1))).unwrap();
        let e = wait!(carol.active_product_offerings(&GetActiveProductOfferingsRequest {})).unwrap_err();
        assert_eq!(e.status_code(), Some(&StatusCode::NoAgreement), "{e}");
    }
}

scenario! {
    fn usage_reports_are_recorded_once() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let day = RequestDate::new(2013, 4, 2).unwrap();
        let req = ReportUsageRequest::new("suite-tx-1").usage("100000001", 2, day).usage("100000002", 1, day);
        let r = wait!(c.report_usage(&req)).unwrap();
        assert_eq!(r.result.total_asset_usages_processed, Some(3));
        // The same TransactionId again (a retry, say): a warning, nothing recorded.
        let again = wait!(c.report_usage(&req)).unwrap();
        assert!(again.warnings().any(|w| w.code == Some(StatusCode::TransactionIdDuplicate)));
        assert_eq!(sb.usage_total("alice", "100000001"), 2);
        let bad = ReportUsageRequest::new("suite-tx-2").usage("100000001", 1, day).usage("1", 1, day);
        let e = wait!(c.report_usage(&bad)).unwrap_err();
        assert_eq!(e.status_code(), Some(&StatusCode::InvalidAssets), "{e}");
        assert_eq!(sb.usage_total("alice", "100000001"), 2);
    }
}

scenario! {
    fn a_shared_lightbox_is_a_read_only_copy() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let id = wait!(c.create_lightbox(&CreateLightboxRequest::named("Share me"))).unwrap().result.lightbox_id.unwrap();
        wait!(c.add_lightbox_items(&CreateLightboxItemsRequest::new(id, ["100000001"]))).unwrap();
        let copy = wait!(c.create_shared_lightbox(&CreateSharedLightboxRequest::new(id))).unwrap().result.shared_lightbox_id.unwrap();
        let read = wait!(c.lightbox(&GetLightboxRequest::new(copy).items(1, 10))).unwrap();
        let lb = read.result.lightbox.unwrap();
        assert_eq!(lb.lightbox_items.len(), 1);
        assert_eq!(lb.lightbox_header.unwrap().is_shared, Some(true));
        // Refused as read-only, to its maker and to anyone else, not as someone else's.
        for user in [&c, &client(&sb, session())] {
            let e = wait!(user.add_lightbox_items(&CreateLightboxItemsRequest::new(copy, ["100000002"]))).unwrap_err();
            assert_eq!(e.status_code(), Some(&StatusCode::OperationValidOnlyForLightboxOwner), "{e}");
            let text = e.to_string();
            assert!(text.contains("read-only shared copy"), "{text}");
            assert!(!text.contains("another user"), "{text}");
        }
    }
}

scenario! {
    fn the_feed_calls_repeat_a_batch_until_confirmed() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let first = wait!(c.asset_changes(&GetAssetChangesRequest::channel(1).count(5))).unwrap().result;
        let again = wait!(c.asset_changes(&GetAssetChangesRequest::channel(1).count(5))).unwrap().result;
        assert_eq!(first, again);
        assert_eq!(first.changed_assets.len(), 5);
        let tx = first.transaction_id.clone().unwrap();
        wait!(c.confirm_asset_changes(&ConfirmAssetChangesRequest::new(tx))).unwrap();
        let next = wait!(c.asset_changes(&GetAssetChangesRequest::channel(1).count(5))).unwrap().result;
        assert_ne!(next.transaction_id, first.transaction_id);
        let e = wait!(c.asset_changes(&GetAssetChangesRequest::channel(1).count(501))).unwrap_err();
        assert_eq!(e.status_code(), Some(&StatusCode::MaxExceeded), "{e}");
    }
}

scenario! {
    fn oembed_answers_without_a_token() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let mut embeddable = SearchForImagesRequest::phrase("tree").count(1);
        embeddable.filter.embed_content_only = Some(true);
        let found = wait!(c.search_images(&embeddable)).unwrap();
        let id = found.result.images[0].image_id.clone().unwrap();
        let grants_before = super::scenarios::grants(&sb.stats());
        let e = wait!(c.oembed(&OEmbedRequest::for_asset(&id).caller("suite"))).unwrap();
        assert_eq!(e.r#type.as_deref(), Some("rich"));
        assert!(e.html.unwrap().contains(id.as_str()));
        assert_eq!(super::scenarios::grants(&sb.stats()), grants_before);
        let mut xml = OEmbedRequest::for_asset(&id);
        xml.format = Some(sdk::ops::OEmbedFormat::Other("xml".into()));
        let err = wait!(c.oembed(&xml)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Http, "{err}");
        assert!(err.to_string().contains("501"), "{err}");
    }
}

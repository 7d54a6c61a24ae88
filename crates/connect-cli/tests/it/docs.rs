//! The code in docs/, compiled against the real APIs (and the testing guide's example run), so
//! the guides keep up with the crates. Each function holds one guide's snippet.
#![allow(dead_code)]

use connect_blocking::{Client, Credentials, Error};

fn getting_started_builder() -> Result<Client, Error> {
    let client = Client::builder()
        .base_url("https://127.0.0.1:8443")
        .root_certificate_file("sandbox-ca.pem")
        .credentials(Credentials::resource_owner(
            "sandbox-client",
            "sandbox-client-secret",
            "alice",
            "alice-password",
        ))
        .build()?;
    Ok(client)
}

fn searching(client: &Client) -> Result<(), Error> {
    use connect_blocking::ops::{
        CreativeSortOrder, ImageFamily, LicensingModel, Orientation, SearchForImagesRequest,
    };
    let mut request = SearchForImagesRequest::phrase("beach sunset")
        .family(ImageFamily::Creative)
        .creative_sort(CreativeSortOrder::MostPopular)
        .count(25)
        .page(2);
    request.filter.orientations = vec![Orientation::Horizontal];
    request.filter.licensing_models = vec![LicensingModel::RoyaltyFree];
    let _page = client.search_images(&request)?;
    for image in client.search_images_all(SearchForImagesRequest::phrase("harbor").count(75)) {
        let image = image?;
        println!("{:?}", image.image_id);
    }
    let _v1 = request.v1();
    Ok(())
}

fn downloading(client: &Client) -> Result<(), Error> {
    let summary = client
        .download("100000001", "large")?
        .on_progress(|p| eprintln!("{} / {:?} bytes", p.bytes, p.total))
        .to_file("100000001-large.jpg")?;
    println!("{} bytes, {} resumes", summary.bytes, summary.resumes);
    let _ = client.download_target(connect_blocking::DownloadTarget {
        image_id: "1".into(),
        size_key: None,
        url: String::new(),
    });
    Ok(())
}

fn lightboxes(client: &Client) -> Result<(), Error> {
    use connect_blocking::ops::{
        CreateLightboxItemsRequest, CreateLightboxRequest, GetLightboxRequest,
    };
    let id = client
        .create_lightbox(&CreateLightboxRequest::named("Spring campaign").client("ACME"))?
        .result
        .lightbox_id
        .unwrap_or_default();
    client.add_lightbox_items(&CreateLightboxItemsRequest::new(
        id,
        ["100000010", "100000011"],
    ))?;
    for item in client.lightbox_items_all(GetLightboxRequest::new(id)) {
        println!("{:?}", item?.asset_id);
    }
    Ok(())
}

fn errors(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use connect_blocking::{CallOptions, ErrorKind, RetryPolicy, ops::GetImageDetailsRequest};
    use connect_types::StatusCode;
    match client.image_details(&GetImageDetailsRequest::ids(["123"])) {
        Ok(found) => println!("{} images", found.result.images.len()),
        Err(e) if e.status_code() == Some(&StatusCode::ImageNotFound) => println!("no such image"),
        Err(e) if e.kind() == ErrorKind::Transport => eprintln!("network trouble: {e}"),
        Err(e) => return Err(e.into()),
    }
    let _client = Client::builder()
        .retry_policy(RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        })
        .build();
    let request = connect_blocking::ops::CreateLightboxRequest::named("x");
    client.execute_with(
        &request,
        CallOptions {
            retry_non_idempotent: Some(true),
            ..CallOptions::default()
        },
    )?;
    let _ = RetryPolicy::never();
    Ok(())
}

fn account_data(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use connect_blocking::IsoDateTime;
    use connect_blocking::ops::{
        CreateCustomerRequest, CreateSharedLightboxRequest, DateRange,
        GetActiveProductOfferingsRequest, GetAllProductOfferingsRequest, GetCollectionsRequest,
        GetCountriesRequest, GetPreviousDownloadsRequest, GetPreviousPurchasesRequest, Language,
    };
    let active = client.active_product_offerings(&GetActiveProductOfferingsRequest {})?;
    println!("{:?}", active.result.active_product_offerings);
    for o in client
        .all_product_offerings(&GetAllProductOfferingsRequest {})?
        .result
        .product_offerings
    {
        println!("{:?} {:?} {:?}", o.name, o.status, o.downloads_remaining);
    }
    let march = DateRange::new(
        "2013-03-01T00:00:00Z".parse::<IsoDateTime>()?,
        "2013-03-31T23:59:59Z".parse::<IsoDateTime>()?,
    );
    for d in client.previous_downloads_all(GetPreviousDownloadsRequest::page(1, 25).between(march))
    {
        let d = d?;
        println!(
            "{:?} {:?} {:?}",
            d.asset_id, d.date_downloaded, d.product_offering
        );
    }
    for p in client.previous_purchases_all(GetPreviousPurchasesRequest::page(1, 25)) {
        let p = p?;
        println!("{:?} order {:?}", p.asset_id, p.order_id);
    }
    client
        .single_step_download("100000001")?
        .on_progress(|p| eprintln!("{}", p.bytes))
        .to_file("100000001.jpg")?;
    let _collections = client.collections(&GetCollectionsRequest {})?;
    let _countries = client.countries(&GetCountriesRequest::in_language(Language::EnGb))?;
    client.create_customer(&CreateCustomerRequest::new(
        "carol",
        "a-long-password",
        "carol@example.com",
        "Carol",
        "Ng",
        "USA",
    ))?;
    let _copy = client.create_shared_lightbox(&CreateSharedLightboxRequest::new(1001))?;
    Ok(())
}

fn usage_reporting(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use connect_blocking::RequestDate;
    use connect_blocking::ops::ReportUsageRequest;
    use connect_types::StatusCode;
    let day = RequestDate::new(2013, 4, 2).expect("a real date");
    let report = ReportUsageRequest::new("9f1c2d7e-0d1b-4c55-a1de-2f3c4b5a6d7e")
        .usage("100000001", 2, day)
        .usage("100000002", 1, day);
    let answer = client.report_usage(&report)?;
    println!("{:?}", answer.result.total_asset_usages_processed);
    let _seen = answer
        .warnings()
        .any(|w| w.code == Some(StatusCode::TransactionIdDuplicate));
    Ok(())
}

fn partner_feed(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    use connect_blocking::feed::FeedOptions;
    let summary = client.follow_changes(FeedOptions::channel(7).batch_size(100), |batch| {
        for change in &batch.changes {
            println!("{:?} {:?}", change.asset_lifecycle, change.asset_id);
        }
        Ok::<(), std::io::Error>(())
    })?;
    println!("{} changes in {} batches", summary.changes, summary.batches);
    Ok(())
}

#[test]
fn testing_guide_example() {
    use connect_blocking::ops::SearchForImagesRequest;
    use connect_sandbox::{Sandbox, SandboxConfig};
    let sandbox = Sandbox::start_blocking(SandboxConfig::default().with_images(2_000)).unwrap();
    let client = Client::builder()
        .base_url(sandbox.https_base_url())
        .root_certificate_pem(sandbox.ca_pem())
        .credentials(Credentials::resource_owner(
            "sandbox-client",
            "sandbox-client-secret",
            "alice",
            "alice-password",
        ))
        .build()
        .unwrap();
    let found = client
        .search_images(&SearchForImagesRequest::phrase("beach"))
        .unwrap();
    assert!(found.result.item_total_count.unwrap_or(0) > 0);
    let _ = sandbox.stats();
    sandbox.reset_stats();
    let _ = sandbox.revoke_all_tokens();
}

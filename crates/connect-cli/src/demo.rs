//! `demo`: a guided tour of every operation against the embedded sandbox. Each step says what
//! it did; any failed step makes the exit code non-zero.

use crate::args::DemoArgs;
use crate::client::{Api, Ctx, Settings};
use crate::commands::{details, download, events, lightbox, search, videos};
use crate::errors::CliError;
use crate::output;
use crate::sandbox::{self, EmbeddedSandbox};
use connect_auth::Credentials;
use connect_auth::config::ClientConfig;
use connect_types::ops::{
    CreateDownloadRequest, CreateLightboxItemsRequest, CreateLightboxRequest, CreativeSortOrder,
    DeleteLightboxItemsRequest, DeleteLightboxRequest, EditorialSortOrder, GetEventDetailsRequest,
    GetImageDetailsRequest, GetImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsRequest, GetLightboxHeadersRequest, GetLightboxRequest,
    ImageFamily, LicensingModel, Orientation, SearchForImagesRequest, SearchForVideosRequest,
    UpdateLightboxHeaderRequest,
};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// The sandbox's large-download fixture (image index 0; its master size is
/// [`sandbox::DEMO_LARGE_FILE_BYTES`] in the demo).
const LARGE_FIXTURE_ID: &str = "100000000";

type StepFn = fn(&mut Tour) -> Result<String, CliError>;

/// The steps, in order: (title, what it runs).
const STEPS: &[(&str, StepFn)] = &[
    ("Start the embedded sandbox", start_sandbox),
    ("OAuth2 sign-in (password grant as alice)", oauth_sign_in),
    ("Legacy session (CreateSession as bob)", legacy_session),
    ("Creative search with filters, two pages", creative_search),
    ("Editorial search, most recent first", editorial_search),
    ("Image details", image_details),
    ("Event details", event_details),
    ("Video search", video_search),
    ("Download authorizations", download_authorizations),
    ("Download with a progress bar, then a rerun", download_file),
    ("Histories: the download, in previous downloads", histories),
    (
        "Usage report, then the same transaction again",
        usage_report,
    ),
    ("Lightbox: create and fill", lightbox_create),
    ("Lightbox: rename, remove an item, list", lightbox_edit),
    ("Lightbox: delete, and check it is gone", lightbox_delete),
    (
        "Security rule: no secure-only call over plain HTTP",
        refused_over_http,
    ),
];

/// What the steps share.
#[derive(Debug, Default)]
struct Tour {
    sandbox: Option<EmbeddedSandbox>,
    alice: Option<Ctx>,
    creative: Vec<String>,
    editorial: Vec<String>,
    event_id: Option<u64>,
    lightbox_id: Option<u64>,
    dir: Option<PathBuf>,
    keep: bool,
    /// No progress bars (`--json`).
    quiet: bool,
}

impl Tour {
    fn sandbox(&self) -> Result<&EmbeddedSandbox, CliError> {
        self.sandbox.as_ref().ok_or_else(skipped)
    }

    fn alice(&self) -> Result<&Ctx, CliError> {
        self.alice.as_ref().ok_or_else(skipped)
    }

    /// A client of the sandbox with these credentials, at its HTTPS or HTTP URL.
    fn client(&self, credentials: Credentials, https: bool) -> Result<Ctx, CliError> {
        let sb = self.sandbox()?;
        let config = ClientConfig {
            credentials: Some(credentials),
            base_url: if https { sb.https_url() } else { sb.http_url() }.to_owned(),
            ..ClientConfig::default()
        };
        let settings = Settings {
            config,
            ca_cert: None,
            ca_pem: Some(sb.ca_pem().as_bytes().to_vec()),
            app_only: false,
            quiet: false,
            // The demo starts empty every time: nothing to keep.
            token_cache: None,
        };
        Ok(Ctx {
            api: Api::with_settings(settings, None)?,
            json: false,
            quiet: false,
        })
    }
}

fn skipped() -> CliError {
    CliError::failed(
        "skipped: an earlier step this one needs failed",
        "see the first failed step",
    )
}

/// One step's outcome, as `--json` reports it.
#[derive(Debug, serde::Serialize)]
struct StepReport {
    step: usize,
    title: &'static str,
    ok: bool,
    millis: u128,
    report: String,
}

/// Runs the tour. With `json`, stdout gets one array of step reports at the end instead of
/// the running commentary.
pub fn run(args: &DemoArgs, json: bool) -> Result<(), CliError> {
    let started = Instant::now();
    let mut tour = Tour {
        quiet: json,
        ..Tour::default()
    };
    if let Some(dir) = &args.keep {
        tour.dir = Some(dir.clone());
        tour.keep = true;
    }
    let n = STEPS.len();
    let say = |text: &str| {
        if json {
            Ok(())
        } else {
            output::print_text(text)
        }
    };
    say(&format!(
        "getty-connect demo: {n} steps through the Connect API, against an embedded sandbox \
         (offline; nothing leaves this machine)\n\n"
    ))?;
    let mut reports = Vec::with_capacity(n);
    for (i, (title, step)) in STEPS.iter().enumerate() {
        say(&format!("[{:>2}/{n}] {title}\n", i + 1))?;
        let t = Instant::now();
        let result = step(&mut tour);
        let millis = t.elapsed().as_millis();
        let (ok, report) = match result {
            Ok(report) => {
                let mut text = indent(&report);
                let _ = writeln!(text, "        ok ({millis} ms)\n");
                say(&text)?;
                (true, report)
            }
            Err(e) => {
                say(&format!("        FAILED: {}\n\n", e.line()))?;
                (false, e.line())
            }
        };
        reports.push(StepReport {
            step: i + 1,
            title,
            ok,
            millis,
            report,
        });
    }
    cleanup(&mut tour);
    if json {
        output::print_json(&reports)?;
    }
    let failed = reports.iter().filter(|r| !r.ok).count();
    let took = output::duration(started.elapsed());
    if failed == 0 {
        say(&format!("All {n} steps passed in {took}.\n"))
    } else {
        Err(CliError::failed(
            format!("demo: {failed} of {n} steps failed"),
            "see the FAILED steps above; run with -v for the SDK's log",
        ))
    }
}

fn cleanup(tour: &mut Tour) {
    // Close clients before the sandbox they talk to.
    tour.alice = None;
    if !tour.keep {
        if let Some(dir) = tour.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    tour.sandbox = None;
}

fn indent(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let _ = writeln!(out, "        {line}");
    }
    out
}

fn start_sandbox(t: &mut Tour) -> Result<String, CliError> {
    let sb = EmbeddedSandbox::start(sandbox::Size::Demo, None)?;
    let report = format!(
        "HTTPS {}  HTTP {}\n\
         self-signed CA trusted from memory; seeded credentials (public fixtures):\n\
         OAuth2 client {} / {}, users {} / {} and {} / {}, system {} / {}",
        sb.https_url(),
        sb.http_url(),
        sandbox::CLIENT_ID,
        sandbox::CLIENT_SECRET,
        sandbox::USER,
        sandbox::USER_PASSWORD,
        sandbox::OTHER_USER,
        sandbox::OTHER_USER_PASSWORD,
        sandbox::SYSTEM_ID,
        sandbox::SYSTEM_PASSWORD,
    );
    t.sandbox = Some(sb);
    Ok(report)
}

fn oauth_sign_in(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.client(
        Credentials::resource_owner(
            sandbox::CLIENT_ID,
            sandbox::CLIENT_SECRET,
            sandbox::USER,
            sandbox::USER_PASSWORD,
        ),
        true,
    )?;
    // The first call makes the client fetch a token; later calls reuse it until renewal.
    let headers = ctx.api.call(
        &GetLightboxHeadersRequest::page(1, 10),
        "listing alice's lightboxes",
    )?;
    t.alice = Some(ctx);
    Ok(format!(
        "POST /oauth2/token (grant_type=password) gave an access token: it serves standard and\n\
         secure calls alike, and is renewed ahead of expiry with the refresh token.\n\
         GetLightboxHeaders with it: alice has {} lightbox(es).",
        headers.lightbox_headers.len()
    ))
}

fn legacy_session(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.client(
        Credentials::session(
            sandbox::SYSTEM_ID,
            sandbox::SYSTEM_PASSWORD,
            sandbox::OTHER_USER,
            sandbox::OTHER_USER_PASSWORD,
        ),
        true,
    )?;
    let result = ctx.api.call(
        &SearchForImagesRequest::phrase("tree").count(3),
        "searching through bob's session",
    )?;
    Ok(format!(
        "CreateSession gave a standard and a secure token (RenewSession extends them).\n\
         SearchForImages \"tree\" over HTTPS with the secure token: {} images in all.",
        output::thousands(result.item_total_count.unwrap_or(0))
    ))
}

fn creative_search(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let mut req = SearchForImagesRequest::phrase("beach")
        .family(ImageFamily::Creative)
        .creative_sort(CreativeSortOrder::MostPopular)
        .count(5);
    req.filter.licensing_models = vec![LicensingModel::RoyaltyFree];
    req.filter.orientations = vec![Orientation::Horizontal];
    let page1 = ctx.api.call(&req, "searching creative images")?;
    let page2 = ctx
        .api
        .call(&req.clone().page(2), "searching creative images, page 2")?;
    if page1.images.is_empty() {
        return Err(CliError::failed(
            "the creative search found nothing",
            "the sandbox catalog should contain beaches; report this",
        ));
    }
    t.creative = page1
        .images
        .iter()
        .chain(&page2.images)
        .filter_map(|i| i.image_id.clone().map(String::from))
        .collect();
    let page2_ids: Vec<&str> = page2
        .images
        .iter()
        .filter_map(|i| i.image_id.as_deref())
        .collect();
    Ok(format!(
        "\"beach\", creative, royalty-free, horizontal, most popular, 5 per page: {} in all\n{}\
         page 2 (ItemStartNumber 6): {}",
        output::thousands(page1.item_total_count.unwrap_or(0)),
        search::table(&page1.images).render(),
        page2_ids.join(", ")
    ))
}

fn editorial_search(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let req = SearchForImagesRequest::phrase("city")
        .family(ImageFamily::Editorial)
        .editorial_sort(EditorialSortOrder::MostRecent)
        .count(5);
    let result = ctx.api.call(&req, "searching editorial images")?;
    t.editorial = result
        .images
        .iter()
        .filter_map(|i| i.image_id.clone().map(String::from))
        .collect();
    t.event_id = result
        .images
        .iter()
        .find_map(|i| i.event_ids.first().copied().or(i.event_id));
    Ok(format!(
        "\"city\", editorial, most recent first: {} in all\n{}",
        output::thousands(result.item_total_count.unwrap_or(0)),
        search::table(&result.images).render()
    ))
}

fn image_details(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let ids: Vec<String> = t
        .creative
        .iter()
        .take(1)
        .chain(t.editorial.iter().take(1))
        .cloned()
        .collect();
    if ids.is_empty() {
        return Err(skipped());
    }
    let result = ctx.api.call(
        &GetImageDetailsRequest::ids(ids.iter().cloned()),
        "getting image details",
    )?;
    details::missing(&ids, result.images.iter().map(|i| i.image_id.as_deref()))?;
    if t.event_id.is_none() {
        t.event_id = result
            .images
            .iter()
            .find_map(|i| i.event_ids.first().copied());
    }
    let blocks: Vec<String> = result.images.iter().map(details::describe).collect();
    Ok(format!(
        "GetImageDetails for {}:\n{}",
        ids.join(" and "),
        blocks.join("\n")
    ))
}

fn event_details(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let id = t.event_id.ok_or_else(|| {
        CliError::failed(
            "no editorial image named an event",
            "the sandbox's editorial images should belong to events; report this",
        )
    })?;
    let result = ctx
        .api
        .call(&GetEventDetailsRequest::ids([id]), "getting event details")?;
    if result.event_result.iter().all(|r| r.event.is_none()) {
        return Err(CliError::failed(
            format!("event {id} came back empty"),
            "report this",
        ));
    }
    Ok(format!(
        "GetEventDetails for event {id}, named by an editorial image:\n{}",
        events::table(&result.event_result).render()
    ))
}

fn video_search(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let result = ctx.api.call(
        &SearchForVideosRequest::phrase("dog").count(5),
        "searching videos",
    )?;
    Ok(format!(
        "SearchForVideos \"dog\", 5 per page: {} in all\n{}",
        output::thousands(result.item_total_count.unwrap_or(0)),
        videos::table(&result.videos).render()
    ))
}

fn download_authorizations(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let id = t.creative.first().cloned().ok_or_else(skipped)?;
    let by_size = ctx.api.call(
        &GetImageDownloadAuthorizationsRequest::for_sizes([(id.as_str(), "small")]),
        "authorizing a small download",
    )?;
    let largest = ctx.api.call(
        &GetLargestImageDownloadAuthorizationsRequest::ids([id.as_str()]),
        "authorizing the largest size",
    )?;
    let describe = |auths: &[connect_types::ops::Authorization], size: Option<&str>| -> String {
        let offerings: Vec<String> = auths
            .iter()
            .map(|a| output::or_dash(a.product_offering_type.as_ref()))
            .collect();
        let tokens = auths
            .iter()
            .filter(|a| a.download_token.as_deref().is_some_and(|s| !s.is_empty()))
            .count();
        let size = auths
            .iter()
            .find_map(|a| a.size_key.as_deref())
            .or(size)
            .unwrap_or("-");
        format!(
            "size {size}, {} ({}), {tokens} with a download token",
            output::counted(auths.len() as u64, "authorization"),
            offerings.join(", ")
        )
    };
    let small: Vec<_> = by_size
        .images
        .iter()
        .flat_map(|i| i.authorizations.iter().cloned())
        .collect();
    let large: Vec<_> = largest
        .images
        .iter()
        .flat_map(|i| i.authorizations.iter().cloned())
        .collect();
    if small.is_empty() || large.is_empty() {
        return Err(CliError::failed(
            format!("image {id} has no download authorization"),
            "the sandbox authorizes every image; report this",
        ));
    }
    // CreateDownloadRequest is secure-only: it goes over HTTPS with the secure token.
    let token = small
        .iter()
        .find_map(|a| a.download_token.clone())
        .unwrap_or_default();
    let urls = ctx.api.call(
        &CreateDownloadRequest::for_tokens([token]),
        "requesting a download URL",
    )?;
    let got_url = urls
        .download_urls
        .iter()
        .any(|u| u.url_attachment.as_deref().is_some_and(|s| !s.is_empty()));
    Ok(format!(
        "GetImageDownloadAuthorizations {id}/small: {}\n\
         GetLargestImageDownloadAuthorizations {id}: {}\n\
         CreateDownloadRequest (secure-only, over HTTPS): {}",
        describe(&small, Some("small")),
        describe(&large, None),
        if got_url {
            "a download URL came back"
        } else {
            "no URL"
        }
    ))
}

fn download_file(t: &mut Tour) -> Result<String, CliError> {
    let dir = match &t.dir {
        Some(d) => d.clone(),
        None => {
            let d = std::env::temp_dir().join(format!("getty-connect-demo-{}", std::process::id()));
            t.dir = Some(d.clone());
            d
        }
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::io(format!("creating {}", dir.display()), e))?;
    let quiet = t.quiet;
    let ctx = t.alice()?;
    let source = download::Source::Ids(vec![LARGE_FIXTURE_ID.to_owned()]);
    let args = crate::args::BatchArgs {
        output: dir.clone(),
        parallel: 1,
        size: None,
        largest: true,
        single_step: false,
        offering: None,
        stall_grace: std::time::Duration::from_secs(20),
        stall_min_rate: 1024,
        no_stall_check: false,
    };
    // A rerun of a finished download must fetch nothing: start from an empty folder.
    let manifest = dir.join(connect_auth::download::manifest::MANIFEST_FILE);
    let _ = std::fs::remove_file(&manifest);
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(LARGE_FIXTURE_ID)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let first = download::execute(ctx, &source, &args, quiet)?;
    if let Some(e) = first.errors.into_iter().next() {
        return Err(e);
    }
    let rerun = download::execute(ctx, &source, &args, true)?;
    if rerun
        .reports
        .iter()
        .any(|r| r.outcome != download::Outcome::Skipped)
    {
        return Err(CliError::failed(
            "the rerun fetched a file that was complete",
            "report this",
        ));
    }
    let mut text = String::new();
    for r in &first.reports {
        let _ = writeln!(
            text,
            "{} ({} bytes, the length the HTTP answer announced; size {})",
            r.path.as_deref().unwrap_or(dir.as_path()).display(),
            r.bytes,
            r.size_key.as_deref().unwrap_or("?")
        );
    }
    let first_done = download::Done {
        reports: &first.reports,
        kept: &[],
        elapsed: first.elapsed,
    };
    let _ = writeln!(text, "{}", download::summary(&first_done));
    let _ = write!(
        text,
        "rerun: {}",
        download::summary(&download::Done::of(&rerun))
    );
    Ok(text)
}

fn lightbox_create(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let created = ctx.api.call(
        &CreateLightboxRequest::named("Demo picks")
            .client("getty-connect demo")
            .notes("made by the demo"),
        "creating a lightbox",
    )?;
    let id = created
        .lightbox_id
        .ok_or_else(|| CliError::failed("CreateLightbox returned no id", "report this"))?;
    let assets: Vec<String> = t
        .creative
        .iter()
        .take(2)
        .chain(t.editorial.iter().take(1))
        .cloned()
        .collect();
    ctx.api.call(
        &CreateLightboxItemsRequest::new(id, assets.iter().cloned()),
        "adding items",
    )?;
    let read = ctx
        .api
        .call(&GetLightboxRequest::new(id), "reading the lightbox back")?;
    t.lightbox_id = Some(id);
    let items = read.lightbox.map(|l| l.lightbox_items).unwrap_or_default();
    if items.len() != assets.len() {
        return Err(CliError::failed(
            format!("added {} items but read back {}", assets.len(), items.len()),
            "report this",
        ));
    }
    Ok(format!(
        "CreateLightbox \"Demo picks\" → id {id}; CreateLightboxItems {}; GetLightbox:\n{}",
        assets.join(", "),
        lightbox::items_table(&items).render()
    ))
}

fn lightbox_edit(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let id = t.lightbox_id.ok_or_else(skipped)?;
    ctx.api.call(
        &UpdateLightboxHeaderRequest::new(id, "Demo picks (final)").client("getty-connect demo"),
        "renaming the lightbox",
    )?;
    let first = t.creative.first().cloned().ok_or_else(skipped)?;
    ctx.api.call(
        &DeleteLightboxItemsRequest::new(id, [first.as_str()]),
        "removing an item",
    )?;
    let (headers, _) = ctx
        .api
        .collect_all(GetLightboxHeadersRequest::page(1, 25), "listing lightboxes")?;
    let mine = headers
        .iter()
        .find(|h| h.lightbox_id == Some(id))
        .ok_or_else(|| CliError::failed("the lightbox is not listed", "report this"))?;
    if mine.lightbox_name.as_deref() != Some("Demo picks (final)") {
        return Err(CliError::failed("the rename did not stick", "report this"));
    }
    Ok(format!(
        "UpdateLightboxHeader → \"Demo picks (final)\"; DeleteLightboxItems {first}; \
         GetLightboxHeaders:\n{}",
        lightbox::headers_table(&headers).render()
    ))
}

fn lightbox_delete(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.alice()?;
    let id = t.lightbox_id.ok_or_else(skipped)?;
    ctx.api
        .call(&DeleteLightboxRequest::new(id), "deleting the lightbox")?;
    match ctx
        .api
        .call(&GetLightboxRequest::new(id), "reading the deleted lightbox")
    {
        Ok(_) => Err(CliError::failed(
            format!("lightbox {id} still answers after DeleteLightbox"),
            "report this",
        )),
        Err(e) => Ok(format!(
            "DeleteLightbox {id}; reading it again fails as it should:\n{}",
            e.line()
        )),
    }
}

fn refused_over_http(t: &mut Tour) -> Result<String, CliError> {
    let ctx = t.client(
        Credentials::resource_owner(
            sandbox::CLIENT_ID,
            sandbox::CLIENT_SECRET,
            sandbox::USER,
            sandbox::USER_PASSWORD,
        ),
        false,
    )?;
    match ctx.api.call(
        &CreateDownloadRequest::for_tokens(["any"]),
        "requesting a download URL over plain HTTP",
    ) {
        Ok(_) => Err(CliError::failed(
            "a secure-only call went over plain HTTP",
            "report this: the SDK must refuse it",
        )),
        Err(e) => Ok(format!(
            "with an http:// base URL the SDK sends nothing and says:\n{}",
            e.line()
        )),
    }
}

fn histories(t: &mut Tour) -> Result<String, CliError> {
    use connect_types::ops::{GetPreviousDownloadsRequest, GetPreviousPurchasesRequest};
    let ctx = t.alice()?;
    let downloads = ctx.api.call(
        &GetPreviousDownloadsRequest::page(1, 10),
        "listing previous downloads",
    )?;
    let newest = downloads
        .previous_downloads
        .first()
        .cloned()
        .unwrap_or_default();
    if newest.asset_id.as_deref() != Some(LARGE_FIXTURE_ID) {
        return Err(CliError::failed(
            format!(
                "the newest previous download is {:?}, not the image just downloaded",
                newest.asset_id
            ),
            "the sandbox records a download when it hands out the download URL",
        ));
    }
    let purchases = ctx.api.call(
        &GetPreviousPurchasesRequest::page(1, 10),
        "listing previous purchases",
    )?;
    Ok(format!(
        "{}, newest {} under {}; {}",
        output::counted_opt(downloads.item_total_count, "download"),
        LARGE_FIXTURE_ID,
        output::or_dash(newest.product_offering.as_ref()),
        output::counted_opt(purchases.item_total_count, "purchase")
    ))
}

fn usage_report(t: &mut Tour) -> Result<String, CliError> {
    use connect_types::RequestDate;
    use connect_types::ops::ReportUsageRequest;
    let ctx = t.alice()?;
    let day = RequestDate::new(2013, 4, 2).ok_or_else(skipped)?;
    let report = ReportUsageRequest::new(format!("demo-{}", std::process::id()))
        .usage(LARGE_FIXTURE_ID, 2, day)
        .usage(LARGE_FIXTURE_ID, 1, day);
    let first = ctx.api.call_full(&report, "reporting usage")?;
    let again = ctx
        .api
        .call_full(&report, "reporting the same usage again")?;
    let duplicate = again
        .warnings()
        .any(|w| w.code == Some(connect_types::StatusCode::TransactionIdDuplicate));
    if !duplicate {
        return Err(CliError::failed(
            "the repeated transaction was not flagged TransactionIdDuplicate",
            "a repeated TransactionId must record nothing",
        ));
    }
    Ok(format!(
        "{} recorded; the same TransactionId again recorded {} (TransactionIdDuplicate)",
        output::counted_opt(first.result.total_asset_usages_processed, "usage"),
        output::or_dash(again.result.total_asset_usages_processed)
    ))
}

//! The behaviour suite shared by `connect-blocking` and `connect-async`: the same scenarios,
//! run against each client and an in-process sandbox.
//!
//! Each crate's `tests/it/main.rs` includes this file after defining:
//! - `sdk`: the client crate (`use connect_blocking as sdk;`);
//! - `wait!(e)`: `e` for the blocking client, `e.await` for the async one;
//! - `scenario! { fn name() { … } }`: a `#[test]` or a `#[tokio::test]` holding
//!   [`EXCLUSIVE`] shared, and `scenario_alone!` the same holding it alone;
//! - `all!(pages)`: every item of a paged listing, as a `Vec<Result<_, _>>`;
//! - `post_form(sb, body)`: a raw `POST /oauth2/token` through the crate's transport, returning
//!   the answer's bytes (a `fn` or an `async fn`, called through `wait!`);
//! - `counting_client(base, policy)`: a client on the crate's default transport wrapped in a
//!   user-defined one that counts the requests, and the counter.

use super::{counting_client, post_form, sdk};
use connect_sandbox::{Fault, FaultRule, LARGE_IMAGE_ID, SandboxConfig, SandboxThread, Stats};
use sdk::ops::{
    CreateLightboxItemsRequest, CreateLightboxRequest, DeleteLightboxItemsRequest,
    DeleteLightboxRequest, GetEventDetailsRequest, GetImageDetailsRequest,
    GetImageDownloadAuthorizationsRequest, GetLargestImageDownloadAuthorizationsRequest,
    GetLightboxHeadersRequest, GetLightboxRequest, ImageFamily, SearchForImagesRequest,
    SearchForVideosRequest, UpdateLightboxHeaderRequest,
};
use sdk::{CallOptions, Credentials, ErrorKind, RetryPolicy};
use std::sync::RwLock;
use std::time::Duration;

/// Scenarios take it shared; the memory measurement takes it alone, so no other test's
/// allocations land in its peak.
pub static EXCLUSIVE: RwLock<()> = RwLock::new(());

pub const CLIENT_ID: &str = "sandbox-client";
pub const CLIENT_SECRET: &str = "sandbox-client-secret";

pub fn start(config: SandboxConfig) -> SandboxThread {
    connect_sandbox::Sandbox::start_blocking(config.with_images(2_000)).expect("sandbox starts")
}

pub fn alice() -> Credentials {
    Credentials::resource_owner(CLIENT_ID, CLIENT_SECRET, "alice", "alice-password")
}

pub fn session() -> Credentials {
    Credentials::session("sandbox", "sandbox-system-password", "bob", "bob-password")
}

/// A builder aimed at the sandbox's HTTPS listener, trusting its CA.
pub fn builder(sb: &SandboxThread, credentials: Credentials) -> sdk::ClientBuilder {
    sdk::Client::builder()
        .credentials(credentials)
        .base_url(sb.https_base_url())
        .root_certificate_pem(sb.ca_pem().as_bytes().to_vec())
        .request_timeout(Duration::from_secs(30))
}

/// [`builder`] on the sandbox clock: [`SandboxThread::advance`] ages the client's tokens too.
pub fn clocked_builder(sb: &SandboxThread, credentials: Credentials) -> sdk::ClientBuilder {
    builder(sb, credentials).clock(sdk::Clock::new(sb.clock()))
}

pub fn client(sb: &SandboxThread, credentials: Credentials) -> sdk::Client {
    builder(sb, credentials).build().expect("client builds")
}

pub fn count(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
    map.get(key).copied().unwrap_or(0)
}

pub fn grants(stats: &Stats) -> u64 {
    stats.grants.values().sum()
}

pub fn search(phrase: &str, n: u32) -> SearchForImagesRequest {
    SearchForImagesRequest::phrase(phrase)
        .family(ImageFamily::Creative)
        .count(n)
}

/// `(VmRSS, VmHWM)` in bytes, from `/proc/self/status`; fails when they cannot be read.
pub fn rss_and_peak() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .unwrap_or_else(|| panic!("no {name} in /proc/self/status"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

scenario! {
    fn every_seed_operation() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());

        let opts = CallOptions {
            coordination_id: Some("suite-search".into()),
            ..CallOptions::default()
        };
        let found = wait!(c.execute_with(&search("tree", 5), opts)).unwrap();
        assert_eq!(found.coordination_id(), Some("suite-search"));
        // No Language sent: the header carries the DefaultLanguageUsed notice.
        assert!(
            found.warnings().any(|w| w.code == Some(sdk::StatusCode::DefaultLanguageUsed)),
            "{:?}",
            found.header
        );
        assert_eq!(found.result.images.len(), 5);
        let ids: Vec<String> = found.result.images.iter().filter_map(|i| i.image_id.clone().map(String::from)).collect();
        let found = wait!(c.search_images(&search("tree", 5))).unwrap();
        assert!(found.result.item_total_count.unwrap_or(0) >= 5);

        let details = wait!(c.image_details(&GetImageDetailsRequest::ids(ids.clone()))).unwrap();
        assert_eq!(details.result.images.len(), ids.len());
        let sizes = &details.result.images[0].sizes_downloadable_images;
        let size_key = sizes.iter().find_map(|s| s.size_key.clone()).expect("a size key");

        let editorial = wait!(c.search_images(
            &SearchForImagesRequest::phrase("city").family(ImageFamily::Editorial).count(10)
        ))
        .unwrap();
        let event_id = editorial.result.images.iter().find_map(|i| i.event_ids.first().copied().or(i.event_id));
        let events = wait!(c.event_details(&GetEventDetailsRequest::ids([event_id.unwrap_or(10_000)]))).unwrap();
        assert_eq!(events.result.event_result.len(), 1);

        let videos = wait!(c.search_videos(&SearchForVideosRequest::phrase("beach").count(3))).unwrap();
        assert!(!videos.result.videos.is_empty());

        let auth = wait!(c.image_download_authorizations(
            &GetImageDownloadAuthorizationsRequest::for_sizes([(ids[0].as_str(), size_key.as_str())])
        ))
        .unwrap();
        assert!(!auth.result.images.is_empty());
        let largest = wait!(c.largest_image_download_authorizations(
            &GetLargestImageDownloadAuthorizationsRequest::ids([ids[1].as_str()])
        ))
        .unwrap();
        let token = largest.result.images[0].authorizations[0].download_token.clone().unwrap();
        let urls = wait!(c.create_download_request(&sdk::ops::CreateDownloadRequest::for_tokens([token]))).unwrap();
        assert!(urls.result.download_urls[0].url_attachment.is_some());

        // Downloads through the client, both ways in.
        let mut bytes = Vec::new();
        let got = wait!(wait!(c.download(&ids[0], &size_key)).unwrap().to_writer(&mut bytes)).unwrap();
        assert_eq!(got.bytes, bytes.len() as u64);
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");

        // Lightboxes, every call.
        let created = wait!(c.create_lightbox(&CreateLightboxRequest::named("suite"))).unwrap();
        let id = created.result.lightbox_id.expect("an id");
        wait!(c.add_lightbox_items(&CreateLightboxItemsRequest::new(id, ids.clone()))).unwrap();
        let lb = wait!(c.lightbox(&GetLightboxRequest::new(id).items(1, 2))).unwrap();
        assert_eq!(lb.result.lightbox.unwrap_or_default().lightbox_items.len(), 2);
        let items = all!(c.lightbox_items_all(GetLightboxRequest::new(id).items(1, 2)));
        assert_eq!(items.len(), ids.len(), "paged 2 at a time up to the item count");
        wait!(c.remove_lightbox_items(&DeleteLightboxItemsRequest::new(id, [ids[0].clone()]))).unwrap();
        let items = all!(c.lightbox_items_all(GetLightboxRequest::new(id)));
        assert_eq!(items.len(), ids.len() - 1);
        wait!(c.update_lightbox_header(&UpdateLightboxHeaderRequest::new(id, "renamed"))).unwrap();
        let headers = wait!(c.lightbox_headers(&GetLightboxHeadersRequest::page(1, 10))).unwrap();
        assert!(headers.result.lightbox_headers.iter().any(|h| h.lightbox_name.as_deref() == Some("renamed")));
        let all_headers = all!(c.lightbox_headers_all(GetLightboxHeadersRequest::page(1, 1)));
        assert_eq!(all_headers.len(), headers.result.lightbox_headers.len());
        wait!(c.delete_lightbox(&DeleteLightboxRequest::new(id))).unwrap();
        let gone = wait!(c.lightbox(&GetLightboxRequest::new(id))).unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::Api);

        // The paged search fetches pages lazily and stops at the total, without an extra fetch.
        let first = wait!(c.search_images(&search("tree", 1))).unwrap();
        let total = first.result.item_total_count.unwrap_or(0);
        assert!((11..=2_000).contains(&total), "{total}");
        let before = count(&sb.stats().operations, "SearchForImages");
        let every = all!(c.search_images_all(search("tree", 10)));
        assert_eq!(every.len() as u64, total);
        assert!(every.iter().all(Result::is_ok));
        let fetched = count(&sb.stats().operations, "SearchForImages") - before;
        assert_eq!(fetched, total.div_ceil(10), "one request per page");
        let stats = sb.stats();
        assert_eq!(count(&stats.grants, "password"), 1, "one login for the whole run: {stats:?}");
    }
}

scenario! {
    fn login_with_each_credential_kind() {
        let sb = start(SandboxConfig::default());
        // A refresh token and an access token, obtained out of band.
        let form = format!(
            "grant_type=password&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&username=alice&password=alice-password"
        );
        let raw: serde_json::Value = serde_json::from_slice(&wait!(post_form(&sb, form))).unwrap();
        let refresh = raw["refresh_token"].as_str().unwrap().to_owned();
        let access = raw["access_token"].as_str().unwrap().to_owned();
        let kinds = [
            ("client_credentials", Credentials::client_credentials(CLIENT_ID, CLIENT_SECRET)),
            ("password", alice()),
            ("refresh_token", Credentials::refresh_token(CLIENT_ID, CLIENT_SECRET, refresh)),
            ("CreateSession", session()),
            ("none", Credentials::access_token(access, None)),
        ];
        for (grant, credentials) in kinds {
            sb.reset_stats();
            let c = client(&sb, credentials);
            let r = wait!(c.search_images(&search("dog", 3)));
            assert!(r.is_ok(), "{grant}: {r:?}");
            let stats = sb.stats();
            let expected = u64::from(grant != "none");
            assert_eq!(count(&stats.grants, grant), expected, "{grant}: {stats:?}");
            assert_eq!(grants(&stats), expected, "{grant}: {stats:?}");
        }
        // Wrong credentials: an auth error that names no secret.
        let c = client(&sb, Credentials::client_credentials(CLIENT_ID, "sentinel-wrong-secret"));
        let e = wait!(c.search_images(&search("dog", 3))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(!format!("{e} {e:?}").contains("sentinel-wrong-secret"));
    }
}

scenario! {
    fn token_expiring_mid_run_is_renewed_transparently() {
        // Client and sandbox share the sandbox clock: moving it ages the tokens on both sides.
        let sb = start(SandboxConfig::default());
        for (credentials, first, renewal) in [
            (alice(), "password", "refresh_token"),
            (session(), "CreateSession", "RenewSession"),
        ] {
            sb.reset_stats();
            let c = clocked_builder(&sb, credentials).build().unwrap();
            wait!(c.search_images(&search("beach", 1))).unwrap();
            wait!(c.search_images(&search("beach", 1))).unwrap();
            let stats = sb.stats();
            assert_eq!((count(&stats.grants, first), grants(&stats)), (1, 1), "{stats:?}");
            // 28 of the 30 minutes gone: inside the renewal margin, renewed ahead of expiry.
            sb.advance(Duration::from_secs(28 * 60));
            wait!(c.search_images(&search("beach", 1))).unwrap();
            let stats = sb.stats();
            assert_eq!(count(&stats.grants, renewal), 1, "{first}: {stats:?}");
            assert_eq!(grants(&stats), 2, "{first}: {stats:?}");
            // Not again while the renewed token is young.
            wait!(c.search_images(&search("beach", 1))).unwrap();
            assert_eq!(grants(&sb.stats()), 2);
            // Past the renewed token's expiry: renewed before the call, never refused.
            sb.advance(Duration::from_secs(31 * 60));
            wait!(c.search_images(&search("beach", 1))).unwrap();
            let stats = sb.stats();
            assert_eq!(grants(&stats), 3, "{first}: {stats:?}");
            assert_eq!(count(&stats.errors, "AUTH-021"), 0, "{first}: {stats:?}");
            assert_eq!(count(&stats.operations, "SearchForImages"), 5, "{first}: {stats:?}");
        }
    }
}

scenario! {
    fn revoked_token_is_reacquired_once() {
        let sb = start(SandboxConfig::default());
        // OAuth2: the refresh token survives the revocation, so one refresh grant does it.
        // Legacy session: RenewSession with the revoked token is refused, then a fresh
        // CreateSession (the documented fallback). Either way the call is retried once.
        let cases = [
            (alice(), vec![("refresh_token", 1)], 1),
            (session(), vec![("RenewSession", 1), ("CreateSession", 1)], 2),
        ];
        for (credentials, expected_grants, refusals) in cases {
            let c = client(&sb, credentials);
            wait!(c.search_images(&search("family", 2))).unwrap();
            sb.reset_stats();
            assert!(sb.revoke_all_tokens() >= 1);
            wait!(c.search_images(&search("family", 2))).unwrap();
            let stats = sb.stats();
            assert_eq!(count(&stats.errors, "AUTH-021"), refusals, "{stats:?}");
            for (grant, n) in &expected_grants {
                assert_eq!(count(&stats.grants, grant), *n, "{grant}: {stats:?}");
            }
            assert_eq!(grants(&stats), expected_grants.len() as u64, "{stats:?}");
            assert_eq!(count(&stats.operations, "SearchForImages"), 2, "retried once: {stats:?}");
        }
    }
}

scenario! {
    fn secure_only_call_is_refused_locally_over_http() {
        let sb = start(SandboxConfig::default());
        let c = builder(&sb, alice()).base_url(sb.http_base_url()).build().unwrap();
        let e = wait!(c.create_download_request(&sdk::ops::CreateDownloadRequest::for_tokens(["t"])))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        let e = wait!(c.download_largest(LARGE_IMAGE_ID)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "no token request over http either: {e}");
        let stats = sb.stats();
        assert!(stats.operations.is_empty() && stats.grants.is_empty(), "nothing sent: {stats:?}");

        // With an HTTPS base and a plain-HTTP base for standard calls: an OAuth2 token (which
        // also authorizes secure-only calls) stays off plain HTTP unless the caller opts in...
        let c = builder(&sb, alice()).http_base_url(sb.http_base_url()).build().unwrap();
        let e = wait!(c.search_images(&search("dog", 1))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        let stats = sb.stats();
        assert!(stats.operations.is_empty() && stats.grants.is_empty(), "nothing sent: {stats:?}");
    }
}

scenario! {
    fn standard_calls_go_over_http_and_secure_only_ones_over_https() {
        let sb = start(SandboxConfig::default());
        // A legacy session: its standard token on plain HTTP, its secure token on HTTPS. An
        // OAuth2 client that opted in: the one access token on both.
        let cases = [
            (session(), "CreateSession", "standard", "secure", false),
            (alice(), "oauth2/token", "oauth", "oauth", true),
        ];
        for (credentials, login, on_http, on_https, opt_in) in cases {
            sb.reset_stats();
            let c = builder(&sb, credentials)
                .http_base_url(sb.http_base_url())
                .allow_oauth_token_over_http(opt_in)
                .build()
                .unwrap();
            let found = wait!(c.search_images(&search("dog", 2))).unwrap();
            let id = found.result.images[0].image_id.clone().unwrap();
            wait!(c.image_details(&GetImageDetailsRequest::ids([id.as_str()]))).unwrap();
            let d = wait!(c.download_largest(&id)).unwrap();
            wait!(d.to_writer(&mut Vec::new())).unwrap();
            let s = sb.stats();
            // Standard operations: over http only, with the standard token.
            for op in ["SearchForImages", "GetImageDetails", "GetLargestImageDownloadAuthorizations"] {
                assert_eq!(s.calls("http", op, on_http), 1, "{login} {op}: {s:?}");
                assert_eq!(s.calls("http", op, "*"), 1, "{login} {op}: {s:?}");
                assert_eq!(s.calls("https", op, "*"), 0, "{login} {op}: {s:?}");
            }
            // Secure-only ones, the login included: over https only.
            assert_eq!(s.calls("https", "CreateDownloadRequest", on_https), 1, "{login}: {s:?}");
            assert_eq!(s.calls("http", "CreateDownloadRequest", "*"), 0, "{login}: {s:?}");
            assert_eq!(s.calls("https", login, "*"), 1, "{login}: {s:?}");
            assert_eq!(s.calls("http", login, "*"), 0, "{login}: {s:?}");
            assert_eq!(s.downloads, 1, "{s:?}");
        }
    }
}

scenario! {
    fn retries_through_faults_without_duplicating_lightboxes() {
        let policy = RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        // Seeded faults: a third of the creates are done, then their connection dies
        // unanswered; searches lose their connection before they are read; 503s and
        // DependentServiceDown envelopes (nothing done, say so) hit every kind of request,
        // token requests included.
        for credentials in [alice(), session()] {
            let sb = start(
                SandboxConfig::default()
                    .with_fault(FaultRule::new(Fault::DropAfter).operation("CreateLightbox").rate(0.35))
                    .with_fault(FaultRule::new(Fault::DropBefore).operation("SearchForImages").rate(0.2))
                    .with_fault(FaultRule::new(Fault::Unavailable).rate(0.15))
                    .with_fault(FaultRule::new(Fault::ServiceDown).rate(0.1)),
            );
            let c = builder(&sb, credentials).retry_policy(policy.clone()).build().unwrap();
            for _ in 0..20 {
                wait!(c.search_images(&search("city", 3))).unwrap();
            }
            let mut outcomes = Vec::new();
            for i in 0..12 {
                let name = format!("faulty-{i}");
                let r = wait!(c.create_lightbox(&CreateLightboxRequest::named(name.clone())));
                outcomes.push((name, r.map(|r| r.result.lightbox_id.unwrap())));
            }
            let headers: Vec<_> = all!(c.lightbox_headers_all(GetLightboxHeadersRequest::page(1, 5)))
                .into_iter()
                .map(|h| h.unwrap())
                .collect();
            let stats = sb.stats();
            let dropped_after = count(&stats.faults_by_kind, "drop_after");
            assert!(dropped_after >= 2, "creates were done and cut off: {stats:?}");
            let mut failed = 0;
            for (name, outcome) in &outcomes {
                let listed: Vec<_> = headers.iter().filter(|h| h.lightbox_name.as_deref() == Some(name.as_str())).collect();
                // Every create reached the handler at least once (a fault before it is retried):
                // each name exists exactly once, whether or not the client heard back.
                assert_eq!(listed.len(), 1, "{name}: {outcome:?}, listed {listed:?}");
                match outcome {
                    Ok(id) => assert_eq!(listed[0].lightbox_id, Some(*id), "{name}"),
                    Err(e) => {
                        // Unanswered after the work: not repeated, a transport error.
                        assert_eq!(e.kind(), ErrorKind::Transport, "{name}: {e}");
                        failed += 1;
                    }
                }
            }
            // The only failures are the creates done and cut off, none sent again.
            assert_eq!(failed, dropped_after, "{stats:?}");
            for kind in ["drop_before", "unavailable", "service_down"] {
                assert!(count(&stats.faults_by_kind, kind) > 0, "{kind} struck: {stats:?}");
            }
        }
    }
}

// Alone (no other scenario runs meanwhile), so the process's peak memory is this download's.
scenario_alone! {
    fn large_download_resumes_with_flat_memory() {
        const SIZE: u64 = 256 * 1024 * 1024;
        let sb = start(
            SandboxConfig::default()
                .with_large_file_bytes(SIZE)
                .with_disconnect_after_bytes(Some(40 * 1024 * 1024)),
        );
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("large.jpg");
        let download = wait!(c.download_largest(LARGE_IMAGE_ID)).unwrap();

        // Linux: writing 5 to clear_refs resets VmHWM to the current RSS, so the peak read
        // afterwards is this download's. Shown working first: a 96 MiB buffer touched and
        // freed leaves the peak high, and the reset brings it back down.
        let spike = std::hint::black_box(vec![1u8; 96 << 20]);
        drop(spike);
        let (rss, hwm) = rss_and_peak();
        assert!(rss > 0 && hwm >= rss + (64 << 20), "RSS {rss}, peak {hwm}: the spike shows");
        std::fs::write("/proc/self/clear_refs", "5").expect("the peak can be reset");
        let (rss_before, hwm) = rss_and_peak();
        assert!(hwm < rss_before + (16 << 20), "RSS {rss_before}, peak {hwm}: the reset took");
        let last = std::sync::Arc::new(std::sync::Mutex::new(sdk::Progress::default()));
        let seen = last.clone();
        let summary = wait!(download
            .on_progress(move |p| *seen.lock().unwrap() = p)
            .to_file(&dest))
        .unwrap();
        let (_, peak) = rss_and_peak();
        let growth = peak.saturating_sub(rss_before);
        eprintln!(
            "256 MiB download: peak RSS {} MiB, growth {} MiB, {} resume(s)",
            peak >> 20,
            growth >> 20,
            summary.resumes
        );
        assert!(growth < 64 * 1024 * 1024, "peak memory grew by {} MiB", growth >> 20);
        assert_eq!(summary.bytes, SIZE);
        assert_eq!(summary.resumes, 1, "resumed once after the injected cut");
        assert_eq!(std::fs::metadata(&dest).unwrap().len(), SIZE);
        assert!(!dest.with_file_name("large.jpg.part").exists());
        assert_eq!(*last.lock().unwrap(), sdk::Progress { bytes: SIZE, total: Some(SIZE) });
        let stats = sb.stats();
        assert_eq!(stats.downloads, 2, "{stats:?}");
    }
}

scenario! {
    fn the_size_asked_for_is_the_size_downloaded() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let found = wait!(c.search_images(&search("dog", 1))).unwrap();
        let id = found.result.images[0].image_id.clone().unwrap();
        let details = wait!(c.image_details(&GetImageDetailsRequest::ids([id.as_str()]))).unwrap();
        let sizes = &details.result.images[0].sizes_downloadable_images;
        let small = sizes[0].size_key.clone().unwrap();

        // The largest: one authorization call (its own), then the URL.
        sb.reset_stats();
        let d = wait!(c.download_largest(&id)).unwrap();
        let ops = sb.stats().operations;
        assert_eq!(count(&ops, "GetLargestImageDownloadAuthorizations"), 1, "{ops:?}");
        assert_eq!(count(&ops, "GetImageDownloadAuthorizations"), 0, "{ops:?}");
        assert_eq!(count(&ops, "CreateDownloadRequest"), 1, "{ops:?}");
        let largest = d.target().size_key.clone().unwrap();

        // A size asked for by key: that size, and its bytes' length is the HTTP answer's.
        let d = wait!(c.download(&id, &small)).unwrap();
        assert!(d.target().size_key.as_deref().unwrap().eq_ignore_ascii_case(&small));
        let mut bytes = Vec::new();
        let s = wait!(d.to_writer(&mut bytes)).unwrap();
        assert_eq!(s.bytes, bytes.len() as u64);
        assert!(!largest.is_empty());

        // A size the image does not have: an error, no URL requested.
        sb.reset_stats();
        let e = wait!(c.download(&id, "no-such-size")).unwrap_err();
        assert!(e.to_string().contains("no-such-size"), "{e}");
        assert_eq!(count(&sb.stats().operations, "CreateDownloadRequest"), 0);
    }
}

scenario! {
    fn a_part_file_without_proof_is_started_over() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let found = wait!(c.search_images(&search("dog", 1))).unwrap();
        let id = found.result.images[0].image_id.clone().unwrap();
        let mut whole = Vec::new();
        wait!(wait!(c.download_largest(&id)).unwrap().to_writer(&mut whole)).unwrap();
        assert!(whole.len() > 1000);
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("dog.jpg");
        let part = dir.path().join("dog.jpg.part");

        // Half of it, but no record says which file it belongs to: never spliced, started over.
        let half = whole.len() / 2;
        std::fs::write(&part, &whole[..half]).unwrap();
        sb.reset_stats();
        let summary = wait!(wait!(c.download_largest(&id)).unwrap().to_file(&dest)).unwrap();
        assert_eq!(summary.resumed_from, 0);
        assert_eq!(summary.bytes, whole.len() as u64);
        assert_eq!(std::fs::read(&dest).unwrap(), whole);
        assert_eq!(sb.stats().download_bytes, whole.len() as u64);
        for leftover in ["dog.jpg.part", "dog.jpg.part.meta", "dog.jpg.part.lock"] {
            assert!(!dir.path().join(leftover).exists(), "{leftover} left behind");
        }

        // A leftover longer than the file, with a record of another image: started over.
        let mut junk = whole.clone();
        junk.extend_from_slice(b"junk");
        std::fs::write(&part, &junk).unwrap();
        std::fs::write(
            dir.path().join("dog.jpg.part.meta"),
            br#"{"image_id":"1","size_key":null,"total":5,"etag":"\"x\"","last_modified":null}"#,
        )
        .unwrap();
        let summary = wait!(wait!(c.download_largest(&id)).unwrap().to_file(&dest)).unwrap();
        assert_eq!(summary.resumed_from, 0);
        assert_eq!(std::fs::read(&dest).unwrap(), whole);
    }
}

scenario! {
    fn a_locked_or_linked_part_file_is_refused() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("tree.jpg");
        let lock = dir.path().join("tree.jpg.part.lock");

        // Another live process (this one) holds the lock: nothing is written.
        std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
        let e = wait!(wait!(c.download_largest(LARGE_IMAGE_ID)).unwrap().to_file(&dest)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert!(e.to_string().contains("tree.jpg.part.lock"), "{e}");
        assert!(!dir.path().join("tree.jpg.part").exists());
        assert!(lock.exists(), "someone else's lock is left alone");

        // Symlinked .part: refused, the link's target untouched.
        std::fs::remove_file(&lock).unwrap();
        #[cfg(unix)]
        {
            let elsewhere = dir.path().join("elsewhere");
            std::fs::write(&elsewhere, b"keep me").unwrap();
            std::os::unix::fs::symlink(&elsewhere, dir.path().join("tree.jpg.part")).unwrap();
            let e = wait!(wait!(c.download_largest(LARGE_IMAGE_ID)).unwrap().to_file(&dest)).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
            assert_eq!(std::fs::read(&elsewhere).unwrap(), b"keep me");
            assert!(!lock.exists(), "our lock is released on failure");
            std::fs::remove_file(dir.path().join("tree.jpg.part")).unwrap();
        }

        // A lock left by a process that is gone (Linux can tell): taken over.
        if cfg!(target_os = "linux") {
            std::fs::write(&lock, "4194999\n").unwrap();
            let search = wait!(c.search_images(&search("tree", 1))).unwrap();
            let id = search.result.images[0].image_id.clone().unwrap();
            wait!(wait!(c.download_largest(&id)).unwrap().to_file(&dest)).unwrap();
            assert!(dest.exists() && !lock.exists());
        }
    }
}

/// A server that reads each request and hangs up without answering: the request reached it.
pub fn hangup_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buf);
        }
    });
    format!("http://{addr}")
}

/// A server that accepts connections and never answers.
pub fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming() {
            open.push(stream);
        }
    });
    format!("http://{addr}")
}

scenario! {
    fn transport_failures_are_retried_only_when_safe() {
        let policy = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let sent_before = |n: &std::sync::Arc<std::sync::atomic::AtomicUsize>| {
            n.swap(0, std::sync::atomic::Ordering::SeqCst)
        };
        // Nothing reached the server: even a create is retried.
        let refusing = connect_testkit::RefusingPort::new();
        let (c, sent) = counting_client(&refusing.http_url(), policy.clone(), Duration::from_secs(5));
        let e = wait!(c.create_lightbox(&CreateLightboxRequest::named("x"))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert_eq!(sent_before(&sent), 3);
        // The request reached a server that hung up: a search is retried, a create is not.
        let (c, sent) = counting_client(&hangup_server(), policy.clone(), Duration::from_secs(5));
        let e = wait!(c.search_images(&search("dog", 1))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert_eq!(sent_before(&sent), 3);
        let e = wait!(c.create_lightbox(&CreateLightboxRequest::named("x"))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert_eq!(sent_before(&sent), 1, "a create that may have been done is not repeated");
        // A server that never answers: the request timeout ends each attempt.
        let (c, sent) = counting_client(&silent_server(), policy, Duration::from_millis(300));
        let t0 = std::time::Instant::now();
        let e = wait!(c.search_images(&search("dog", 1))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert_eq!(sent_before(&sent), 3);
        // Three 300 ms timeouts: a bound over 20 times that, so load cannot break it.
        assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
    }
}

/// Log lines captured from the `tracing` events of the current thread.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Captures every event of this thread, down to `trace`, until the guard is dropped.
    pub fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }
}

// Alone: while other tests run, `tracing`'s callsite interest cache can leave this thread's
// scoped subscriber without the events (it failed that way with a few scenarios beside it).
scenario_alone! {
    fn secrets_stay_out_of_logs_and_debug_output() {
        let sb = start(SandboxConfig::default());
        let (logs, _default) = Captured::start();

        // A token we know, so we can look for it.
        let form = format!(
            "grant_type=password&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&username=alice&password=alice-password"
        );
        let raw: serde_json::Value = serde_json::from_slice(&wait!(post_form(&sb, form))).unwrap();
        let token = raw["access_token"].as_str().unwrap().to_owned();
        let c = client(&sb, Credentials::access_token(token.clone(), None));
        let found = wait!(c.search_images(&search("dog", 1))).unwrap();
        let id = found.result.images[0].image_id.clone().unwrap();
        let download = wait!(c.download_largest(&id)).unwrap();
        let url = download.target().url.clone();
        let shown = format!("{c:?} {download:?} {:?}", builder(&sb, alice()));
        let mut sink = Vec::new();
        wait!(download.to_writer(&mut sink)).unwrap();

        // Refused credentials: the error names no secret either.
        let c = client(
            &sb,
            Credentials::resource_owner(CLIENT_ID, "sentinel-secret", "alice", "sentinel-password"),
        );
        let e = wait!(c.search_images(&search("dog", 1))).unwrap_err();
        let shown = format!("{shown} {c:?} {e} {e:?}");

        let text = logs.text();
        assert!(text.contains("SearchForImages") && text.contains("status=200"), "spans recorded: {text}");
        // The core logs its decisions under its own target.
        assert!(text.contains("connect_auth") && text.contains("token request refused"), "{text}");
        for secret in [token.as_str(), "sentinel", "alice-password", CLIENT_SECRET, url.as_str()] {
            assert!(!text.contains(secret), "{secret} logged");
            assert!(!shown.contains(secret), "{secret} shown: {shown}");
        }
    }
}

/// Among search results, a creative royalty-free image, which EasyAccess, PremiumAccess,
/// RoyaltyFreeSubscription and ImagePack cover (alice holds all four).
fn creative_image(found: &sdk::ops::SearchForImagesResult) -> String {
    found
        .images
        .iter()
        .find(|i| {
            let offers = &i.applicable_product_offerings;
            offers.contains(&sdk::ops::ProductOffering::EasyAccess)
                && offers.contains(&sdk::ops::ProductOffering::ImagePack)
        })
        .and_then(|i| i.image_id.clone())
        .expect("a creative royalty-free image")
        .into()
}

scenario! {
    fn the_offering_that_pays_is_the_default_or_the_one_named() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let id = creative_image(&wait!(c.search_images(&search("beach", 25))).unwrap().result);
        // Macros, not closures: the async suite awaits inside them.
        macro_rules! purchases {
            () => {{
                let page = sdk::ops::GetPreviousPurchasesRequest::page(1, 100);
                wait!(c.previous_purchases(&page)).unwrap().result.previous_purchases.len()
            }};
        }
        macro_rules! newest_download {
            () => {{
                let page = sdk::ops::GetPreviousDownloadsRequest::page(1, 1);
                let d = wait!(c.previous_downloads(&page)).unwrap().result.previous_downloads;
                d[0].product_offering.clone()
            }};
        }

        // The default: a free offering covers it, so nothing is bought.
        let d = wait!(c.download(&id, "small")).unwrap();
        let chosen = d.offering().expect("the SDK picked the token").clone();
        assert_eq!(chosen.offering, Some(sdk::ops::ProductOffering::EasyAccess), "{chosen}");
        assert_eq!(chosen.reason, sdk::ChoiceReason::Free);
        assert!(chosen.free && chosen.instance_id.is_some(), "{chosen:?}");
        wait!(d.to_writer(&mut Vec::new())).unwrap();
        assert_eq!(purchases!(), 0);
        assert_eq!(newest_download!(), Some(sdk::ops::ProductOffering::EasyAccess));

        // Named on the builder: that offering's token is spent and charged.
        let d = wait!(c.download_builder(&id).size("small").offering("PremiumAccess").authorize()).unwrap();
        let chosen = d.offering().unwrap().clone();
        assert_eq!(chosen.offering, Some(sdk::ops::ProductOffering::PremiumAccess));
        assert_eq!(chosen.reason, sdk::ChoiceReason::Named);
        assert_eq!(chosen.downloads_remaining, Some(250));
        assert_eq!(d.target().size_key.as_deref(), Some("small"));
        wait!(d.to_writer(&mut Vec::new())).unwrap();
        assert_eq!(purchases!(), 1);
        assert_eq!(newest_download!(), Some(sdk::ops::ProductOffering::PremiumAccess));
        // Its quota went down by one, and no other offering's did.
        let auth = wait!(c.image_download_authorizations(
            &GetImageDownloadAuthorizationsRequest::for_sizes([(id.as_str(), "small")])
        )).unwrap().result;
        let left = |o: sdk::ops::ProductOffering| {
            auth.images[0].authorizations.iter()
                .find(|a| a.product_offering_type == Some(o.clone()))
                .and_then(|a| a.downloads_remaining)
        };
        assert_eq!(left(sdk::ops::ProductOffering::PremiumAccess), Some(249));
        assert_eq!(left(sdk::ops::ProductOffering::ImagePack), Some(10));

        // The largest size, by a rule passed in: the pack pays.
        let choice = sdk::OfferingChoice::named("imagepack");
        let d = wait!(c.download_builder(&id).largest().offering_choice(choice).authorize()).unwrap();
        assert_eq!(d.offering().unwrap().offering, Some(sdk::ops::ProductOffering::ImagePack));
        wait!(d.to_writer(&mut Vec::new())).unwrap();
        assert_eq!(purchases!(), 2);
        assert_eq!(newest_download!(), Some(sdk::ops::ProductOffering::ImagePack));

        // An offering that does not cover the image: refused before CreateDownloadRequest.
        sb.reset_stats();
        let e = wait!(c.download_builder(&id).size("small").offering("EditorialSubscription").authorize()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert!(matches!(e, sdk::Error::OfferingNotAuthorized { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains(&format!("image {id} at size small")) && text.contains("EasyAccess"), "{text}");
        assert_eq!(count(&sb.stats().operations, "CreateDownloadRequest"), 0, "nothing spent");
        assert_eq!(purchases!(), 2);
    }
}

scenario! {
    fn answers_decode_with_slashes_escaped_as_dotnet_wrote_them_or_not() {
        // The sandbox writes every '/' as '\/', as the .NET service did; a server that does not
        // escape them must read the same.
        let sb = start(SandboxConfig::default());
        let from_sandbox = wait!(client(&sb, alice()).search_images(&search("tree", 3))).unwrap().result;
        assert!(from_sandbox.images.iter().all(|i| i.date_created.is_some() && i.url_thumb.is_some()));
        let escaped = String::from_utf8(connect_sandbox::wire::to_vec(&from_sandbox).unwrap()).unwrap();
        let bare = serde_json::to_string(&from_sandbox).unwrap();
        assert!(escaped.contains("\"\\/Date(") && escaped.contains("http:\\/\\/"), "{escaped}");
        assert!(bare.contains("\"/Date(") && !bare.contains("\\/"), "{bare}");
        for body in [escaped, bare] {
            let server = connect_testkit::HostileServer::https(super::hostile::with_tokens(move |_| {
                connect_testkit::Answer::api_ok("SearchForImagesResult", &body)
            }));
            let c = super::hostile::hostile_client(&server, super::hostile::user());
            let got = wait!(c.search_images(&search("tree", 3))).unwrap().result;
            assert_eq!(got, from_sandbox);
        }
    }
}

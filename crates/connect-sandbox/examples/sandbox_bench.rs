//! Startup time and search latency of the sandbox, for 10,000 and 1,000,000 images (pages that
//! repeat, whose images the sandbox keeps rendered, and queries asked once), how
//! many thumbnail requests per second it serves (first requests encode, repeats hit the cache),
//! and what writing answers as the .NET service did (every `/` escaped) costs against plain
//! `serde_json`.
//!
//! Run with `cargo run --release -p connect-sandbox --example sandbox_bench`. This is a benchmark, not
//! a test: it prints figures and asserts nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../connect-blocking/examples/support/figure.rs"]
mod figure;

use connect_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PHRASES: &[&str] = &[
    "tree",
    "beach",
    "city",
    "dog",
    "family",
    "business",
    "sunset",
    "coffee",
    "mountain",
    "ocean",
    "city skyline",
    "dog beach",
    "family dinner",
    "business meeting",
    "winter snow",
];

/// Phrases the timed searches above do not use, for searches whose images are not rendered yet.
const FRESH: &[&str] = &[
    "cat", "forest", "car", "food", "office", "computer", "phone", "child", "woman", "man",
    "friends", "team", "money", "travel", "airplane",
];

fn main() {
    for images in [10_000u32, 1_000_000] {
        figure::reset_peak_rss();
        let t0 = Instant::now();
        let sb = Sandbox::start_blocking(SandboxConfig::default().with_images(images))
            .expect("sandbox starts");
        let wall = t0.elapsed();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let base = sb.http_base_url();
        let token = session_token(&agent, &sb);
        let url = format!("{base}/v2/search/SearchForImages");
        let search = |phrase: &str, start: usize| -> (Duration, u64) {
            let body = json!({
                "RequestHeader": {"Token": token},
                "SearchForImagesRequestBody": {
                    "Query": {"SearchPhrase": phrase},
                    "Filter": {"ImageFamilies": ["Creative"], "Orientations": ["Horizontal", "Vertical"],
                               "LicensingModels": ["RoyaltyFree"], "ExcludeNudity": true},
                    "ResultOptions": {"ItemCount": 75, "ItemStartNumber": start, "IncludeKeywords": true},
                    "Language": "en-us"
                }
            })
            .to_string();
            let t = Instant::now();
            let mut r = agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.as_bytes())
                .expect("search answers");
            let text = r.body_mut().read_to_string().expect("body");
            let d = t.elapsed();
            let v: Value = serde_json::from_str(&text).expect("json");
            let n = v["SearchForImagesResult"]["ItemCount"]
                .as_u64()
                .unwrap_or(0);
            (d, n)
        };
        // Clients page through the same few queries; pages repeat.
        let page = |i: usize| 1 + 75 * (i % 3);
        for i in 0..20 {
            search(PHRASES[i % PHRASES.len()], page(i));
        }
        let mut times = Vec::new();
        let mut results = 0;
        for i in 0..300 {
            let (d, n) = search(PHRASES[i % PHRASES.len()], page(i));
            times.push(d);
            results += n;
        }
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "{images:>9} images: start {:>7.1} ms (index+TLS {:>7.1} ms) | 75-result filtered search over loopback: median {:>6.2} ms, p95 {:>6.2} ms, max {:>6.2} ms ({} searches, {:.1} results each)",
            wall.as_secs_f64() * 1e3,
            sb.startup_time().as_secs_f64() * 1e3,
            pct(0.5).as_secs_f64() * 1e3,
            pct(0.95).as_secs_f64() * 1e3,
            times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            times.len(),
            results as f64 / times.len() as f64,
        );
        // Queries not asked before, each page once: few of their images are in the sandbox's
        // cache of rendered search images, so most are built and written.
        let mut fresh = Vec::new();
        let mut fresh_results = 0;
        for (n, phrase) in FRESH.iter().enumerate() {
            for p in 0..3 {
                let (d, r) = search(phrase, page(p + n));
                fresh.push(d);
                fresh_results += r;
            }
        }
        fresh.sort();
        println!(
            "          the same filter, other phrases, each page once (images rendered afresh): median {:>6.2} ms, p95 {:>6.2} ms ({} searches, {:.1} results each)",
            fresh[fresh.len() / 2].as_secs_f64() * 1e3,
            fresh[((fresh.len() as f64 - 1.0) * 0.95).round() as usize].as_secs_f64() * 1e3,
            fresh.len(),
            fresh_results as f64 / fresh.len() as f64,
        );
        // The goals are for 1,000,000 images; the smaller catalog is shown beside them.
        let goal = |g: f64| {
            if images == 1_000_000 {
                figure::Goal::Below(g)
            } else {
                figure::Goal::None
            }
        };
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let name = |what: &str| format!("sandbox {images} images: {what}");
        figure::figure(&name("search median"), goal(1.0), "ms", &[ms(pct(0.5))]);
        figure::figure(&name("search p95"), goal(2.0), "ms", &[ms(pct(0.95))]);
        let fresh_pct = |p: f64| fresh[((fresh.len() as f64 - 1.0) * p).round() as usize];
        figure::figure(
            &name("search median, queries asked once"),
            goal(1.0),
            "ms",
            &[ms(fresh_pct(0.5))],
        );
        figure::figure(
            &name("search p95, queries asked once"),
            goal(2.0),
            "ms",
            &[ms(fresh_pct(0.95))],
        );
        figure::figure(
            &name("start (index+TLS)"),
            goal(350.0),
            "ms",
            &[ms(sb.startup_time())],
        );
        figure::figure(
            &name("peak RSS"),
            figure::Goal::None,
            "MiB",
            &[figure::rss_kib().1 as f64 / 1024.0],
        );
        thumbnails(&agent, &url, &token);
        escaping(&agent, &url, &token, pct(0.5));
        sb.stop();
    }
}

/// Fetches the thumbnails that searches link to, twice: the first round encodes each picture,
/// the second finds it in the sandbox's cache. Prints requests per second for both.
fn thumbnails(agent: &ureq::Agent, search_url: &str, token: &str) {
    let mut urls = Vec::new();
    for phrase in PHRASES.iter().take(8) {
        let body = json!({
            "RequestHeader": {"Token": token},
            "SearchForImagesRequestBody": {
                "Query": {"SearchPhrase": phrase},
                "ResultOptions": {"ItemCount": 75, "ItemStartNumber": 1}
            }
        })
        .to_string();
        let mut r = agent
            .post(search_url)
            .header("Content-Type", "application/json")
            .send(body.as_bytes())
            .expect("search answers");
        let v: Value =
            serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json");
        for img in v["SearchForImagesResult"]["Images"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(u) = img["UrlThumb"].as_str() {
                urls.push(u.to_owned());
            }
        }
    }
    urls.sort();
    urls.dedup();
    let mut bytes = 0usize;
    let mut round = |label: &str| {
        let t = Instant::now();
        for u in &urls {
            let mut r = agent.get(u).call().expect("thumbnail answers");
            bytes += r.body_mut().read_to_vec().expect("body").len();
        }
        let d = t.elapsed();
        println!(
            "          thumbnails ({label}): {:>7.0} requests/s over one connection ({} pictures, {:.1} KiB each)",
            urls.len() as f64 / d.as_secs_f64(),
            urls.len(),
            bytes as f64 / urls.len().max(1) as f64 / 1024.0,
        );
        bytes = 0;
    };
    round("first request, encoded");
    round("repeat, cached");
}

/// Encodes one 75-image search result (keywords included) with the sandbox's WCF-style writer
/// and with plain `serde_json`, alternating in rounds within this run, and prints the time per
/// answer of each, their ratio, and the escaping's share of the median search above.
fn escaping(agent: &ureq::Agent, search_url: &str, token: &str, median_search: Duration) {
    let body = json!({
        "RequestHeader": {"Token": token},
        "SearchForImagesRequestBody": {
            "Query": {"SearchPhrase": "city"},
            "ResultOptions": {"ItemCount": 75, "ItemStartNumber": 1, "IncludeKeywords": true},
            "Language": "en-us"
        }
    })
    .to_string();
    let mut r = agent
        .post(search_url)
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .expect("search answers");
    let text = r.body_mut().read_to_string().expect("body");
    let answer: connect_types::ops::SearchForImagesResult = serde_json::from_value(
        serde_json::from_str::<Value>(&text).expect("json")["SearchForImagesResult"].take(),
    )
    .expect("a search result");
    const ROUNDS: usize = 41;
    const PER_ROUND: u32 = 25;
    // Alternating rounds, so both see the same machine; medians, so a busy moment moves neither.
    let (mut plain, mut escaped) = (Vec::new(), Vec::new());
    let (mut plain_len, mut escaped_len) = (0, 0);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..PER_ROUND {
            plain_len = std::hint::black_box(serde_json::to_vec(&answer).expect("encodes")).len();
        }
        plain.push(t.elapsed() / PER_ROUND);
        let t = Instant::now();
        for _ in 0..PER_ROUND {
            escaped_len =
                std::hint::black_box(connect_sandbox::wire::to_vec(&answer).expect("encodes"))
                    .len();
        }
        escaped.push(t.elapsed() / PER_ROUND);
    }
    plain.sort();
    escaped.sort();
    let (p, e) = (
        plain[ROUNDS / 2].as_secs_f64(),
        escaped[ROUNDS / 2].as_secs_f64(),
    );
    println!(
        "          writing a 75-image answer ({:.1} KiB, {:.1} KiB escaped): plain serde_json {:>6.1} us, slashes escaped {:>6.1} us (ratio {:.3}); the difference is {:.2}% of the median search",
        plain_len as f64 / 1024.0,
        escaped_len as f64 / 1024.0,
        p * 1e6,
        e * 1e6,
        e / p,
        (e - p).max(0.0) / median_search.as_secs_f64() * 100.0,
    );
}

fn session_token(agent: &ureq::Agent, sb: &connect_sandbox::SandboxThread) -> String {
    // Use the OAuth2 endpoint over HTTPS, trusting the sandbox CA.
    let cert = ureq::tls::Certificate::from_pem(sb.ca_pem().as_bytes()).expect("CA");
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .build();
    let secure: ureq::Agent = ureq::Agent::config_builder().tls_config(tls).build().into();
    let _ = agent;
    let mut r = secure
        .post(format!("{}/oauth2/token", sb.https_base_url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(
            "grant_type=password&username=alice&password=alice-password&client_id=sandbox-client&client_secret=sandbox-client-secret"
                .as_bytes(),
        )
        .expect("token");
    let v: Value =
        serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json");
    v["access_token"].as_str().expect("access_token").to_owned()
}

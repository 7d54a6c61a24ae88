//! The client half of `cargo xtask soak`: many threads, each with its own keep-alive
//! connections, drive a running sandbox with a mix of logins, searches, details, lightbox
//! operations and download authorizations, then print one summary line.
//!
//! ```text
//! soak_client --http URL --https URL --ca FILE [--workers 300] [--calls 120000] [--seconds 600]
//! ```
//!
//! It prints `warm N` once a tenth of the calls are done (the moment `cargo xtask soak` takes
//! its first memory reading), progress lines, and finally `summary {json}`. Only for
//! 127.0.0.1: it refuses other hosts. Not a test: it asserts nothing, it measures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PHRASES: &[&str] = &[
    "tree", "beach", "city", "dog", "family", "business", "sunset", "coffee", "mountain", "ocean",
];

struct Args {
    http: String,
    https: String,
    ca: String,
    workers: usize,
    calls: u64,
    seconds: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        http: String::new(),
        https: String::new(),
        ca: String::new(),
        workers: 300,
        calls: 120_000,
        seconds: 600,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--http" => a.http = value.clone(),
            "--https" => a.https = value.clone(),
            "--ca" => a.ca = value.clone(),
            "--workers" => a.workers = number()? as usize,
            "--calls" => a.calls = number()?,
            "--seconds" => a.seconds = number()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    for url in [&a.http, &a.https] {
        let host = url.split("://").nth(1).unwrap_or("");
        if !host.starts_with("127.0.0.1:") {
            return Err(format!("only 127.0.0.1 is driven, not {url:?}"));
        }
    }
    if a.ca.is_empty() {
        return Err("--ca is required".into());
    }
    Ok(a)
}

/// What every worker counts.
#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    server_errors: AtomicU64,
    transport_errors: AtomicU64,
    auth_refusals: AtomicU64,
    api_errors: AtomicU64,
    /// Error codes of the API errors (what went wrong, if anything did).
    api_error_codes: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
    logins: AtomicU64,
}

struct Worker {
    agent: ureq::Agent,
    http: String,
    https: String,
    /// Token for standard calls, token for secure-only calls.
    tokens: Option<(String, String)>,
    lightbox: Option<u64>,
    /// The worker's user (fixed, so its lightboxes stay its own across logins).
    user: &'static str,
    n: u64,
    logins: u64,
    lightbox_steps: u64,
    latencies_us: Vec<u32>,
    counters: Arc<Counters>,
}

impl Worker {
    /// One POST; returns the parsed envelope when the call got an answer below 500.
    fn post(&mut self, url: &str, body: &Value) -> Option<Value> {
        let text = body.to_string();
        let t = Instant::now();
        let r = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(text.as_bytes());
        let outcome = match r {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let body = resp.body_mut().read_to_string();
                match (status, body) {
                    (500.., _) => {
                        self.counters.server_errors.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                    (_, Ok(b)) => serde_json::from_str::<Value>(&b).ok(),
                    (_, Err(_)) => {
                        self.counters
                            .transport_errors
                            .fetch_add(1, Ordering::Relaxed);
                        None
                    }
                }
            }
            Err(_) => {
                self.counters
                    .transport_errors
                    .fetch_add(1, Ordering::Relaxed);
                None
            }
        };
        let us = u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX);
        self.latencies_us.push(us);
        self.counters.calls.fetch_add(1, Ordering::Relaxed);
        outcome
    }

    /// Calls an operation; `Some(result)` on success. A refused token is dropped so the next
    /// step logs in again.
    fn call(&mut self, secure: bool, path: &str, key: &str, body: Value) -> Option<Value> {
        let (standard, secure_token) = self.tokens.clone()?;
        let (base, token) = if secure {
            (self.https.clone(), secure_token)
        } else {
            (self.http.clone(), standard)
        };
        let env = json!({"RequestHeader": {"Token": token}, key: body});
        let v = self.post(&format!("{base}{path}"), &env)?;
        if v["ResponseHeader"]["Status"] == "Error" {
            let auth = v["ResponseHeader"]["StatusList"]
                .as_array()
                .is_some_and(|l| l.iter().any(|e| e["Code"] == "AUTH-021"));
            if auth {
                self.counters.auth_refusals.fetch_add(1, Ordering::Relaxed);
                self.tokens = None;
            } else {
                self.counters.api_errors.fetch_add(1, Ordering::Relaxed);
                let code = v["ResponseHeader"]["StatusList"][0]["Code"]
                    .as_str()
                    .unwrap_or("?")
                    .to_owned();
                let mut codes = self.counters.api_error_codes.lock().unwrap();
                *codes.entry(format!("{path} {code}")).or_default() += 1;
            }
            return None;
        }
        Some(v)
    }

    /// Alternates the OAuth2 password grant and CreateSession.
    fn login(&mut self) {
        self.counters.logins.fetch_add(1, Ordering::Relaxed);
        self.logins += 1;
        let user = self.user;
        if self.logins % 2 == 0 {
            let form = format!(
                "grant_type=password&username={user}&password={user}-password&client_id=sandbox-client&client_secret=sandbox-client-secret"
            );
            let t = Instant::now();
            let r = self
                .agent
                .post(format!("{}/oauth2/token", self.https))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(form.as_bytes());
            self.latencies_us
                .push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
            self.counters.calls.fetch_add(1, Ordering::Relaxed);
            match r {
                Ok(resp) if resp.status().as_u16() >= 500 => {
                    self.counters.server_errors.fetch_add(1, Ordering::Relaxed);
                }
                Ok(mut resp) => {
                    let v: Value = resp
                        .body_mut()
                        .read_to_string()
                        .ok()
                        .and_then(|b| serde_json::from_str(&b).ok())
                        .unwrap_or(Value::Null);
                    if let Some(t) = v["access_token"].as_str() {
                        self.tokens = Some((t.to_owned(), t.to_owned()));
                    } else {
                        self.counters.api_errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(_) => {
                    self.counters
                        .transport_errors
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
        } else {
            let body = json!({"RequestHeader": {}, "CreateSessionRequestBody": {
                "SystemId": "sandbox", "SystemPassword": "sandbox-system-password",
                "UserName": user, "UserPassword": format!("{user}-password")}});
            let url = format!("{}/v1/session/CreateSession", self.https);
            let v = self.post(&url, &body);
            let r = v.as_ref().map(|v| &v["CreateSessionResult"]);
            match r.and_then(|r| Some((r["Token"].as_str()?, r["SecureToken"].as_str()?))) {
                Some((t, s)) => self.tokens = Some((t.to_owned(), s.to_owned())),
                None => {
                    self.counters.api_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    fn step(&mut self) {
        self.n += 1;
        if self.tokens.is_none() || self.n % 40 == 0 {
            self.login();
            return;
        }
        let image = 100_000_000 + (self.n * 7919) % 10_000;
        match self.n % 20 {
            0..=7 => {
                let phrase = PHRASES[(self.n as usize) % PHRASES.len()];
                self.call(
                    false,
                    "/v2/search/SearchForImages",
                    "SearchForImagesRequestBody",
                    json!({
                    "Query": {"SearchPhrase": phrase},
                    "ResultOptions": {"ItemCount": 10, "ItemStartNumber": 1 + (self.n % 5) * 10},
                    "Language": "en-us"}),
                );
            }
            8..=11 => {
                self.call(
                    false,
                    "/v1/search/GetImageDetails",
                    "GetImageDetailsRequestBody",
                    json!({
                    "ImageIds": [image.to_string(), (image + 1).to_string()],
                    "Language": "en-us"}),
                );
            }
            12..=15 => self.lightbox_step(image),
            16..=17 => {
                self.call(
                    false,
                    "/v1/download/GetImageDownloadAuthorizations",
                    "GetImageDownloadAuthorizationsRequestBody",
                    json!({"ImageSizes": [{"ImageId": image.to_string(), "SizeKey": "small"}]}),
                );
            }
            _ => {
                let v = self.call(
                    false,
                    "/v1/download/GetImageDownloadAuthorizations",
                    "GetImageDownloadAuthorizationsRequestBody",
                    json!({"ImageSizes": [{"ImageId": image.to_string(), "SizeKey": "medium"}]}),
                );
                let token = v.as_ref().and_then(|v| {
                    v["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"][0]
                        ["DownloadToken"]
                        .as_str()
                        .map(str::to_owned)
                });
                if let Some(t) = token {
                    self.call(
                        true,
                        "/v1/download/CreateDownloadRequest",
                        "CreateDownloadRequestBody",
                        json!({"DownloadItems": [{"DownloadToken": t}]}),
                    );
                }
            }
        }
    }

    /// Create, add items, read, delete: one call per step, so lightboxes never pile up.
    fn lightbox_step(&mut self, image: u64) {
        match self.lightbox {
            None => {
                let v = self.call(
                    false,
                    "/v1/lightbox/CreateLightbox",
                    "CreateLightboxRequestBody",
                    json!({"LightboxName": format!("soak {}", self.n), "Notes": "soak"}),
                );
                self.lightbox = v.and_then(|v| v["CreateLightboxResult"]["LightboxId"].as_u64());
                self.lightbox_steps = 0;
            }
            Some(id) => {
                let stage = self.lightbox_steps;
                self.lightbox_steps += 1;
                match stage {
                    0 => {
                        self.call(
                            false,
                            "/v1/lightbox/CreateLightboxItems",
                            "CreateLightboxItemsRequestBody",
                            json!({"LightboxId": id, "AssetIds": [image.to_string()]}),
                        );
                    }
                    1 => {
                        self.call(false, "/v1/lightbox/GetLightbox", "GetLightboxRequestBody",
                        json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 10, "ItemStartNumber": 1}}));
                    }
                    _ => {
                        self.call(
                            false,
                            "/v1/lightbox/DeleteLightbox",
                            "DeleteLightboxRequestBody",
                            json!({"LightboxId": id}),
                        );
                        self.lightbox = None;
                    }
                }
            }
        }
    }
}

fn agent(ca_pem: &str) -> ureq::Agent {
    let cert = ureq::tls::Certificate::from_pem(ca_pem.as_bytes())
        .expect("the CA file holds a PEM certificate");
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

fn main() -> std::process::ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("soak_client: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let ca = std::fs::read_to_string(&a.ca).expect("the CA file reads");
    let counters = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let t0 = Instant::now();
    let workers: Vec<_> = (0..a.workers)
        .map(|w| {
            let mut worker = Worker {
                agent: agent(&ca),
                http: a.http.clone(),
                https: a.https.clone(),
                tokens: None,
                lightbox: None,
                user: if w % 2 == 0 { "alice" } else { "bob" },
                n: w as u64,
                logins: w as u64,
                lightbox_steps: 0,
                latencies_us: Vec::new(),
                counters: counters.clone(),
            };
            let (stop, total) = (stop.clone(), a.calls);
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed)
                        && worker.counters.calls.load(Ordering::Relaxed) < total
                    {
                        worker.step();
                    }
                    worker.latencies_us
                })
                .expect("a worker thread starts")
        })
        .collect();
    let warm_at = a.calls / 10;
    let mut warm_said = false;
    let mut last_report = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let done = counters.calls.load(Ordering::Relaxed);
        if !warm_said && done >= warm_at {
            println!("warm {done}");
            warm_said = true;
        }
        if last_report.elapsed() >= Duration::from_secs(10) {
            println!("progress {done} calls in {:.0?}", t0.elapsed());
            last_report = Instant::now();
        }
        if done >= a.calls {
            break;
        }
        if Instant::now() >= deadline {
            println!("time limit reached");
            stop.store(true, Ordering::Relaxed);
            break;
        }
    }
    let mut all: Vec<u32> = Vec::new();
    for w in workers {
        all.extend(w.join().unwrap_or_default());
    }
    let elapsed = t0.elapsed().as_secs_f64();
    all.sort_unstable();
    let stats: Value = agent(&ca)
        .get(format!("{}/_sandbox/stats", a.http))
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_to_string().ok())
        .and_then(|b| serde_json::from_str(&b).ok())
        .unwrap_or(Value::Null);
    let c = &counters;
    let summary = json!({
        "workers": a.workers,
        "calls": all.len(),
        "seconds": elapsed,
        "calls_per_second": all.len() as f64 / elapsed,
        "p50_ms": percentile(&all, 0.50),
        "p99_ms": percentile(&all, 0.99),
        "max_ms": percentile(&all, 1.0),
        "server_errors_5xx": c.server_errors.load(Ordering::Relaxed),
        "transport_errors": c.transport_errors.load(Ordering::Relaxed),
        "auth_refusals": c.auth_refusals.load(Ordering::Relaxed),
        "other_api_errors": c.api_errors.load(Ordering::Relaxed),
        "other_api_error_codes": *c.api_error_codes.lock().unwrap(),
        "logins": c.logins.load(Ordering::Relaxed),
        "injected_faults": stats["faults"],
        "sandbox_operations": stats["operations"],
        "sandbox_connections_refused": stats["connections_refused"],
        "sandbox_connections_timed_out": stats["connections_timed_out"],
    });
    println!("summary {summary}");
    std::process::ExitCode::SUCCESS
}

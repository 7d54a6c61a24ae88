//! `connect-sandbox`: a faithful local emulator of the Getty Images Connect API (v2 era), for
//! offline development and tests — what stripe-mock is to Stripe's SDKs.
//!
//! It serves every seed operation at its documented path on a plain-HTTP and an HTTPS listener
//! (a certificate authority and server certificate for `127.0.0.1`/`localhost` are generated at
//! start), enforces the token rules, and answers from a deterministic generated catalog.
//!
//! ```no_run
//! use connect_sandbox::{Sandbox, SandboxConfig};
//! # async fn demo() -> Result<(), connect_sandbox::Error> {
//! let sandbox = Sandbox::start(SandboxConfig::default().with_images(2_000)).await?;
//! println!("{} {}", sandbox.http_base_url(), sandbox.https_base_url());
//! let _trust_this = sandbox.ca_pem();
//! sandbox.stop().await;
//! # Ok(()) }
//! ```
//!
//! Without a runtime of your own, [`Sandbox::start_blocking`] runs the server on a background
//! thread and returns a [`SandboxThread`].
//!
//! # Test hooks
//! The `/_sandbox/*` endpoints below are served only when [`SandboxConfig::control_endpoints`]
//! is set (the binary's `--control`); the library methods always work.
//! - `GET /_sandbox/stats` (or [`SandboxInfo::stats`]): counters per operation, per token grant
//!   (`client_credentials`, `password`, `refresh_token`, `implicit`, `CreateSession`,
//!   `RenewSession`), errors per code, downloads, injected faults. `POST /_sandbox/stats/reset`
//!   (or [`SandboxInfo::reset_stats`]) zeroes them.
//! - `POST /_sandbox/revoke` (or [`SandboxInfo::revoke_all_tokens`]): revokes every session and
//!   access token, so the next call fails with `AUTH-021` and a client must re-acquire one.
//!   Refresh tokens survive unless `?refresh=true`; `?token=…` revokes a single token.
//! - [`SandboxConfig::disconnect_after_bytes`]: the first GET of each download URL is cut after
//!   that many body bytes; the next GET (with `Range`) is served, so resumption can be tested.
//! - [`SandboxConfig::fault_rate`] and [`SandboxConfig::latency`]: a seeded mix of HTTP 503,
//!   `DependentServiceDown` envelopes and dropped connections; added delay.
//! - [`FaultRule`]s ([`SandboxConfig::with_fault`], [`SandboxInfo::inject`],
//!   `POST /_sandbox/faults`): a [`Fault`] per operation or at a seeded rate, before the
//!   request is read or after the work is done (dropped, slow, cut mid-body).
//! - [`SandboxInfo::advance`] (`POST /_sandbox/advance?seconds=N`): moves the sandbox clock
//!   that token and download lifetimes read; [`SandboxInfo::advance_to_next_day`] moves it
//!   past midnight, where the daily call limit starts again.
//! - [`SandboxConfig::qps`] and [`SandboxConfig::daily_limit`]: the gateway's call limits per
//!   application key, with its exact `403` answers; [`Stats::app_keys`] counts each key's
//!   requests let through, throttled and refused for the day.
//! - [`Stats::calls`]: calls per listener, operation and token class.
//! - [`SandboxConfig::large_file_bytes`]: the `master` size of the first image (id
//!   `100000000`) and of every 1000th image has exactly this many bytes (default 256 MiB).

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly: badges for feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod body;
mod catalog;
mod clock;
mod config;
mod conn;
mod content;
mod control;
mod countries;
mod error;
mod faults;
#[doc(hidden)]
pub mod fuzzing;
mod handlers;
mod index;
mod operations;
mod picture;
mod render;
mod replay;
mod response;
mod rng;
mod secrets;
mod security;
mod server;
mod state;
mod state_file;
mod stats;
mod store;
mod tls;
mod vocab;
pub mod wire;

pub use config::{Credentials, Limits, SandboxConfig, User, parse_duration};
pub use error::Error;
pub use faults::{Fault, FaultRule};
pub use handlers::signin::WRONG_CREDENTIALS;
pub use replay::CassetteReplay;
pub use stats::{AssetStats, KeyCounts, MAX_ASSETS, Stats};

use security::Scheme;
use state::State;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Image id of the first catalog image, whose `master` size is [`SandboxConfig::large_file_bytes`].
pub const LARGE_IMAGE_ID: &str = "100000000";

/// What both handles expose: addresses, the CA, credentials, counters and test hooks.
pub struct SandboxInfo {
    state: Arc<State>,
    http_addr: SocketAddr,
    https_addr: SocketAddr,
    ca_pem: String,
    startup: Duration,
}

impl std::fmt::Debug for SandboxInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxInfo")
            .field("http", &self.http_addr)
            .field("https", &self.https_addr)
            .field("images", &self.state.config.images)
            .field("seed", &self.state.config.seed)
            .finish_non_exhaustive()
    }
}

impl SandboxInfo {
    /// `http://127.0.0.1:PORT`.
    pub fn http_base_url(&self) -> String {
        format!("http://{}", self.http_addr)
    }
    /// `https://127.0.0.1:PORT` (the certificate covers 127.0.0.1 and localhost).
    pub fn https_base_url(&self) -> String {
        format!("https://{}", self.https_addr)
    }
    /// The plain-HTTP listener's address.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }
    /// The HTTPS listener's address.
    pub fn https_addr(&self) -> SocketAddr {
        self.https_addr
    }
    /// PEM of the CA certificate to trust for the HTTPS listener.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }
    /// Writes the CA PEM to `path`.
    /// A failure names the path (a missing folder is not created).
    pub fn write_ca_pem(&self, path: impl AsRef<std::path::Path>) -> Result<(), Error> {
        let path = path.as_ref();
        std::fs::write(path, &self.ca_pem).map_err(|e| {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "its folder does not exist; create it or choose another path".to_owned()
            } else {
                e.to_string()
            };
            Error::Io(std::io::Error::new(
                e.kind(),
                format!(
                    "cannot write the CA certificate to {}: {what}",
                    path.display()
                ),
            ))
        })
    }
    /// The accepted credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.state.config.credentials
    }
    /// The configuration the sandbox started with.
    pub fn config(&self) -> &SandboxConfig {
        &self.state.config
    }
    /// How long the start took (catalog index, certificate, listeners).
    pub fn startup_time(&self) -> Duration {
        self.startup
    }
    /// The counters, as served at `GET /_sandbox/stats`.
    pub fn stats(&self) -> Stats {
        self.state.stats.snapshot()
    }
    /// Sets every counter to zero.
    pub fn reset_stats(&self) {
        self.state.stats.reset();
    }
    /// The quantity of `asset_id` that ReportUsage recorded for `user`'s application.
    pub fn usage_total(&self, user: &str, asset_id: &str) -> u64 {
        self.state.kept.usage.total(user, asset_id)
    }
    /// Revokes every session and access token (refresh tokens survive); returns how many.
    pub fn revoke_all_tokens(&self) -> u64 {
        let n = self.state.tokens.revoke_all(false);
        self.state.stats.revoked(n);
        n
    }
    /// Moves the sandbox clock forward by `by`: tokens and download tokens and URLs whose
    /// lifetime ends within it are expired at once, and dates the sandbox writes move too.
    /// Real time keeps running on top; the clock never goes back.
    pub fn advance(&self, by: Duration) {
        self.state.clock.advance(by);
    }
    /// Moves the sandbox clock just past the next UTC midnight, where the daily call limit
    /// ([`SandboxConfig::daily_limit`]) starts again; returns how far it moved. Tokens that
    /// expire within that time expire, as with [`SandboxInfo::advance`].
    pub fn advance_to_next_day(&self) -> Duration {
        self.state.clock.advance_to_next_day()
    }
    /// The sandbox clock's monotonic now: real time plus every [`SandboxInfo::advance`]. A
    /// client built with this as its clock sees tokens age as the sandbox does.
    pub fn now(&self) -> Instant {
        self.state.clock.now()
    }
    /// A handle on the sandbox clock that outlives this borrow (for a client's clock).
    pub fn clock(&self) -> impl Fn() -> Instant + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        move || state.clock.now()
    }
    /// Adds a fault rule while the sandbox runs (checked after the ones already there).
    pub fn inject(&self, rule: FaultRule) {
        self.state.faults.add(rule);
    }
    /// Removes every fault rule (a configured `fault_rate` stays).
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }
    /// The fault rules in force, each with how many times it struck.
    pub fn fault_rules(&self) -> Vec<(FaultRule, u64)> {
        self.state.faults.rules()
    }
    /// Why the last write of the state file ([`SandboxConfig::state_file`]) failed, if it did
    /// (cleared by the next write that succeeds): what changed since is not kept.
    pub fn state_file_error(&self) -> Option<String> {
        self.state
            .state_file_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
    /// With [`SandboxConfig::with_replay`]: the recorded exchanges not played yet.
    pub fn replay_remaining(&self) -> Option<usize> {
        self.state.replay.as_ref().map(|p| p.remaining())
    }
    /// Revokes one token; returns whether it was live.
    pub fn revoke_token(&self, token: &str) -> bool {
        let hit = self.state.tokens.revoke(token);
        self.state.stats.revoked(u64::from(hit));
        hit
    }
}

/// A running sandbox on the caller's tokio runtime. Dropping it stops the listeners.
#[derive(Debug)]
pub struct Sandbox {
    info: SandboxInfo,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    active: Arc<AtomicUsize>,
}

impl std::ops::Deref for Sandbox {
    type Target = SandboxInfo;
    fn deref(&self) -> &SandboxInfo {
        &self.info
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, Error> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })
}

/// The state a first start writes, with a token key drawn now, or the state another process
/// starting at the same moment wrote first (so every run on the file seals tokens alike).
fn first_state(
    file: &state_file::StateFile,
    config: &SandboxConfig,
) -> Result<state_file::Saved, Error> {
    let secrets = Arc::new(secrets::Secrets::from_os().ok_or_else(|| {
        Error::Config("the OS random source could not be read for the sandbox's keys".into())
    })?);
    let now = clock::Clock::default().now_millis();
    let kept = store::Kept::empty(config.seed, config.images, secrets.clone(), now);
    let first = state_file::Saved {
        format: state_file::FORMAT,
        written_by: concat!("connect-sandbox ", env!("CARGO_PKG_VERSION")).to_owned(),
        seed: config.seed,
        images: config.images,
        kept: kept.save(),
        token_key: Some(secrets.token_key_hex()),
        https_port: None,
    };
    let cannot = |e: std::io::Error| Error::State {
        path: file.path().to_owned(),
        problem: format!("cannot be written ({e})"),
    };
    if file.create_if_absent(&first).map_err(cannot)? {
        return Ok(first);
    }
    file.load(config.seed, config.images)?
        .ok_or_else(|| Error::State {
            path: file.path().to_owned(),
            problem: "vanished while this sandbox started; start it again".into(),
        })
}

impl Sandbox {
    /// Builds the catalog index, generates the certificate and starts both listeners.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, Error> {
        let t0 = Instant::now();
        if config.images == 0 {
            return Err(Error::Config("the catalog needs at least one image".into()));
        }
        let state_file = config.state_file.clone().map(state_file::StateFile::new);
        let saved = match &state_file {
            Some(f) => match f.load(config.seed, config.images)? {
                Some(saved) => Some(saved),
                None => Some(first_state(f, &config)?),
            },
            None => None,
        };
        let http = bind(config.http_addr).await?;
        // With a state file, the HTTPS listener takes the port it had last time when it is free,
        // so the download URLs bought in one run still download in the next.
        let kept_port = saved
            .as_ref()
            .and_then(|s| s.https_port)
            .filter(|_| config.https_addr.port() == 0);
        let https = match kept_port {
            Some(port) => match bind(SocketAddr::new(config.https_addr.ip(), port)).await {
                Ok(listener) => listener,
                Err(_) => bind(config.https_addr).await?,
            },
            None => bind(config.https_addr).await?,
        };
        let http_addr = http.local_addr()?;
        let https_addr = https.local_addr()?;
        let new_port = state_file.is_some() && kept_port != Some(https_addr.port());
        let shape = catalog::Shape::new(config.seed, config.images, config.large_file_bytes);
        // Building the index is CPU work; keep it off the async workers.
        let (index, tls) =
            tokio::task::spawn_blocking(move || (index::Index::build(shape), tls::generate()))
                .await
                .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        let tls = tls?;
        let clock = Arc::new(clock::Clock::default());
        // The token key outlives a restart in the state file; without one it is drawn now.
        let kept_key = match saved.as_ref().and_then(|s| s.token_key.as_deref()) {
            Some(hex) => Some(secrets::Secrets::parse_token_key(hex).ok_or_else(|| {
                Error::State {
                    path: config.state_file.clone().unwrap_or_default(),
                    problem: "is damaged (its token key is not 64 hex digits); it was left as it \
                              is: move it away or delete it to start with an empty sandbox"
                        .into(),
                }
            })?),
            None => None,
        };
        let new_key = kept_key.is_none();
        let secrets = match kept_key {
            Some(key) => secrets::Secrets::with_token_key(key),
            None => secrets::Secrets::from_os(),
        };
        let secrets = Arc::new(secrets.ok_or_else(|| {
            Error::Config("the OS random source could not be read for the sandbox's keys".into())
        })?);
        let kept = store::Kept::start(
            saved.map(|s| s.kept),
            config.seed,
            config.images,
            secrets.clone(),
            clock.now_millis(),
        )
        .map_err(|e| Error::State {
            path: config.state_file.clone().unwrap_or_default(),
            problem: format!(
                "is damaged ({e}); it was left as it is: move it away or delete it to start \
                 with an empty sandbox"
            ),
        })?;
        let limits = store::limits::CallLimits::new(
            config.qps,
            config.daily_limit,
            clock.clone(),
            &[
                config.credentials.client_id.as_str(),
                config.credentials.system_id.as_str(),
            ],
        );
        let state = Arc::new(State {
            index,
            tokens: store::tokens::TokenStore::new(
                secrets.clone(),
                clock.clone(),
                config.token_ttl,
                config.limits.max_tokens_per_user,
            ),
            stats: stats::StatsRecorder::default(),
            kept,
            state_file,
            state_file_error: std::sync::Mutex::new(None),
            downloads: store::downloads::Downloads::new(secrets),
            clock,
            faults: faults::Faults::new(config.seed, config.fault_rate, config.faults.clone()),
            limits,
            https_base: format!("https://{https_addr}"),
            https_port: https_addr.port(),
            http_base: format!("http://{http_addr}"),
            media_base: format!("http://{http_addr}{}", crate::picture::MEDIA_PATH),
            pictures: crate::picture::PictureCache::default(),
            search_images: crate::render::SearchImages::default(),
            replay: config.replay.as_ref().map(|r| {
                replay::player(
                    r,
                    &format!("http://{http_addr}"),
                    &format!("https://{https_addr}"),
                )
            }),
            config,
        });
        if new_key || new_port {
            // So the key and the port outlive a restart even if nothing else changes before it.
            state.write_state();
        }
        let (tx, rx) = watch::channel(false);
        let active = Arc::new(AtomicUsize::new(0));
        let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config.clone());
        let tasks = vec![
            tokio::spawn(server::serve(
                http,
                None,
                state.clone(),
                Scheme::Http,
                rx.clone(),
                active.clone(),
            )),
            tokio::spawn(server::serve(
                https,
                Some(acceptor),
                state.clone(),
                Scheme::Https,
                rx,
                active.clone(),
            )),
        ];
        Ok(Sandbox {
            info: SandboxInfo {
                state,
                http_addr,
                https_addr,
                ca_pem: tls.ca_pem,
                startup: t0.elapsed(),
            },
            shutdown: tx,
            tasks,
            active,
        })
    }

    /// Starts a sandbox on a background thread with its own tokio runtime, for callers
    /// without one (blocking clients, command lines, `#[test]` functions).
    pub fn start_blocking(config: SandboxConfig) -> Result<SandboxThread, Error> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("connect-sandbox".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Io(e)));
                        return;
                    }
                };
                rt.block_on(async move {
                    match Sandbox::start(config).await {
                        Ok(sb) => {
                            let info = SandboxInfo {
                                state: sb.info.state.clone(),
                                http_addr: sb.info.http_addr,
                                https_addr: sb.info.https_addr,
                                ca_pem: sb.info.ca_pem.clone(),
                                startup: sb.info.startup,
                            };
                            let _ = ready_tx.send(Ok(info));
                            let _ = stop_rx.await;
                            sb.stop().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let info = ready_rx.recv().map_err(|_| Error::ThreadGone)??;
        Ok(SandboxThread {
            info,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Stops accepting, lets open connections finish (up to a few seconds), and returns.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// A sandbox running on its own background thread (see [`Sandbox::start_blocking`]).
/// Dropping it stops the server and joins the thread.
#[derive(Debug)]
pub struct SandboxThread {
    info: SandboxInfo,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::ops::Deref for SandboxThread {
    type Target = SandboxInfo;
    fn deref(&self) -> &SandboxInfo {
        &self.info
    }
}

impl SandboxThread {
    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Blocks until the server thread ends (it ends only through [`SandboxThread::stop`] or
    /// drop, so this is for binaries that serve until a signal arrives elsewhere).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SandboxThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}

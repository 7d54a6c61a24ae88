//! [`SandboxConfig`]: everything a sandbox start can vary, with defaults that suit tests.

use std::net::SocketAddr;
use std::time::Duration;

/// A user account the sandbox knows (resource owner / CreateSession user).
#[derive(Clone)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The password (a public fixture, not a secret).
    pub password: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The credentials the sandbox accepts. The defaults are public fixtures printed in the banner.
#[derive(Clone)]
pub struct Credentials {
    /// CreateSession/RenewSession `SystemId` (default `sandbox`).
    pub system_id: String,
    /// CreateSession/RenewSession `SystemPassword` (default `sandbox-system-password`).
    pub system_password: String,
    /// Users (default `alice`/`alice-password` and `bob`/`bob-password`).
    pub users: Vec<User>,
    /// OAuth2 `client_id` (default `sandbox-client`).
    pub client_id: String,
    /// OAuth2 `client_secret` (default `sandbox-client-secret`).
    pub client_secret: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            system_id: "sandbox".into(),
            system_password: "sandbox-system-password".into(),
            users: vec![
                User {
                    name: "alice".into(),
                    password: "alice-password".into(),
                },
                User {
                    name: "bob".into(),
                    password: "bob-password".into(),
                },
            ],
            client_id: "sandbox-client".into(),
            client_secret: "sandbox-client-secret".into(),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("system_id", &self.system_id)
            .field("users", &self.users)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// What a client of this sandbox signs in with: the OAuth2 password grant as the first
    /// configured user (`alice` by default) with the sandbox's client id and secret; `None`
    /// when no user is configured.
    pub fn first_user(&self) -> Option<connect_auth::Credentials> {
        let user = self.users.first()?;
        Some(connect_auth::Credentials::resource_owner(
            self.client_id.clone(),
            self.client_secret.clone(),
            user.name.clone(),
            user.password.clone(),
        ))
    }

    /// Whether `name`/`password` is a known user.
    pub fn user_matches(&self, name: &str, password: &str) -> bool {
        self.users
            .iter()
            .any(|u| u.name == name && u.password == password)
    }
}

/// How a sandbox starts. Build it with [`SandboxConfig::default`] and the `with_*` methods.
///
/// ```
/// use connect_sandbox::SandboxConfig;
/// use std::time::Duration;
/// let cfg = SandboxConfig::default()
///     .with_images(2_000)
///     .with_token_ttl(Duration::from_secs(3));
/// assert_eq!(cfg.images, 2_000);
/// ```
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Catalog seed: the same seed gives the same catalog, byte for byte (default 42).
    pub seed: u64,
    /// Number of images in the catalog (default 10,000; 1,000,000 starts in well under 2 s).
    pub images: u32,
    /// Lifetime of every session and OAuth2 access token (default 30 minutes).
    pub token_ttl: Duration,
    /// Lifetime of download tokens from the authorization operations (default 24 hours).
    pub download_token_ttl: Duration,
    /// Lifetime of the download URLs CreateDownloadRequest and SingleStepDownload hand out
    /// (default 24 hours); past it, a GET of one answers 410 Gone.
    pub download_url_ttl: Duration,
    /// Delay added before every API answer (default none).
    pub latency: Duration,
    /// Share of API calls (0.0–1.0) answered with an injected fault: a seeded mix of HTTP 503,
    /// `DependentServiceDown` envelopes and dropped connections (default 0).
    pub fault_rate: f64,
    /// The accepted credentials.
    pub credentials: Credentials,
    /// Plain-HTTP listen address (library default `127.0.0.1:0`, an ephemeral port).
    pub http_addr: SocketAddr,
    /// HTTPS listen address (library default `127.0.0.1:0`).
    pub https_addr: SocketAddr,
    /// Exact `FileSizeInBytes` of the largest size (`master`) of every 1000th image, starting
    /// with the first catalog image (default 256 MiB), for large-download tests.
    pub large_file_bytes: u64,
    /// Disconnect injection: when set, the first GET of each download URL is cut after this
    /// many body bytes (the connection is closed mid-body), later GETs are served whole, so a
    /// client can prove that it resumes with `Range`.
    pub disconnect_after_bytes: Option<u64>,
    /// Fault rules in force from the start (more can be added while it runs, see
    /// [`crate::SandboxInfo::inject`]).
    pub faults: Vec<crate::faults::FaultRule>,
    /// Caps and timeouts that keep memory and connections bounded (see [`Limits`]).
    pub limits: Limits,
    /// Whether the `/_sandbox/*` control endpoints (stats, reset, revoke) are served over
    /// HTTP (default off: anyone who can reach the port could use them). The same hooks are
    /// always available from the library, e.g. [`crate::SandboxInfo::stats`].
    pub control_endpoints: bool,
    /// The per-second call limit of each application key (default none): a request beyond
    /// it, within one sliding second, is answered `403` with `X-Error-Detail: Account Over
    /// Queries Per Second Limit`, as the service's gateway did. See [`SandboxConfig::with_qps`].
    pub qps: Option<u32>,
    /// The daily call limit of each application key (default none): once used up, every
    /// request with the key is answered `403` with `X-Error-Detail: Account Over Rate Limit`
    /// until the sandbox clock's UTC day ends.
    pub daily_limit: Option<u64>,
    /// Keep what users make (lightboxes, histories and quotas, customers, usage reports, feed
    /// cursors) in this file between runs (default none: everything is in memory). Read at
    /// start, rewritten atomically after every call that changed something; a damaged file,
    /// or one from a newer version or another catalog, stops the start with
    /// [`crate::Error::State`]. Tokens are not kept.
    pub state_file: Option<std::path::PathBuf>,
    /// Answer every request from this cassette instead of the catalog (default none): the
    /// recorded answers, matched as the SDK's replaying transports match them, and `501`
    /// naming the nearest recorded request for one the cassette does not hold. Recorded
    /// origins in the answers (download URLs) point at this sandbox.
    pub replay: Option<crate::replay::CassetteReplay>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let local = SocketAddr::from(([127, 0, 0, 1], 0));
        Self {
            seed: 42,
            images: 10_000,
            token_ttl: Duration::from_secs(30 * 60),
            download_token_ttl: Duration::from_secs(24 * 3600),
            download_url_ttl: Duration::from_secs(24 * 3600),
            latency: Duration::ZERO,
            fault_rate: 0.0,
            credentials: Credentials::default(),
            http_addr: local,
            https_addr: local,
            large_file_bytes: 256 * 1024 * 1024,
            disconnect_after_bytes: None,
            faults: Vec::new(),
            limits: Limits::default(),
            control_endpoints: false,
            qps: None,
            daily_limit: None,
            state_file: None,
            replay: None,
        }
    }
}

impl SandboxConfig {
    /// Sets the catalog seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the number of images.
    pub fn with_images(mut self, images: u32) -> Self {
        self.images = images;
        self
    }
    /// Sets the token lifetime.
    pub fn with_token_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.token_ttl = ttl;
        self
    }
    /// Sets the download token lifetime.
    pub fn with_download_token_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.download_token_ttl = ttl;
        self
    }
    /// Sets the download URL lifetime.
    pub fn with_download_url_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.download_url_ttl = ttl;
        self
    }
    /// Sets the added latency.
    pub fn with_latency(mut self, latency: std::time::Duration) -> Self {
        self.latency = latency;
        self
    }
    /// Sets the fault rate (clamped to 0.0–1.0).
    pub fn with_fault_rate(mut self, rate: f64) -> Self {
        self.fault_rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }
    /// Replaces the accepted credentials.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }
    /// Sets the plain-HTTP listen address (port 0 picks a free port).
    pub fn with_http_addr(mut self, addr: SocketAddr) -> Self {
        self.http_addr = addr;
        self
    }
    /// Sets the HTTPS listen address (port 0 picks a free port).
    pub fn with_https_addr(mut self, addr: SocketAddr) -> Self {
        self.https_addr = addr;
        self
    }
    /// Sets the exact size of the large `master` files (see [`SandboxConfig::large_file_bytes`]).
    pub fn with_large_file_bytes(mut self, bytes: u64) -> Self {
        self.large_file_bytes = bytes;
        self
    }
    /// Cuts the first GET of every download URL after `bytes` body bytes.
    pub fn with_disconnect_after_bytes(mut self, bytes: Option<u64>) -> Self {
        self.disconnect_after_bytes = bytes;
        self
    }
    /// Adds a fault rule in force from the start.
    pub fn with_fault(mut self, rule: crate::faults::FaultRule) -> Self {
        self.faults.push(rule);
        self
    }
    /// Replaces the caps and timeouts.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Keeps the sandbox's state in `path` between runs (see [`SandboxConfig::state_file`]).
    pub fn with_state_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }
    /// Answers every request from `cassette` (see [`SandboxConfig::replay`]).
    pub fn with_replay(
        mut self,
        cassette: connect_auth::cassette::Cassette,
        options: connect_auth::cassette::ReplayOptions,
    ) -> Self {
        self.replay = Some(crate::replay::CassetteReplay { cassette, options });
        self
    }
    /// Limits every application key (the OAuth2 client id, the SystemId, SingleStepDownload's
    /// `Api-Key`) to `qps` requests per sliding second, on every API path: the token endpoint,
    /// CreateSession and RenewSession, every operation and `/v2/download`. (`None`: no limit.)
    ///
    /// ```
    /// let cfg = connect_sandbox::SandboxConfig::default().with_qps(Some(50)).with_daily_limit(Some(100));
    /// assert_eq!((cfg.qps, cfg.daily_limit), (Some(50), Some(100)));
    /// ```
    pub fn with_qps(mut self, qps: Option<u32>) -> Self {
        self.qps = qps;
        self
    }
    /// Limits every application key to `calls` requests per UTC day of the sandbox clock
    /// (which [`crate::SandboxInfo::advance`] moves). (`None`: no limit.)
    pub fn with_daily_limit(mut self, calls: Option<u64>) -> Self {
        self.daily_limit = calls;
        self
    }
    /// Serves (or not) the `/_sandbox/*` control endpoints.
    pub fn with_control_endpoints(mut self, enabled: bool) -> Self {
        self.control_endpoints = enabled;
        self
    }
}

/// Caps and timeouts that keep a sandbox's memory and connections bounded whatever its
/// clients do. The defaults suit tests and local development; every field can be changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Live tokens per user (client-credentials tokens count as one more user); issuing one
    /// more revokes that user's oldest (default 1,000).
    pub max_tokens_per_user: usize,
    /// Lightboxes per user; CreateLightbox beyond it fails with `InvalidRequest` (default 1,000).
    pub max_lightboxes_per_user: usize,
    /// Items per lightbox; CreateLightboxItems beyond it fails with `InvalidRequest` and adds
    /// nothing (default 10,000).
    pub max_items_per_lightbox: usize,
    /// Characters in `LightboxName`; longer fails with `InvalidLightboxName` (default 256).
    pub max_name_chars: usize,
    /// Characters in `ClientName`, `ProjectName` and `Notes`; longer fails with
    /// `InvalidRequest` (default 4,096).
    pub max_text_chars: usize,
    /// Time from the first byte of a request (or the TLS handshake) to the end of its header
    /// (default 10 s).
    pub header_read_timeout: Duration,
    /// Time a connection may sit without a request in progress and without moving a byte:
    /// an idle keep-alive connection, or a client that stopped reading an answer (default 60 s).
    pub idle_timeout: Duration,
    /// Time to receive a whole request body once its header arrived; past it the answer is
    /// 408 and the connection closes (default 30 s).
    pub body_read_timeout: Duration,
    /// Open connections over both listeners; a connection beyond it is closed at once
    /// (default 1,024).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_tokens_per_user: 1_000,
            max_lightboxes_per_user: 1_000,
            max_items_per_lightbox: 10_000,
            max_name_chars: 256,
            max_text_chars: 4_096,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 1_024,
        }
    }
}

/// Parses a duration such as `3s`, `90s`, `30m`, `2h`, `20ms`; a bare number means seconds
/// (the SDK's parser, so the sandbox and the clients read durations alike).
pub use connect_auth::env::parse_duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_user_signs_in_with_the_sandboxs_client() {
        let mut c = Credentials::default();
        match c.first_user() {
            Some(connect_auth::Credentials::ResourceOwner {
                client_id,
                client_secret,
                username,
                password,
            }) => {
                assert_eq!(client_id, c.client_id);
                assert_eq!(client_secret.expose(), c.client_secret);
                assert_eq!(username, c.users[0].name);
                assert_eq!(password.expose(), c.users[0].password);
            }
            other => panic!("not a password grant: {other:?}"),
        }
        c.users.clear();
        assert!(c.first_user().is_none());
    }
}

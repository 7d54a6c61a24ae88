//! [`ClientConfig`]: everything a client is built from, whatever its transport.
//!
//! Both clients' builders ([`crate::builder::ClientBuilder`]) collect a `ClientConfig`, so the
//! settings and their defaults are the same in both. The environment variables that fill it in
//! are in [`crate::env`].

use crate::credentials::Credentials;
use crate::endpoints::{DEFAULT_BASE_URL, Endpoints};
use crate::error::Error;
use crate::exchange::Core;
use crate::limiter::RateLimit;
use crate::retry::RetryPolicy;
use crate::token::{AuthConfig, CacheKey, TokenMachine};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Default time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed per API exchange, and between two reads of a download.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything a client is built from, whatever its transport.
///
/// `Debug` shows no secret: credentials print their secrets as `***`, the proxy URL (which
/// may carry a password) is left out, and certificates are only counted.
#[derive(Clone)]
pub struct ClientConfig {
    /// How to log in. Required.
    pub credentials: Option<Credentials>,
    /// The base URL of every call (default `https://connect.gettyimages.com`).
    pub base_url: String,
    /// A plain-HTTP base URL for standard operations, if any.
    pub http_base_url: Option<String>,
    /// Extra trusted root certificates, each a PEM document (one or more certificates).
    pub root_certificates_pem: Vec<Vec<u8>>,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one API exchange (request sent, whole answer read); for downloads, the
    /// longest silence between two reads (a large file may take longer in all).
    pub request_timeout: Duration,
    /// How failed calls are retried.
    pub retry: RetryPolicy,
    /// How the client paces itself: adaptive by default, with an optional ceiling.
    pub rate_limit: RateLimit,
    /// Token renewal tuning.
    pub auth: AuthConfig,
    /// The `User-Agent` header (default: the transport's crate name and version).
    pub user_agent: Option<String>,
    /// A proxy URL (`http://host:port`), if any.
    pub proxy: Option<String>,
    /// Where the client reads the time for token lifetimes; `None`: the system's monotonic
    /// clock. Tests set it to a clock they move (the sandbox's), so expiry takes no wall time.
    pub clock: Option<Clock>,
    /// The name a token cache knows the service by, in place of the base URL (the first part
    /// of a [`CacheKey`]). For a service whose base URL changes from run to run while its
    /// tokens stay good, as the command line's embedded sandbox on its ephemeral ports.
    pub token_cache_service: Option<String>,
    /// Record every exchange to a cassette, or answer from one instead of the network
    /// (see [`crate::cassette`]); `None`: neither.
    pub cassette: Option<crate::cassette::mode::CassetteMode>,
}

/// A source of "now" for token lifetimes, in place of the system clock.
///
/// The core never reads a clock itself (time is passed in); the transports read this one.
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// // A clock an hour ahead of the system's.
/// let later = connect_auth::config::Clock::new(move || start + Duration::from_secs(3600));
/// assert!(later.now() > start);
/// ```
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Instant + Send + Sync>);

impl Clock {
    /// A clock that reads `now`.
    pub fn new(now: impl Fn() -> Instant + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The time now by this clock.
    pub fn now(&self) -> Instant {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock(custom)")
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("http_base_url", &self.http_base_url)
            .field("root_certificates", &self.root_certificates_pem.len())
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("auth", &self.auth)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
            .field("clock", &self.clock)
            .field("token_cache_service", &self.token_cache_service)
            .field("cassette", &self.cassette)
            .finish()
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            credentials: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            http_base_url: None,
            root_certificates_pem: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::default(),
            auth: AuthConfig::default(),
            user_agent: None,
            proxy: None,
            clock: None,
            token_cache_service: None,
            cassette: None,
        }
    }
}

impl ClientConfig {
    /// The routing these settings describe.
    pub fn endpoints(&self) -> Result<Endpoints, Error> {
        let e = Endpoints::new(&self.base_url)?;
        match &self.http_base_url {
            Some(h) => e.with_http_base(h),
            None => Ok(e),
        }
    }

    /// A fresh core (no token yet) for these settings.
    pub fn core(&self) -> Result<Core, Error> {
        let credentials = self.credentials.clone().ok_or_else(|| {
            Error::Config(
                "no credentials: call ClientBuilder::credentials (or use Client::from_env)".into(),
            )
        })?;
        self.rate_limit.check().map_err(Error::Config)?;
        let endpoints = self.endpoints()?;
        let mut tokens = TokenMachine::new(credentials, self.auth.clone());
        tokens.set_cache_key(self.token_cache_key());
        Ok(Core::with_settings(
            tokens,
            endpoints,
            self.retry.clone(),
            self.rate_limit.clone(),
        ))
    }

    /// Whose tokens a client with these settings holds: the credentials' grant, application and
    /// user at [`ClientConfig::token_cache_service`] or the base URL. `None` for credentials
    /// whose tokens are not cached (see [`CacheKey::for_credentials`]).
    pub fn token_cache_key(&self) -> Option<CacheKey> {
        let service = self
            .token_cache_service
            .as_deref()
            .unwrap_or(&self.base_url);
        CacheKey::for_credentials(self.credentials.as_ref()?, service)
    }

    /// The `User-Agent` to send: the configured one, or `default`.
    pub fn user_agent_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.user_agent.as_deref().unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let config = ClientConfig {
            credentials: Some(Credentials::client_credentials("id", "sentinel-secret")),
            proxy: Some("http://user:sentinel-proxy@proxy.example:3128".into()),
            ..ClientConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("sentinel"), "{shown}");
        assert!(shown.contains("connect.gettyimages.com"));
    }

    #[test]
    fn core_needs_credentials() {
        assert!(ClientConfig::default().core().is_err());
    }
}

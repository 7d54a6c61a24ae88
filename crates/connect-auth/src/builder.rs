//! [`ClientBuilder`]: the one builder both clients use.
//!
//! `connect_blocking::ClientBuilder` and `connect_async::ClientBuilder` are this type with their
//! own `Client` as the parameter; each client crate implements [`BuildClient`] to turn the
//! finished settings into a client over its default transport. Every setter lives here, once.
//!
//! The builder performs no I/O: the certificate files it names are read by the client crate's
//! [`BuildClient::build_client`] (through [`read_root_certificates`]) and the environment is
//! passed in as a lookup function ([`ClientBuilder::from_vars`]).

use crate::config::ClientConfig;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::token::AuthConfig;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A client that a [`ClientBuilder`] can build: implemented by `connect_blocking::Client` and
/// `connect_async::Client`.
pub trait BuildClient: Sized {
    /// The transport trait object the client sends through (`dyn Transport`).
    type Transport: ?Sized;
    /// The token cache trait object the client keeps its tokens in (`dyn TokenCache`).
    type TokenCache: ?Sized;

    /// Builds the client from finished settings: reads `root_certificate_files` into the
    /// settings, makes the default transport unless one is given, keeps its tokens in
    /// `token_cache` (in memory, its own, when `None`), and starts with no token.
    fn build_client(
        config: ClientConfig,
        root_certificate_files: Vec<PathBuf>,
        transport: Option<Arc<Self::Transport>>,
        token_cache: Option<Arc<Self::TokenCache>>,
    ) -> Result<Self, Error>;
}

/// Builds a client. Only the credentials are required.
///
/// ```
/// use connect_auth::{Credentials, builder::{BuildClient, ClientBuilder}};
/// # #[derive(Debug)] struct Client;
/// # impl BuildClient for Client {
/// #     type Transport = ();
/// #     type TokenCache = ();
/// #     fn build_client(
/// #         _: connect_auth::ClientConfig,
/// #         _: Vec<std::path::PathBuf>,
/// #         _: Option<std::sync::Arc<()>>,
/// #         _: Option<std::sync::Arc<()>>,
/// #     ) -> Result<Self, connect_auth::Error> { Ok(Client) }
/// # }
/// let builder = ClientBuilder::<Client>::new()
///     .credentials(Credentials::client_credentials("my-key", "my-secret"))
///     .request_timeout(std::time::Duration::from_secs(30));
/// assert_eq!(builder.config().request_timeout.as_secs(), 30);
/// ```
pub struct ClientBuilder<C: BuildClient> {
    config: ClientConfig,
    root_certificate_files: Vec<PathBuf>,
    transport: Option<Arc<C::Transport>>,
    token_cache: Option<Arc<C::TokenCache>>,
}

impl<C: BuildClient> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("root_certificate_files", &self.root_certificate_files)
            .field("custom_transport", &self.transport.is_some())
            .field("custom_token_cache", &self.token_cache.is_some())
            .finish()
    }
}

impl<C: BuildClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::from_config(ClientConfig::default())
    }
}

impl<C: BuildClient> ClientBuilder<C> {
    /// A builder with the defaults (production base URL, 10 s connect and 60 s request
    /// timeouts, 3 attempts).
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder starting from these settings.
    pub fn from_config(config: ClientConfig) -> Self {
        Self {
            config,
            root_certificate_files: Vec::new(),
            transport: None,
            token_cache: None,
        }
    }

    /// A builder preset from `GETTY_*` variables read through `lookup` (the clients'
    /// `Client::from_env` passes the process environment). See [`ClientConfig::from_vars`].
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let env = ClientConfig::from_vars(lookup)?;
        let mut builder = Self::from_config(env.config);
        if let Some(path) = env.ca_cert_path {
            builder = builder.root_certificate_file(path);
        }
        Ok(builder)
    }

    /// How to log in (every kind [`Credentials`] has).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = Some(credentials);
        self
    }

    /// The base URL of every call (default `https://connect.gettyimages.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = url.into();
        self
    }

    /// Sends standard operations to this plain-HTTP base with the standard token; secure-only
    /// calls still use the main base.
    pub fn http_base_url(mut self, url: impl Into<String>) -> Self {
        self.config.http_base_url = Some(url.into());
        self
    }

    /// Lets OAuth2 access tokens travel over plain HTTP (an `http://` base URL or plain-HTTP
    /// base). Off by default, and risky: such a token also authorizes secure-only operations for
    /// whoever sees it on the wire. Legacy sessions are not affected (their standard token is
    /// made for plain HTTP).
    pub fn allow_oauth_token_over_http(mut self, allow: bool) -> Self {
        self.config.auth.allow_oauth_token_over_http = allow;
        self
    }

    /// Trusts the root certificates in this PEM document (for a private server or the sandbox).
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.config.root_certificates_pem.push(pem.into());
        self
    }

    /// Trusts the root certificates in this PEM file (read by `build`).
    pub fn root_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.root_certificate_files.push(path.into());
        self
    }

    /// Time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Time allowed for one API exchange, and between two reads of a download.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// How failed calls are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// A ceiling on the requests per second this client sends, over all its clones, tasks and
    /// threads (token requests included); below [`crate::limiter::MIN_RATE`] `build` fails.
    /// Without it the client still slows down when the service throttles (see
    /// [`ClientBuilder::adaptive_rate_limit`]). Also `GETTY_CONNECT_MAX_QPS`.
    pub fn max_requests_per_second(mut self, rate: f64) -> Self {
        self.config.rate_limit.max_per_second = Some(rate);
        self
    }

    /// Whether the client slows down on the service's per-second throttle and speeds up again
    /// as calls succeed (default on; it sends nothing later until the service throttles).
    pub fn adaptive_rate_limit(mut self, adaptive: bool) -> Self {
        self.config.rate_limit.adaptive = adaptive;
        self
    }

    /// Token renewal tuning.
    pub fn auth_config(mut self, auth: AuthConfig) -> Self {
        self.config.auth = auth;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = Some(user_agent.into());
        self
    }

    /// Sends everything through this proxy (`http://host:port`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.config.proxy = Some(url.into());
        self
    }

    /// Reads token lifetimes from `clock` instead of the system clock (for tests that move
    /// time, e.g. with the sandbox's clock).
    pub fn clock(mut self, clock: crate::config::Clock) -> Self {
        self.config.clock = Some(clock);
        self
    }

    /// Names the service for the token cache in place of the base URL (see
    /// [`ClientConfig::token_cache_service`]).
    pub fn token_cache_service(mut self, name: impl Into<String>) -> Self {
        self.config.token_cache_service = Some(name.into());
        self
    }

    /// Sends through this transport instead of the default one (the timeouts, proxy,
    /// certificates and user agent are then the transport's business):
    /// `.transport(Arc::new(MyTransport))`.
    pub fn transport(mut self, transport: Arc<C::Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Keeps tokens in this cache instead of the client's own memory: a file cache shares
    /// them with later runs and other processes of the user (`FileTokenCache`), a
    /// `MemoryTokenCache` shared by several clients shares them between those clients.
    /// `.token_cache(Arc::new(FileTokenCache::new(dir)))`.
    pub fn token_cache(mut self, cache: Arc<C::TokenCache>) -> Self {
        self.token_cache = Some(cache);
        self
    }

    /// Records every exchange to the cassette at `path` (created, or replaced), secrets
    /// replaced by placeholders; calls still go through the transport. The client then keeps
    /// its tokens in its own memory, whatever [`ClientBuilder::token_cache`] says, so the
    /// cassette holds its own sign-in. See [`crate::cassette`].
    pub fn record(self, path: impl Into<PathBuf>) -> Self {
        self.record_with(path, crate::cassette::RecordOptions::default())
    }

    /// [`ClientBuilder::record`] with options (more fields to redact, the body limit).
    pub fn record_with(
        mut self,
        path: impl Into<PathBuf>,
        options: crate::cassette::RecordOptions,
    ) -> Self {
        self.config.cassette = Some(crate::cassette::CassetteMode::Record {
            path: path.into(),
            options,
        });
        self
    }

    /// Answers every call from the cassette at `path` (read by `build`) instead of the
    /// network: nothing is sent. Without credentials, the cassette's placeholders serve (see
    /// [`crate::cassette::Cassette::placeholder_credentials`]). Tokens are kept in the
    /// client's own memory, whatever [`ClientBuilder::token_cache`] says: a replayed token is
    /// a placeholder, never written to a real cache.
    pub fn replay(self, path: impl Into<PathBuf>) -> Self {
        self.replay_with(path, crate::cassette::ReplayOptions::default())
    }

    /// [`ClientBuilder::replay`] with options (any order, more fields to ignore).
    pub fn replay_with(
        mut self,
        path: impl Into<PathBuf>,
        options: crate::cassette::ReplayOptions,
    ) -> Self {
        self.config.cassette = Some(crate::cassette::CassetteMode::Replay {
            path: path.into(),
            options,
        });
        self
    }

    /// [`ClientBuilder::replay`] from a cassette already read.
    pub fn replay_cassette(
        mut self,
        cassette: crate::cassette::Cassette,
        options: crate::cassette::ReplayOptions,
    ) -> Self {
        self.config.cassette = Some(crate::cassette::CassetteMode::ReplayCassette {
            cassette: Box::new(cassette),
            options,
        });
        self
    }

    /// The settings collected so far.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Builds the client. Fails on missing credentials, a bad URL or an unreadable certificate
    /// file; nothing is sent yet.
    pub fn build(self) -> Result<C, Error> {
        // Checked here so every client reports missing credentials and bad URLs alike (a
        // replay may take its credentials from the cassette, which `build_client` reads).
        if self.config.credentials.is_some() || !crate::cassette::replays(&self.config) {
            self.config.core()?;
        }
        C::build_client(
            self.config,
            self.root_certificate_files,
            self.transport,
            self.token_cache,
        )
    }
}

/// Adds the PEM files to `config`'s trusted roots, reading each with `read` (the client crate
/// passes `std::fs::read`). The error names the file.
pub fn read_root_certificates(
    config: &mut ClientConfig,
    files: &[PathBuf],
    read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<(), Error> {
    for path in files {
        let pem = read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read the CA certificate {}: {e}",
                path.display()
            ))
        })?;
        config.root_certificates_pem.push(pem);
    }
    Ok(())
}

/// What both clients make of a builder's settings before they pick a transport: the root
/// certificate files and a replayed cassette read (each with `read`; the client crate passes
/// `std::fs::read`), the [`Core`](crate::Core), and the token cache to use (`None`: the
/// client's own memory cache; a cassette holds its own sign-in, so a given cache is set aside
/// while one records or replays).
#[derive(Debug)]
pub struct Prepared<C: ?Sized> {
    /// The settings, with the certificates and cassette read.
    pub config: ClientConfig,
    /// The core.
    pub core: crate::Core,
    /// The token cache given, unless a cassette sets it aside.
    pub token_cache: Option<Arc<C>>,
}

impl<C: ?Sized> Prepared<C> {
    /// Reads what `config` names with `read` and builds the core.
    pub fn new(
        mut config: ClientConfig,
        root_certificate_files: &[PathBuf],
        token_cache: Option<Arc<C>>,
        read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
    ) -> Result<Self, Error> {
        read_root_certificates(&mut config, root_certificate_files, &read)?;
        crate::cassette::load(&mut config, &read)?;
        let core = config.core()?;
        let token_cache = token_cache.filter(|_| config.cassette.is_none());
        Ok(Prepared {
            config,
            core,
            token_cache,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fake(ClientConfig, usize);

    impl BuildClient for Fake {
        type Transport = str;
        type TokenCache = ();
        fn build_client(
            mut config: ClientConfig,
            files: Vec<PathBuf>,
            transport: Option<Arc<str>>,
            _: Option<Arc<()>>,
        ) -> Result<Self, Error> {
            read_root_certificates(&mut config, &files, |p| {
                if p == Path::new("ca.pem") {
                    Ok(b"PEM".to_vec())
                } else {
                    Err(std::io::Error::from(std::io::ErrorKind::NotFound))
                }
            })?;
            Ok(Fake(config, transport.map_or(0, |t| t.len())))
        }
    }

    fn with_credentials() -> ClientBuilder<Fake> {
        ClientBuilder::new().credentials(Credentials::client_credentials("id", "s"))
    }

    #[test]
    fn setters_reach_the_settings_and_files_are_read_at_build() {
        let built = with_credentials()
            .base_url("https://127.0.0.1:8443")
            .root_certificate_file("ca.pem")
            .transport(Arc::from("custom"))
            .build()
            .unwrap();
        assert_eq!(built.0.base_url, "https://127.0.0.1:8443");
        assert_eq!(built.0.root_certificates_pem, vec![b"PEM".to_vec()]);
        assert_eq!(built.1, "custom".len());
    }

    #[test]
    fn build_names_the_unreadable_file_and_missing_credentials() {
        let e = with_credentials()
            .root_certificate_file("missing.pem")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("missing.pem"), "{e}");
        let e = ClientBuilder::<Fake>::new().build().unwrap_err();
        assert!(e.to_string().contains("no credentials"), "{e}");
    }

    #[test]
    fn from_vars_keeps_the_ca_file_for_build() {
        let vars = [
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_CONNECT_CA_CERT", "ca.pem"),
        ];
        let builder = ClientBuilder::<Fake>::from_vars(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap();
        assert_eq!(builder.build().unwrap().0.root_certificates_pem.len(), 1);
    }
}

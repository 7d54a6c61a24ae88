//! Client settings shared by the transports: what a `ClientBuilder` collects, and how the
//! environment fills it in.
//!
//! Both `connect-blocking` and `connect-async` wrap a [`ClientConfig`], so the two builders, the
//! environment variables and the defaults stay identical. Nothing here touches the network or
//! the file system: [`ClientConfig::from_vars`] takes a lookup function, and the CA file named by
//! `GETTY_CONNECT_CA_CERT` is read by the transport.

use crate::Core;
use crate::credentials::Credentials;
use crate::endpoints::{DEFAULT_BASE_URL, Endpoints};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::token::{AuthConfig, TokenMachine};
use std::path::PathBuf;
use std::time::Duration;

/// The main base URL (every call; secure-only calls always).
pub const ENV_BASE_URL: &str = "GETTY_CONNECT_BASE_URL";
/// The optional plain-HTTP base URL for standard operations.
pub const ENV_HTTP_BASE_URL: &str = "GETTY_CONNECT_HTTP_BASE_URL";
/// Set to `1` (or `true`, `yes`) to let OAuth2 access tokens travel over plain HTTP; see
/// [`AuthConfig::allow_oauth_token_over_http`].
pub const ENV_INSECURE_OAUTH_OVER_HTTP: &str = "GETTY_CONNECT_INSECURE_SEND_OAUTH_TOKEN_OVER_HTTP";
/// A PEM file of extra trusted root certificates.
pub const ENV_CA_CERT: &str = "GETTY_CONNECT_CA_CERT";
/// OAuth2 client id (API key).
pub const ENV_CLIENT_ID: &str = "GETTY_CLIENT_ID";
/// OAuth2 client secret.
pub const ENV_CLIENT_SECRET: &str = "GETTY_CLIENT_SECRET";
/// Legacy session system id.
pub const ENV_SYSTEM_ID: &str = "GETTY_SYSTEM_ID";
/// Legacy session system password.
pub const ENV_SYSTEM_PASSWORD: &str = "GETTY_SYSTEM_PASSWORD";
/// User name (resource-owner grant or legacy session).
pub const ENV_USERNAME: &str = "GETTY_USERNAME";
/// User password (resource-owner grant or legacy session).
pub const ENV_PASSWORD: &str = "GETTY_PASSWORD";

/// Default time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed per API exchange, and between two reads of a download.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest API answer a transport reads (a guard against a runaway server; a 75-image
/// search with keywords is well under a megabyte).
pub const MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;
/// The capacity to reserve for an API answer: its `Content-Length`, capped at
/// [`MAX_RESPONSE_BYTES`] so a lying header cannot reserve more.
pub fn answer_capacity(headers: &http::HeaderMap) -> usize {
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    usize::try_from(length.min(MAX_RESPONSE_BYTES)).unwrap_or(0)
}

/// The [`crate::Outcome`] of an API exchange once the transport has read (or failed to read)
/// the whole answer.
pub fn answer_outcome(
    head: http::response::Parts,
    body: std::io::Result<Vec<u8>>,
) -> crate::Outcome {
    match body {
        Ok(bytes) => crate::Outcome::Response(http::Response::from_parts(head, bytes)),
        Err(e) => crate::Outcome::Failed(crate::TransportFailure {
            message: format!("reading the answer failed: {e}"),
            reached_server: true,
            source: Some(Box::new(e)),
        }),
    }
}

/// Seeds for [`crate::Call::new`]: per-client randomness for backoff jitter and coordination
/// ids, without a random-number crate (std's per-process hash keys give the entropy).
#[derive(Debug)]
pub struct CallSeeds {
    base: u64,
    calls: std::sync::atomic::AtomicU64,
}

impl Default for CallSeeds {
    fn default() -> Self {
        use std::hash::BuildHasher;
        Self {
            base: std::collections::hash_map::RandomState::new().hash_one(0x5EED_u64),
            calls: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl CallSeeds {
    /// A fresh source.
    pub fn new() -> Self {
        Self::default()
    }

    /// The seed of the next call: distinct per call.
    pub fn next(&self) -> u64 {
        let n = self
            .calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.base ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// How long a call waiting for another call's token request sleeps before looking again, in
/// case a wake-up was missed (the token request's own timeouts bound the real wait).
pub const TOKEN_WAIT_SAFETY: Duration = Duration::from_millis(500);

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
    /// Token renewal tuning.
    pub auth: AuthConfig,
    /// The `User-Agent` header (default: the transport's crate name and version).
    pub user_agent: Option<String>,
    /// A proxy URL (`http://host:port`), if any.
    pub proxy: Option<String>,
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
            .field("auth", &self.auth)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
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
            auth: AuthConfig::default(),
            user_agent: None,
            proxy: None,
        }
    }
}

/// What the environment said: the settings, plus the CA file the transport must read.
#[derive(Clone, Debug)]
pub struct EnvConfig {
    /// Base URLs and credentials from the environment; defaults elsewhere.
    pub config: ClientConfig,
    /// `GETTY_CONNECT_CA_CERT`, a PEM file to add to the trusted roots.
    pub ca_cert_path: Option<PathBuf>,
}

impl ClientConfig {
    /// Reads the `GETTY_*` variables through `lookup` (pass `|k| std::env::var(k).ok()`).
    ///
    /// Credentials come from `GETTY_CLIENT_ID` / `GETTY_CLIENT_SECRET` (plus `GETTY_USERNAME` /
    /// `GETTY_PASSWORD` for the resource-owner grant), or else from `GETTY_SYSTEM_ID` /
    /// `GETTY_SYSTEM_PASSWORD` / `GETTY_USERNAME` / `GETTY_PASSWORD` (legacy session). Empty
    /// values count as unset. The error names every missing variable, never a value.
    ///
    /// ```
    /// use connect_auth::config::ClientConfig;
    /// let vars = [("GETTY_CLIENT_ID", "id"), ("GETTY_USERNAME", "alice")];
    /// let err = ClientConfig::from_vars(|k| {
    ///     vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    /// })
    /// .unwrap_err();
    /// assert!(err.to_string().contains("GETTY_CLIENT_SECRET"));
    /// assert!(err.to_string().contains("GETTY_PASSWORD"));
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<EnvConfig, Error> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let mut config = ClientConfig::default();
        if let Some(base) = get(ENV_BASE_URL) {
            config.base_url = base.trim().to_owned();
        }
        config.http_base_url = get(ENV_HTTP_BASE_URL).map(|v| v.trim().to_owned());
        if let Some(v) = get(ENV_INSECURE_OAUTH_OVER_HTTP) {
            config.auth.allow_oauth_token_over_http = match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    return Err(Error::Config(format!(
                        "{ENV_INSECURE_OAUTH_OVER_HTTP} must be 1 or 0 (true or false)"
                    )));
                }
            };
        }
        config.credentials = Some(credentials_from(&get)?);
        // Check the URLs now, so a typo is reported before the first call.
        config.endpoints()?;
        Ok(EnvConfig {
            config,
            ca_cert_path: get(ENV_CA_CERT).map(PathBuf::from),
        })
    }

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
        Ok(Core {
            tokens: TokenMachine::new(credentials, self.auth.clone()),
            endpoints: self.endpoints()?,
            retry: self.retry.clone(),
        })
    }

    /// The `User-Agent` to send: the configured one, or `default`.
    pub fn user_agent_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.user_agent.as_deref().unwrap_or(default)
    }
}

fn credentials_from(get: &impl Fn(&str) -> Option<String>) -> Result<Credentials, Error> {
    let missing = |names: &[&'static str]| -> Vec<&'static str> {
        names.iter().copied().filter(|n| get(n).is_none()).collect()
    };
    let oauth = [ENV_CLIENT_ID, ENV_CLIENT_SECRET];
    let session = [
        ENV_SYSTEM_ID,
        ENV_SYSTEM_PASSWORD,
        ENV_USERNAME,
        ENV_PASSWORD,
    ];
    let user = [ENV_USERNAME, ENV_PASSWORD];
    let any = |names: &[&str]| names.iter().any(|n| get(n).is_some());
    let value = |n: &str| get(n).unwrap_or_default();

    if any(&oauth) {
        let mut lacking = missing(&oauth);
        // A user name without a password (or the reverse) is a mistake, not client credentials.
        if any(&user) {
            lacking.extend(missing(&user));
        }
        if !lacking.is_empty() {
            return Err(missing_error(&lacking, "OAuth2 credentials"));
        }
        return Ok(if any(&user) {
            Credentials::resource_owner(
                value(ENV_CLIENT_ID),
                value(ENV_CLIENT_SECRET),
                value(ENV_USERNAME),
                value(ENV_PASSWORD),
            )
        } else {
            Credentials::client_credentials(value(ENV_CLIENT_ID), value(ENV_CLIENT_SECRET))
        });
    }
    if any(&[ENV_SYSTEM_ID, ENV_SYSTEM_PASSWORD]) {
        let lacking = missing(&session);
        if !lacking.is_empty() {
            return Err(missing_error(&lacking, "legacy session credentials"));
        }
        return Ok(Credentials::session(
            value(ENV_SYSTEM_ID),
            value(ENV_SYSTEM_PASSWORD),
            value(ENV_USERNAME),
            value(ENV_PASSWORD),
        ));
    }
    Err(Error::Config(format!(
        "no credentials in the environment: set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} \
         (OAuth2; add {ENV_USERNAME} and {ENV_PASSWORD} to act for a user), or {ENV_SYSTEM_ID}, \
         {ENV_SYSTEM_PASSWORD}, {ENV_USERNAME} and {ENV_PASSWORD} (legacy session)"
    )))
}

fn missing_error(names: &[&str], what: &str) -> Error {
    Error::Config(format!(
        "incomplete {what} in the environment: {} not set",
        names.join(", ")
    ))
}

/// Defines a transport crate's `ClientBuilder` (and `Client::builder`, `Client::from_env`,
/// `Client::builder_from_env`) over [`ClientConfig`], so both transports offer the same builder.
///
/// Expects `Client` (with `Client::from_parts(Core, Arc<dyn Transport>)`) and `Transport` in
/// scope; `$default` is the default transport (`fn new(&ClientConfig) -> Result<Self, Error>`),
/// `$krate` the crate's name for the examples.
#[macro_export]
macro_rules! client_builder {
    ($default:ty, $krate:literal) => {
        /// Builds a [`Client`]. Only the credentials are required.
        ///
        /// ```no_run
        #[doc = concat!("use ", $krate, "::{Client, Credentials};")]
        /// let client = Client::builder()
        ///     .credentials(Credentials::client_credentials("my-key", "my-secret"))
        ///     .request_timeout(std::time::Duration::from_secs(30))
        ///     .build()?;
        #[doc = concat!("# Ok::<(), ", $krate, "::Error>(())")]
        /// ```
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            config: $crate::config::ClientConfig,
            ca_files: Vec<std::path::PathBuf>,
            transport: Option<std::sync::Arc<dyn Transport>>,
        }

        impl ClientBuilder {
            /// A builder with the defaults (production base URL, 10 s connect and 60 s request
            /// timeouts, 3 attempts).
            pub fn new() -> Self {
                Self::default()
            }

            /// A builder starting from these settings.
            pub fn from_config(config: $crate::config::ClientConfig) -> Self {
                Self {
                    config,
                    ..Self::default()
                }
            }

            /// How to log in (every kind `Credentials` has).
            pub fn credentials(mut self, credentials: $crate::Credentials) -> Self {
                self.config.credentials = Some(credentials);
                self
            }

            /// The base URL of every call (default `https://connect.gettyimages.com`).
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.config.base_url = url.into();
                self
            }

            /// Sends standard operations to this plain-HTTP base with the standard token;
            /// secure-only calls still use the main base.
            pub fn http_base_url(mut self, url: impl Into<String>) -> Self {
                self.config.http_base_url = Some(url.into());
                self
            }

            /// Lets OAuth2 access tokens travel over plain HTTP (an `http://` base URL or
            /// plain-HTTP base). Off by default, and risky: such a token also authorizes
            /// secure-only operations for whoever sees it on the wire. Legacy sessions are not
            /// affected (their standard token is made for plain HTTP).
            pub fn allow_oauth_token_over_http(mut self, allow: bool) -> Self {
                self.config.auth.allow_oauth_token_over_http = allow;
                self
            }

            /// Trusts the root certificates in this PEM document (for a private server or the
            /// sandbox).
            pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
                self.config.root_certificates_pem.push(pem.into());
                self
            }

            /// Trusts the root certificates in this PEM file (read by `build`).
            pub fn root_certificate_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
                self.ca_files.push(path.into());
                self
            }

            /// Time allowed to open a connection.
            pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config.connect_timeout = timeout;
                self
            }

            /// Time allowed for one API exchange, and between two reads of a download.
            pub fn request_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config.request_timeout = timeout;
                self
            }

            /// How failed calls are retried.
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.config.retry = policy;
                self
            }

            /// Token renewal tuning.
            pub fn auth_config(mut self, auth: $crate::AuthConfig) -> Self {
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

            /// Uses this transport instead of the default one (the timeouts, proxy,
            /// certificates and user agent are then the transport's business).
            pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
                self.transport = Some(std::sync::Arc::new(transport));
                self
            }

            /// The settings collected so far.
            pub fn config(&self) -> &$crate::config::ClientConfig {
                &self.config
            }

            /// Builds the client. Fails on missing credentials, a bad URL or an unreadable
            /// certificate; nothing is sent yet.
            pub fn build(mut self) -> Result<Client, $crate::Error> {
                for path in &self.ca_files {
                    let pem = std::fs::read(path).map_err(|e| {
                        $crate::Error::Config(format!(
                            "cannot read the CA certificate {}: {e}",
                            path.display()
                        ))
                    })?;
                    self.config.root_certificates_pem.push(pem);
                }
                let core = self.config.core()?;
                let transport: std::sync::Arc<dyn Transport> = match self.transport {
                    Some(t) => t,
                    None => std::sync::Arc::new(<$default>::new(&self.config)?),
                };
                Ok(Client::from_parts(core, transport))
            }
        }

        impl Client {
            /// A builder.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// A client configured from the environment: `GETTY_CONNECT_BASE_URL`,
            /// `GETTY_CONNECT_HTTP_BASE_URL`, `GETTY_CONNECT_CA_CERT` (a PEM file), and either
            /// `GETTY_CLIENT_ID` / `GETTY_CLIENT_SECRET` (+ optional `GETTY_USERNAME` /
            /// `GETTY_PASSWORD`) or `GETTY_SYSTEM_ID` / `GETTY_SYSTEM_PASSWORD` /
            /// `GETTY_USERNAME` / `GETTY_PASSWORD`. The error names the missing variables.
            pub fn from_env() -> Result<Client, $crate::Error> {
                Self::builder_from_env()?.build()
            }

            /// A builder preset from the environment (see `Client::from_env`), to adjust
            /// further.
            pub fn builder_from_env() -> Result<ClientBuilder, $crate::Error> {
                let env = $crate::config::ClientConfig::from_vars(|k| std::env::var(k).ok())?;
                let mut builder = ClientBuilder::from_config(env.config);
                if let Some(path) = env.ca_cert_path {
                    builder = builder.root_certificate_file(path);
                }
                Ok(builder)
            }
        }
    };
}

/// Defines the tracing helpers both transports call around each exchange:
/// `trace_send(&span, purpose, coordination_id)`, `trace_outcome(&span, purpose, &outcome)` and
/// `trace_done(&result)`. They record the attempt and the HTTP status on the `connect_call`
/// span and log at debug level; they never see a request body, so no token or password can
/// reach the logs. The expansion calls `tracing`, which the transport crate depends on (this
/// crate does not).
#[macro_export]
macro_rules! call_tracing {
    () => {
        fn trace_send(span: &tracing::Span, purpose: $crate::Purpose, coordination_id: &str) {
            match purpose {
                $crate::Purpose::Call { attempt } => {
                    span.record("attempt", attempt);
                    tracing::debug!(attempt, coordination_id, "sending");
                }
                $crate::Purpose::Auth { grant } => {
                    tracing::debug!(grant = grant.name(), coordination_id, "sending a token request");
                }
            }
        }

        fn trace_outcome(span: &tracing::Span, purpose: $crate::Purpose, outcome: &$crate::Outcome) {
            match outcome {
                $crate::Outcome::Response(r) => {
                    let status = r.status().as_u16();
                    if let $crate::Purpose::Call { .. } = purpose {
                        span.record("status", status);
                    }
                    tracing::debug!(status, bytes = r.body().len(), "answer");
                }
                $crate::Outcome::Failed(f) => {
                    tracing::debug!(error = %f.message, reached_server = f.reached_server, "no answer");
                }
            }
        }

        fn trace_done<T>(result: &Result<connect_types::Response<T>, $crate::Error>) {
            match result {
                Ok(_) => tracing::debug!("call succeeded"),
                Err(e) => tracing::debug!(error = %e, kind = ?e.kind(), "call failed"),
            }
        }
    };
}

/// Calls `$m!` with the list of seed operations every client exposes as a method:
/// `doc; method(Request) -> Result;` entries (types from `connect_types::ops`). Both transports
/// generate their methods from this one list, so the two clients cannot drift apart.
#[macro_export]
macro_rules! seed_operations {
    ($m:ident) => {
        $m! {
            /// SearchForImages: one page of images matching a query (see also the paged listing).
            search_images(SearchForImagesRequest) -> SearchForImagesResult;
            /// GetImageDetails: metadata of up to 90 images.
            image_details(GetImageDetailsRequest) -> GetImageDetailsResult;
            /// GetEventDetails: metadata of events.
            event_details(GetEventDetailsRequest) -> GetEventDetailsResult;
            /// SearchForVideos: one page of videos matching a query.
            search_videos(SearchForVideosRequest) -> SearchForVideosResult;
            /// GetImageDownloadAuthorizations: download tokens for image and size pairs.
            image_download_authorizations(GetImageDownloadAuthorizationsRequest)
                -> GetImageDownloadAuthorizationsResult;
            /// GetLargestImageDownloadAuthorizations: download tokens for the largest sizes.
            largest_image_download_authorizations(GetLargestImageDownloadAuthorizationsRequest)
                -> GetLargestImageDownloadAuthorizationsResult;
            /// CreateDownloadRequest (secure-only, never retried once sent): spends download
            /// tokens for download URLs.
            create_download_request(CreateDownloadRequest) -> CreateDownloadRequestResult;
            /// CreateLightbox (not retried once it may have reached the server, so a failure
            /// never leaves two lightboxes).
            create_lightbox(CreateLightboxRequest) -> CreateLightboxResult;
            /// GetLightbox: a lightbox's header and one page of its items.
            lightbox(GetLightboxRequest) -> GetLightboxResult;
            /// CreateLightboxItems: adds assets to a lightbox.
            add_lightbox_items(CreateLightboxItemsRequest) -> Empty;
            /// DeleteLightboxItems: removes assets from a lightbox.
            remove_lightbox_items(DeleteLightboxItemsRequest) -> Empty;
            /// DeleteLightbox: deletes a lightbox.
            delete_lightbox(DeleteLightboxRequest) -> Empty;
            /// GetLightboxHeaders: one page of the caller's lightbox headers.
            lightbox_headers(GetLightboxHeadersRequest) -> GetLightboxHeadersResult;
            /// UpdateLightboxHeader: renames a lightbox or changes its notes.
            update_lightbox_header(UpdateLightboxHeaderRequest) -> Empty;
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<EnvConfig, Error> {
        ClientConfig::from_vars(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn picks_the_flow_from_what_is_set() {
        let c = from(&[("GETTY_CLIENT_ID", "id"), ("GETTY_CLIENT_SECRET", "s")]).unwrap();
        assert!(matches!(
            c.config.credentials,
            Some(Credentials::ClientCredentials { .. })
        ));
        assert_eq!(c.config.base_url, DEFAULT_BASE_URL);
        let c = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_USERNAME", "u"),
            ("GETTY_PASSWORD", "p"),
            ("GETTY_CONNECT_BASE_URL", "https://127.0.0.1:8443/"),
            ("GETTY_CONNECT_HTTP_BASE_URL", "http://127.0.0.1:8080"),
            ("GETTY_CONNECT_CA_CERT", "/tmp/ca.pem"),
        ])
        .unwrap();
        assert!(matches!(
            c.config.credentials,
            Some(Credentials::ResourceOwner { .. })
        ));
        assert_eq!(c.ca_cert_path, Some(PathBuf::from("/tmp/ca.pem")));
        assert!(c.config.core().is_ok());
        let c = from(&[
            ("GETTY_SYSTEM_ID", "sys"),
            ("GETTY_SYSTEM_PASSWORD", "sp"),
            ("GETTY_USERNAME", "u"),
            ("GETTY_PASSWORD", "p"),
        ])
        .unwrap();
        assert!(matches!(
            c.config.credentials,
            Some(Credentials::Session { .. })
        ));
    }

    #[test]
    fn names_exactly_what_is_missing_and_never_a_value() {
        let e = from(&[
            ("GETTY_SYSTEM_ID", "sys"),
            ("GETTY_PASSWORD", "sentinel-pw"),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("GETTY_SYSTEM_PASSWORD, GETTY_USERNAME"), "{e}");
        assert!(!e.contains("GETTY_SYSTEM_ID,"), "{e}");
        assert!(!e.contains("sentinel-pw"));
        let e = from(&[("GETTY_CLIENT_SECRET", "s"), ("GETTY_USERNAME", "")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("GETTY_CLIENT_ID not set"), "{e}");
        let e = from(&[]).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert!(e.to_string().contains("GETTY_CLIENT_ID"));
        let e = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_CONNECT_BASE_URL", "ftp://x"),
        ])
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
    }

    #[test]
    fn call_seeds_differ() {
        let s = CallSeeds::new();
        assert_ne!(s.next(), s.next());
    }

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

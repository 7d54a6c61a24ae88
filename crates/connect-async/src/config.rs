//! [`ClientBuilder`]: credentials, base URLs, certificates, timeouts, retries, user agent, proxy.

use crate::client::Client;
use crate::transport::{ReqwestTransport, Transport};
use connect_auth::config::ClientConfig;
use connect_auth::{AuthConfig, Credentials, Error, RetryPolicy};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Client`]. Only the credentials are required.
///
/// ```no_run
/// use connect_async::{Client, Credentials};
/// let client = Client::builder()
///     .credentials(Credentials::client_credentials("my-key", "my-secret"))
///     .request_timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// # Ok::<(), connect_async::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    config: ClientConfig,
    ca_files: Vec<PathBuf>,
    transport: Option<Arc<dyn Transport>>,
}

impl ClientBuilder {
    /// A builder with the defaults (production base URL, 10 s connect and 60 s request
    /// timeouts, 3 attempts).
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder starting from these settings.
    pub fn from_config(config: ClientConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
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

    /// Trusts the root certificates in this PEM document (for a private server or the sandbox).
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.config.root_certificates_pem.push(pem.into());
        self
    }

    /// Trusts the root certificates in this PEM file (read by [`ClientBuilder::build`]).
    pub fn root_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
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

    /// Uses this transport instead of reqwest (the timeouts, proxy, certificates and user agent
    /// are then the transport's business).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The settings collected so far.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Builds the client. Fails on missing credentials, a bad URL or an unreadable certificate;
    /// nothing is sent yet.
    pub fn build(mut self) -> Result<Client, Error> {
        for path in &self.ca_files {
            let pem = std::fs::read(path).map_err(|e| {
                Error::Config(format!(
                    "cannot read the CA certificate {}: {e}",
                    path.display()
                ))
            })?;
            self.config.root_certificates_pem.push(pem);
        }
        let core = self.config.core()?;
        let transport = match self.transport {
            Some(t) => t,
            None => Arc::new(ReqwestTransport::new(&self.config)?),
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
    /// `GETTY_PASSWORD`) or `GETTY_SYSTEM_ID` / `GETTY_SYSTEM_PASSWORD` / `GETTY_USERNAME` /
    /// `GETTY_PASSWORD`. The error names the missing variables.
    pub fn from_env() -> Result<Client, Error> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the environment (see [`Client::from_env`]), to adjust further.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        let env = ClientConfig::from_vars(|k| std::env::var(k).ok())?;
        let mut builder = ClientBuilder::from_config(env.config);
        if let Some(path) = env.ca_cert_path {
            builder = builder.root_certificate_file(path);
        }
        Ok(builder)
    }
}

//! How a [`ClientBuilder`] makes a blocking [`Client`]: the setters are
//! [`connect_auth::ClientBuilder`]'s; this file only supplies the default ureq transport (or the
//! cassette transport the settings ask for).

use crate::client::Client;
use crate::token_cache::{MemoryTokenCache, TokenCache};
use crate::transport::{Transport, UreqTransport};
use connect_auth::builder::{BuildClient, Prepared};
use connect_auth::{ClientConfig, Error};
use std::path::PathBuf;
use std::sync::Arc;

/// Builds a [`Client`]. Only the credentials are required.
///
/// ```no_run
/// use connect_blocking::{Client, Credentials};
/// let client = Client::builder()
///     .credentials(Credentials::client_credentials("my-key", "my-secret"))
///     .request_timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// # Ok::<(), connect_blocking::Error>(())
/// ```
pub type ClientBuilder = connect_auth::ClientBuilder<Client>;

impl BuildClient for Client {
    type Transport = dyn Transport;
    type TokenCache = dyn TokenCache;

    fn build_client(
        config: ClientConfig,
        root_certificate_files: Vec<PathBuf>,
        transport: Option<Arc<dyn Transport>>,
        token_cache: Option<Arc<dyn TokenCache>>,
    ) -> Result<Self, Error> {
        let p = Prepared::new(config, &root_certificate_files, token_cache, |p| {
            std::fs::read(p)
        })?;
        let transport = crate::cassettes::choose(&p.config, || match transport {
            Some(t) => Ok(t),
            None => Ok(Arc::new(UreqTransport::new(&p.config)?)),
        })?;
        let cache = p
            .token_cache
            .unwrap_or_else(|| Arc::new(MemoryTokenCache::new()));
        Ok(Client::from_parts(p.core, transport, p.config.clock, cache))
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `GETTY_CONNECT_BASE_URL`,
    /// `GETTY_CONNECT_HTTP_BASE_URL`, `GETTY_CONNECT_CA_CERT` (a PEM file), and either
    /// `GETTY_CLIENT_ID` / `GETTY_CLIENT_SECRET` (+ optional `GETTY_USERNAME` / `GETTY_PASSWORD`)
    /// or `GETTY_SYSTEM_ID` / `GETTY_SYSTEM_PASSWORD` / `GETTY_USERNAME` / `GETTY_PASSWORD`. The
    /// error names the missing variables.
    pub fn from_env() -> Result<Client, Error> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the environment (see [`Client::from_env`]), to adjust further.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        ClientBuilder::from_vars(|k| std::env::var(k).ok())
    }
}

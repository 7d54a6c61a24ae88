//! The embedded sandbox behind `--sandbox` and `demo`: started in-process on ephemeral ports,
//! stopped when dropped.

use crate::errors::CliError;

/// How big a catalog to generate. Both are modest so that start-up stays well under a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// `--sandbox` for the other subcommands.
    Cli,
    /// `demo`.
    Demo,
}

/// The seeded credentials the sandbox starts with (public fixtures, not secrets).
pub const CLIENT_ID: &str = "sandbox-client";
/// The seeded OAuth2 client secret.
pub const CLIENT_SECRET: &str = "sandbox-client-secret";
/// The seeded legacy system id.
pub const SYSTEM_ID: &str = "sandbox";
/// The seeded legacy system password.
pub const SYSTEM_PASSWORD: &str = "sandbox-system-password";
/// The first seeded user.
pub const USER: &str = "alice";
/// Her password.
pub const USER_PASSWORD: &str = "alice-password";
/// The second seeded user.
pub const OTHER_USER: &str = "bob";
/// His password.
pub const OTHER_USER_PASSWORD: &str = "bob-password";

/// Bytes of the sandbox's "large download" fixture in the demo: a few MiB, so the progress bar
/// has something to show without slowing the tour.
pub const DEMO_LARGE_FILE_BYTES: u64 = 6 * 1024 * 1024;

/// A running sandbox.
#[derive(Debug)]
pub struct EmbeddedSandbox {
    // Keeps the servers running; dropping it stops them.
    _inner: connect_sandbox::SandboxThread,
    https: String,
    http: String,
    ca_pem: String,
}

impl EmbeddedSandbox {
    /// Starts a sandbox on 127.0.0.1 with ephemeral ports.
    pub fn start(size: Size) -> Result<Self, CliError> {
        let config = connect_sandbox::SandboxConfig::default();
        let config = match size {
            Size::Cli => config.with_images(5_000),
            Size::Demo => config
                .with_images(5_000)
                .with_large_file_bytes(DEMO_LARGE_FILE_BYTES),
        };
        let inner = connect_sandbox::Sandbox::start_blocking(config)
            .map_err(|e| CliError::Sandbox(crate::errors::chain(&e)))?;
        let https = inner.https_base_url();
        let http = inner.http_base_url();
        let ca_pem = inner.ca_pem().to_owned();
        Ok(Self {
            _inner: inner,
            https,
            http,
            ca_pem,
        })
    }

    /// The HTTPS base URL.
    pub fn https_url(&self) -> &str {
        &self.https
    }

    /// The plain-HTTP base URL.
    pub fn http_url(&self) -> &str {
        &self.http
    }

    /// The CA certificate to trust, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The seeded OAuth2 client id.
    pub fn client_id(&self) -> &str {
        CLIENT_ID
    }

    /// The seeded OAuth2 client secret.
    pub fn client_secret(&self) -> &str {
        CLIENT_SECRET
    }

    /// The seeded user.
    pub fn user(&self) -> &str {
        USER
    }

    /// The seeded user's password.
    pub fn user_password(&self) -> &str {
        USER_PASSWORD
    }
}

//! The embedded sandbox behind `--sandbox` and `demo`: started in-process on ephemeral ports,
//! stopped when dropped. Under `--sandbox` what the user makes (lightboxes, histories, ...) is
//! kept between runs in a state file under the user's data directory; `demo` always starts
//! empty.

use crate::errors::CliError;
use std::path::{Path, PathBuf};

/// Which embedded sandbox to start. Both serve the standalone sandbox's default catalog
/// (10,000 images: an index built in milliseconds), so ids and results are the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// `--sandbox` for the other subcommands: state kept in [`state_path`].
    Cli,
    /// `demo`: in memory, a smaller large-download fixture.
    Demo,
}

/// The file name of the embedded sandbox's state, under [`crate::dirs::data_dir`].
pub const STATE_FILE: &str = "sandbox-state.json";

/// Where `--sandbox` keeps its state, from the process environment.
pub fn state_path() -> Option<PathBuf> {
    crate::dirs::data_dir(|k| std::env::var(k).ok()).map(|d| d.join(STATE_FILE))
}

/// `--sandbox-reset`: removes the state file so the sandbox starts empty. Returns whether
/// there was one.
pub fn reset(path: &Path) -> Result<bool, CliError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(CliError::io(
            format!("removing the sandbox state file {}", path.display()),
            e,
        )),
    }
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
    inner: connect_sandbox::SandboxThread,
    https: String,
    http: String,
    ca_pem: String,
}

impl EmbeddedSandbox {
    /// Starts a sandbox on 127.0.0.1 with ephemeral ports; with `state`, it reads and keeps
    /// its state in that file.
    pub fn start(size: Size, state: Option<&Path>) -> Result<Self, CliError> {
        let config = connect_sandbox::SandboxConfig::default();
        let config = match size {
            Size::Cli => config,
            Size::Demo => config.with_large_file_bytes(DEMO_LARGE_FILE_BYTES),
        };
        let config = match state {
            Some(path) => config.with_state_file(path),
            None => config,
        };
        let inner = connect_sandbox::Sandbox::start_blocking(config).map_err(|e| match e {
            connect_sandbox::Error::State { .. } => CliError::failed(
                format!("could not start the embedded sandbox: {e}"),
                "or run the command with --sandbox-reset, which deletes the file and starts \
                 the sandbox empty",
            ),
            other => CliError::Sandbox(crate::errors::chain(&other)),
        })?;
        let https = inner.https_base_url();
        let http = inner.http_base_url();
        let ca_pem = inner.ca_pem().to_owned();
        Ok(Self {
            inner,
            https,
            http,
            ca_pem,
        })
    }

    /// Why the state file could not be written, if the last write failed.
    pub fn state_file_error(&self) -> Option<String> {
        self.inner.state_file_error()
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

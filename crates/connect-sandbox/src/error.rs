//! The crate's one error type.

use std::net::SocketAddr;

/// Why the sandbox could not start (or stop cleanly).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A listener could not bind its address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The self-signed certificate could not be generated.
    #[error("cannot generate the sandbox certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the generated certificate or key.
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// Any other I/O failure (runtime creation, writing the CA file, ...).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration is not usable.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The background server thread ended before it reported that it started.
    #[error("the sandbox server thread stopped unexpectedly")]
    ThreadGone,
}

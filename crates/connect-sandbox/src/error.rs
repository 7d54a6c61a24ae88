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
    /// The state file cannot be used: unreadable, damaged, written by a newer version or for
    /// another catalog. It is left untouched.
    #[error("sandbox state file {}: {problem}", path.display())]
    State {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it and what to do.
        problem: String,
    },
    /// The background server thread ended before it reported that it started.
    #[error("the sandbox server thread stopped unexpectedly")]
    ThreadGone,
}

/// A program or test whose `main` returns the SDK's error (`connect_blocking::Error`,
/// `connect_async::Error`) can start a sandbox with `?`: a sandbox that cannot start is a
/// setup problem, so it becomes a configuration error carrying this error's message.
impl From<Error> for connect_auth::Error {
    fn from(e: Error) -> Self {
        connect_auth::Error::Config(format!("the sandbox could not start: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_into_the_sdk_error_as_a_configuration_error() {
        let e: connect_auth::Error = Error::Config("no images".into()).into();
        assert_eq!(e.kind(), connect_auth::ErrorKind::Config);
        assert!(e.to_string().contains("sandbox could not start"), "{e}");
        assert!(e.to_string().contains("no images"), "{e}");
    }
}

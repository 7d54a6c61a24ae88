//! What a transport reports when no answer came, and why: [`TransportFailure`] and its
//! [`TransportCause`], classified once here so both clients give the same advice for the same
//! failure.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// Why an exchange got no (whole) answer. The hint a user gets depends on it, so it is decided
/// from the failure's real cause (error kinds and types), never guessed from a word in a
/// message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportCause {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens at that address (connection refused or unreachable).
    ConnectionRefused,
    /// Connecting (TCP and TLS) took longer than the connect timeout.
    ConnectTimeout,
    /// The server accepted the connection but did not answer within the request timeout.
    Timeout,
    /// The TLS handshake failed because the server's certificate is not trusted (unknown
    /// issuer, wrong name, expired).
    UntrustedCertificate,
    /// The TLS handshake failed for another reason (the server refused it, no common version
    /// or cipher, not TLS at all).
    Handshake,
    /// The connection was reset or aborted by the peer.
    Reset,
    /// The connection closed before the whole answer came (including a TLS stream closed
    /// without `close_notify`): the server, or something between, dropped it.
    Closed,
    /// The proxy refused or failed the connection.
    Proxy,
    /// Anything else.
    Other,
}

impl TransportCause {
    /// Whether the request can have reached the server. A failure to resolve, connect or
    /// shake hands means it never left; everything else may have reached it.
    pub fn reached_server(self) -> bool {
        !matches!(
            self,
            Self::Dns
                | Self::ConnectionRefused
                | Self::ConnectTimeout
                | Self::UntrustedCertificate
                | Self::Handshake
                | Self::Proxy
        )
    }

    /// A short name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::ConnectionRefused => "connection-refused",
            Self::ConnectTimeout => "connect-timeout",
            Self::Timeout => "timeout",
            Self::UntrustedCertificate => "untrusted-certificate",
            Self::Handshake => "tls-handshake",
            Self::Reset => "reset",
            Self::Closed => "closed",
            Self::Proxy => "proxy",
            Self::Other => "other",
        }
    }

    /// What the user can do about it.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Dns => "the host name does not resolve: check the base URL and the network",
            Self::ConnectionRefused => {
                "nothing answered at that address: check the base URL and that the server runs"
            }
            Self::ConnectTimeout => {
                "the server could not be reached in time: check the network (a firewall or \
                 proxy may be dropping the connection), or allow longer with the connect timeout"
            }
            Self::Timeout => {
                "the server accepted the connection but did not answer in time: try again \
                 later, or allow longer with the request timeout"
            }
            Self::UntrustedCertificate => {
                "the server's certificate is not trusted: add its CA certificate to the trusted \
                 roots (for the sandbox, the PEM it wrote at start)"
            }
            Self::Handshake => {
                "the TLS handshake failed: check that the base URL's scheme and port are those \
                 of the server's HTTPS listener"
            }
            Self::Reset | Self::Closed => {
                "the server, or a proxy between, dropped the connection; try again"
            }
            Self::Proxy => "the proxy failed the connection: check the proxy settings",
            Self::Other => "check the base URL and the network",
        }
    }

    /// The cause behind an error chain: I/O error kinds first, then the markers of the TLS
    /// library both transports use (rustls), whose errors are not visible to this crate as
    /// types. `None` when nothing in the chain tells.
    pub fn from_chain(error: &(dyn StdError + 'static)) -> Option<Self> {
        let mut by_text = None;
        let mut cur: Option<&(dyn StdError + 'static)> = Some(error);
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<io::Error>() {
                if let Some(c) = Self::from_io_kind(io.kind()) {
                    // An EOF that rustls reports as a missing close_notify is still a close.
                    return Some(c);
                }
            }
            if by_text.is_none() {
                by_text = Self::from_text(&e.to_string());
            }
            cur = e.source();
        }
        by_text
    }

    /// The cause an I/O error kind stands for, when it tells one.
    pub fn from_io_kind(kind: io::ErrorKind) -> Option<Self> {
        use io::ErrorKind as K;
        Some(match kind {
            K::ConnectionRefused | K::HostUnreachable | K::NetworkUnreachable => {
                Self::ConnectionRefused
            }
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => Self::Reset,
            K::UnexpectedEof => Self::Closed,
            K::TimedOut => Self::Timeout,
            _ => return None,
        })
    }

    fn from_text(text: &str) -> Option<Self> {
        let t = text.to_ascii_lowercase();
        // rustls: "invalid peer certificate: UnknownIssuer" (and NotValidForName, Expired…).
        if t.contains("invalid peer certificate") || t.contains("unknownissuer") {
            return Some(Self::UntrustedCertificate);
        }
        // rustls: "peer closed connection without sending TLS close_notify".
        if t.contains("close_notify") || t.contains("connection closed before message completed") {
            return Some(Self::Closed);
        }
        if t.contains("received fatal alert")
            || t.contains("corrupt message")
            || t.contains("invalid message")
            || t.contains("handshake")
        {
            return Some(Self::Handshake);
        }
        if t.contains("failed to lookup address")
            || t.contains("name or service not known")
            || t.contains("dns error")
        {
            return Some(Self::Dns);
        }
        None
    }
}

/// The message for a failure whose cause says it all, in place of the transport's own text
/// (which for these is a library's wording, with links and internals). The original error
/// stays the failure's source.
pub fn plain_words(cause: TransportCause) -> Option<&'static str> {
    Some(match cause {
        TransportCause::Closed => "the connection closed before the whole answer came",
        TransportCause::Reset => "the connection was reset before the whole answer came",
        TransportCause::ConnectionRefused => "the connection was refused",
        TransportCause::Dns => "the host name did not resolve",
        _ => return None,
    })
}

impl fmt::Display for TransportCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A transport's report that no (whole) response came.
#[derive(Debug)]
pub struct TransportFailure {
    /// What went wrong, for the error message. Must not contain the request body.
    pub message: String,
    /// Why: decides the hint, and with `reached_server` whether a retry is safe.
    pub cause: TransportCause,
    /// Whether the request may have reached the server (false for connect, DNS and TLS
    /// handshake failures). Decides whether a non-idempotent call may be retried.
    pub reached_server: bool,
    /// The underlying error.
    pub source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportFailure {
    /// A failure of this cause; whether it reached the server follows from the cause.
    pub fn new(cause: TransportCause, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            cause,
            reached_server: cause.reached_server(),
            source: None,
        }
    }

    /// A failure classified from an error (its chain decides the cause; [`TransportCause::Other`]
    /// when nothing there tells, which counts as maybe received).
    pub fn from_error(error: impl StdError + Send + Sync + 'static) -> Self {
        let cause = TransportCause::from_chain(&error).unwrap_or(TransportCause::Other);
        Self::new(cause, error.to_string()).with_source(error)
    }

    /// The same failure, keeping `source` as its cause chain.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The same failure with `reached_server` set explicitly (a transport that knows better
    /// than the cause, e.g. a connection that broke while the body was being read).
    pub fn reached_server(mut self, reached: bool) -> Self {
        self.reached_server = reached;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(&'static str, Option<io::Error>);
    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Wrap {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_ref().map(|e| e as _)
        }
    }

    #[test]
    fn io_kinds_decide_before_words() {
        // A dropped TLS stream mentions "TLS" but is a close, not a certificate problem.
        let eof = io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "peer closed connection without sending TLS close_notify",
        );
        let e = Wrap("error sending request", Some(eof));
        assert_eq!(TransportCause::from_chain(&e), Some(TransportCause::Closed));
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(
            TransportCause::from_chain(&reset),
            Some(TransportCause::Reset)
        );
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let f = TransportFailure::from_error(refused);
        assert_eq!(f.cause, TransportCause::ConnectionRefused);
        assert!(!f.reached_server);
    }

    #[test]
    fn rustls_texts_are_recognised() {
        let cert = Wrap("invalid peer certificate: UnknownIssuer", None);
        assert_eq!(
            TransportCause::from_chain(&cert),
            Some(TransportCause::UntrustedCertificate)
        );
        let alert = Wrap("received fatal alert: HandshakeFailure", None);
        assert_eq!(
            TransportCause::from_chain(&alert),
            Some(TransportCause::Handshake)
        );
        let plain = Wrap("something odd", None);
        assert_eq!(TransportCause::from_chain(&plain), None);
        assert_eq!(
            TransportFailure::from_error(plain).cause,
            TransportCause::Other
        );
    }

    #[test]
    fn only_failures_before_sending_count_as_not_received() {
        for c in [
            TransportCause::Dns,
            TransportCause::ConnectionRefused,
            TransportCause::ConnectTimeout,
            TransportCause::UntrustedCertificate,
            TransportCause::Handshake,
        ] {
            assert!(!c.reached_server(), "{c}");
        }
        for c in [
            TransportCause::Timeout,
            TransportCause::Reset,
            TransportCause::Closed,
            TransportCause::Other,
        ] {
            assert!(c.reached_server(), "{c}");
        }
    }
}

//! The HTTP layer: a [`Transport`] trait, and [`UreqTransport`], its default implementation.

use connect_auth::config::ClientConfig;
use connect_auth::{Error, TransportFailure};
use std::fmt;
use std::io::Read;
use std::time::Duration;

/// A response body: bytes read on demand, never collected by the transport.
pub type Body = Box<dyn Read + Send>;

/// Sends one HTTP request. Implement it to plug another HTTP stack, a recorder or a fake.
///
/// The client sends API calls as `POST`s with a JSON body and downloads as `GET`s (possibly with
/// `Range`). An implementation returns any HTTP status as a response (errors come back inside
/// the envelope, whatever the status) and reports a failure only when no response came.
/// The request body may hold credentials or tokens: never log it.
///
/// A transport that answers from canned bytes (a test double; a recorder would wrap
/// [`UreqTransport`] the same way):
///
/// ```
/// use connect_blocking::{Body, Client, Credentials, Transport, TransportFailure, http};
/// use connect_blocking::ops::SearchForImagesRequest;
///
/// #[derive(Debug)]
/// struct Canned;
///
/// impl Transport for Canned {
///     fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Body>, TransportFailure> {
///         let answer: &'static [u8] = if request.uri().path() == "/oauth2/token" {
///             br#"{"access_token":"t","token_type":"Bearer","expires_in":1800}"#
///         } else {
///             br#"{"ResponseHeader":{"Status":"Success"},"SearchForImagesResult":{"ItemTotalCount":0}}"#
///         };
///         Ok(http::Response::new(Box::new(answer) as Body))
///     }
/// }
///
/// let client = Client::builder()
///     .credentials(Credentials::client_credentials("id", "secret"))
///     .transport(std::sync::Arc::new(Canned))
///     .build()?;
/// let found = client.search_images(&SearchForImagesRequest::phrase("tree"))?;
/// assert_eq!(found.result.item_total_count, Some(0));
/// # Ok::<(), connect_blocking::Error>(())
/// ```
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response with its body unread.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure>;
}

/// The default transport, on a ureq agent (rustls with ring, connection pooling).
///
/// Timeouts: `connect_timeout` bounds connecting (TCP and TLS); `request_timeout` bounds a
/// whole `POST` exchange, and the silence between two reads of a `GET` (a large download may
/// take longer in all).
pub struct UreqTransport {
    /// API calls and token requests: the request timeout bounds each whole exchange, and
    /// redirects are not followed.
    api: ureq::Agent,
    /// Downloads: the request timeout bounds each read. (Configuring single requests instead
    /// would copy the agent's settings on every call.)
    downloads: ureq::Agent,
    timeouts: Timeouts,
}

impl fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UreqTransport")
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl UreqTransport {
    /// An agent for these settings. The settings' `root_certificates_pem` replace ureq's bundled
    /// roots when given (ureq cannot add to them), which is what a private server or the sandbox
    /// needs.
    pub fn new(config: &ClientConfig) -> Result<Self, Error> {
        let mut tls = ureq::tls::TlsConfig::builder().provider(ureq::tls::TlsProvider::Rustls);
        if !config.root_certificates_pem.is_empty() {
            let mut certs = Vec::new();
            for pem in &config.root_certificates_pem {
                let ders = connect_auth::ca::certificates_from_pem(pem)
                    .map_err(|e| Error::Config(format!("invalid CA certificate PEM: {e}")))?;
                certs.extend(
                    ders.iter()
                        .map(|der| ureq::tls::Certificate::from_der(der).to_owned()),
                );
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let proxy = match &config.proxy {
            Some(p) => Some(
                ureq::Proxy::new(p)
                    .map_err(|e| Error::Config(format!("invalid proxy URL: {e}")))?,
            ),
            None => None,
        };
        let tls = tls.build();
        let agent = |whole: Option<Duration>, redirects: u32| {
            let mut builder = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(redirects)
                .tls_config(tls.clone())
                .user_agent(config.user_agent_or(crate::DEFAULT_USER_AGENT))
                .timeout_connect(Some(config.connect_timeout))
                .timeout_per_read(Some(config.request_timeout))
                .timeout_per_call(whole);
            // Without a configured proxy, ureq's default (the proxy environment variables)
            // stays, as with reqwest.
            if let Some(p) = &proxy {
                builder = builder.proxy(Some(p.clone()));
            }
            ureq::Agent::with_parts(
                builder.build(),
                ureq::unversioned::transport::DefaultConnector::new(),
                LiteralResolver::default(),
            )
        };
        Ok(Self {
            // API calls and token requests never follow a redirect: it would re-send the token
            // or the credentials to wherever `Location` points. With 0, ureq hands the 3xx
            // back as it came, and the core turns it into an error.
            api: agent(Some(config.request_timeout), 0),
            // Downloads neither: connect-auth's `Fetch` follows their redirects itself, checking
            // every `Location` (https only, at most 3) and sending no credentials.
            downloads: agent(None, 0),
            timeouts: Timeouts {
                connect: config.connect_timeout,
                request: config.request_timeout,
            },
        })
    }
}

impl Transport for UreqTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let (agent, request) = if request.method() == http::Method::POST {
            (&self.api, request)
        } else {
            // A download's stall rule bounds each read (a body that stops dead fails its read and
            // the download resumes); never beyond the request timeout.
            let per_read = request
                .extensions()
                .get::<connect_auth::download::ReadTimeout>()
                .map(|t| t.0.min(self.timeouts.request));
            let request = match per_read {
                Some(d) => self
                    .downloads
                    .configure_request(request)
                    .timeout_per_read(Some(d))
                    .build(),
                None => request,
            };
            (&self.downloads, request)
        };
        match agent.run(request) {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let body: Body = Box::new(TimeoutKind(body.into_reader()));
                Ok(http::Response::from_parts(parts, body))
            }
            Err(e) => Err(failure(e, &self.timeouts)),
        }
    }
}

/// A body reader whose timed-out reads say so by their kind ([`std::io::ErrorKind::TimedOut`]):
/// ureq wraps its own timeout error in an `io::Error` of kind `Other`, and a download's driver
/// tells a stall from a broken connection by the kind.
struct TimeoutKind<R>(R);

impl<R: Read> Read for TimeoutKind<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            let timed_out = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<ureq::Error>())
                .is_some_and(|u| matches!(u, ureq::Error::Timeout(_)));
            if timed_out {
                std::io::Error::new(std::io::ErrorKind::TimedOut, e.to_string())
            } else {
                e
            }
        })
    }
}

/// A ureq error as a classified failure: ureq's own variants say most, the error chain
/// (I/O kinds, rustls) the rest.
fn failure(e: ureq::Error, timeouts: &Timeouts) -> TransportFailure {
    use connect_auth::TransportCause as C;
    use connect_auth::failure::plain_words;
    use ureq::Timeout;
    let cause = match &e {
        ureq::Error::HostNotFound | ureq::Error::Timeout(Timeout::Resolve) => C::Dns,
        ureq::Error::ConnectionFailed => C::ConnectionRefused,
        ureq::Error::Timeout(Timeout::Connect) => C::ConnectTimeout,
        ureq::Error::Timeout(_) | ureq::Error::BodyStalled => C::Timeout,
        ureq::Error::InvalidProxyUrl | ureq::Error::ConnectProxyFailed(_) => C::Proxy,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => C::from_chain(&e).unwrap_or(C::Handshake),
        ureq::Error::BadUri(_) => C::Other,
        ureq::Error::Io(io) => C::from_io_kind(io.kind())
            .or_else(|| C::from_chain(io))
            .unwrap_or(C::Other),
        _ => C::from_chain(&e).unwrap_or(C::Other),
    };
    let message = match &e {
        ureq::Error::Timeout(Timeout::Connect) => format!(
            "could not connect (TCP and TLS) within the connect timeout of {}",
            connect_auth::trace::seconds(timeouts.connect)
        ),
        ureq::Error::Timeout(Timeout::Resolve) => "the host name did not resolve in time".into(),
        ureq::Error::Timeout(_) => format!(
            "no answer within the request timeout of {}",
            connect_auth::trace::seconds(timeouts.request)
        ),
        _ => plain_words(cause).map_or_else(|| e.to_string(), str::to_owned),
    };
    // A bad URI never left; otherwise the cause decides.
    let reached = !matches!(e, ureq::Error::BadUri(_)) && cause.reached_server();
    TransportFailure::new(cause, message)
        .reached_server(reached)
        .with_source(e)
}

/// The timeouts a message names.
#[derive(Clone, Copy, Debug)]
struct Timeouts {
    connect: Duration,
    request: Duration,
}

/// ureq's resolver, except that an IP address in the URL is used as it is.
///
/// ureq resolves the host of every request, pooled connection or not, and with a timeout set
/// (ours always are) it does so on a thread of its own: a thread spawned per API call, a
/// tenth of a loopback search's time. An address needs no lookup, so none is started for it;
/// names still go to ureq's resolver with the timeout.
#[derive(Debug, Default)]
struct LiteralResolver(ureq::unversioned::resolver::DefaultResolver);

impl ureq::unversioned::resolver::Resolver for LiteralResolver {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        if let Some(addr) = literal_address(uri) {
            let mut out = self.empty();
            out.push(addr);
            return Ok(out);
        }
        self.0.resolve(uri, config, timeout)
    }
}

/// The socket address of a URL whose host is an IP address (`[::1]` included).
fn literal_address(uri: &http::Uri) -> Option<std::net::SocketAddr> {
    let host = uri.host()?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let ip: std::net::IpAddr = host.parse().ok()?;
    let port = uri.port_u16().or(match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    })?;
    Some(std::net::SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::literal_address;

    #[test]
    fn addresses_are_taken_as_they_are_and_names_are_not() {
        let a = |u: &str| literal_address(&u.parse().unwrap()).map(|a| a.to_string());
        assert_eq!(
            a("https://127.0.0.1:8443/v1/x").as_deref(),
            Some("127.0.0.1:8443")
        );
        assert_eq!(a("http://127.0.0.1/").as_deref(), Some("127.0.0.1:80"));
        assert_eq!(a("https://[::1]/").as_deref(), Some("[::1]:443"));
        assert_eq!(a("https://localhost:8443/"), None);
        assert_eq!(a("https://api.gettyimages.com/"), None);
    }
}

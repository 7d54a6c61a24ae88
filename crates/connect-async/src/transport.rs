//! The HTTP layer: an async [`Transport`] trait, and [`ReqwestTransport`], its default
//! implementation.

use async_trait::async_trait;
use bytes::Bytes;
use connect_auth::config::ClientConfig;
use connect_auth::{Error, TransportFailure};
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::time::Duration;

/// A response body: chunks read on demand, never collected by the transport.
pub type Body = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// Sends one HTTP request. Implement it to plug another HTTP stack, a recorder or a fake.
///
/// The client sends API calls as `POST`s with a JSON body and downloads as `GET`s (possibly with
/// `Range`). An implementation returns any HTTP status as a response (errors come back inside
/// the envelope, whatever the status) and reports a failure only when no response came.
/// The request body may hold credentials or tokens: never log it.
///
/// A transport that answers from canned bytes (a test double; a recorder would wrap
/// [`ReqwestTransport`] the same way):
///
/// ```
/// use connect_async::{Body, Client, Credentials, Transport, TransportFailure, async_trait, http};
/// use connect_async::ops::SearchForImagesRequest;
///
/// #[derive(Debug)]
/// struct Canned;
///
/// #[async_trait]
/// impl Transport for Canned {
///     async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Body>, TransportFailure> {
///         let answer: &'static [u8] = if request.uri().path() == "/oauth2/token" {
///             br#"{"access_token":"t","token_type":"Bearer","expires_in":1800}"#
///         } else {
///             br#"{"ResponseHeader":{"Status":"Success"},"SearchForImagesResult":{"ItemTotalCount":0}}"#
///         };
///         let body: Body = Box::pin(futures_util::stream::iter([Ok(answer.into())]));
///         Ok(http::Response::new(body))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let client = Client::builder()
///     .credentials(Credentials::client_credentials("id", "secret"))
///     .transport(std::sync::Arc::new(Canned))
///     .build()?;
/// let found = client.search_images(&SearchForImagesRequest::phrase("tree")).await?;
/// assert_eq!(found.result.item_total_count, Some(0));
/// # Ok::<(), connect_async::Error>(())
/// # }).unwrap();
/// ```
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response with its body unread.
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure>;
}

/// The default transport, on a reqwest client (rustls with ring, connection pooling).
///
/// Timeouts: `connect_timeout` bounds connecting (TCP and TLS); `request_timeout` bounds a
/// whole `POST` exchange, and the silence between two reads of a `GET` (a large download may
/// take longer in all).
pub struct ReqwestTransport {
    /// API calls and token requests (`POST`s): redirects are never followed.
    api: reqwest::Client,
    /// Downloads (`GET`s): their own client, so their redirect rules stay apart from the API's.
    downloads: reqwest::Client,
    timeouts: Timeouts,
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl ReqwestTransport {
    /// A client for these settings. The settings' `root_certificates_pem` are trusted in
    /// addition to the bundled web roots.
    pub fn new(config: &ClientConfig) -> Result<Self, Error> {
        // reqwest's default policy re-sends a POST, body and all, to any 307/308 `Location`
        // (plain HTTP or another host): the token or the password would go with it. A 3xx is
        // handed back as it came, and the core turns it into an error.
        let api = Self::client(config, reqwest::redirect::Policy::none())?;
        // Downloads neither: connect-auth's `Fetch` follows their redirects itself, checking
        // every `Location` (https only, at most 3) and sending no credentials.
        let downloads = Self::client(config, reqwest::redirect::Policy::none())?;
        Ok(Self {
            api,
            downloads,
            timeouts: Timeouts {
                connect: config.connect_timeout,
                request: config.request_timeout,
            },
        })
    }

    fn client(
        config: &ClientConfig,
        redirects: reqwest::redirect::Policy,
    ) -> Result<reqwest::Client, Error> {
        let mut builder = reqwest::Client::builder()
            .redirect(redirects)
            .use_rustls_tls()
            .user_agent(config.user_agent_or(crate::DEFAULT_USER_AGENT))
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.request_timeout)
            // No `Referer` on anything (reqwest would add one when following a redirect).
            .referer(false);
        for pem in &config.root_certificates_pem {
            let ders = connect_auth::ca::certificates_from_pem(pem)
                .map_err(|e| Error::Config(format!("invalid CA certificate PEM: {e}")))?;
            for der in ders {
                let cert = reqwest::Certificate::from_der(&der)
                    .map_err(|e| Error::Config(format!("invalid CA certificate: {e}")))?;
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some(p) = &config.proxy {
            let proxy = reqwest::Proxy::all(p.as_str())
                .map_err(|e| Error::Config(format!("invalid proxy URL: {}", e.without_url())))?;
            builder = builder.proxy(proxy);
        }
        builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let is_post = request.method() == http::Method::POST;
        let mut request =
            reqwest::Request::try_from(request).map_err(|e| failure(e, &self.timeouts))?;
        let client = if is_post {
            *request.timeout_mut() = Some(self.timeouts.request);
            &self.api
        } else {
            &self.downloads
        };
        let response = client
            .execute(request)
            .await
            .map_err(|e| failure(e, &self.timeouts))?;
        let mut head = http::Response::builder()
            .status(response.status())
            .version(response.version());
        if let Some(h) = head.headers_mut() {
            *h = response.headers().clone();
        }
        let body = futures_util::stream::unfold(Some(response), |state| async move {
            let mut response = state?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                // One error ends the stream; a timed-out read says so by its kind.
                Err(e) => {
                    let kind = if e.is_timeout() {
                        std::io::ErrorKind::TimedOut
                    } else {
                        std::io::ErrorKind::Other
                    };
                    Some((Err(std::io::Error::new(kind, e.without_url())), None))
                }
            }
        });
        let body: Body = Box::pin(body);
        head.body(body).map_err(|e| {
            TransportFailure::new(
                connect_auth::TransportCause::Other,
                format!("invalid response head: {e}"),
            )
        })
    }
}

/// A reqwest error as a classified failure: reqwest's own flags say connect and timeout
/// failures, the error chain (I/O kinds, hyper, rustls) the rest.
fn failure(e: reqwest::Error, timeouts: &Timeouts) -> TransportFailure {
    use connect_auth::TransportCause as C;
    // The URL of a download authorizes it: keep it out of messages.
    let e = e.without_url();
    // reqwest's own text is generic ("error sending request"); the cause (a refused
    // certificate, a refused connection) is in its sources, so the message carries them.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    let chained = C::from_chain(&e);
    let cause = if e.is_builder() {
        C::Other
    } else if e.is_connect() {
        match chained {
            Some(C::Timeout) => C::ConnectTimeout,
            Some(c) if !c.reached_server() => c,
            // A connect error that is neither a refusal nor TLS: DNS, most likely, when hyper
            // says so; otherwise an unreachable address.
            _ if message.contains("dns error") => C::Dns,
            _ if e.is_timeout() => C::ConnectTimeout,
            _ => C::ConnectionRefused,
        }
    } else if e.is_timeout() {
        C::Timeout
    } else {
        chained.unwrap_or(C::Other)
    };
    match cause {
        C::ConnectTimeout => {
            message = format!(
                "could not connect (TCP and TLS) within the connect timeout of {}",
                connect_auth::trace::seconds(timeouts.connect)
            );
        }
        C::Timeout => {
            message = format!(
                "no answer within the request timeout of {}",
                connect_auth::trace::seconds(timeouts.request)
            );
        }
        _ => {
            if let Some(words) = connect_auth::failure::plain_words(cause) {
                words.clone_into(&mut message);
            }
        }
    }
    let reached = !e.is_builder() && !e.is_connect() && cause.reached_server();
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

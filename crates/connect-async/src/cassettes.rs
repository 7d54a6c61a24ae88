//! Cassettes: [`RecordingTransport`] and [`ReplayTransport`]. The format, the redaction and the
//! matching are connect-auth's ([`connect_auth::cassette`]); this file opens the file and moves
//! the chunks.

use crate::transport::{Body, Transport};
use async_trait::async_trait;
use bytes::Bytes;
use connect_auth::cassette::{
    Cassette, RecordOptions, Recording, ReplayBody, ReplayOptions, SharedPlayer, Take,
};
use connect_auth::{ClientConfig, Error, TransportFailure};
use futures_core::Stream;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Sends through another transport and records every exchange in a cassette file, secrets
/// replaced by placeholders. Usually chosen with [`crate::ClientBuilder::record`].
///
/// A line is written when its answer has been read to the end (or failed): one short write to
/// a local file, made in place rather than on a blocking thread. A body the client stops
/// reading early is recorded up to there.
#[derive(Debug)]
pub struct RecordingTransport {
    inner: Arc<dyn Transport>,
    recording: Arc<Recording>,
}

impl RecordingTransport {
    /// Records what `inner` carries into the file at `path` (created, or replaced).
    pub fn create(
        path: impl AsRef<Path>,
        options: RecordOptions,
        inner: Arc<dyn Transport>,
    ) -> Result<Self, Error> {
        let recording = Recording::create(path.as_ref(), options, |p| std::fs::File::create(p))?;
        Ok(Self {
            inner,
            recording: Arc::new(recording),
        })
    }
}

#[async_trait]
impl Transport for RecordingTransport {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let mut take = self.recording.begin(&request);
        match self.inner.send(request).await {
            Err(f) => Err(self.recording.end_failed(take, f)),
            Ok(response) => {
                take.response(response.status(), response.headers());
                let (parts, body) = response.into_parts();
                let tee: Body = Box::pin(Tee {
                    body: Some(body),
                    take: Some(take),
                    recording: Arc::clone(&self.recording),
                });
                Ok(http::Response::from_parts(parts, tee))
            }
        }
    }
}

/// A body streamed through to the client and into the recording.
struct Tee {
    /// `None` once it has ended (it is not polled again).
    body: Option<Body>,
    take: Option<Take>,
    recording: Arc<Recording>,
}

impl Stream for Tee {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is `Unpin`.
        let this = self.get_mut();
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = body.as_mut().poll_next(cx);
        match &polled {
            Poll::Pending => {}
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(take) = this.take.as_mut() {
                    take.chunk(chunk);
                }
            }
            Poll::Ready(Some(Err(e))) => {
                this.body = None;
                if let Some(mut take) = this.take.take() {
                    take.read_failed(e);
                    // The read error is what the client must see; a failed write adds nothing.
                    let _ = this.recording.end(take);
                }
            }
            Poll::Ready(None) => {
                this.body = None;
                if let Some(take) = this.take.take() {
                    if let Err(e) = this.recording.end(take) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
        }
        polled
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        if let Some(mut take) = self.take.take() {
            take.abandoned();
            let _ = self.recording.end(take);
        }
    }
}

/// Answers every request from a cassette: nothing is sent over the network. A request the
/// cassette does not hold ends its call with [`Error::Replay`], naming the nearest recorded
/// request and where they differ. Usually chosen with [`crate::ClientBuilder::replay`].
#[derive(Debug)]
pub struct ReplayTransport(SharedPlayer);

impl ReplayTransport {
    /// A replay of `cassette`.
    pub fn new(cassette: Cassette, options: ReplayOptions) -> Self {
        Self(SharedPlayer::new(cassette, options))
    }

    /// How many recorded exchanges have not been played (a test may want none left).
    pub fn remaining(&self) -> usize {
        self.0.remaining()
    }
}

/// A replayed body is handed out in chunks of this size.
const CHUNK: usize = 64 * 1024;

#[async_trait]
impl Transport for ReplayTransport {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let (parts, body) = self.0.answer(&request)?.into_parts();
        let chunks = futures_util::stream::unfold(Some(body), |body| async move {
            let mut body: ReplayBody = body?;
            let mut buf = vec![0u8; CHUNK];
            match body.read(&mut buf) {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), Some(body)))
                }
                Err(cut) => Some((Err(std::io::Error::other(cut)), None)),
            }
        });
        let body: Body = Box::pin(chunks);
        Ok(http::Response::from_parts(parts, body))
    }
}

/// The transport the settings call for: `transport` as it is, wrapped in a recording, or a
/// replay in its place (then `transport` is not made at all).
pub(crate) fn choose(
    config: &ClientConfig,
    transport: impl FnOnce() -> Result<Arc<dyn Transport>, Error>,
) -> Result<Arc<dyn Transport>, Error> {
    connect_auth::cassette::transport(
        config,
        transport,
        |path, options, inner| {
            Ok(Arc::new(RecordingTransport::create(
                path,
                options.clone(),
                inner,
            )?))
        },
        |cassette, options| Arc::new(ReplayTransport::new(cassette.clone(), options.clone())),
    )
}

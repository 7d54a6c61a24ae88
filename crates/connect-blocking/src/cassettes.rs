//! Cassettes: [`RecordingTransport`] and [`ReplayTransport`]. The format, the redaction and the
//! matching are connect-auth's ([`connect_auth::cassette`]); this file opens the file and moves
//! the bytes.

use crate::transport::{Body, Transport};
use connect_auth::cassette::{
    Cassette, RecordOptions, Recording, ReplayBody, ReplayOptions, SharedPlayer, Take,
};
use connect_auth::{ClientConfig, Error, TransportFailure};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Sends through another transport and records every exchange in a cassette file, secrets
/// replaced by placeholders. Usually chosen with [`crate::ClientBuilder::record`].
///
/// A line is written when its answer has been read to the end (or failed); a body the client
/// stops reading early is recorded up to there.
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

impl Transport for RecordingTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let mut take = self.recording.begin(&request);
        match self.inner.send(request) {
            Err(f) => Err(self.recording.end_failed(take, f)),
            Ok(response) => {
                take.response(response.status(), response.headers());
                let (parts, body) = response.into_parts();
                let tee = Tee {
                    body,
                    take: Some(take),
                    recording: Arc::clone(&self.recording),
                };
                Ok(http::Response::from_parts(parts, Box::new(tee)))
            }
        }
    }
}

/// A body read through to the client and into the recording.
struct Tee {
    body: Body,
    take: Option<Take>,
    recording: Arc<Recording>,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.body.read(buf);
        let Some(take) = self.take.as_mut() else {
            return read;
        };
        match &read {
            Ok(0) => {
                if let Some(take) = self.take.take() {
                    self.recording.end(take)?;
                }
            }
            Ok(n) => take.chunk(&buf[..*n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                take.read_failed(e);
                if let Some(take) = self.take.take() {
                    // The read error is what the client must see; a failed write adds nothing.
                    let _ = self.recording.end(take);
                }
            }
        }
        read
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

impl Transport for ReplayTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Body>, TransportFailure> {
        let (parts, body) = self.0.answer(&request)?.into_parts();
        Ok(http::Response::from_parts(parts, Box::new(Replaying(body))))
    }
}

struct Replaying(ReplayBody);

impl Read for Replaying {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(std::io::Error::other)
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

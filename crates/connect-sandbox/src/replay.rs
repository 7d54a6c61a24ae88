//! `--replay`: every request answered from a cassette instead of the catalog, so a client in
//! any language can replay a recorded session. The matching is connect-auth's
//! ([`connect_auth::cassette`]), the same the SDK's replaying transports use.

use crate::response::{Body, DropConnection, stream, text};
use crate::state::State;
use connect_auth::cassette::{Cassette, Mismatch, ReplayCut, ReplayOptions, SharedPlayer};
use http::{Request, Response, StatusCode as Http};
use hyper::body::Incoming;

/// A cassette to answer from (see [`crate::SandboxConfig::with_replay`]).
#[derive(Clone)]
pub struct CassetteReplay {
    /// The recorded exchanges.
    pub cassette: Cassette,
    /// In which order they may play, and what is not compared.
    pub options: ReplayOptions,
}

impl std::fmt::Debug for CassetteReplay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CassetteReplay")
            .field("exchanges", &self.cassette.exchanges.len())
            .field("options", &self.options)
            .finish()
    }
}

/// The player for `replay`, with the recorded origins pointed at this sandbox's listeners (so
/// the download URLs of the answers lead back here).
pub fn player(replay: &CassetteReplay, http_base: &str, https_base: &str) -> SharedPlayer {
    let mut options = replay.options.clone();
    for origin in replay.cassette.origins() {
        let own = if origin.starts_with("https://") {
            https_base
        } else {
            http_base
        };
        options = options.rewrite_origin(origin, own);
    }
    SharedPlayer::new(replay.cassette.clone(), options)
}

/// A replayed body is sent in chunks of this size.
const CHUNK: usize = 64 * 1024;

/// Answers `req` from the cassette: the recorded answer, a dropped connection where the
/// recording saw no answer, or `501` saying why the cassette has none.
pub async fn answer(
    state: &State,
    player: &SharedPlayer,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (method, uri, headers) = (
        req.method().clone(),
        req.uri().clone(),
        req.headers().clone(),
    );
    let body = match crate::body::read_body(state, req).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let mut request = Request::new(body.to_vec());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    match player.answer(&request) {
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            let json = parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.contains("json"));
            if json {
                // Written as the sandbox writes every answer, and the service did (`/` escaped
                // as `\/`, see `crate::wire`); an answer that was cut, or is not JSON after
                // all, goes as recorded.
                let (bytes, cut) = whole(body);
                let value = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
                let written = value.and_then(|v| crate::wire::to_vec(&v).ok());
                if let (Some(written), None) = (written, &cut) {
                    parts
                        .headers
                        .insert(http::header::CONTENT_LENGTH, written.len().into());
                    return Ok(Response::from_parts(parts, crate::response::full(written)));
                }
                let end = cut.map(|c| Err(std::io::Error::other(c)));
                let chunks = futures_util::stream::iter(
                    std::iter::once(Ok(bytes::Bytes::from(bytes))).chain(end),
                );
                return Ok(Response::from_parts(parts, stream(chunks)));
            }
            let chunks = futures_util::stream::unfold(Some(body), |body| async move {
                let mut body = body?;
                let mut buf = vec![0u8; CHUNK];
                match body.read(&mut buf) {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok(bytes::Bytes::from(buf)), Some(body)))
                    }
                    Err(cut) => Some((Err(std::io::Error::other(cut)), None)),
                }
            });
            Ok(Response::from_parts(parts, stream(chunks)))
        }
        Err(failure) if failure.source.as_ref().is_some_and(|s| s.is::<Mismatch>()) => {
            tracing::info!(message = %failure.message, "a request the cassette does not hold");
            Ok(text(
                Http::NOT_IMPLEMENTED,
                format!("{}\n", failure.message),
            ))
        }
        // The recording saw no answer: neither does the client.
        Err(_) => Err(DropConnection),
    }
}

/// A replayed body read to its end: the bytes, and the recorded error that cut it, if any.
fn whole(mut body: connect_auth::cassette::ReplayBody) -> (Vec<u8>, Option<ReplayCut>) {
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        match body.read(&mut buf) {
            Ok(0) => return (bytes, None),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(cut) => return (bytes, Some(cut)),
        }
    }
}

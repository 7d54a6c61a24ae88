//! `GET`/`HEAD /download/<signed token>`: the file behind a download URL, whole or by `Range`,
//! with disconnect injection for resume tests.

use crate::content::{Content, Range, parse_range};
use crate::faults::Tail;
use crate::response::{self, Body, DropConnection, plain};
use crate::state::State;
use crate::store::downloads::TokenError;
use http::{HeaderValue, Request, Response, StatusCode as Http, header};
use std::sync::Arc;

/// Serves one download URL (`head`: headers only; `tail`: an injected fault cuts the
/// connection halfway through the body, or stalls there).
pub fn serve<B>(
    state: &Arc<State>,
    req: &Request<B>,
    path: &str,
    head: bool,
    tail: Tail,
) -> Result<Response<Body>, DropConnection> {
    let token = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let grant = match state.downloads.check_url(token, state.clock.now_millis()) {
        Ok(g) => g,
        Err(TokenError::Expired) => {
            return Ok(plain(Http::GONE, "this download link has expired\n"));
        }
        Err(TokenError::Invalid) => {
            return Ok(plain(Http::NOT_FOUND, "no such download\n"));
        }
    };
    let shape = &state.index.shape;
    let (size, name) = if grant.kind == 'v' {
        let core = shape.video(grant.index);
        let s = shape
            .video_sizes(&core)
            .into_iter()
            .find(|s| s.key == grant.size);
        (
            s,
            format!(
                "{}_{}.mov",
                crate::catalog::VIDEO_ID_BASE + u64::from(grant.index),
                grant.size
            ),
        )
    } else {
        let core = shape.image(grant.index);
        let s = shape
            .image_sizes(grant.index, &core)
            .into_iter()
            .find(|s| s.key == grant.size);
        (
            s,
            format!(
                "{}_{}.jpg",
                crate::render::image_id(grant.index),
                grant.size
            ),
        )
    };
    let Some(size) = size else {
        return Ok(plain(Http::NOT_FOUND, "no such download\n"));
    };
    // The counters are of GETs and the bytes they sent; a HEAD sends none.
    if !head {
        state.stats.download();
        let asset = if grant.kind == 'v' {
            (crate::catalog::VIDEO_ID_BASE + u64::from(grant.index)).to_string()
        } else {
            crate::render::image_id(grant.index)
        };
        state
            .stats
            .asset_get(&asset, req.headers().contains_key(header::RANGE));
    }
    let len = size.bytes;
    let range_header = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let (status, start, end) = match parse_range(range_header, len) {
        Range::Full => (Http::OK, 0, len),
        Range::Part(a, b) => (Http::PARTIAL_CONTENT, a, b),
        Range::Unsatisfiable => {
            let mut r = plain(Http::RANGE_NOT_SATISFIABLE, "range not satisfiable\n");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
    };
    let sent = end - start;
    let cut = state
        .config
        .disconnect_after_bytes
        .filter(|_| !head && state.downloads.first_cut(token));
    if cut.is_some() {
        state.stats.fault("download_cut");
    }
    let cut = if tail == Tail::CutHalf && !head {
        Some(sent / 2)
    } else {
        cut
    };
    if !head {
        state
            .stats
            .download_bytes(cut.map_or(sent, |c| c.min(sent)));
    }
    let mut content = Content::new(state.config.seed, &grant, len);
    if grant.kind != 'v' && !head {
        // Image files open in any viewer: they begin with the image's own picture.
        let picture = state.pictures.file_head(shape, grant.index, len);
        content = content.with_picture(picture);
    }
    let body = match tail {
        _ if head => response::empty(),
        Tail::StallHalf(stall) => {
            let middle = start + sent / 2;
            let first = content.clone().stream(start, middle, None);
            let pause = futures_util::stream::once(async move {
                tokio::time::sleep(stall).await;
                Ok(bytes::Bytes::new())
            });
            let rest = content.stream(middle, end, None);
            use futures_util::StreamExt;
            response::stream(first.chain(pause).chain(rest))
        }
        Tail::Trickle(rate) => response::stream(content.trickle(start, end, rate)),
        _ => response::stream(content.stream(start, end, cut)),
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(size.mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(sent));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == Http::PARTIAL_CONTENT {
        if let Ok(v) =
            HeaderValue::from_str(&format!("bytes {start}-{}/{len}", end.saturating_sub(1)))
        {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "\"{}-{}-{}\"",
        grant.kind, grant.index, grant.size
    )) {
        h.insert(header::ETAG, v);
    }
    Ok(r)
}

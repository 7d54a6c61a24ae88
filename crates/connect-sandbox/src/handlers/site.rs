//! `GET` routes for tools and browsers rather than API clients: the OpenAPI description of the
//! API (`/openapi.json`) and the catalog's pictures (`/media/<kind>/<image id>.jpg`, see
//! [`crate::picture`]). Registered in one place, [`route`], which the server asks first.

use crate::picture;
use crate::response::{Body, bytes_response, full, plain};
use crate::state::State;
use connect_types::openapi;
use http::{HeaderValue, Method, Response, StatusCode as Http, header};
use std::sync::OnceLock;

/// Answers the request if it is one of this module's routes.
pub fn route(state: &State, method: &Method, lower: &str) -> Option<Response<Body>> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    if lower == "/openapi.json" {
        return Some(openapi_json(state));
    }
    if let Some(id) = lower
        .strip_prefix(picture::EMBED_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        return Some(embed(state, id));
    }
    lower
        .strip_prefix(picture::MEDIA_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(|rest| media(state, rest))
}

/// `GET /media/<kind>/<image id>.jpg`: a picture of a catalog image, or 404.
fn media(state: &State, rest: &str) -> Response<Body> {
    let shape = &state.index.shape;
    let found = rest.split_once('/').and_then(|(kind, file)| {
        let kind = picture::kind(kind)?;
        let i = shape.image_index(file.strip_suffix(".jpg")?)?;
        Some(state.pictures.get(shape, i, kind))
    });
    let Some(jpeg) = found else {
        return plain(Http::NOT_FOUND, "no such picture\n");
    };
    let mut r = Response::new(full(jpeg));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    // The same URL always shows the same picture (for a given seed): let browsers keep it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    r
}

/// `GET /embed/<image id>`: the page oEmbed's iframe shows, the image's preview with its title
/// and credit; 404 for an unknown image, 401 for one that may not be embedded (as oEmbed says).
fn embed(state: &State, id: &str) -> Response<Body> {
    let shape = &state.index.shape;
    let Some(i) = shape.image_index(id) else {
        return plain(Http::NOT_FOUND, "no such image\n");
    };
    let core = shape.image(i);
    if !core.embeddable {
        return plain(
            Http::UNAUTHORIZED,
            "this image is not available for embedding\n",
        );
    }
    let id = crate::render::image_id(i);
    let title = html_escape(&crate::catalog::image_title(shape, &core));
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{margin:0;font:13px sans-serif}}img{{width:100%;display:block}}\
         p{{margin:4px 8px;color:#555}}</style></head>\n<body><img src=\"{media}/preview/{id}.jpg\" \
         alt=\"{title}\"><p>{title} — Getty Images (connect-sandbox)</p></body></html>\n",
        media = state.media_base,
    );
    let mut r = Response::new(full(page.into_bytes()));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The description with this sandbox's base URLs in place of the production servers.
fn openapi_json(state: &State) -> Response<Body> {
    // Generated once per process (tens of milliseconds); each sandbox only swaps its URLs in.
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(|| {
        openapi::render(&openapi::document_for(&[
            (
                openapi::HTTPS_SERVER,
                "the sandbox over HTTPS: every operation",
            ),
            (
                openapi::HTTP_SERVER,
                "the sandbox over plain HTTP: standard operations only",
            ),
        ]))
    });
    let body = doc
        .replace(openapi::HTTPS_SERVER, &state.https_base)
        .replace(openapi::HTTP_SERVER, &state.http_base);
    bytes_response(Http::OK, body.into_bytes())
}

//! oEmbed, `GET /oembed?url=http://gty.im/{id}`: the embed code of an image, as a flat JSON
//! object (no envelope, no token). `format` other than `json` is answered with 501.

use crate::state::State;
use crate::vocab::{ARTISTS, COLLECTIONS};
use connect_types::ops::{OEmbedFormat, OEmbedRequest, OEmbedResponse};

/// Width of the embed frame (the image is scaled to fit it).
const EMBED_WIDTH: u32 = 594;
/// Longest side of the thumbnail.
const THUMB_LONG: u32 = 170;

/// The answer: an HTTP status and, on success, the object.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// 200 with the embed.
    Embed(Box<OEmbedResponse>),
    /// Another status, with a one-line reason.
    Status(u16, String),
}

fn scale(w: u32, h: u32, long: u32) -> (u32, u32) {
    let (w64, h64, l64) = (u64::from(w.max(1)), u64::from(h.max(1)), u64::from(long));
    let (a, b) = if w >= h {
        (l64, (h64 * l64 / w64).max(1))
    } else {
        ((w64 * l64 / h64).max(1), l64)
    };
    (
        u32::try_from(a).unwrap_or(long),
        u32::try_from(b).unwrap_or(long),
    )
}

/// Answers one oEmbed query string.
pub fn run(state: &State, query: &str) -> Reply {
    let req = match OEmbedRequest::from_query(query) {
        Ok(r) => r,
        Err(e) => return Reply::Status(400, e),
    };
    if let Some(f) = req.format.as_ref().filter(|f| !f.as_str().is_empty()) {
        if *f != OEmbedFormat::Json {
            return Reply::Status(501, format!("format {f} is not implemented; only json is"));
        }
    }
    if req.url.trim().is_empty() {
        return Reply::Status(
            400,
            "the url parameter is required (http://gty.im/{asset id})".into(),
        );
    }
    let Some(id) = req.asset_id() else {
        return Reply::Status(
            404,
            "url must be a short link of the form http://gty.im/{asset id}".into(),
        );
    };
    let shape = &state.index.shape;
    let Some(i) = shape.image_index(id) else {
        return Reply::Status(404, format!("no image with id {id}"));
    };
    let core = shape.image(i);
    if !core.embeddable {
        return Reply::Status(401, format!("image {id} is not available for embedding"));
    }
    let sizes = shape.image_sizes(i, &core);
    let (w, h) = sizes.first().map_or((EMBED_WIDTH, EMBED_WIDTH), |s| {
        (s.pixel_width, s.pixel_height)
    });
    // The frame is EMBED_WIDTH wide whatever the orientation.
    let width = EMBED_WIDTH;
    let height = u32::try_from(u64::from(h) * u64::from(EMBED_WIDTH) / u64::from(w.max(1)))
        .unwrap_or(EMBED_WIDTH)
        .max(1);
    let (tw, th) = scale(w, h, THUMB_LONG);
    let id = crate::render::image_id(i);
    let (_, collection, _) = COLLECTIONS[usize::from(core.collection) % COLLECTIONS.len()];
    let src = format!("{}/embed/{id}", state.https_base);
    Reply::Embed(Box::new(OEmbedResponse {
        r#type: Some("rich".into()),
        version: Some("1.0".into()),
        title: Some(crate::catalog::image_title(shape, &core)),
        caption: Some(crate::catalog::image_caption(shape, &core)),
        photographer: Some(ARTISTS[usize::from(core.artist)].to_owned()),
        collection: Some(collection.to_owned()),
        html: Some(format!(
            "<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" frameborder=\"0\" scrolling=\"no\"></iframe>"
        )),
        width: Some(width),
        height: Some(height),
        thumbnail_url: Some(format!("{}/thumb/{id}.jpg", state.media_base)),
        thumbnail_height: Some(th),
        thumbnail_width: Some(tw),
        terms_of_use_url: Some("https://www.gettyimages.connect-sandbox.invalid/terms".into()),
    }))
}

/// The HTTP answer to `GET /oembed?…`.
pub fn respond(state: &State, query: &str) -> http::Response<crate::response::Body> {
    use http::StatusCode as Http;
    match run(state, query) {
        Reply::Embed(e) => crate::response::json_response(
            Http::OK,
            &serde_json::to_value(&*e).unwrap_or(serde_json::Value::Null),
        ),
        Reply::Status(code, why) => crate::response::text(
            Http::from_u16(code).unwrap_or(Http::BAD_REQUEST),
            format!("{why}\n"),
        ),
    }
}

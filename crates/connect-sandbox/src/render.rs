//! Turning catalog records into the documented result objects.

use crate::catalog::{
    self, Core, Family, GRAPHIC_STYLES, LICENSING, MEDIA_HOST, OFFERINGS, ORIENTATIONS, Shape,
};
use crate::vocab::{ARTISTS, COLLECTIONS, LOCATIONS, SEGMENTS};
use serde_json::{Map, Value, json};

/// Which variant of the image object to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageView {
    /// `SearchForImagesResult.Images[]`.
    Search {
        /// Whether to include `Keywords`.
        keywords: bool,
    },
    /// `GetImageDetailsResult.Images[]`.
    Details {
        /// Whether to fill `SizeName` (Detail=IncludeSizeName).
        size_names: bool,
    },
}

/// The image id string of image `i`.
pub fn image_id(i: u32) -> String {
    (catalog::IMAGE_ID_BASE + u64::from(i)).to_string()
}

/// The event id of event `e`.
pub fn event_id(e: u32) -> u64 {
    catalog::EVENT_ID_BASE + u64::from(e)
}

/// Offerings of a mask, as wire names.
pub fn offerings(mask: u8) -> Vec<&'static str> {
    OFFERINGS
        .iter()
        .enumerate()
        .filter(|(b, _)| mask & (1 << b) != 0)
        .map(|(_, o)| *o)
        .collect()
}

fn keyword_json(k: u16, prominence: Option<&str>) -> Value {
    let Some(def) = catalog::keyword(usize::from(k)) else {
        return Value::Null;
    };
    let mut m = Map::new();
    m.insert(
        "Id".into(),
        Value::String((catalog::KEYWORD_ID_BASE + u64::from(k)).to_string()),
    );
    m.insert("Text".into(), Value::String(def.text.into()));
    m.insert("Type".into(), Value::String(def.kind.into()));
    if def.kind == "Specific people" {
        m.insert(
            "VisualProminence".into(),
            Value::String(prominence.unwrap_or("Unknown").into()),
        );
    }
    Value::Object(m)
}

/// Renders image `i`.
pub fn image(shape: &Shape, i: u32, view: ImageView) -> Value {
    let c: Core = shape.image(i);
    let id = image_id(i);
    let (coll_id, coll_name, _) = COLLECTIONS[usize::from(c.collection) % COLLECTIONS.len()];
    let artist = ARTISTS[usize::from(c.artist)];
    let year = catalog::year_of(c.created);
    let editorial = c.family == Family::Editorial;
    let segments: Vec<&str> = SEGMENTS
        .iter()
        .enumerate()
        .filter(|(b, _)| c.segments & (1 << b) != 0)
        .map(|(_, s)| *s)
        .collect();
    let event_ids: Vec<u64> = c.event.map(event_id).into_iter().collect();
    let url = |kind: &str| format!("{MEDIA_HOST}/{kind}/{id}.jpg");
    let mut m = Map::new();
    m.insert(
        "ApplicableProductOfferings".into(),
        json!(offerings(c.offerings)),
    );
    m.insert("Artist".into(), json!(artist));
    m.insert("Caption".into(), json!(catalog::image_caption(shape, &c)));
    m.insert("CollectionId".into(), json!(coll_id.to_string()));
    m.insert("CollectionName".into(), json!(coll_name));
    m.insert(
        "ColorType".into(),
        json!(if c.black_and_white {
            "BlackAndWhite"
        } else {
            "Color"
        }),
    );
    m.insert("Copyright".into(), json!(format!("{year} {artist}")));
    m.insert("DateCreated".into(), json!(catalog::ms_date(c.created)));
    m.insert("DateSubmitted".into(), json!(catalog::ms_date(c.submitted)));
    m.insert("EditorialSegments".into(), json!(segments));
    if editorial {
        m.insert("EditorialSourceId".into(), json!(coll_id.to_string()));
        m.insert("EditorialSourceName".into(), json!(coll_name));
    }
    m.insert("EventIds".into(), json!(event_ids));
    m.insert(
        "GraphicStyle".into(),
        json!(GRAPHIC_STYLES[usize::from(c.graphic)]),
    );
    m.insert("ImageFamily".into(), json!(c.family.as_str()));
    m.insert("ImageId".into(), json!(id));
    let include_keywords = matches!(
        view,
        ImageView::Details { .. } | ImageView::Search { keywords: true }
    );
    if include_keywords {
        let kws: Vec<Value> = c
            .keywords
            .iter()
            .map(|&k| {
                let prom = c.people.iter().find(|(p, _)| *p == k).map(|(_, v)| *v);
                keyword_json(k, prom)
            })
            .collect();
        m.insert("Keywords".into(), Value::Array(kws));
    }
    m.insert(
        "LicensingModel".into(),
        json!(LICENSING[usize::from(c.licensing)]),
    );
    if editorial {
        m.insert("QualityRank".into(), json!(c.quality));
    }
    m.insert(
        "ReferralDestinations".into(),
        json!([
            {"SiteName": "gettyimages", "Url": format!("https://www.gettyimages.connect-sandbox.invalid/detail/{id}")},
            {"SiteName": "thinkstock", "Url": format!("https://www.thinkstock.connect-sandbox.invalid/image/{id}")}
        ]),
    );
    m.insert(
        "ReleaseMessage".into(),
        json!(if editorial {
            "Editorial use only"
        } else if c.licensing == 0 {
            "Model and property released"
        } else {
            "Model released"
        }),
    );
    let restrictions: Vec<&str> = if editorial && c.licensing == 1 {
        vec!["Contact your local office for all commercial or promotional uses."]
    } else {
        Vec::new()
    };
    m.insert("Restrictions".into(), json!(restrictions));
    m.insert("Title".into(), json!(catalog::image_title(shape, &c)));
    m.insert("UrlComp".into(), json!(url("comp")));
    m.insert("UrlPreview".into(), json!(url("preview")));
    m.insert("UrlThumb".into(), json!(url("thumb")));
    m.insert("UrlWatermarkComp".into(), json!(url("comp-watermark")));
    m.insert(
        "UrlWatermarkPreview".into(),
        json!(url("preview-watermark")),
    );
    match view {
        ImageView::Search { .. } => {
            let constraints: Vec<&str> = if c.licensing == 1 && c.popularity % 17 == 0 {
                vec!["CallForImage"]
            } else {
                Vec::new()
            };
            m.insert("AuthorizationConstraints".into(), json!(constraints));
            m.insert(
                "Orientations".into(),
                json!([ORIENTATIONS[usize::from(c.orientation)]]),
            );
            m.insert(
                "UrlEmbed".into(),
                json!(if c.embeddable {
                    format!("{MEDIA_HOST}/embed/{id}")
                } else {
                    String::new()
                }),
            );
        }
        ImageView::Details { size_names } => {
            let (city, state, country) = LOCATIONS[usize::from(c.location)];
            m.insert("ArtistTitle".into(), json!("Photographer"));
            m.insert("City".into(), json!(city));
            m.insert("StateProvince".into(), json!(state));
            m.insert("Country".into(), json!(country));
            m.insert("CreditLine".into(), json!(format!("{artist}/{coll_name}")));
            if let Some(e) = c.event {
                m.insert("EventId".into(), json!(event_id(e)));
            }
            let sizes: Vec<Value> = shape
                .image_sizes(i, &c)
                .into_iter()
                .map(|s| {
                    let mut o = Map::new();
                    o.insert("FileSizeInBytes".into(), json!(s.bytes));
                    o.insert(
                        "InchesHeight".into(),
                        json!(round2(f64::from(s.pixel_height) / f64::from(s.dpi))),
                    );
                    o.insert(
                        "InchesWidth".into(),
                        json!(round2(f64::from(s.pixel_width) / f64::from(s.dpi))),
                    );
                    o.insert("MimeType".into(), json!(s.mime));
                    o.insert("PixelHeight".into(), json!(s.pixel_height));
                    o.insert("PixelWidth".into(), json!(s.pixel_width));
                    o.insert("ResolutionDpi".into(), json!(s.dpi));
                    o.insert("SizeKey".into(), json!(s.key));
                    if size_names {
                        o.insert("SizeName".into(), json!(catalog::capitalize(s.key)));
                    }
                    Value::Object(o)
                })
                .collect();
            m.insert("SizesDownloadableImages".into(), Value::Array(sizes));
            m.insert("UrlHiResComp".into(), json!(url("hires-comp")));
            m.insert(
                "UrlWatermarkHiResComp".into(),
                json!(url("hires-comp-watermark")),
            );
        }
    }
    Value::Object(m)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

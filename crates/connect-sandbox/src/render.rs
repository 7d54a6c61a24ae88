//! Turning catalog records into the shared `connect-types` result models, so the sandbox
//! encodes exactly what the SDK's models encode.

use crate::catalog::{
    self, Core, Family, GRAPHIC_STYLES, LICENSING, OFFERINGS, ORIENTATIONS, Shape,
};
use crate::vocab::{ARTISTS, COLLECTIONS, LOCATIONS, SEGMENTS};
use connect_types::ops::{
    AuthorizationConstraint, ColorType, EditorialSegment, GraphicStyle, Image, ImageFamily,
    ImageSize, Keyword, KeywordType, LicensingModel, Orientation, ProductOffering,
    ReferralDestination, SiteName, VisualProminence,
};

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

fn keyword(k: u16, prominence: Option<&str>) -> Option<Keyword> {
    let def = catalog::keyword(usize::from(k))?;
    let person = def.kind == "Specific people";
    Some(Keyword {
        id: Some((catalog::KEYWORD_ID_BASE + u64::from(k)).to_string().into()),
        text: Some(def.text.into()),
        r#type: Some(KeywordType::parse(def.kind)),
        visual_prominence: person.then(|| VisualProminence::parse(prominence.unwrap_or("Unknown"))),
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Renders image `i`; its picture URLs (thumbnail, previews, comps) begin with `media`, the
/// sandbox's own `…/media` base, where [`crate::picture`] serves them.
pub fn image(shape: &Shape, i: u32, view: ImageView, media: &str) -> Image {
    let c: Core = shape.image(i);
    let id = image_id(i);
    let (coll_id, coll_name, _) = COLLECTIONS[usize::from(c.collection) % COLLECTIONS.len()];
    let artist = ARTISTS[usize::from(c.artist)];
    let year = catalog::year_of(c.created);
    let editorial = c.family == Family::Editorial;
    let url = |kind: &str| Some(format!("{media}/{kind}/{id}.jpg"));
    let include_keywords = matches!(
        view,
        ImageView::Details { .. } | ImageView::Search { keywords: true }
    );
    let mut img = Image {
        applicable_product_offerings: offerings(c.offerings)
            .into_iter()
            .map(ProductOffering::parse)
            .collect(),
        artist: Some(artist.into()),
        caption: Some(catalog::image_caption(shape, &c)),
        collection_id: Some(coll_id.to_string().into()),
        collection_name: Some(coll_name.into()),
        color_type: Some(if c.black_and_white {
            ColorType::BlackAndWhite
        } else {
            ColorType::Color
        }),
        copyright: Some(format!("{year} {artist}").into()),
        date_created: Some(catalog::ms_date(c.created)),
        date_submitted: Some(catalog::ms_date(c.submitted)),
        editorial_segments: SEGMENTS
            .iter()
            .enumerate()
            .filter(|(b, _)| c.segments & (1 << b) != 0)
            .map(|(_, s)| EditorialSegment::parse(s))
            .collect(),
        editorial_source_id: editorial.then(|| coll_id.to_string().into()),
        editorial_source_name: editorial.then(|| coll_name.into()),
        event_ids: c.event.map(event_id).into_iter().collect(),
        graphic_style: Some(GraphicStyle::parse(GRAPHIC_STYLES[usize::from(c.graphic)])),
        image_family: Some(if editorial {
            ImageFamily::Editorial
        } else {
            ImageFamily::Creative
        }),
        image_id: Some(id.as_str().into()),
        keywords: if include_keywords {
            c.keywords
                .iter()
                .filter_map(|&k| {
                    let prom = c.people.iter().find(|(p, _)| *p == k).map(|(_, v)| *v);
                    keyword(k, prom)
                })
                .collect()
        } else {
            Vec::new()
        },
        licensing_model: Some(LicensingModel::parse(LICENSING[usize::from(c.licensing)])),
        quality_rank: editorial.then_some(c.quality),
        referral_destinations: vec![
            ReferralDestination {
                site_name: Some(SiteName::parse("gettyimages")),
                url: Some(format!(
                    "https://www.gettyimages.connect-sandbox.invalid/detail/{id}"
                )),
            },
            ReferralDestination {
                site_name: Some(SiteName::parse("thinkstock")),
                url: Some(format!(
                    "https://www.thinkstock.connect-sandbox.invalid/image/{id}"
                )),
            },
        ],
        release_message: Some(
            if editorial {
                "Editorial use only"
            } else if c.licensing == 0 {
                "Model and property released"
            } else {
                "Model released"
            }
            .to_owned(),
        ),
        restrictions: if editorial && c.licensing == 1 {
            vec!["Contact your local office for all commercial or promotional uses.".to_owned()]
        } else {
            Vec::new()
        },
        title: Some(catalog::image_title(shape, &c)),
        url_comp: url("comp"),
        url_preview: url("preview"),
        url_thumb: url("thumb"),
        url_watermark_comp: url("comp-watermark"),
        url_watermark_preview: url("preview-watermark"),
        ..Image::default()
    };
    match view {
        ImageView::Search { .. } => {
            if c.licensing == 1 && c.popularity % 17 == 0 {
                img.authorization_constraints =
                    vec![AuthorizationConstraint::parse("CallForImage")];
            }
            img.orientations = vec![Orientation::parse(ORIENTATIONS[usize::from(c.orientation)])];
            img.url_embed = Some(if c.embeddable {
                crate::picture::embed_url(media, &id)
            } else {
                String::new()
            });
        }
        ImageView::Details { size_names } => {
            let (city, state, country) = LOCATIONS[usize::from(c.location)];
            img.artist_title = Some("Photographer".to_owned());
            img.city = Some(city.to_owned());
            img.state_province = Some(state.to_owned());
            img.country = Some(country.to_owned());
            img.credit_line = Some(format!("{artist}/{coll_name}"));
            img.event_id = c.event.map(event_id);
            img.sizes_downloadable_images = shape
                .image_sizes(i, &c)
                .into_iter()
                .map(|s| ImageSize {
                    file_size_in_bytes: Some(s.bytes),
                    inches_height: Some(round2(f64::from(s.pixel_height) / f64::from(s.dpi))),
                    inches_width: Some(round2(f64::from(s.pixel_width) / f64::from(s.dpi))),
                    mime_type: Some(s.mime.to_owned()),
                    pixel_height: Some(s.pixel_height),
                    pixel_width: Some(s.pixel_width),
                    resolution_dpi: Some(s.dpi),
                    size_key: Some(s.key.to_owned()),
                    size_name: size_names.then(|| catalog::capitalize(s.key)),
                })
                .collect();
            img.url_hi_res_comp = url("hires-comp");
            img.url_watermark_hi_res_comp = url("hires-comp-watermark");
        }
    }
    img
}

/// Images as search results show them, written once as JSON and kept: a page of 75 images
/// with keywords is about 160 KB to build and write, most of a search's cost, and the same
/// images come back page after page (clients page through, tests repeat their searches).
/// Rendering is deterministic, so a kept image is exactly what rendering it again would give.
#[derive(Debug, Default)]
pub struct SearchImages {
    map: std::sync::Mutex<std::collections::HashMap<(u32, bool), std::sync::Arc<str>>>,
}

/// Images kept before the cache starts over (about 2 KB each with keywords).
const SEARCH_IMAGES: usize = 8192;

impl SearchImages {
    /// Image `i` as a search result (with or without its keywords), as JSON written by
    /// [`crate::wire`]; rendered on first use.
    pub fn get(
        &self,
        shape: &Shape,
        i: u32,
        keywords: bool,
        media: &str,
    ) -> serde_json::Result<std::sync::Arc<str>> {
        let key = (i, keywords);
        if let Some(text) = self.lock().get(&key) {
            return Ok(std::sync::Arc::clone(text));
        }
        // Rendered outside the lock: two searches racing for one image both render it, which
        // is cheaper than making every other search wait.
        let json = crate::wire::to_json(&image(shape, i, ImageView::Search { keywords }, media))?;
        let text: std::sync::Arc<str> = std::sync::Arc::from(json.get());
        let mut map = self.lock();
        if map.len() >= SEARCH_IMAGES {
            map.clear();
        }
        map.insert(key, std::sync::Arc::clone(&text));
        Ok(text)
    }

    #[allow(clippy::type_complexity)]
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(u32, bool), std::sync::Arc<str>>>
    {
        // A panic while holding the lock leaves a usable map behind: keep serving.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_types::ops::SearchForImagesResult;

    #[test]
    fn a_search_result_from_kept_images_is_the_result_written_whole() {
        let shape = Shape::new(7, 500, 1 << 20);
        let media = "http://127.0.0.1:1/media";
        let kept = SearchImages::default();
        for keywords in [true, false] {
            let ids = [3u32, 141, 499, 3];
            let view = ImageView::Search { keywords };
            let whole = SearchForImagesResult {
                images: ids.iter().map(|&i| image(&shape, i, view, media)).collect(),
                item_count: Some(4),
                item_total_count: Some(4),
                ..SearchForImagesResult::default()
            };
            let mut rest = whole.clone();
            rest.images.clear();
            let items: Vec<_> = ids
                .iter()
                .map(|&i| kept.get(&shape, i, keywords, media).unwrap())
                .collect();
            let rest = crate::wire::to_json(&rest).unwrap();
            let spliced = crate::wire::with_first_array(&rest, "Images", &items).unwrap();
            assert_eq!(spliced.get(), crate::wire::to_json(&whole).unwrap().get());
        }
    }
}

//! The deterministic catalog: every image, event and video is a pure function of
//! `(seed, index)`, derived on demand. Nothing but the search index is stored, which is what
//! lets a million-image catalog start in well under two seconds.

use crate::rng::Rng;
use crate::vocab::{
    ADJECTIVES, ARTISTS, COLOURS, EVENT_THEMES, LOCATIONS, OTHER_KEYWORDS, PEOPLE, SCENES,
    SUBJECTS, VENUES,
};
use connect_types::date::civil_from_days;

/// First image id; image `i` has id `IMAGE_ID_BASE + i`.
pub const IMAGE_ID_BASE: u64 = 100_000_000;
/// First video id; video `v` has id `VIDEO_ID_BASE + v`.
pub const VIDEO_ID_BASE: u64 = 700_000_000;
/// First event id; event `e` has id `EVENT_ID_BASE + e`.
pub const EVENT_ID_BASE: u64 = 10_000;
/// First keyword id; keyword `k` (see [`keyword`]) has id `KEYWORD_ID_BASE + k`.
pub const KEYWORD_ID_BASE: u64 = 60_000;
/// Host of the (not served) preview URLs: fixed so the catalog is the same on every port.
pub const MEDIA_HOST: &str = "https://media.connect-sandbox.invalid";
/// 2000-01-01T00:00:00Z in Unix seconds: dates are stored as minutes since then.
pub const EPOCH_2000: i64 = 946_684_800;
/// Time zone offset of every generated date (the documentation's examples use -0800).
pub const DATE_OFFSET_MINUTES: i16 = -480;

const MINUTES_PER_YEAR: u64 = 525_960;

/// Orientation values as documented.
pub const ORIENTATIONS: &[&str] = &[
    "Horizontal",
    "Vertical",
    "PanoramicHorizontal",
    "PanoramicVertical",
    "Square",
];
/// Product offerings, in bit order of [`Core::offerings`].
pub const OFFERINGS: &[&str] = &[
    "EasyAccess",
    "EditorialSubscription",
    "PremiumAccess",
    "RoyaltyFreeSubscription",
    "Imagepack",
];
/// Licensing models, in the order of [`Core::licensing`].
pub const LICENSING: &[&str] = &["RoyaltyFree", "RightsManaged"];
/// Graphic styles, in the order of [`Core::graphic`].
pub const GRAPHIC_STYLES: &[&str] = &["Photography", "Illustration"];
/// File types, in the order of [`Core::file_type`].
pub const FILE_TYPES: &[&str] = &["jpg", "eps"];

/// What kind of keyword a global keyword index names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeywordDef {
    /// Display text.
    pub text: &'static str,
    /// `Keyword.Type` as documented (e.g. `Specific people`).
    pub kind: &'static str,
    /// Refinement category (e.g. `SpecificPeople`).
    pub category: &'static str,
}

/// Number of keywords in the global keyword table.
pub fn keyword_count() -> usize {
    SUBJECTS.len()
        + LOCATIONS.len()
        + PEOPLE.len()
        + OTHER_KEYWORDS.iter().map(|f| f.2.len()).sum::<usize>()
}

/// Offset of each keyword family in the global table.
pub fn location_kw(l: usize) -> usize {
    SUBJECTS.len() + l
}
/// Global index of person `p`.
pub fn person_kw(p: usize) -> usize {
    SUBJECTS.len() + LOCATIONS.len() + p
}
/// Global index of value `v` of other-family `f`.
pub fn other_kw(f: usize, v: usize) -> usize {
    let mut base = SUBJECTS.len() + LOCATIONS.len() + PEOPLE.len();
    for fam in OTHER_KEYWORDS.iter().take(f) {
        base += fam.2.len();
    }
    base + v
}

/// The keyword at global index `k`.
pub fn keyword(k: usize) -> Option<KeywordDef> {
    if k < SUBJECTS.len() {
        return Some(KeywordDef {
            text: SUBJECTS[k],
            kind: "Concept",
            category: "Concept",
        });
    }
    let mut k = k - SUBJECTS.len();
    if k < LOCATIONS.len() {
        return Some(KeywordDef {
            text: LOCATIONS[k].0,
            kind: "Location",
            category: "Location",
        });
    }
    k -= LOCATIONS.len();
    if k < PEOPLE.len() {
        return Some(KeywordDef {
            text: PEOPLE[k],
            kind: "Specific people",
            category: "SpecificPeople",
        });
    }
    k -= PEOPLE.len();
    for (kind, category, values) in OTHER_KEYWORDS {
        if k < values.len() {
            return Some(KeywordDef {
                text: values[k],
                kind,
                category,
            });
        }
        k -= values.len();
    }
    None
}

/// Family of an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Creative (stock).
    Creative,
    /// Editorial (news, sport, entertainment…).
    Editorial,
}

impl Family {
    /// Wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Creative => "Creative",
            Family::Editorial => "Editorial",
        }
    }
}

/// The compact facts of one image, derived from `(seed, index)`.
#[derive(Clone, Debug)]
pub struct Core {
    /// Creative or editorial.
    pub family: Family,
    /// Index into [`ORIENTATIONS`].
    pub orientation: u8,
    /// Index into [`LICENSING`].
    pub licensing: u8,
    /// Index into [`GRAPHIC_STYLES`].
    pub graphic: u8,
    /// Index into [`FILE_TYPES`].
    pub file_type: u8,
    /// Black and white rather than colour.
    pub black_and_white: bool,
    /// Bit mask over [`SEGMENTS`].
    pub segments: u8,
    /// Index into [`COLLECTIONS`].
    pub collection: u8,
    /// Bit mask over [`OFFERINGS`].
    pub offerings: u8,
    /// Nudity-related.
    pub nudity: bool,
    /// Shot on a white background.
    pub white_background: bool,
    /// Embeddable (has a UrlEmbed).
    pub embeddable: bool,
    /// Creation time, minutes since 2000-01-01.
    pub created: u32,
    /// Submission time, minutes since 2000-01-01.
    pub submitted: u32,
    /// Popularity score (higher is more popular).
    pub popularity: u32,
    /// Event index (editorial images only).
    pub event: Option<u32>,
    /// Editorial quality rank 1–3.
    pub quality: u8,
    /// Global keyword indexes: subjects, location, people, other families.
    pub keywords: Vec<u16>,
    /// People in the image: (global keyword index, visual prominence).
    pub people: Vec<(u16, &'static str)>,
    /// Index into [`LOCATIONS`].
    pub location: u16,
    /// Index into [`ARTISTS`].
    pub artist: u16,
    /// Index into [`ADJECTIVES`].
    pub adjective: u16,
    /// Longest side of the master size, pixels.
    pub master_px: u32,
    /// Index into [`COLOURS`]: the dominant colour (none in black and white).
    pub colour: Option<u16>,
    /// Index into [`SCENES`], for the images that show a landmark or scenery.
    pub scene: Option<u16>,
}

/// Facts of one event, derived from `(seed, index)`.
#[derive(Clone, Debug)]
pub struct EventCore {
    /// Index into [`EVENT_THEMES`].
    pub theme: usize,
    /// Index into [`LOCATIONS`].
    pub location: usize,
    /// Index into [`VENUES`].
    pub venue: usize,
    /// Start, minutes since 2000-01-01.
    pub start: u32,
    /// The people who appear at it (indexes into [`PEOPLE`]).
    pub people: [usize; 3],
}

impl EventCore {
    /// Index into [`SEGMENTS`].
    pub fn segment(&self) -> usize {
        EVENT_THEMES[self.theme].1
    }
    /// Year of the start date.
    pub fn year(&self) -> i64 {
        year_of(self.start)
    }
    /// Display name, e.g. `Lisbon Marathon 2012`.
    pub fn name(&self) -> String {
        format!(
            "{} {} {}",
            LOCATIONS[self.location].0,
            EVENT_THEMES[self.theme].0,
            self.year()
        )
    }
}

/// The civil year of a minutes-since-2000 value.
pub fn year_of(minutes: u32) -> i64 {
    let days = i64::from(minutes) / 1440 + (EPOCH_2000 / 86_400);
    civil_from_days(days).0
}

/// Unix milliseconds of a minutes-since-2000 value.
pub fn minutes_to_millis(m: u32) -> i64 {
    (EPOCH_2000 + i64::from(m) * 60) * 1000
}

/// An MS JSON date string for a minutes-since-2000 value.
pub fn ms_date(m: u32) -> connect_types::MsDate {
    connect_types::MsDate {
        millis: minutes_to_millis(m),
        offset_minutes: Some(DATE_OFFSET_MINUTES),
    }
}

/// Sizes of the catalog's parts, fixed by the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// The catalog seed.
    pub seed: u64,
    /// Number of images.
    pub images: u32,
    /// Number of events.
    pub events: u32,
    /// Number of videos.
    pub videos: u32,
    /// Size of every 1000th image's master file.
    pub large_file_bytes: u64,
}

impl Shape {
    /// The catalog shape for a seed and image count.
    pub fn new(seed: u64, images: u32, large_file_bytes: u64) -> Self {
        Shape {
            seed,
            images,
            events: (images / 250).max(20),
            videos: (images / 10).max(100),
            large_file_bytes,
        }
    }

    /// The event facts of event `e`.
    pub fn event(&self, e: u32) -> EventCore {
        let mut r = Rng::new(self.seed ^ 0xE7E7, u64::from(e));
        let theme = r.pick(EVENT_THEMES.len());
        let location = r.pick(LOCATIONS.len());
        let venue = r.pick(VENUES.len());
        // Archival events lie in the distant past, the others 2008–2025.
        let start = if EVENT_THEMES[theme].1 == 5 {
            r.below(8 * MINUTES_PER_YEAR) as u32
        } else {
            (8 * MINUTES_PER_YEAR + r.below(18 * MINUTES_PER_YEAR)) as u32
        };
        let people = [
            r.pick(PEOPLE.len()),
            r.pick(PEOPLE.len()),
            r.pick(PEOPLE.len()),
        ];
        EventCore {
            theme,
            location,
            venue,
            start,
            people,
        }
    }

    /// The compact facts of image `i`.
    pub fn image(&self, i: u32) -> Core {
        let mut r = Rng::new(self.seed, u64::from(i));
        let editorial = r.chance(40);
        let family = if editorial {
            Family::Editorial
        } else {
            Family::Creative
        };
        let o = r.below(100);
        let orientation = match o {
            0..=54 => 0,
            55..=84 => 1,
            85..=90 => 2,
            91..=92 => 3,
            _ => 4,
        };
        let black_and_white = r.chance(10);
        let nudity = r.chance(3);
        let embeddable = r.chance(60);
        let popularity = (r.below(1000) * r.below(1000)) as u32;
        let artist = r.pick(ARTISTS.len()) as u16;
        let adjective = r.pick(ADJECTIVES.len()) as u16;
        let master_px = 2400 + r.below(3600) as u32;
        let mut keywords: Vec<u16> = Vec::with_capacity(16);
        let mut people = Vec::new();
        let n_subjects = if editorial {
            3 + r.below(3)
        } else {
            4 + r.below(4)
        };
        while (keywords.len() as u64) < n_subjects {
            let s = r.pick(SUBJECTS.len()) as u16;
            if !keywords.contains(&s) {
                keywords.push(s);
            }
        }
        let (licensing, graphic, file_type, segments, collection, offerings, white_bg);
        let (created, event, quality, location);
        if editorial {
            let e = r.below(u64::from(self.events)) as u32;
            let ev = self.event(e);
            licensing = u8::from(r.chance(70));
            graphic = 0;
            file_type = 0;
            let seg = ev.segment();
            segments = (1u8 << seg) | if r.chance(5) { 1 << 5 } else { 0 };
            collection = match seg {
                1 => 8,
                2 => 9,
                3 => 10,
                5 => 11,
                _ => 7,
            };
            offerings = 0b110 | u8::from(r.chance(30));
            white_bg = false;
            created = ev.start + r.below(600) as u32;
            event = Some(e);
            quality = 1 + r.below(3) as u8;
            location = ev.location as u16;
            let n_people = r.below(3);
            for k in 0..n_people {
                let p = ev.people[r.pick(3)];
                let kw = crate::catalog::person_kw(p) as u16;
                if !people.iter().any(|(q, _)| *q == kw) {
                    let prominence = ["VeryHigh", "High", "Medium"][(k as usize).min(2)];
                    people.push((kw, prominence));
                }
            }
        } else {
            licensing = u8::from(r.chance(25));
            graphic = u8::from(r.chance(20));
            file_type = if graphic == 1 {
                u8::from(r.chance(50))
            } else {
                0
            };
            segments = 0;
            collection = if graphic == 1 { 6 } else { r.below(6) as u8 };
            offerings = if licensing == 0 { 0b11101 } else { 0b00100 };
            white_bg = r.chance(10);
            created = (5 * MINUTES_PER_YEAR + r.below(20 * MINUTES_PER_YEAR)) as u32;
            event = None;
            quality = 0;
            location = r.pick(LOCATIONS.len()) as u16;
        }
        keywords.push(location_kw(location as usize) as u16);
        for (kw, _) in &people {
            keywords.push(*kw);
        }
        for (f, fam) in OTHER_KEYWORDS.iter().enumerate() {
            // Not every image carries every family, like real keywording.
            if r.chance(70) {
                keywords.push(other_kw(f, r.pick(fam.2.len())) as u16);
            }
        }
        let submitted = created.saturating_add(1440 + r.below(30 * 1440) as u32);
        // A stream of its own: the facts drawn above stay what they were before colours and
        // scenes existed, for the same seed.
        let mut extra = Rng::new(self.seed ^ 0xC0_10E5, u64::from(i));
        let colour = extra.pick(COLOURS.len()) as u16;
        let colour = (!black_and_white).then_some(colour);
        // Landmarks suit creative pictures; an editorial one is about its event.
        let scene = (extra.chance(50) && !editorial).then(|| extra.pick(SCENES.len()) as u16);
        Core {
            family,
            orientation,
            licensing,
            graphic,
            file_type,
            black_and_white,
            segments,
            collection,
            offerings,
            nudity,
            white_background: white_bg,
            embeddable,
            created,
            submitted,
            popularity,
            event,
            quality,
            keywords,
            people,
            location,
            artist,
            adjective,
            master_px,
            colour,
            scene,
        }
    }

    /// Index of an image id, if it is in the catalog.
    pub fn image_index(&self, id: &str) -> Option<u32> {
        let n: u64 = id.trim().parse().ok()?;
        let i = n.checked_sub(IMAGE_ID_BASE)?;
        (i < u64::from(self.images)).then_some(i as u32)
    }

    /// Index of a video id, if it is in the catalog.
    pub fn video_index(&self, id: &str) -> Option<u32> {
        let n: u64 = id.trim().parse().ok()?;
        let v = n.checked_sub(VIDEO_ID_BASE)?;
        (v < u64::from(self.videos)).then_some(v as u32)
    }

    /// Index of an event id, if it exists.
    pub fn event_index(&self, id: u64) -> Option<u32> {
        let e = id.checked_sub(EVENT_ID_BASE)?;
        (e < u64::from(self.events)).then_some(e as u32)
    }

    /// The downloadable sizes of image `i`.
    pub fn image_sizes(&self, i: u32, core: &Core) -> Vec<Size> {
        let (w_ratio, h_ratio) = match core.orientation {
            0 => (3.0, 2.0),
            1 => (2.0, 3.0),
            2 => (3.0, 1.0),
            3 => (1.0, 3.0),
            _ => (1.0, 1.0),
        };
        let dims = |long: u32| -> (u32, u32) {
            let long_f = f64::from(long);
            if w_ratio >= h_ratio {
                (long, ((long_f * h_ratio / w_ratio).round() as u32).max(1))
            } else {
                (((long_f * w_ratio / h_ratio).round() as u32).max(1), long)
            }
        };
        let mut sizes = Vec::with_capacity(4);
        let specs: [(&'static str, u32, u32); 4] = [
            ("small", 480, 72),
            ("medium", 1024, 72),
            ("large", 2048, 300),
            ("master", core.master_px, 300),
        ];
        for (n, (key, long, dpi)) in specs.into_iter().enumerate() {
            let (w, h) = dims(long);
            let mut r = Rng::new(self.seed ^ 0x5123, u64::from(i) * 8 + n as u64);
            let per_px = 0.30 + r.unit() * 0.15;
            let mut bytes = ((f64::from(w) * f64::from(h) * per_px) as u64).max(4096);
            let (mut w, mut h) = (w, h);
            if key == "master" && i % 1000 == 0 {
                // The large-download fixture: an exact, configurable size.
                bytes = self.large_file_bytes.max(16);
                w *= 4;
                h *= 4;
            }
            sizes.push(Size {
                key,
                pixel_width: w,
                pixel_height: h,
                dpi,
                bytes,
                mime: "image/jpeg",
            });
        }
        sizes
    }

    /// The compact facts of video `v`.
    pub fn video(&self, v: u32) -> VideoCore {
        let mut r = Rng::new(self.seed ^ 0x7157_0000, u64::from(v));
        let editorial = r.chance(35);
        let mut subjects = Vec::with_capacity(5);
        let n = 3 + r.below(3);
        while (subjects.len() as u64) < n {
            let s = r.pick(SUBJECTS.len()) as u16;
            if !subjects.contains(&s) {
                subjects.push(s);
            }
        }
        VideoCore {
            family: if editorial {
                Family::Editorial
            } else {
                Family::Creative
            },
            license: if editorial {
                if r.chance(50) { 2 } else { 1 }
            } else if r.chance(70) {
                0
            } else {
                1
            },
            hd: r.chance(75),
            clip_seconds: 5 + r.below(176) as u32,
            raw: editorial && r.chance(40),
            black_and_white: r.chance(8),
            nudity: r.chance(2),
            archival: r.chance(15),
            speed: r.pick(3) as u8,
            release: r.pick(6) as u8,
            collection: if editorial {
                7 + r.below(5) as u8
            } else {
                r.below(6) as u8
            },
            created: (5 * MINUTES_PER_YEAR + r.below(20 * MINUTES_PER_YEAR)) as u32,
            popularity: (r.below(1000) * r.below(1000)) as u32,
            subjects,
            location: r.pick(LOCATIONS.len()) as u16,
            artist: r.pick(ARTISTS.len()) as u16,
            adjective: r.pick(ADJECTIVES.len()) as u16,
        }
    }

    /// Downloadable sizes of a video.
    pub fn video_sizes(&self, core: &VideoCore) -> Vec<Size> {
        let secs = u64::from(core.clip_seconds);
        let mut v = vec![Size {
            key: "SD",
            pixel_width: 640,
            pixel_height: 480,
            dpi: 72,
            bytes: secs * 600_000,
            mime: "video/quicktime",
        }];
        if core.hd {
            v.push(Size {
                key: "HD",
                pixel_width: 1920,
                pixel_height: 1080,
                dpi: 72,
                bytes: secs * 2_500_000,
                mime: "video/quicktime",
            });
        }
        v
    }
}

/// Video license types, in the order of [`VideoCore::license`].
pub const VIDEO_LICENSES: &[&str] = &["RoyaltyFree", "RightsReady", "RightsManaged"];
/// Shot speeds, in the order of [`VideoCore::speed`].
pub const SHOT_SPEEDS: &[&str] = &["RealTime", "SlowMotion", "TimeLapse"];
/// Release values, in the order of [`VideoCore::release`].
pub const RELEASES: &[&str] = &[
    "ModelAndPropertyReleased",
    "ModelReleased",
    "NoReleaseRequired",
    "NotReleased",
    "PartiallyReleased",
    "PropertyReleased",
];

/// Compact facts of one video.
#[derive(Clone, Debug)]
pub struct VideoCore {
    /// Creative or editorial.
    pub family: Family,
    /// Index into [`VIDEO_LICENSES`].
    pub license: u8,
    /// Available in HD (else SD only).
    pub hd: bool,
    /// Clip length in seconds.
    pub clip_seconds: u32,
    /// Raw (vs produced) editorial footage.
    pub raw: bool,
    /// Black and white.
    pub black_and_white: bool,
    /// Nudity-related.
    pub nudity: bool,
    /// Archival era.
    pub archival: bool,
    /// Index into [`SHOT_SPEEDS`].
    pub speed: u8,
    /// Index into [`RELEASES`].
    pub release: u8,
    /// Index into [`COLLECTIONS`].
    pub collection: u8,
    /// Creation time, minutes since 2000-01-01.
    pub created: u32,
    /// Popularity score.
    pub popularity: u32,
    /// Subject keyword indexes.
    pub subjects: Vec<u16>,
    /// Index into [`LOCATIONS`].
    pub location: u16,
    /// Index into [`ARTISTS`].
    pub artist: u16,
    /// Index into [`ADJECTIVES`].
    pub adjective: u16,
}

/// One downloadable size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Size {
    /// `SizeKey`.
    pub key: &'static str,
    /// Width in pixels.
    pub pixel_width: u32,
    /// Height in pixels.
    pub pixel_height: u32,
    /// Resolution.
    pub dpi: u32,
    /// Exact file size.
    pub bytes: u64,
    /// MIME type.
    pub mime: &'static str,
}

/// Capitalizes the first letter.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Title of an image.
pub fn image_title(shape: &Shape, core: &Core) -> String {
    let s = |k: usize| {
        core.keywords
            .get(k)
            .map_or("", |&i| SUBJECTS[usize::from(i) % SUBJECTS.len()])
    };
    match (core.family, core.event) {
        (Family::Editorial, Some(e)) => {
            let ev = shape.event(e);
            match core
                .people
                .first()
                .and_then(|(kw, _)| keyword(usize::from(*kw)))
            {
                Some(p) => format!("{} at the {}", p.text, ev.name()),
                None => ev.name(),
            }
        }
        _ => match core.scene {
            Some(scene) => format!(
                "{} {} and {} by the {}",
                capitalize(ADJECTIVES[usize::from(core.adjective)]),
                s(0),
                s(1),
                SCENES[usize::from(scene) % SCENES.len()]
            ),
            None => format!(
                "{} {} and {}",
                capitalize(ADJECTIVES[usize::from(core.adjective)]),
                s(0),
                s(1)
            ),
        },
    }
}

/// The caption's closing words: the scene, if any, and the dominant colour.
fn caption_tail(core: &Core) -> String {
    let colour = match core.colour {
        Some(c) => format!("mostly {}", COLOURS[usize::from(c) % COLOURS.len()]),
        None => "in black and white".to_owned(),
    };
    match core.scene {
        Some(scene) => format!(
            "near a {}, {colour}",
            SCENES[usize::from(scene) % SCENES.len()]
        ),
        None => colour,
    }
}

/// Caption of an image.
pub fn image_caption(shape: &Shape, core: &Core) -> String {
    let s = |k: usize| {
        core.keywords
            .get(k)
            .map_or("", |&i| SUBJECTS[usize::from(i) % SUBJECTS.len()])
    };
    let (city, _, country) = LOCATIONS[usize::from(core.location)];
    let artist = ARTISTS[usize::from(core.artist)];
    match (core.family, core.event) {
        (Family::Editorial, Some(e)) => {
            let ev = shape.event(e);
            let days = minutes_to_millis(core.created) / 86_400_000;
            let (y, m, d) = civil_from_days(days);
            let who = core
                .people
                .first()
                .and_then(|(kw, _)| keyword(usize::from(*kw)))
                .map_or("A general view", |p| p.text);
            format!(
                "{city}, {country} - {y:04}-{m:02}-{d:02}: {who} at the {} at {} in {city}, with {} and {}, {}. (Photo by {artist}/Getty Images)",
                ev.name(),
                VENUES[ev.venue],
                s(0),
                s(1),
                caption_tail(core)
            )
        }
        _ => format!(
            "{} {} with {} and {} in {city}, {country}, {}.",
            capitalize(ADJECTIVES[usize::from(core.adjective)]),
            s(0),
            s(1),
            s(2),
            caption_tail(core)
        ),
    }
}

/// Title of a video.
pub fn video_title(core: &VideoCore) -> String {
    let s = |k: usize| {
        core.subjects
            .get(k)
            .map_or("", |&i| SUBJECTS[usize::from(i) % SUBJECTS.len()])
    };
    format!(
        "{} {} and {} footage",
        capitalize(ADJECTIVES[usize::from(core.adjective)]),
        s(0),
        s(1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids() {
        assert_eq!(year_of(0), 2000);
        let shape = Shape::new(1, 5_000, 1234);
        assert_eq!(shape.image_index("100004999"), Some(4_999));
        assert_eq!(shape.image_index("100005000"), None);
        assert_eq!(shape.image_index("99"), None);
        assert_eq!(shape.event_index(EVENT_ID_BASE + 19), Some(19));
        let big = shape.image_sizes(0, &shape.image(0));
        assert_eq!(
            big.iter().find(|s| s.key == "master").map(|s| s.bytes),
            Some(1234)
        );
    }

    #[test]
    fn the_catalog_is_a_function_of_the_seed() {
        let a = Shape::new(7, 100, 1);
        let b = Shape::new(7, 100, 1);
        let c = Shape::new(8, 100, 1);
        assert_eq!(
            image_caption(&a, &a.image(42)),
            image_caption(&b, &b.image(42))
        );
        assert_ne!(
            (0..20)
                .map(|i| image_title(&a, &a.image(i)))
                .collect::<Vec<_>>(),
            (0..20)
                .map(|i| image_title(&c, &c.image(i)))
                .collect::<Vec<_>>()
        );
        assert!((0..catalog_keywords()).all(|k| keyword(k).is_some()));
        assert!(keyword(catalog_keywords()).is_none());
    }

    fn catalog_keywords() -> usize {
        keyword_count()
    }
}

//! The catalog's images and events: [`Shape`] (its sizes, fixed by the configuration) derives
//! each one's compact facts ([`Core`], [`EventCore`]) and sizes ([`Size`]) from `(seed, index)`.

use super::calendar::{MINUTES_PER_YEAR, year_of};
use super::ids::{EVENT_ID_BASE, Family, IMAGE_ID_BASE, VIDEO_ID_BASE};
use super::video::VideoCore;
use super::vocabulary::{location_kw, other_kw};
use crate::rng::Rng;
use crate::vocab::{
    ADJECTIVES, ARTISTS, COLOURS, EVENT_THEMES, LOCATIONS, OTHER_KEYWORDS, PEOPLE, SCENES,
    SUBJECTS, VENUES,
};

/// The compact facts of one image, derived from `(seed, index)`.
#[derive(Clone, Debug)]
pub struct Core {
    /// Creative or editorial.
    pub family: Family,
    /// Index into [`ORIENTATIONS`](super::vocabulary::ORIENTATIONS).
    pub orientation: u8,
    /// Index into [`LICENSING`](super::vocabulary::LICENSING).
    pub licensing: u8,
    /// Index into [`GRAPHIC_STYLES`](super::vocabulary::GRAPHIC_STYLES).
    pub graphic: u8,
    /// Index into [`FILE_TYPES`](super::vocabulary::FILE_TYPES).
    pub file_type: u8,
    /// Black and white rather than colour.
    pub black_and_white: bool,
    /// Bit mask over [`SEGMENTS`](crate::vocab::SEGMENTS).
    pub segments: u8,
    /// Index into [`COLLECTIONS`](crate::vocab::COLLECTIONS).
    pub collection: u8,
    /// Bit mask over [`OFFERINGS`](super::vocabulary::OFFERINGS).
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
    /// Index into [`SEGMENTS`](crate::vocab::SEGMENTS).
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

//! The catalog's pictures: thumbnails, previews and comps (plain and watermarked), served at
//! `GET /media/<kind>/<image id>.jpg`, and the JPEG at the start of every downloaded image.
//!
//! Each picture is drawn from the image's seed (a two-colour gradient, a few discs and bars in
//! seeded colours, grey for black-and-white images) at the image's aspect ratio, so different
//! images look different and the same image always looks the same. Watermarked kinds carry
//! "SANDBOX" across the picture in light, repeated letters. Encoded pictures are kept in a
//! small cache, so a gallery page costs a few encodes once and lookups afterwards.

use crate::catalog::{Core, Shape};
use crate::rng::Rng;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;

/// Where the pictures are served, below the HTTP listener's base URL.
pub const MEDIA_PATH: &str = "/media";
/// Where an image's embed page is served (oEmbed's iframe and search results' `UrlEmbed`).
pub const EMBED_PATH: &str = "/embed";

/// The embed page of image `id`, on the listener whose media base URL is `media`.
pub fn embed_url(media: &str, id: &str) -> String {
    let base = media.strip_suffix(MEDIA_PATH).unwrap_or(media);
    format!("{base}{EMBED_PATH}/{id}")
}

/// One kind of picture: its URL segment, longest side in pixels, and whether it is
/// watermarked. Sizes: 170 px thumbnails and 340 px previews as documented; comps (whose size
/// the documentation leaves open) 592 px, high-resolution comps 1024 px.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kind {
    /// The URL segment, e.g. `thumb`.
    pub name: &'static str,
    /// Longest side in pixels.
    pub longest: u16,
    /// Whether "SANDBOX" is drawn across it.
    pub watermark: bool,
}

/// Every kind the result URLs name.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "thumb",
        longest: 170,
        watermark: false,
    },
    Kind {
        name: "preview",
        longest: 340,
        watermark: false,
    },
    Kind {
        name: "preview-watermark",
        longest: 340,
        watermark: true,
    },
    Kind {
        name: "comp",
        longest: 592,
        watermark: false,
    },
    Kind {
        name: "comp-watermark",
        longest: 592,
        watermark: true,
    },
    Kind {
        name: "hires-comp",
        longest: 1024,
        watermark: false,
    },
    Kind {
        name: "hires-comp-watermark",
        longest: 1024,
        watermark: true,
    },
];

/// The kind named `name`, if any.
pub fn kind(name: &str) -> Option<Kind> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// Width and height of image `core` at longest side `longest` (its orientation's ratio, the
/// same as the catalog's download sizes).
pub fn dimensions(core: &Core, longest: u16) -> (u16, u16) {
    let (w, h) = match core.orientation {
        0 => (3, 2),
        1 => (2, 3),
        2 => (3, 1),
        3 => (1, 3),
        _ => (1, 1),
    };
    let long = u32::from(longest);
    if w >= h {
        (longest, ((long * h + w / 2) / w).max(1) as u16)
    } else {
        (((long * w + h / 2) / h).max(1) as u16, longest)
    }
}

/// Draws and encodes picture `kind` of image `i` as a baseline JPEG.
pub fn render(shape: &Shape, i: u32, kind: Kind) -> Vec<u8> {
    let core = shape.image(i);
    let (w, h) = dimensions(&core, kind.longest);
    let mut canvas = Canvas::new(w, h);
    paint(&mut canvas, shape.seed, i, core.black_and_white);
    if kind.watermark {
        watermark(&mut canvas);
    }
    canvas.encode()
}

/// A cache of encoded pictures, bounded by count (the largest kind is about 60 KiB).
#[derive(Debug, Default)]
pub struct PictureCache {
    map: Mutex<HashMap<(u32, &'static str), Bytes>>,
}

/// Pictures kept before the cache starts over: enough for a few gallery pages of every kind.
const CACHE_ENTRIES: usize = 2048;

impl PictureCache {
    /// Picture `kind` of image `i`, encoded on first use.
    pub fn get(&self, shape: &Shape, i: u32, kind: Kind) -> Bytes {
        let key = (i, kind.name);
        if let Some(b) = self.lock().get(&key) {
            return b.clone();
        }
        // Encoded outside the lock: two requests racing for the same picture both encode it,
        // which is cheaper than making every other request wait.
        let bytes = Bytes::from(render(shape, i, kind));
        let mut map = self.lock();
        if map.len() >= CACHE_ENTRIES {
            map.clear();
        }
        map.insert(key, bytes.clone());
        bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(u32, &'static str), Bytes>> {
        // A panic while holding the lock leaves a usable map behind: keep serving.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An RGB picture being drawn.
struct Canvas {
    w: u16,
    h: u16,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: u16, h: u16) -> Self {
        Canvas {
            w,
            h,
            px: vec![0; usize::from(w) * usize::from(h) * 3],
        }
    }

    fn blend(&mut self, x: usize, y: usize, c: [u8; 3], alpha: u16) {
        let at = (y * usize::from(self.w) + x) * 3;
        for (k, v) in c.iter().enumerate() {
            let old = u16::from(self.px[at + k]);
            self.px[at + k] = ((old * (256 - alpha) + u16::from(*v) * alpha) >> 8) as u8;
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.px.len() / 8);
        let encoder = jpeg_encoder::Encoder::new(&mut out, 82);
        // Encoding into memory fails only for a zero-sized picture, which `dimensions` never
        // gives; an empty answer would still be an honest (undecodable) failure, not a panic.
        let _ = encoder.encode(&self.px, self.w, self.h, jpeg_encoder::ColorType::Rgb);
        out
    }
}

/// A seeded colour: saturated and not too dark, so shapes stand out.
fn colour(r: &mut Rng) -> [u8; 3] {
    let hue = r.below(360) as f32;
    let (s, v) = (0.45 + r.unit() as f32 * 0.5, 0.55 + r.unit() as f32 * 0.45);
    let c = v * s;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let (r1, g1, b1) = match (hue / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    [r1, g1, b1].map(|u| ((u + m) * 255.0) as u8)
}

fn grey(c: [u8; 3]) -> [u8; 3] {
    let y = ((u32::from(c[0]) * 77 + u32::from(c[1]) * 150 + u32::from(c[2]) * 29) >> 8) as u8;
    [y, y, y]
}

/// The picture itself: a diagonal gradient between two colours, then discs and bars.
fn paint(c: &mut Canvas, seed: u64, i: u32, bw: bool) {
    let mut r = Rng::new(seed ^ 0x9_1c7e, u64::from(i));
    let tone = |x: [u8; 3]| if bw { grey(x) } else { x };
    let (a, b) = (tone(colour(&mut r)), tone(colour(&mut r)));
    let (w, h) = (usize::from(c.w), usize::from(c.h));
    let span = (w + h).max(1);
    for y in 0..h {
        for x in 0..w {
            let t = ((x + y) * 256 / span) as u16;
            let at = (y * w + x) * 3;
            for k in 0..3 {
                c.px[at + k] = ((u16::from(a[k]) * (256 - t) + u16::from(b[k]) * t) >> 8) as u8;
            }
        }
    }
    let unit = w.min(h).max(1);
    for _ in 0..3 + r.below(3) {
        let fill = tone(colour(&mut r));
        let (cx, cy) = (r.below(w as u64) as i64, r.below(h as u64) as i64);
        let rad = (unit / 8 + r.below((unit / 3).max(1) as u64) as usize) as i64;
        disc(c, cx, cy, rad, fill);
    }
    for _ in 0..1 + r.below(3) {
        let fill = tone(colour(&mut r));
        let (x0, y0) = (r.below(w as u64) as usize, r.below(h as u64) as usize);
        let (bw_, bh) = (
            unit / 10 + r.below((w / 2).max(1) as u64) as usize,
            unit / 12 + r.below((unit / 6).max(1) as u64) as usize,
        );
        for y in y0..(y0 + bh).min(h) {
            for x in x0..(x0 + bw_).min(w) {
                c.blend(x, y, fill, 200);
            }
        }
    }
}

fn disc(c: &mut Canvas, cx: i64, cy: i64, rad: i64, fill: [u8; 3]) {
    let (w, h) = (i64::from(c.w), i64::from(c.h));
    for y in (cy - rad).max(0)..(cy + rad + 1).min(h) {
        for x in (cx - rad).max(0)..(cx + rad + 1).min(w) {
            let (dx, dy) = (x - cx, y - cy);
            if dx * dx + dy * dy <= rad * rad {
                c.blend(x as usize, y as usize, fill, 230);
            }
        }
    }
}

/// 5×7 glyphs of the watermark's letters, one row per byte (bit 4 is the leftmost column).
const GLYPHS: [(char, [u8; 7]); 7] = [
    ('S', [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E]),
    ('A', [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11]),
    ('N', [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11]),
    ('D', [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E]),
    ('B', [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E]),
    ('O', [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E]),
    ('X', [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11]),
];
const WORD: &str = "SANDBOX";

/// "SANDBOX" in rows across the picture, white at 60 % over a dark outline, so it shows on
/// light and dark areas alike.
fn watermark(c: &mut Canvas) {
    let (w, h) = (usize::from(c.w), usize::from(c.h));
    // Letter cells are 6×8 dots; a dot is `scale` pixels.
    let scale = (w.max(h) / 110).max(1);
    let word_w = WORD.len() * 6 * scale;
    let line_h = 8 * scale * 2;
    let mut row = 0;
    let mut top = line_h / 3;
    while top + 7 * scale <= h {
        // Every other row shifted by half a word, like tiled stock watermarks.
        let shift = if row % 2 == 1 { word_w / 2 } else { 0 };
        let mut left = (w % word_w) / 2 + shift;
        if left + word_w > w {
            left = (w % word_w) / 2;
        }
        while left + word_w <= w {
            for (n, ch) in WORD.chars().enumerate() {
                let Some((_, rows)) = GLYPHS.iter().find(|(g, _)| *g == ch) else {
                    continue;
                };
                let x0 = left + n * 6 * scale;
                letter(c, rows, x0, top, scale);
            }
            left += word_w + 3 * scale;
        }
        top += line_h;
        row += 1;
    }
}

fn letter(c: &mut Canvas, rows: &[u8; 7], x0: usize, y0: usize, scale: usize) {
    let (w, h) = (usize::from(c.w), usize::from(c.h));
    for (dy, bits) in rows.iter().enumerate() {
        for dx in 0..5 {
            if bits & (0x10 >> dx) == 0 {
                continue;
            }
            let (px, py) = (x0 + dx * scale, y0 + dy * scale);
            for y in py..(py + scale).min(h) {
                for x in px..(px + scale).min(w) {
                    // A one-pixel shadow below and to the right, then the light dot.
                    if x + 1 < w && y + 1 < h {
                        c.blend(x + 1, y + 1, [0, 0, 0], 90);
                    }
                    c.blend(x, y, [255, 255, 255], 160);
                }
            }
        }
    }
}

impl PictureCache {
    /// The JPEG that starts a downloaded image file of `len` bytes, if one fits: the comp-sized
    /// picture of the image when the file can hold it, else the thumbnail. The catalog's
    /// length stays the truth; the rest of the file is filler.
    pub fn file_head(&self, shape: &Shape, i: u32, len: u64) -> Option<Bytes> {
        [kind("comp"), kind("thumb")]
            .into_iter()
            .flatten()
            .map(|k| self.get(shape, i, k))
            .find(|jpeg| (jpeg.len() as u64) + 2 <= len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_follow_the_orientation() {
        let shape = Shape::new(42, 100, 1 << 20);
        for i in 0..100 {
            let core = shape.image(i);
            let (w, h) = dimensions(&core, 170);
            assert_eq!(w.max(h), 170);
            match core.orientation {
                0 => assert_eq!((w, h), (170, 113)),
                1 => assert_eq!((w, h), (113, 170)),
                2 => assert_eq!((w, h), (170, 57)),
                3 => assert_eq!((w, h), (57, 170)),
                _ => assert_eq!((w, h), (170, 170)),
            }
        }
    }

    #[test]
    fn pictures_are_deterministic_and_differ_between_images() {
        let shape = Shape::new(42, 100, 1 << 20);
        let thumb = KINDS[0];
        assert_eq!(render(&shape, 3, thumb), render(&shape, 3, thumb));
        assert_ne!(render(&shape, 3, thumb), render(&shape, 4, thumb));
        let jpeg = render(&shape, 3, thumb);
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
    }
}

//! The search index, built once at start: term → image ids, keyword → image ids,
//! event → image ids, and a compact attribute row per image for the filters and sorts.

use crate::catalog::{self, Core, Family, Shape};
use crate::vocab::{ADJECTIVES, COLOURS, EVENT_THEMES, LOCATIONS, SCENES, STOPWORDS};
use std::collections::HashMap;

/// The per-image facts the filters and sort orders read, packed small (a million rows fit in
/// about 24 MB).
#[derive(Clone, Copy, Debug, Default)]
pub struct Attrs {
    /// Creation time (minutes since 2000).
    pub created: u32,
    /// Submission time (minutes since 2000).
    pub submitted: u32,
    /// Popularity.
    pub popularity: u32,
    /// Bit 0 editorial; bits 1–3 orientation; bit 4 rights-managed; bit 5 illustration;
    /// bit 6 eps; bit 7 black and white; bits 8–13 segments; bits 14–18 offerings;
    /// bit 19 nudity; bit 20 white background; bit 21 embeddable.
    pub bits: u32,
    /// Collection index.
    pub collection: u8,
}

impl Attrs {
    fn from_core(c: &Core) -> Self {
        let bits = u32::from(c.family == Family::Editorial)
            | u32::from(c.orientation) << 1
            | u32::from(c.licensing) << 4
            | u32::from(c.graphic) << 5
            | u32::from(c.file_type) << 6
            | u32::from(c.black_and_white) << 7
            | u32::from(c.segments) << 8
            | u32::from(c.offerings) << 14
            | u32::from(c.nudity) << 19
            | u32::from(c.white_background) << 20
            | u32::from(c.embeddable) << 21;
        Attrs {
            created: c.created,
            submitted: c.submitted,
            popularity: c.popularity,
            bits,
            collection: c.collection,
        }
    }
    /// Editorial family.
    pub fn editorial(&self) -> bool {
        self.bits & 1 != 0
    }
    /// Orientation index.
    pub fn orientation(&self) -> u8 {
        ((self.bits >> 1) & 0b111) as u8
    }
    /// Licensing index.
    pub fn licensing(&self) -> u8 {
        ((self.bits >> 4) & 1) as u8
    }
    /// Graphic style index.
    pub fn graphic(&self) -> u8 {
        ((self.bits >> 5) & 1) as u8
    }
    /// File type index.
    pub fn file_type(&self) -> u8 {
        ((self.bits >> 6) & 1) as u8
    }
    /// Segment mask.
    pub fn segments(&self) -> u8 {
        ((self.bits >> 8) & 0b11_1111) as u8
    }
    /// Offerings mask.
    pub fn offerings(&self) -> u8 {
        ((self.bits >> 14) & 0b1_1111) as u8
    }
    /// Nudity-related.
    pub fn nudity(&self) -> bool {
        self.bits & (1 << 19) != 0
    }
    /// White background.
    pub fn white_background(&self) -> bool {
        self.bits & (1 << 20) != 0
    }
    /// Embeddable.
    pub fn embeddable(&self) -> bool {
        self.bits & (1 << 21) != 0
    }
}

/// Splits text into lower-case alphanumeric search terms.
pub fn tokenize(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether a term is too common to mean anything.
pub fn is_stopword(t: &str) -> bool {
    STOPWORDS.contains(&t)
}

/// The catalog with its search index.
pub struct Index {
    /// The catalog's shape (seed and counts).
    pub shape: Shape,
    /// Term → term id.
    pub terms: HashMap<String, u32>,
    /// Term id → sorted image indexes.
    pub term_postings: Vec<Vec<u32>>,
    /// Global keyword index → sorted image indexes.
    pub keyword_postings: Vec<Vec<u32>>,
    /// Event index → sorted image indexes.
    pub event_postings: Vec<Vec<u32>>,
    /// Per-image attributes.
    pub attrs: Vec<Attrs>,
    /// Term id → sorted video indexes.
    pub video_term_postings: Vec<Vec<u32>>,
    /// Subject keyword → sorted video indexes.
    pub video_keyword_postings: Vec<Vec<u32>>,
}

impl std::fmt::Debug for Index {
    // The postings run to millions of entries; show their size only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("shape", &self.shape)
            .field("terms", &self.terms.len())
            .finish_non_exhaustive()
    }
}

struct Part {
    terms: Vec<Vec<u32>>,
    keywords: Vec<Vec<u32>>,
    events: Vec<Vec<u32>>,
    attrs: Vec<Attrs>,
}

struct TermTables {
    keyword: Vec<Vec<u32>>,
    adjective: Vec<Vec<u32>>,
    country: Vec<Vec<u32>>,
    event: Vec<Vec<u32>>,
    colour: Vec<Vec<u32>>,
    scene: Vec<Vec<u32>>,
}

fn intern(dict: &mut HashMap<String, u32>, text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for t in tokenize(text) {
        if is_stopword(&t) {
            continue;
        }
        let next = dict.len() as u32;
        let id = *dict.entry(t).or_insert(next);
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

impl Index {
    /// Builds the index for `shape`, on two threads.
    pub fn build(shape: Shape) -> Index {
        let mut dict = HashMap::new();
        let keyword: Vec<Vec<u32>> = (0..catalog::keyword_count())
            .map(|k| catalog::keyword(k).map_or_else(Vec::new, |d| intern(&mut dict, d.text)))
            .collect();
        let adjective: Vec<Vec<u32>> = ADJECTIVES.iter().map(|a| intern(&mut dict, a)).collect();
        let country: Vec<Vec<u32>> = LOCATIONS
            .iter()
            .map(|(_, _, country)| intern(&mut dict, country))
            .collect();
        for (theme, _) in EVENT_THEMES {
            intern(&mut dict, theme);
        }
        let event: Vec<Vec<u32>> = (0..shape.events)
            .map(|e| intern(&mut dict, &shape.event(e).name()))
            .collect();
        let colour: Vec<Vec<u32>> = COLOURS.iter().map(|c| intern(&mut dict, c)).collect();
        let scene: Vec<Vec<u32>> = SCENES.iter().map(|c| intern(&mut dict, c)).collect();
        let tables = TermTables {
            keyword,
            adjective,
            country,
            event,
            colour,
            scene,
        };
        let n_terms = dict.len();
        let n_keywords = catalog::keyword_count();
        let n = shape.images;
        let mid = n / 2;
        let build_part = |from: u32, to: u32| -> Part {
            let mut part = Part {
                terms: vec![Vec::new(); n_terms],
                keywords: vec![Vec::new(); n_keywords],
                events: vec![Vec::new(); shape.events as usize],
                attrs: Vec::with_capacity((to - from) as usize),
            };
            let mut buf: Vec<u32> = Vec::with_capacity(64);
            for i in from..to {
                let core = shape.image(i);
                part.attrs.push(Attrs::from_core(&core));
                buf.clear();
                for &k in &core.keywords {
                    let k = usize::from(k);
                    if let Some(p) = part.keywords.get_mut(k) {
                        p.push(i);
                    }
                    if let Some(ts) = tables.keyword.get(k) {
                        buf.extend_from_slice(ts);
                    }
                }
                if let Some(ts) = tables.adjective.get(usize::from(core.adjective)) {
                    buf.extend_from_slice(ts);
                }
                if let Some(ts) = tables.country.get(usize::from(core.location)) {
                    buf.extend_from_slice(ts);
                }
                for (table, at) in [(&tables.colour, core.colour), (&tables.scene, core.scene)] {
                    if let Some(ts) = at.and_then(|k| table.get(usize::from(k))) {
                        buf.extend_from_slice(ts);
                    }
                }
                if let Some(e) = core.event {
                    if let Some(p) = part.events.get_mut(e as usize) {
                        p.push(i);
                    }
                    if let Some(ts) = tables.event.get(e as usize) {
                        buf.extend_from_slice(ts);
                    }
                }
                buf.sort_unstable();
                buf.dedup();
                for &t in &buf {
                    if let Some(p) = part.terms.get_mut(t as usize) {
                        p.push(i);
                    }
                }
            }
            part
        };
        let (a, b) = std::thread::scope(|s| {
            let second = s.spawn(|| build_part(mid, n));
            let first = build_part(0, mid);
            // A panic in the helper thread would be a bug in the pure code above; fall back
            // to building that half here rather than propagating it.
            let second = second.join().unwrap_or_else(|_| build_part(mid, n));
            (first, second)
        });
        let join = |mut x: Vec<Vec<u32>>, y: Vec<Vec<u32>>| {
            for (p, q) in x.iter_mut().zip(y) {
                p.extend_from_slice(&q);
            }
            x
        };
        let mut attrs = a.attrs;
        attrs.extend_from_slice(&b.attrs);
        let term_postings = join(a.terms, b.terms);
        let keyword_postings = join(a.keywords, b.keywords);
        let event_postings = join(a.events, b.events);

        let mut video_term_postings = vec![Vec::new(); n_terms];
        let mut video_keyword_postings = vec![Vec::new(); crate::vocab::SUBJECTS.len()];
        let mut buf = Vec::new();
        for v in 0..shape.videos {
            let core = shape.video(v);
            buf.clear();
            for &s in &core.subjects {
                if let Some(p) = video_keyword_postings.get_mut(usize::from(s)) {
                    p.push(v);
                }
                if let Some(ts) = tables.keyword.get(usize::from(s)) {
                    buf.extend_from_slice(ts);
                }
            }
            if let Some(ts) = tables.adjective.get(usize::from(core.adjective)) {
                buf.extend_from_slice(ts);
            }
            if let Some(ts) = tables
                .keyword
                .get(catalog::location_kw(usize::from(core.location)))
            {
                buf.extend_from_slice(ts);
            }
            buf.sort_unstable();
            buf.dedup();
            for &t in &buf {
                if let Some(p) = video_term_postings.get_mut(t as usize) {
                    p.push(v);
                }
            }
        }
        Index {
            shape,
            terms: dict,
            term_postings,
            keyword_postings,
            event_postings,
            attrs,
            video_term_postings,
            video_keyword_postings,
        }
    }

    /// Postings of a search term, trying a singular form for a plural (`dogs` → `dog`).
    pub fn term<'a>(&'a self, postings: &'a [Vec<u32>], word: &str) -> Option<&'a [u32]> {
        let lookup = |w: &str| self.terms.get(w).and_then(|&t| postings.get(t as usize));
        lookup(word)
            .or_else(|| word.strip_suffix("es").and_then(lookup))
            .or_else(|| word.strip_suffix('s').and_then(lookup))
            .map(Vec::as_slice)
    }
}

/// Intersects sorted id lists (smallest first, so the work is bounded by the rarest term).
pub fn intersect(mut lists: Vec<&[u32]>) -> Vec<u32> {
    lists.sort_by_key(|l| l.len());
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    let mut acc: Vec<u32> = first.to_vec();
    for l in rest {
        let mut out = Vec::with_capacity(acc.len());
        let mut j = 0;
        for &x in &acc {
            // Both lists are sorted: binary-search forward from the last position.
            j += l
                .get(j..)
                .map_or(0, |rest| rest.partition_point(|&y| y < x));
            if j < l.len() && l[j] == x {
                out.push(x);
            }
        }
        acc = out;
        if acc.is_empty() {
            break;
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersect_is_the_sorted_common_part() {
        let a = [1, 3, 5, 7, 9, 11];
        let b = [0, 3, 4, 5, 11, 12];
        let c = [3, 5, 6, 11];
        assert_eq!(intersect(vec![&a, &b, &c]), vec![3, 5, 11]);
        assert_eq!(intersect(vec![&a, &[]]), Vec::<u32>::new());
        assert_eq!(intersect(vec![]), Vec::<u32>::new());
    }

    #[test]
    fn postings_are_sorted_and_agree_with_the_records() {
        let idx = Index::build(Shape::new(3, 3_001, 1 << 20));
        assert_eq!(idx.attrs.len(), 3_001);
        let dog = idx.term(&idx.term_postings, "dogs").unwrap();
        assert!(dog.len() > 50);
        assert!(dog.windows(2).all(|w| w[0] < w[1]));
        for &i in dog.iter().take(20) {
            let core = idx.shape.image(i);
            assert!(
                core.keywords
                    .iter()
                    .any(|&k| catalog::keyword(usize::from(k)).unwrap().text == "dog")
            );
        }
        // Both halves built on separate threads joined in order.
        let all: usize = idx.event_postings.iter().map(Vec::len).sum();
        let editorial = idx.attrs.iter().filter(|a| a.editorial()).count();
        assert_eq!(all, editorial);
    }

    #[test]
    fn colours_and_scenes_are_searchable_and_said_in_the_caption() {
        // Phrases the README and the guides use, on a small catalog; each word of a hit is in
        // its title, caption or keywords.
        let idx = Index::build(Shape::new(42, 2_000, 1 << 20));
        for phrase in ["red car", "lighthouse", "blue sky"] {
            let lists: Vec<&[u32]> = phrase
                .split(' ')
                .map(|w| idx.term(&idx.term_postings, w).unwrap_or(&[]))
                .collect();
            let hits = intersect(lists);
            assert!(hits.len() >= 3, "{phrase}: {} hits", hits.len());
            for &i in hits.iter().take(10) {
                let core = idx.shape.image(i);
                let keywords: Vec<&str> = core
                    .keywords
                    .iter()
                    .filter_map(|&k| catalog::keyword(usize::from(k)).map(|d| d.text))
                    .collect();
                let text = format!(
                    "{} {} {}",
                    catalog::image_title(&idx.shape, &core),
                    catalog::image_caption(&idx.shape, &core),
                    keywords.join(" ")
                )
                .to_lowercase();
                for word in phrase.split(' ') {
                    assert!(text.contains(word), "{word} not in {text}");
                }
            }
        }
        // A black and white image names no colour.
        let bw = (0..2_000)
            .map(|i| idx.shape.image(i))
            .find(|c| c.black_and_white)
            .unwrap();
        assert!(bw.colour.is_none());
        assert!(catalog::image_caption(&idx.shape, &bw).contains("in black and white"));
    }
}

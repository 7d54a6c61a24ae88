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

/// The per-image attributes as columns: a search touches one column per candidate (the flags
/// for the filters, one sort key), so each candidate costs a 4-byte read instead of a whole
/// row, and a million images' flags (4 MB) stay in the cache between searches.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// [`Attrs::bits`] of each image.
    pub bits: Vec<u32>,
    /// [`Attrs::created`] of each image.
    pub created: Vec<u32>,
    /// [`Attrs::submitted`] of each image.
    pub submitted: Vec<u32>,
    /// [`Attrs::popularity`] of each image.
    pub popularity: Vec<u32>,
    /// [`Attrs::collection`] of each image.
    pub collection: Vec<u8>,
}

impl Columns {
    fn with_capacity(n: usize) -> Self {
        Columns {
            bits: Vec::with_capacity(n),
            created: Vec::with_capacity(n),
            submitted: Vec::with_capacity(n),
            popularity: Vec::with_capacity(n),
            collection: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, a: Attrs) {
        self.bits.push(a.bits);
        self.created.push(a.created);
        self.submitted.push(a.submitted);
        self.popularity.push(a.popularity);
        self.collection.push(a.collection);
    }

    fn append(&mut self, mut other: Columns) {
        self.bits.append(&mut other.bits);
        self.created.append(&mut other.created);
        self.submitted.append(&mut other.submitted);
        self.popularity.append(&mut other.popularity);
        self.collection.append(&mut other.collection);
    }

    /// How many images.
    pub fn len(&self) -> usize {
        self.bits.len()
    }

    /// Image `i`'s attributes as one row.
    pub fn row(&self, i: u32) -> Option<Attrs> {
        let i = i as usize;
        Some(Attrs {
            bits: *self.bits.get(i)?,
            created: *self.created.get(i)?,
            submitted: *self.submitted.get(i)?,
            popularity: *self.popularity.get(i)?,
            collection: *self.collection.get(i)?,
        })
    }

    /// Every image's attributes, in order.
    pub fn rows(&self) -> impl Iterator<Item = Attrs> + '_ {
        (0..self.len() as u32).filter_map(|i| self.row(i))
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
    /// Per-image attributes, by column.
    pub attrs: Columns,
    /// Term id → sorted video indexes.
    pub video_term_postings: Vec<Vec<u32>>,
    /// Subject keyword → sorted video indexes.
    pub video_keyword_postings: Vec<Vec<u32>>,
    /// The image sets of recent search filters.
    pub filter_sets: FilterSets,
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
    attrs: Columns,
}

struct TermTables {
    keyword: Vec<Vec<u32>>,
    adjective: Vec<Vec<u32>>,
    country: Vec<Vec<u32>>,
    event: Vec<Vec<u32>>,
    colour: Vec<Vec<u32>>,
    scene: Vec<Vec<u32>>,
}

impl TermTables {
    /// The term dictionary and each text's terms in it, for `shape` (the same every time).
    fn build(shape: &Shape) -> (HashMap<String, u32>, TermTables) {
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
        (dict, tables)
    }
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

/// How many images the list sizes are estimated from.
const SAMPLE: u32 = 4096;

/// The search terms of image `core` (its keywords', adjective's, country's, colour's, scene's
/// and event's words), sorted and each once, into `buf`.
/// Calls `f` with each term of an image's text (a term can come more than once).
fn each_image_term(core: &Core, tables: &TermTables, mut f: impl FnMut(u32)) {
    let mut all = |ts: Option<&Vec<u32>>| ts.into_iter().flatten().for_each(|&t| f(t));
    for &k in &core.keywords {
        all(tables.keyword.get(usize::from(k)));
    }
    all(tables.adjective.get(usize::from(core.adjective)));
    all(tables.country.get(usize::from(core.location)));
    for (table, at) in [(&tables.colour, core.colour), (&tables.scene, core.scene)] {
        all(at.and_then(|k| table.get(usize::from(k))));
    }
    all(core.event.and_then(|e| tables.event.get(e as usize)));
}

/// The distinct terms of an image's text, in `buf`.
fn image_terms(core: &Core, tables: &TermTables, buf: &mut Vec<u32>) {
    buf.clear();
    each_image_term(core, tables, |t| buf.push(t));
    buf.sort_unstable();
    buf.dedup();
}

impl Index {
    /// Builds the index for `shape`, on two threads.
    pub fn build(shape: Shape) -> Index {
        let (dict, tables) = TermTables::build(&shape);
        let n_terms = dict.len();
        let n_keywords = catalog::keyword_count();
        let n = shape.images;
        let mid = n / 2;
        // How long each list will grow, estimated from a sample spread over the catalog, so
        // the lists are allocated once at about their final size: growing them by doubling
        // copied each one several times over (an eighth of the start-up time at a million).
        let sample: Vec<u32> = (0..SAMPLE.min(n))
            .map(|k| k * (n / SAMPLE.min(n).max(1)))
            .collect();
        let mut term_freq = vec![0u32; n_terms];
        let mut keyword_freq = vec![0u32; n_keywords];
        let mut buf: Vec<u32> = Vec::with_capacity(64);
        for &i in &sample {
            let core = shape.image(i);
            image_terms(&core, &tables, &mut buf);
            for &t in &buf {
                term_freq[t as usize] += 1;
            }
            for &k in &core.keywords {
                if let Some(f) = keyword_freq.get_mut(usize::from(k)) {
                    *f += 1;
                }
            }
        }
        let sampled = sample.len().max(1) as u64;
        let room = |freq: u32, len: u32| -> usize {
            let expected = u64::from(freq) * u64::from(len) / sampled;
            // A margin for the sample's error (a list that outgrows it grows as usual).
            usize::try_from(expected + expected / 8 + 16).unwrap_or(usize::MAX)
        };
        let per_event = room((sampled / 2) as u32, n / shape.events.max(1));
        // The first half's lists have room for the second's, which is appended to them.
        let build_part = |from: u32, to: u32, room_for: u32| -> Part {
            let mut part = Part {
                terms: term_freq
                    .iter()
                    .map(|&f| Vec::with_capacity(room(f, room_for)))
                    .collect(),
                keywords: keyword_freq
                    .iter()
                    .map(|&f| Vec::with_capacity(room(f, room_for)))
                    .collect(),
                events: (0..shape.events)
                    .map(|_| Vec::with_capacity(per_event))
                    .collect(),
                attrs: Columns::with_capacity(room_for as usize),
            };
            // The image each term was last listed for: a term an image has twice is listed
            // once without sorting the image's terms (sorting them was a fifth of the start).
            let mut listed_for = vec![u32::MAX; n_terms];
            for i in from..to {
                let core = shape.image(i);
                part.attrs.push(Attrs::from_core(&core));
                for &k in &core.keywords {
                    if let Some(p) = part.keywords.get_mut(usize::from(k)) {
                        p.push(i);
                    }
                }
                if let Some(e) = core.event {
                    if let Some(p) = part.events.get_mut(e as usize) {
                        p.push(i);
                    }
                }
                each_image_term(&core, &tables, |t| {
                    let t = t as usize;
                    if let (Some(last), Some(p)) = (listed_for.get_mut(t), part.terms.get_mut(t)) {
                        if *last != i {
                            *last = i;
                            p.push(i);
                        }
                    }
                });
            }
            part
        };
        let (a, b) = std::thread::scope(|s| {
            let second = s.spawn(|| build_part(mid, n, n - mid));
            let first = build_part(0, mid, n);
            // A panic in the helper thread would be a bug in the pure code above; fall back
            // to building that half here rather than propagating it.
            let second = second
                .join()
                .unwrap_or_else(|_| build_part(mid, n, n - mid));
            (first, second)
        });
        // The second half's lists are appended to the first's, the lists split between two
        // threads too (on one, the copy was a serial tenth of the start-up time).
        let join = |x: &mut [Vec<u32>], y: &[Vec<u32>]| {
            for (p, q) in x.iter_mut().zip(y) {
                p.extend_from_slice(q);
            }
        };
        let join_halves = |mut x: Vec<Vec<u32>>, y: Vec<Vec<u32>>| {
            let at = x.len() / 2;
            let (x1, x2) = x.split_at_mut(at);
            let (y1, y2) = y.split_at(at.min(y.len()));
            std::thread::scope(|s| {
                let other = s.spawn(|| join(x2, y2));
                join(x1, y1);
                // Only running out of memory could stop the copy; the index would be short,
                // so that is not carried on from.
                if let Err(panic) = other.join() {
                    std::panic::resume_unwind(panic);
                }
            });
            x
        };
        let mut attrs = a.attrs;
        attrs.append(b.attrs);
        let term_postings = join_halves(a.terms, b.terms);
        let keyword_postings = join_halves(a.keywords, b.keywords);
        let event_postings = join_halves(a.events, b.events);

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
            filter_sets: FilterSets::default(),
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

/// A set of image indexes as bits: one bit per image, so a million images take 125 KB and a
/// membership test stays in the cache.
#[derive(Debug)]
pub struct Bitset(Vec<u64>);

impl Bitset {
    /// The images `0..n` for which `member` holds.
    pub fn build(n: u32, member: impl Fn(u32) -> bool) -> Self {
        let mut words = vec![0u64; (n as usize).div_ceil(64)];
        for i in 0..n {
            if member(i) {
                words[(i / 64) as usize] |= 1 << (i % 64);
            }
        }
        Bitset(words)
    }

    /// Whether `i` is in the set.
    pub fn contains(&self, i: u32) -> bool {
        self.0
            .get((i / 64) as usize)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The sets of images a few recent filters keep, so a filter the searches repeat (clients page
/// with the same filters) is evaluated once per image, not once per candidate per search.
#[derive(Debug, Default)]
pub struct FilterSets {
    recent: std::sync::Mutex<std::collections::VecDeque<(String, std::sync::Arc<Bitset>)>>,
}

/// How many filters' sets are kept (125 KB each at a million images).
const FILTER_SETS: usize = 16;

impl FilterSets {
    /// The set for the filter described by `key`, built with `build` when it is not kept.
    pub fn get(&self, key: &str, build: impl FnOnce() -> Bitset) -> std::sync::Arc<Bitset> {
        {
            let mut recent = self.lock();
            if let Some(at) = recent.iter().position(|(k, _)| k == key) {
                let entry = recent.remove(at);
                if let Some(entry) = entry {
                    let set = std::sync::Arc::clone(&entry.1);
                    recent.push_front(entry);
                    return set;
                }
            }
        }
        // Built outside the lock: other searches go on meanwhile.
        let set = std::sync::Arc::new(build());
        let mut recent = self.lock();
        recent.push_front((key.to_owned(), std::sync::Arc::clone(&set)));
        recent.truncate(FILTER_SETS);
        set
    }

    #[allow(clippy::type_complexity)]
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::VecDeque<(String, std::sync::Arc<Bitset>)>>
    {
        // A panic while the lock was held cannot leave the list inconsistent.
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a search selected: how many ids matched, the best `upto` of them in order, and (when
/// asked for) every match in id order.
#[derive(Debug, Default)]
pub struct Selection {
    /// Matches in all.
    pub total: usize,
    /// The best matches, best first, at most `upto`.
    pub top: Vec<u32>,
    /// Every match, in id order, when asked for (refinements count over them).
    pub all: Option<Vec<u32>>,
}

/// The ids in every list of `lists` (or all `0..universe` when there is none) that `keep`
/// accepts, counted, with the `upto` best by `key` (descending, ties by id). Only the rarest
/// list is walked; the others are searched by galloping from where the last match left off, so
/// the work is bounded by the rarest term. Matches are ranked a batch at a time: their keys are
/// read in a tight loop of loads that do not wait on one another (the memory system serves many
/// cache misses at once, where reading each key as its match is found stalls on every one),
/// then offered to a heap of the best `upto`; nothing the size of the match set is allocated
/// unless `keep_all` asks for the matches.
pub fn select(
    mut lists: Vec<&[u32]>,
    universe: u32,
    keep: impl Fn(u32) -> bool,
    key: impl Fn(u32) -> u64,
    upto: usize,
    keep_all: bool,
) -> Selection {
    const BATCH: usize = 256;
    lists.sort_by_key(|l| l.len());
    let mut ranking = Ranking::new(upto);
    let mut all = keep_all.then(Vec::new);
    let mut batch = [0u32; BATCH];
    let mut filled = 0;
    let mut total = 0usize;
    let mut found = |id: u32, flush: bool| {
        if !flush {
            batch[filled] = id;
            filled += 1;
            total += 1;
            if let Some(all) = all.as_mut() {
                all.push(id);
            }
        }
        if filled == BATCH || (flush && filled > 0) {
            let mut keys = [0u64; BATCH];
            for (k, &id) in keys.iter_mut().zip(&batch[..filled]) {
                *k = key(id);
            }
            for (&k, &id) in keys.iter().zip(&batch[..filled]) {
                ranking.offer(k, id);
            }
            filled = 0;
        }
    };
    match lists.split_first() {
        None => (0..universe)
            .filter(|&i| keep(i))
            .for_each(|i| found(i, false)),
        Some((first, rest)) => {
            let mut cursors = vec![0usize; rest.len()];
            'ids: for &id in *first {
                if !keep(id) {
                    continue;
                }
                for (list, at) in rest.iter().zip(cursors.iter_mut()) {
                    *at = gallop(list, *at, id);
                    if list.get(*at) != Some(&id) {
                        if *at >= list.len() {
                            break 'ids;
                        }
                        continue 'ids;
                    }
                }
                found(id, false);
            }
        }
    }
    found(0, true);
    Selection {
        total,
        top: ranking.into_best(),
        all,
    }
}

/// The best `upto` of the `(key, id)` pairs offered: highest key first, ties by lowest id.
struct Ranking {
    upto: usize,
    // The worst of the best so far on top. Ids are kept as `!id`, so that one descending order
    // of `(key, !id)` is "best first".
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32)>>,
}

impl Ranking {
    fn new(upto: usize) -> Self {
        Ranking {
            upto,
            heap: std::collections::BinaryHeap::with_capacity(upto.saturating_add(1).min(1 << 16)),
        }
    }

    fn offer(&mut self, key: u64, id: u32) {
        let entry = (key, !id);
        if self.heap.len() < self.upto {
            self.heap.push(std::cmp::Reverse(entry));
        } else if self
            .heap
            .peek()
            .is_some_and(|std::cmp::Reverse(worst)| entry > *worst)
        {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(entry));
        }
    }

    fn into_best(self) -> Vec<u32> {
        let mut best: Vec<(u64, u32)> = self.heap.into_iter().map(|r| r.0).collect();
        best.sort_unstable_by(|a, b| b.cmp(a));
        best.into_iter().map(|(_, id)| !id).collect()
    }
}

/// The first position at or after `from` in sorted `list` whose value is not below `x`:
/// doubling steps, then a binary search within the last step.
fn gallop(list: &[u32], from: usize, x: u32) -> usize {
    let mut lo = from;
    let mut step = 1;
    let mut hi = from;
    while hi < list.len() && list[hi] < x {
        lo = hi + 1;
        hi = from.saturating_add(step);
        step = step.saturating_mul(2);
    }
    let hi = hi.min(list.len());
    lo + list[lo.min(hi)..hi].partition_point(|&y| y < x)
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
    fn select_agrees_with_intersect_filter_and_sort() {
        // A pseudo-random catalog of lists; select's count, order and page must equal the
        // plain way: intersect, filter, sort by key descending then id.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..50 {
            let universe = 2_000u32;
            let lists: Vec<Vec<u32>> = (0..1 + round % 3)
                .map(|_| {
                    let density = 2 + next() % 20;
                    (0..universe).filter(|_| next() % density == 0).collect()
                })
                .collect();
            let keys: Vec<u64> = (0..universe).map(|_| next() % 50).collect();
            let keep = |id: u32| id % 3 != 0;
            let key = |id: u32| keys[id as usize];
            let upto = (next() % 120) as usize;
            let refs: Vec<&[u32]> = lists.iter().map(Vec::as_slice).collect();
            let got = select(refs.clone(), universe, keep, key, upto, true);
            let mut want = intersect(refs);
            want.retain(|&i| keep(i));
            assert_eq!(got.all.as_deref(), Some(&want[..]), "round {round}");
            assert_eq!(got.total, want.len());
            want.sort_by(|a, b| key(*b).cmp(&key(*a)).then(a.cmp(b)));
            want.truncate(upto);
            assert_eq!(got.top, want, "round {round}");
        }
        let none = select(Vec::new(), 10, |i| i % 2 == 0, u64::from, 3, false);
        assert_eq!((none.total, none.top), (5, vec![8, 6, 4]));
        assert_eq!(gallop(&[1, 3, 5, 7, 9, 11, 13], 2, 12), 6);
        assert_eq!(gallop(&[1, 3, 5], 0, 99), 3);
        assert_eq!(gallop(&[], 0, 1), 0);
    }

    #[test]
    fn postings_are_sorted_and_agree_with_the_records() {
        let idx = Index::build(Shape::new(3, 3_001, 1 << 20));
        assert_eq!(idx.attrs.len(), 3_001);
        assert_eq!(idx.attrs.rows().count(), 3_001);
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
        // Every term's list is exactly the images whose distinct terms include it, in order.
        let (_, tables) = TermTables::build(&idx.shape);
        let mut naive = vec![Vec::new(); idx.term_postings.len()];
        let mut buf = Vec::new();
        for i in 0..3_001 {
            image_terms(&idx.shape.image(i), &tables, &mut buf);
            for &t in &buf {
                naive[t as usize].push(i);
            }
        }
        assert!(
            naive == idx.term_postings,
            "the term lists differ from the records"
        );
        // Both halves built on separate threads joined in order.
        let all: usize = idx.event_postings.iter().map(Vec::len).sum();
        let editorial = idx.attrs.rows().filter(|a| a.editorial()).count();
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

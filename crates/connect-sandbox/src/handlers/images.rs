//! SearchForImages: query → candidate ids from the index → filters → sort → page.

use super::Call;
use crate::api::{self, Done, Fail, Obj};
use crate::catalog::{self, LICENSING, OFFERINGS, ORIENTATIONS};
use crate::index::{self, Attrs, Columns, Index};
use crate::render::{self, ImageView};
use crate::state::State;
use crate::vocab::{COLLECTIONS, PEOPLE, SUBJECTS};
use connect_types::ops;
use connect_types::{RequestDate, StatusCode};
use std::collections::HashMap;

/// Validates ItemCount/ItemStartNumber against a list of allowed counts.
pub(crate) fn page(ro: &Obj, path: &str, allowed: &[u32]) -> Result<(usize, usize), Fail> {
    let count = api::req_int(ro, "ItemCount", &format!("{path}.ItemCount"))?;
    let start = api::req_int(ro, "ItemStartNumber", &format!("{path}.ItemStartNumber"))?;
    let max = allowed.iter().copied().max().map_or(75, i64::from);
    if count <= 0 {
        return Err(Fail::new(
            StatusCode::InvalidItemCount,
            format!("{path}.ItemCount must be above zero"),
        ));
    }
    if count > max {
        return Err(Fail::new(
            StatusCode::MaxExceeded,
            format!("{path}.ItemCount {count} is above the maximum of {max}"),
        ));
    }
    if !allowed.iter().any(|&a| i64::from(a) == count) {
        return Err(Fail::new(
            StatusCode::InvalidItemCount,
            format!(
                "{path}.ItemCount {count} is not one of {}",
                allowed
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if start <= 0 {
        return Err(Fail::new(
            StatusCode::InvalidItemStartNumber,
            format!("{path}.ItemStartNumber must be above zero"),
        ));
    }
    Ok((start as usize, count as usize))
}

/// Resolves linked-data entity URIs to subject keywords, with the documented error codes.
pub(crate) fn entity_keywords(uris: &[String], path: &str) -> Result<Vec<usize>, Fail> {
    let mut out = Vec::new();
    for u in uris {
        let u = u.trim();
        let bad = |code: StatusCode, what: &str| {
            Fail::pair(
                StatusCode::InvalidEntityUri,
                code,
                &format!("{path} entry {u:?} is not a well-formed {what} URI"),
            )
        };
        let name = if let Some(rest) = u.strip_prefix("http://dbpedia.org/") {
            match rest.strip_prefix("resource/") {
                Some(n) if !n.is_empty() => n.to_owned(),
                Some(_) => return Err(bad(StatusCode::IncorrectlyFormedURI, "DBpedia")),
                None => return Err(bad(StatusCode::IncorrectlyFormedDbpediaURI, "DBpedia")),
            }
        } else if let Some(rest) = u.strip_prefix("http://rdf.freebase.com/") {
            match rest.strip_prefix("ns/m.") {
                Some(n) if !n.is_empty() => n.to_owned(),
                Some(_) => return Err(bad(StatusCode::IncorrectlyFormedURI, "Freebase")),
                None => return Err(bad(StatusCode::IncorrectlyFormedFreebaseURI, "Freebase")),
            }
        } else if let Some(rest) = u.strip_prefix("http://musicbrainz.org/") {
            match rest.strip_prefix("artist/") {
                Some(n) if is_uuid(n) => n.to_owned(),
                Some(_) => return Err(bad(StatusCode::IncorrectlyFormedURI, "MusicBrainz")),
                None => {
                    return Err(bad(
                        StatusCode::IncorrectlyFormedMusicbrainzURI,
                        "MusicBrainz",
                    ));
                }
            }
        } else {
            return Err(Fail::new(
                StatusCode::UnknownProviderURI,
                format!("{path} entry {u:?} is not from DBpedia, Freebase or MusicBrainz"),
            ));
        };
        // Only DBpedia resources named like a catalog subject resolve here.
        let word = name.to_lowercase();
        match SUBJECTS.iter().position(|s| *s == word) {
            Some(k) if u.contains("dbpedia") => out.push(k),
            _ => {
                return Err(Fail::new(
                    StatusCode::UriResolutionFailed,
                    format!("{path} entry {u:?} does not resolve to anything in the catalog"),
                ));
            }
        }
    }
    Ok(out)
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Collection include/exclude filter: (include?, collection indexes).
pub(crate) fn collections_filter(
    filter: &Obj,
    name: &str,
    path: &str,
    ids_code: StatusCode,
) -> Result<Option<(bool, Vec<u8>)>, Fail> {
    let Some(c) = api::opt_obj(filter, name, path)? else {
        return Ok(None);
    };
    let ids = api::opt_str_list(c, "Ids", &format!("{path}.Ids"))?;
    let mode = api::opt_str(c, "Mode", &format!("{path}.Mode"))?.filter(|m| !m.trim().is_empty());
    if ids.is_empty() {
        return Err(Fail::new(
            StatusCode::CollectionIdsEmpty,
            format!("{path}.Ids must not be empty"),
        ));
    }
    let Some(mode) = mode else {
        return Err(Fail::new(
            StatusCode::CollectionModeEmpty,
            format!("{path}.Mode must be include or exclude"),
        ));
    };
    let include = match api::match_enum(&mode, &["include", "exclude"]) {
        Some(0) => true,
        Some(_) => false,
        None => {
            return Err(Fail::new(
                StatusCode::InvalidIncludeExcludeMode,
                format!("{path}.Mode {mode:?} is not include or exclude"),
            ));
        }
    };
    let mut out = Vec::new();
    for id in ids {
        let Ok(n) = id.trim().parse::<u32>() else {
            return Err(Fail::new(
                ids_code,
                format!("{path}.Ids entry {id:?} is not a valid id"),
            ));
        };
        match COLLECTIONS.iter().position(|c| c.0 == n) {
            Some(i) => out.push(i as u8),
            None => {
                return Err(Fail::new(
                    StatusCode::NonExistingCollectionId,
                    format!("{path}.Ids entry {id} does not exist"),
                ));
            }
        }
    }
    Ok(Some((include, out)))
}

/// Parsed filters. Their `Debug` form names a filter in the cache of filter sets.
#[derive(Debug, Default, PartialEq, Eq)]
struct Filters {
    families: Vec<usize>,
    orientations: u8,
    licensing: Vec<usize>,
    file_types: Vec<usize>,
    graphic: Vec<usize>,
    segments: u8,
    offerings: u8,
    collections: Option<(bool, Vec<u8>)>,
    sources: Option<(bool, Vec<u8>)>,
    exclude_nudity: bool,
    embeddable_only: bool,
    white_only: bool,
    created: Option<(u32, u32)>,
}

impl Filters {
    /// Whether no filter is set (every image passes).
    fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// Whether image `i` passes, reading its flags column and, only for the filters that need
    /// them, its collection and creation date.
    fn keep(&self, cols: &Columns, i: u32) -> bool {
        let Some(&bits) = cols.bits.get(i as usize) else {
            return false;
        };
        let a = Attrs {
            bits,
            ..Attrs::default()
        };
        if !self.families.is_empty() && !self.families.contains(&usize::from(a.editorial())) {
            return false;
        }
        if self.orientations != 0 && self.orientations & (1 << a.orientation()) == 0 {
            return false;
        }
        if !self.licensing.is_empty() && !self.licensing.contains(&usize::from(a.licensing())) {
            return false;
        }
        if !self.file_types.is_empty() && !self.file_types.contains(&usize::from(a.file_type())) {
            return false;
        }
        if !self.graphic.is_empty() && !self.graphic.contains(&usize::from(a.graphic())) {
            return false;
        }
        if self.segments != 0 && self.segments & a.segments() == 0 {
            return false;
        }
        if self.offerings != 0 && self.offerings & a.offerings() == 0 {
            return false;
        }
        if self.exclude_nudity && a.nudity() {
            return false;
        }
        if self.embeddable_only && !a.embeddable() {
            return false;
        }
        if self.white_only && !a.white_background() {
            return false;
        }
        let collection = || cols.collection.get(i as usize).copied().unwrap_or(u8::MAX);
        if let Some((include, ids)) = &self.collections {
            if ids.contains(&collection()) != *include {
                return false;
            }
        }
        if let Some((include, ids)) = &self.sources {
            if !a.editorial() || ids.contains(&collection()) != *include {
                return false;
            }
        }
        if let Some((from, to)) = self.created {
            let created = cols.created.get(i as usize).copied().unwrap_or(0);
            if created < from || created >= to {
                return false;
            }
        }
        true
    }
}

fn date_minutes(d: RequestDate) -> u32 {
    let secs = d.start_millis() / 1000 - catalog::EPOCH_2000;
    (secs / 60).clamp(0, i64::from(u32::MAX)) as u32
}

fn parse_date(o: &Obj, name: &str, path: &str) -> Result<Option<RequestDate>, Fail> {
    match api::opt_str(o, name, path)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => {
            // Old clients sent full timestamps; the date part is what counts.
            let day = s.trim().get(..10).unwrap_or(s.trim());
            RequestDate::parse(day)
                .map(Some)
                .map_err(|_| Fail::invalid(format!("{path} {s:?} is not a YYYY-MM-DD date")))
        }
    }
}

/// Sort orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Popular,
    Recent,
    CreatedDesc,
    Oldest,
    Trending,
}

fn sort_key(s: Sort, cols: &Columns, i: u32) -> u64 {
    let i = i as usize;
    let at = |col: &[u32]| u64::from(col.get(i).copied().unwrap_or(0));
    match s {
        Sort::Popular => at(&cols.popularity),
        Sort::Recent => at(&cols.submitted),
        Sort::CreatedDesc => at(&cols.created),
        Sort::Oldest => u64::from(u32::MAX) - at(&cols.created),
        Sort::Trending => ((at(&cols.created) / (60 * 24 * 30)) << 32) | at(&cols.popularity),
    }
}

/// Sorts ids by `key` descending (ties by id) far enough to cut the page `[0, upto)`.
pub(crate) fn top_sorted(ids: &mut [u32], upto: usize, key: impl Fn(u32) -> u64) {
    let cmp = |a: &u32, b: &u32| key(*b).cmp(&key(*a)).then(a.cmp(b));
    if upto < ids.len() && upto > 0 {
        ids.select_nth_unstable_by(upto - 1, cmp);
        ids[..upto].sort_unstable_by(cmp);
    } else {
        ids.sort_unstable_by(cmp);
    }
}

/// SearchForImages under `/v1`: the same search.
pub fn search_v1(
    state: &State,
    call: &Call<'_, ops::SearchForImagesV1Request>,
) -> Result<Done, Fail> {
    search(state, &call.with(&call.request.0))
}

/// SearchForImages.
pub fn search(state: &State, call: &Call<'_, ops::SearchForImagesRequest>) -> Result<Done, Fail> {
    let req = call.raw;
    let b = &req.body;
    let key = "SearchForImagesRequestBody";
    let lang = api::language(b, &format!("{key}.Language"))?;
    let query = api::req_obj(b, "Query", &format!("{key}.Query"))?;
    let ro = api::req_obj(b, "ResultOptions", &format!("{key}.ResultOptions"))?;
    let empty = Obj::new();
    let filter = api::opt_obj(b, "Filter", &format!("{key}.Filter"))?.unwrap_or(&empty);
    let fp = format!("{key}.Filter");
    let qp = format!("{key}.Query");
    let rp = format!("{key}.ResultOptions");

    let (start, count) = page(ro, &rp, ops::IMAGE_PAGE_SIZES)?;
    let include_keywords =
        api::opt_bool(ro, "IncludeKeywords", &format!("{rp}.IncludeKeywords"))?.unwrap_or(false);
    let refinement_set = api::opt_enum(
        ro,
        "RefinementOptionsSet",
        &format!("{rp}.RefinementOptionsSet"),
        &["RefinementSet1", "RefinementSet2", "RefinementSet3"],
        StatusCode::InvalidRequest,
    )?;
    let editorial_sort = api::opt_enum(
        ro,
        "EditorialSortOrder",
        &format!("{rp}.EditorialSortOrder"),
        &["MostRecent", "MostPopular", "Trending", "Oldest", "Default"],
        StatusCode::InvalidItemSortType,
    )?;
    let creative_sort = api::opt_enum(
        ro,
        "CreativeSortOrder",
        &format!("{rp}.CreativeSortOrder"),
        &["MostRecent", "MostPopular"],
        StatusCode::InvalidItemSortType,
    )?;

    let mut f = Filters {
        families: api::enum_list(
            filter,
            "ImageFamilies",
            &format!("{fp}.ImageFamilies"),
            &["Creative", "Editorial"],
            StatusCode::InvalidRequest,
        )?,
        ..Filters::default()
    };
    for o in api::enum_list(
        filter,
        "Orientations",
        &format!("{fp}.Orientations"),
        ORIENTATIONS,
        StatusCode::InvalidOrientation,
    )? {
        f.orientations |= 1 << o;
    }
    f.licensing = api::enum_list(
        filter,
        "LicensingModels",
        &format!("{fp}.LicensingModels"),
        LICENSING,
        StatusCode::InvalidRequest,
    )?;
    f.file_types = api::enum_list(
        filter,
        "FileTypes",
        &format!("{fp}.FileTypes"),
        catalog::FILE_TYPES,
        StatusCode::InvalidRequest,
    )?;
    f.graphic = api::enum_list(
        filter,
        "GraphicStyles",
        &format!("{fp}.GraphicStyles"),
        catalog::GRAPHIC_STYLES,
        StatusCode::InvalidRequest,
    )?;
    // Requests say "Sports" where responses say "Sport"; both are read.
    for s in api::enum_list(
        filter,
        "EditorialSegments",
        &format!("{fp}.EditorialSegments"),
        &[
            "News",
            "Sport",
            "Entertainment",
            "Publicity",
            "Royalty",
            "Archival",
            "Sports",
        ],
        StatusCode::InvalidEditorialSegment,
    )? {
        f.segments |= 1 << if s == 6 { 1 } else { s };
    }
    for o in api::enum_list(
        filter,
        "ProductOfferings",
        &format!("{fp}.ProductOfferings"),
        &["PremiumAccess", "EditorialSubscription", "EasyAccess"],
        StatusCode::InvalidProductOffering,
    )? {
        let name = ["PremiumAccess", "EditorialSubscription", "EasyAccess"][o];
        if let Some(bit) = OFFERINGS.iter().position(|x| *x == name) {
            f.offerings |= 1 << bit;
        }
    }
    f.collections = collections_filter(
        filter,
        "Collections",
        &format!("{fp}.Collections"),
        StatusCode::InvalidCollectionId,
    )?;
    f.sources = collections_filter(
        filter,
        "EditorialSources",
        &format!("{fp}.EditorialSources"),
        StatusCode::InvalidEditorialSourceId,
    )?;
    f.exclude_nudity =
        api::opt_bool(filter, "ExcludeNudity", &format!("{fp}.ExcludeNudity"))?.unwrap_or(false);
    f.embeddable_only = api::opt_bool(
        filter,
        "EmbedContentOnly",
        &format!("{fp}.EmbedContentOnly"),
    )?
    .unwrap_or(false);
    f.white_only = api::opt_bool(
        filter,
        "WhiteBackgroundOnly",
        &format!("{fp}.WhiteBackgroundOnly"),
    )?
    .unwrap_or(false);

    let idx: &Index = &state.index;
    // Candidate lists; every list must match (AND). `None` in `lists` means "no match".
    let mut lists: Vec<&[u32]> = Vec::new();
    let mut impossible = false;
    let mut any_query = false;

    let phrase = api::opt_str(query, "SearchPhrase", &format!("{qp}.SearchPhrase"))?;
    if let Some(p) = phrase.as_deref().filter(|p| !p.trim().is_empty()) {
        any_query = true;
        for w in index::tokenize(p) {
            if index::is_stopword(&w) {
                continue;
            }
            match idx.term(&idx.term_postings, &w) {
                Some(l) => lists.push(l),
                None => impossible = true,
            }
        }
    }
    let keyword_ids = api::opt_str_list(query, "KeywordIds", &format!("{qp}.KeywordIds"))?;
    for k in &keyword_ids {
        any_query = true;
        match keyword_list(idx, k) {
            Some(l) => lists.push(l),
            None => impossible = true,
        }
    }
    let persons = api::opt_str_list(query, "SpecificPersons", &format!("{qp}.SpecificPersons"))?;
    for name in &persons {
        any_query = true;
        let pos = PEOPLE
            .iter()
            .position(|p| p.eq_ignore_ascii_case(name.trim()));
        match pos.and_then(|p| idx.keyword_postings.get(catalog::person_kw(p))) {
            Some(l) => lists.push(l),
            None => impossible = true,
        }
    }
    let uris = api::opt_str_list(query, "EntityUris", &format!("{qp}.EntityUris"))?;
    if !uris.is_empty() {
        any_query = true;
        for k in entity_keywords(&uris, &format!("{qp}.EntityUris"))? {
            if let Some(l) = idx.keyword_postings.get(k) {
                lists.push(l);
            }
        }
    }
    if let Some(e) = api::opt_int(query, "EventId", &format!("{qp}.EventId"))? {
        any_query = true;
        match u64::try_from(e)
            .ok()
            .and_then(|e| idx.shape.event_index(e))
            .and_then(|e| idx.event_postings.get(e as usize))
        {
            Some(l) => lists.push(l),
            None => impossible = true,
        }
    }
    if let Some(range) = api::opt_obj(query, "DateCreatedRange", &format!("{qp}.DateCreatedRange"))?
    {
        let rp = format!("{qp}.DateCreatedRange");
        let from = parse_date(range, "StartDate", &format!("{rp}.StartDate"))?;
        let to = parse_date(range, "EndDate", &format!("{rp}.EndDate"))?;
        if from.is_some() || to.is_some() {
            any_query = true;
            if !f.families.is_empty() && !f.families.contains(&1) {
                return Err(Fail::new(
                    StatusCode::DateCreatedRangeNotApplicable,
                    "DateCreatedRange applies only when ImageFamilies is empty or has Editorial",
                ));
            }
            let lo = from.map_or(0, date_minutes);
            // EndDate is inclusive of its whole day.
            let hi = to.map_or(u32::MAX, |d| date_minutes(d).saturating_add(1440));
            f.created = Some((lo, hi));
        }
    }
    for (i, r) in api::opt_obj_list(filter, "Refinements", &format!("{fp}.Refinements"))?
        .into_iter()
        .enumerate()
    {
        let p = format!("{fp}.Refinements[{i}]");
        let cat = api::req_str(r, "Category", &format!("{p}.Category"))?;
        let id = api::req_str(r, "Id", &format!("{p}.Id"))?;
        let list = if cat.eq_ignore_ascii_case("Events") {
            id.trim()
                .parse::<u64>()
                .ok()
                .and_then(|e| idx.shape.event_index(e))
                .and_then(|e| idx.event_postings.get(e as usize))
                .map(Vec::as_slice)
        } else {
            keyword_list(idx, &id)
        };
        match list {
            Some(l) => lists.push(l),
            None => impossible = true,
        }
    }
    if !any_query {
        return Err(Fail::invalid(format!(
            "{qp} needs at least one of SearchPhrase, KeywordIds, SpecificPersons, EntityUris, EventId, DateCreatedRange"
        )));
    }

    let creative_only = f.families == [0];
    let editorial_only = f.families == [1];
    let ed_sort = match editorial_sort {
        Some(0) => Sort::Recent,
        Some(1) => Sort::Popular,
        Some(2) => Sort::Trending,
        Some(3) => Sort::Oldest,
        _ => Sort::CreatedDesc,
    };
    let cr_sort = match creative_sort {
        Some(0) => Sort::Recent,
        _ => Sort::Popular,
    };
    let sort = if editorial_only {
        ed_sort
    } else if creative_only {
        cr_sort
    } else if f.families.is_empty() {
        // The legacy combined search cannot rank by relevancy: newest first.
        Sort::CreatedDesc
    } else if editorial_sort.is_some() {
        ed_sort
    } else {
        cr_sort
    };

    // One pass over the candidates: filter, count, and keep the best of the pages up to this
    // one (refinements, when asked for, count over every match).
    let upto = (start - 1).saturating_add(count);
    let cols = &idx.attrs;
    let kept = (!f.is_empty()).then(|| {
        idx.filter_sets.get(&format!("{f:?}"), || {
            index::Bitset::build(idx.shape.images, |i| f.keep(cols, i))
        })
    });
    let selection = if impossible {
        index::Selection::default()
    } else {
        index::select(
            lists,
            idx.shape.images,
            |i| kept.as_ref().is_none_or(|k| k.contains(i)),
            |i| sort_key(sort, cols, i),
            upto,
            refinement_set.is_some(),
        )
    };
    let total = selection.total;

    let mut done = Done::default();
    if let Some(l) = lang {
        done.notices.push(l);
    }
    let editorial_name = match editorial_sort {
        Some(0) => "MostRecent",
        Some(1) => "MostPopular",
        Some(2) => "Trending",
        Some(3) => "Oldest",
        _ => "Default",
    };
    let creative_name = if creative_sort == Some(0) {
        "MostRecent"
    } else {
        "MostPopular"
    };
    let mut result = ops::SearchForImagesResult {
        editorial_sort_order: Some(ops::EditorialSortOrder::parse(editorial_name)),
        creative_sort_order: Some(ops::CreativeSortOrder::parse(creative_name)),
        item_start_number: u32::try_from(start).ok(),
        item_total_count: Some(total as u64),
        item_count: Some(0),
        ..ops::SearchForImagesResult::default()
    };
    if total == 0 {
        done.result = api::raw(&result);
        return Ok(done.warn(
            StatusCode::NoImages,
            "the query and filters matched no images",
        ));
    }
    if start > total {
        return Err(Fail::new(
            StatusCode::StartPastTotal,
            format!("ItemStartNumber {start} lies beyond the {total} matching images"),
        ));
    }
    if let (Some(s), Some(all)) = (refinement_set, selection.all.as_deref()) {
        result.refinement_options = refinement_options(idx, all, [15, 25, 5][s]);
    }
    let page = selection.top.get(start - 1..).unwrap_or_default();
    result.item_count = u32::try_from(page.len()).ok();
    // The page's images come from the cache of rendered images, written into the result as
    // they were kept; the rest of the result is written as usual.
    let kept: Result<Vec<_>, _> = page
        .iter()
        .map(|&i| {
            state
                .search_images
                .get(&idx.shape, i, include_keywords, &state.media_base)
        })
        .collect();
    let spliced = match (kept, api::raw(&result)) {
        (Ok(kept), Some(rest)) => crate::wire::with_first_array(&rest, "Images", &kept),
        _ => None,
    };
    done.result = spliced.or_else(|| {
        result.images = page
            .iter()
            .map(|&i| {
                let view = ImageView::Search {
                    keywords: include_keywords,
                };
                render::image(&idx.shape, i, view, &state.media_base)
            })
            .collect();
        api::raw(&result)
    });
    Ok(done)
}

fn keyword_list<'a>(idx: &'a Index, id: &str) -> Option<&'a [u32]> {
    let n: u64 = id.trim().parse().ok()?;
    let k = n.checked_sub(catalog::KEYWORD_ID_BASE)?;
    idx.keyword_postings.get(k as usize).map(Vec::as_slice)
}

/// Refinement options over the matched set: keyword counts per category plus events.
/// Large result sets are sampled (the first 20,000 matches) and the counts scaled.
fn refinement_options(
    idx: &Index,
    matched: &[u32],
    per_category: usize,
) -> Vec<ops::RefinementOption> {
    const SAMPLE: usize = 20_000;
    let sample = &matched[..matched.len().min(SAMPLE)];
    let scale = matched.len() as f64 / sample.len().max(1) as f64;
    let mut kw: HashMap<u16, u64> = HashMap::new();
    let mut events: HashMap<u32, u64> = HashMap::new();
    for &i in sample {
        let core = idx.shape.image(i);
        for k in core.keywords {
            *kw.entry(k).or_default() += 1;
        }
        if let Some(e) = core.event {
            *events.entry(e).or_default() += 1;
        }
    }
    let option = |category: &str, id: String, n: u64, text: String| {
        let count = (n as f64 * scale).round() as u64;
        ops::RefinementOption {
            category: Some(ops::RefinementCategory::parse(category)),
            id: Some(id),
            image_count: Some(count),
            text: Some(text),
        }
    };
    let mut by_cat: HashMap<&str, Vec<ops::RefinementOption>> = HashMap::new();
    for (k, n) in kw {
        if let Some(def) = catalog::keyword(usize::from(k)) {
            let id = (catalog::KEYWORD_ID_BASE + u64::from(k)).to_string();
            by_cat.entry(def.category).or_default().push(option(
                def.category,
                id,
                n,
                def.text.to_owned(),
            ));
        }
    }
    for (e, n) in events {
        let id = render::event_id(e).to_string();
        by_cat.entry("Events").or_default().push(option(
            "Events",
            id,
            n,
            idx.shape.event(e).name(),
        ));
    }
    let mut cats: Vec<_> = by_cat.into_iter().collect();
    cats.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    for (_, mut opts) in cats {
        opts.sort_by(|a, b| {
            b.image_count
                .cmp(&a.image_count)
                .then_with(|| a.id.cmp(&b.id))
        });
        out.extend(opts.into_iter().take(per_category));
    }
    out
}

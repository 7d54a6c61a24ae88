//! SearchForImages' `Query` (and the filter's refinements): the posting lists every match must
//! be in, and the creation-date window.

use super::filters::Filters;
use crate::api::{self, Fail, Obj};
use crate::catalog;
use crate::handlers::readers::entity_keywords;
use crate::index::{self, Index};
use crate::vocab::PEOPLE;
use connect_types::{RequestDate, StatusCode};

/// What the query asks of the index: lists every match must be in (AND), or nothing at all.
pub(super) struct Candidates<'a> {
    /// The posting lists to intersect.
    pub(super) lists: Vec<&'a [u32]>,
    /// A term, keyword, person or event that matches nothing: no image can match.
    pub(super) impossible: bool,
}

/// Reads the `Query` (at `qp`) and the filter's `Refinements` (at `fp`) into the index's
/// posting lists; a creation-date window goes into `f`. At least one member must be set.
pub(super) fn candidates<'a>(
    idx: &'a Index,
    query: &Obj,
    qp: &str,
    filter: &Obj,
    fp: &str,
    f: &mut Filters,
) -> Result<Candidates<'a>, Fail> {
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

    Ok(Candidates { lists, impossible })
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

fn keyword_list<'a>(idx: &'a Index, id: &str) -> Option<&'a [u32]> {
    let n: u64 = id.trim().parse().ok()?;
    let k = n.checked_sub(catalog::KEYWORD_ID_BASE)?;
    idx.keyword_postings.get(k as usize).map(Vec::as_slice)
}

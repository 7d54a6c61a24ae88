//! What both searches (images and videos) read alike: the page asked for, linked-data entity
//! URIs, collection include/exclude filters, and the partial sort that ranks a page.

use crate::api::{self, Fail, Obj};
use crate::vocab::{COLLECTIONS, SUBJECTS};
use connect_types::StatusCode;

/// Validates ItemCount/ItemStartNumber against a list of allowed counts.
pub fn page(ro: &Obj, path: &str, allowed: &[u32]) -> Result<(usize, usize), Fail> {
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
pub fn entity_keywords(uris: &[String], path: &str) -> Result<Vec<usize>, Fail> {
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
pub fn collections_filter(
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

/// Sorts ids by `key` descending (ties by id) far enough to cut the page `[0, upto)`.
pub fn top_sorted(ids: &mut [u32], upto: usize, key: impl Fn(u32) -> u64) {
    let cmp = |a: &u32, b: &u32| key(*b).cmp(&key(*a)).then(a.cmp(b));
    if upto < ids.len() && upto > 0 {
        ids.select_nth_unstable_by(upto - 1, cmp);
        ids[..upto].sort_unstable_by(cmp);
    } else {
        ids.sort_unstable_by(cmp);
    }
}

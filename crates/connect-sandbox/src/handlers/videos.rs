//! SearchForVideos.

use super::Call;
use super::readers::{collections_filter, entity_keywords, page, top_sorted};
use crate::api::{self, Done, Fail, Obj};
use crate::catalog::{self, Family, RELEASES, SHOT_SPEEDS, VIDEO_LICENSES, VideoCore};
use crate::index;
use crate::operations::Op;
use crate::state::State;
use crate::store::downloads::Grant;
use crate::vocab::{ARTISTS, COLLECTIONS, SUBJECTS};
use connect_types::StatusCode;
use connect_types::ops;
use connect_types::ops::MAX_ASSET_IDS;
use serde_json::{Value, json};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![Op::of::<ops::SearchForVideosRequest>(search)]
}

#[derive(Default)]
struct Filters {
    families: Vec<usize>,
    clip_raw: Option<bool>,
    collections: Option<(bool, Vec<u8>)>,
    exclude_nudity: bool,
    formats: Vec<usize>,
    licenses: Vec<usize>,
}

impl Filters {
    fn keep(&self, v: &VideoCore) -> bool {
        let ed = usize::from(v.family == Family::Editorial);
        if !self.families.is_empty() && !self.families.contains(&ed) {
            return false;
        }
        if let Some(raw) = self.clip_raw {
            if ed == 0 || v.raw != raw {
                return false;
            }
        }
        if let Some((include, ids)) = &self.collections {
            if ids.contains(&v.collection) != *include {
                return false;
            }
        }
        if self.exclude_nudity && v.nudity {
            return false;
        }
        // Formats: 0 = HD, 1 = SD; every clip has SD.
        if !self.formats.is_empty() && !self.formats.contains(&1) && !v.hd {
            return false;
        }
        if !self.licenses.is_empty() {
            // Filter values are RoyaltyFree and RightsReady (indexes 0 and 1 of VIDEO_LICENSES).
            if !self.licenses.contains(&usize::from(v.license)) {
                return false;
            }
        }
        true
    }
}

/// SearchForVideos.
pub fn search(state: &State, call: &Call<'_, ops::SearchForVideosRequest>) -> Result<Done, Fail> {
    let req = call.raw;
    let key = "SearchForVideosRequestBody";
    let b = &req.body;
    let lang = api::language(b, &format!("{key}.Language"))?;
    let qp = format!("{key}.Query");
    let fp = format!("{key}.Filter");
    let rp = format!("{key}.ResultOptions");
    let query = api::req_obj(b, "Query", &qp)?;
    let ro = api::req_obj(b, "ResultOptions", &rp)?;
    let empty = Obj::new();
    let filter_given = api::opt_obj(b, "Filter", &fp)?;
    let filter = filter_given.unwrap_or(&empty);
    let (start, count) = page(ro, &rp, connect_types::ops::VIDEO_PAGE_SIZES)?;

    let mut f = Filters {
        families: api::enum_list(
            filter,
            "AssetFamilies",
            &format!("{fp}.AssetFamilies"),
            &["Creative", "Editorial"],
            StatusCode::InvalidRequest,
        )?,
        ..Filters::default()
    };
    // ClipType is documented as a single value but also as an "entry"; read either.
    if let Some(&c) = api::enum_list(
        filter,
        "ClipType",
        &format!("{fp}.ClipType"),
        &["Produced", "Raw"],
        StatusCode::InvalidRequest,
    )?
    .first()
    {
        f.clip_raw = Some(c == 1);
    }
    f.collections = collections_filter(
        filter,
        "Collections",
        &format!("{fp}.Collections"),
        StatusCode::InvalidCollectionId,
    )?;
    f.exclude_nudity =
        api::opt_bool(filter, "ExcludeNudity", &format!("{fp}.ExcludeNudity"))?.unwrap_or(false);
    f.formats = api::enum_list(
        filter,
        "Formats",
        &format!("{fp}.Formats"),
        &["HD", "SD"],
        StatusCode::InvalidRequest,
    )?;
    f.licenses = api::enum_list(
        filter,
        "LicensingModels",
        &format!("{fp}.LicensingModels"),
        &["RoyaltyFree", "RightsReady"],
        StatusCode::InvalidRequest,
    )?;
    let sort = api::opt_enum(
        ro,
        "SortOrder",
        &format!("{rp}.SortOrder"),
        &["MostRecent", "BestMatch", "MostPopular", "Trending"],
        StatusCode::InvalidItemSortType,
    )?;
    if let Some(s) = sort {
        let ok = match f.families.as_slice() {
            [0] => matches!(s, 0 | 1),
            [1] => matches!(s, 0 | 2 | 3),
            // Without exactly one family the sort order is ignored, as documented.
            _ => true,
        };
        if !ok {
            return Err(Fail::new(
                StatusCode::InvalidItemSortType,
                format!("{rp}.SortOrder is not available for that asset family"),
            ));
        }
    }

    let shape = &state.index.shape;
    let idx = &state.index;
    let asset_ids = api::opt_str_list(query, "AssetIds", &format!("{qp}.AssetIds"))?;
    let phrase = api::opt_str(query, "SearchPhrase", &format!("{qp}.SearchPhrase"))?
        .filter(|p| !p.trim().is_empty());
    let keyword_ids = api::opt_str_list(query, "KeywordIds", &format!("{qp}.KeywordIds"))?;
    let uris = api::opt_str_list(query, "EntityUris", &format!("{qp}.EntityUris"))?;

    let mut matched: Vec<u32>;
    if !asset_ids.is_empty() {
        if asset_ids.len() > MAX_ASSET_IDS {
            return Err(Fail::new(
                StatusCode::AssetIdListExceedsMaxAllowed,
                format!(
                    "{qp}.AssetIds holds {} ids; at most {MAX_ASSET_IDS} are allowed",
                    asset_ids.len()
                ),
            ));
        }
        if phrase.is_some()
            || !keyword_ids.is_empty()
            || !uris.is_empty()
            || filter_given.is_some_and(|f| !f.is_empty())
        {
            return Err(Fail::new(
                StatusCode::InvalidSearchForVideoByAssetId,
                "AssetIds cannot be combined with other query or filter members",
            ));
        }
        let mut bad = Vec::new();
        matched = Vec::new();
        for id in &asset_ids {
            match shape.video_index(id) {
                Some(v) => matched.push(v),
                None => bad.push(id.as_str()),
            }
        }
        if !bad.is_empty() {
            return Err(Fail::new(
                StatusCode::InvalidAssets,
                format!("not video ids of this catalog: {}", bad.join(", ")),
            ));
        }
    } else {
        let mut lists: Vec<&[u32]> = Vec::new();
        let mut impossible = false;
        if let Some(p) = &phrase {
            for w in index::tokenize(p) {
                if index::is_stopword(&w) {
                    continue;
                }
                match idx.term(&idx.video_term_postings, &w) {
                    Some(l) => lists.push(l),
                    None => impossible = true,
                }
            }
        }
        for k in &keyword_ids {
            let list = k
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_sub(catalog::KEYWORD_ID_BASE))
                .and_then(|k| idx.video_keyword_postings.get(k as usize));
            match list {
                Some(l) => lists.push(l),
                None => impossible = true,
            }
        }
        for k in entity_keywords(&uris, &format!("{qp}.EntityUris"))? {
            if let Some(l) = idx.video_keyword_postings.get(k) {
                lists.push(l);
            }
        }
        if phrase.is_none() && keyword_ids.is_empty() && uris.is_empty() {
            return Err(Fail::invalid(format!(
                "{qp} needs at least one of AssetIds, SearchPhrase, KeywordIds, EntityUris"
            )));
        }
        matched = if impossible {
            Vec::new()
        } else {
            index::intersect(lists)
        };
        matched.retain(|&v| f.keep(&shape.video(v)));
    }
    let total = matched.len();
    let mut done = Done::default();
    if let Some(l) = lang {
        done.notices.push(l);
    }
    if total == 0 {
        done.result = api::raw(&json!({
            "Videos": [], "ItemCount": 0, "ItemStartNumber": start, "ItemTotalCount": 0
        }));
        return Ok(done.warn(StatusCode::NoVideos, "the query matched no videos"));
    }
    if start > total {
        return Err(Fail::new(
            StatusCode::StartPastTotal,
            format!("ItemStartNumber {start} lies beyond the {total} matching videos"),
        ));
    }
    let upto = (start - 1 + count).min(total);
    if asset_ids.is_empty() {
        let keys: Vec<(u32, u64)> = matched
            .iter()
            .map(|&v| {
                let c = shape.video(v);
                let k = match sort {
                    Some(0) => u64::from(c.created),
                    Some(3) => (u64::from(c.created / 43_200) << 32) | u64::from(c.popularity),
                    _ => u64::from(c.popularity),
                };
                (v, k)
            })
            .collect();
        let lookup: std::collections::HashMap<u32, u64> = keys.into_iter().collect();
        top_sorted(&mut matched, upto, |v| lookup.get(&v).copied().unwrap_or(0));
    }
    let now = state.clock.now_millis();
    let expires = now + state.config.download_token_ttl.as_millis() as i64;
    let videos: Vec<Value> = matched[start - 1..upto]
        .iter()
        .map(|&v| video_json(state, v, expires))
        .collect();
    done.result = api::raw(&json!({
        "ItemCount": videos.len(),
        "ItemStartNumber": start,
        "ItemTotalCount": total,
        "Videos": videos,
    }));
    Ok(done)
}

fn video_json(state: &State, v: u32, expires: i64) -> Value {
    let shape = &state.index.shape;
    let c = shape.video(v);
    let id = (catalog::VIDEO_ID_BASE + u64::from(v)).to_string();
    let (coll_id, coll_name, _) = COLLECTIONS[usize::from(c.collection) % COLLECTIONS.len()];
    let artist = ARTISTS[usize::from(c.artist)];
    let sizes: Vec<Value> = shape
        .video_sizes(&c)
        .into_iter()
        .map(|s| {
            let token = state.downloads.token(&Grant {
                kind: 'v',
                index: v,
                size: s.key.to_owned(),
                expires,
                // Videos come under EasyAccess alone: the sandbox picks the instance.
                offering: None,
            });
            json!({
                "Description": format!("{}x{} QuickTime, {} bytes", s.pixel_width, s.pixel_height, s.bytes),
                "Name": s.key,
                "DownloadAuthorizations": [{
                    "DownloadToken": token,
                    "ProductOfferingInstanceId": "",
                    "ProductOfferingType": "EasyAccess",
                }],
            })
        })
        .collect();
    let keywords: Vec<Value> = c
        .subjects
        .iter()
        .enumerate()
        .map(|(n, &k)| {
            json!({
                "KeywordId": (catalog::KEYWORD_ID_BASE + u64::from(k)).to_string(),
                "KeywordWeight": 100 - 10 * n as i64,
                "Text": SUBJECTS[usize::from(k) % SUBJECTS.len()],
                "Type": "Concept",
            })
        })
        .collect();
    let secs = c.clip_seconds;
    let url = |kind: &str| format!("{}/video/{kind}/{id}", catalog::MEDIA_HOST);
    json!({
        "AspectRatios": [if c.hd { "16:9" } else { "4:3" }],
        "AssetFamily": c.family.as_str(),
        "AssetId": id,
        "AuthorizationConstraints": [],
        "Caption": format!("{} Filmed by {artist}.", catalog::video_title(&c)),
        "ClipLength": format!("{:02}:{:02}:{:02}:00", secs / 3600, (secs / 60) % 60, secs % 60),
        "CollectionId": coll_id.to_string(),
        "CollectionName": coll_name,
        "Color": if c.black_and_white { "BlackAndWhite" } else { "Color" },
        "Copyright": format!("{} {artist}", catalog::year_of(c.created)),
        "DateCreated": catalog::ms_date(c.created),
        "DownloadSizes": sizes,
        "Era": if c.archival { "Archival" } else { "Contemporary" },
        "FilmMaker": artist,
        "Keywords": keywords,
        "LicenseType": VIDEO_LICENSES[usize::from(c.license)],
        "MasteredTo": if c.hd { "HD 1920x1080 29.97p" } else { "SD 640x480 29.97i" },
        "OriginallyShotOn": if c.hd { "HD Digital" } else { "Digital Video" },
        "Release": RELEASES[usize::from(c.release)],
        "Restrictions": [],
        "ShotSpeed": SHOT_SPEEDS[usize::from(c.speed)],
        "Source": if c.family == Family::Editorial { coll_name } else { "" },
        "Title": catalog::video_title(&c),
        "Urls": {
            "Comp": url("comp"),
            "FlashPreview": url("flash"),
            "StoryBoard": [
                {"ImageUrl": url("storyboard-1"), "SequenceNumber": 1},
                {"ImageUrl": url("storyboard-2"), "SequenceNumber": 2}
            ],
            "Thumb": url("thumb"),
        },
    })
}

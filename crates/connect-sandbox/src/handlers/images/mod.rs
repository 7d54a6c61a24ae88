//! SearchForImages: the request's filter ([`filters`]) and query ([`query`]) → the candidate
//! posting lists from the index → one selection pass (filter, count, rank: [`rank`]) → the page.

mod filters;
mod query;
mod rank;

use super::Call;
use super::readers::page;
use crate::api::{self, Done, Fail, Obj};
use crate::index::{self, Index};
use crate::operations::Op;
use crate::render::{self, ImageView};
use crate::state::State;
use connect_types::StatusCode;
use connect_types::ops;
use query::Candidates;
use rank::{refinement_options, sort_key};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::SearchForImagesRequest>(search)
            .also_accepts(&["SearchForImages2RequestBody"])
            .built_from_model(),
        Op::of::<ops::SearchForImagesV1Request>(search_v1)
            .also_accepts(&["SearchForImagesRequestBody"])
            .built_from_model(),
    ]
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

    let mut f = filters::read(filter, &fp)?;
    let idx: &Index = &state.index;
    let Candidates { lists, impossible } = query::candidates(idx, query, &qp, filter, &fp, &mut f)?;
    let sort = rank::order(&f.families, editorial_sort, creative_sort);

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

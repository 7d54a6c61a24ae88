//! GetPreviousDownloads and GetPreviousPurchases: the caller's own histories, newest first.

use super::Call;
use super::paging;
use crate::api::{self, Done, Fail};
use crate::operations::Op;
use crate::security::Principal;
use crate::state::State;
use connect_types::ops;
use connect_types::ops::{
    DownloadOfferingFilter, GetPreviousDownloadsResult, GetPreviousPurchasesResult,
    PreviousDownload, PreviousPurchase, ProductOffering, PurchaseSortType, SearchCriteriaType,
};
use connect_types::{IsoDateTime, StatusCode};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::GetPreviousDownloadsRequest>(downloads),
        Op::of::<ops::GetPreviousPurchasesRequest>(purchases),
    ]
}

/// The largest page the sandbox serves (the pages document no maximum; MaxExceeded exists).
pub const MAX_PAGE: usize = 100;

fn who(p: &Principal) -> Result<&str, Fail> {
    p.user.as_deref().ok_or_else(|| {
        Fail::new(
            StatusCode::NoAgreement,
            "histories belong to a user; this token was issued without one (client_credentials)",
        )
    })
}

fn page_window(b: &api::Obj, key: &str) -> Result<(usize, usize), Fail> {
    let (start, count) = paging(b, key)?;
    if count > MAX_PAGE {
        return Err(Fail::new(
            StatusCode::MaxExceeded,
            format!("{key}.ItemCount {count} is above the maximum of {MAX_PAGE}"),
        ));
    }
    Ok((start, count))
}

fn past_total(start: usize, total: usize) -> Result<(), Fail> {
    if total > 0 && start > total {
        return Err(Fail::new(
            StatusCode::StartPastTotal,
            format!("ItemStartNumber {start} lies beyond the {total} entries"),
        ));
    }
    Ok(())
}

/// The thumbnail this sandbox serves for an image (as search results link it).
fn thumb(state: &State, asset: &str) -> String {
    format!("{}/thumb/{asset}.jpg", state.media_base)
}

fn as_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reads `Filter.DateRange` (`Start`/`End`, or the table's `StartDate`/`EndDate`): both ends
/// or neither.
fn date_range(filter: &api::Obj, path: &str) -> Result<Option<(i64, i64)>, Fail> {
    let Some(range) = api::opt_obj(filter, "DateRange", &format!("{path}.DateRange"))? else {
        return Ok(None);
    };
    let end_of = |names: [&str; 2]| -> Result<Option<i64>, Fail> {
        for n in names {
            let p = format!("{path}.DateRange.{n}");
            if let Some(s) = api::opt_str(range, n, &p)?.filter(|s| !s.trim().is_empty()) {
                return IsoDateTime::parse(&s)
                    .map(|d| Some(d.millis))
                    .map_err(|e| Fail::invalid(format!("{p}: {e}")));
            }
        }
        Ok(None)
    };
    match (end_of(["Start", "StartDate"])?, end_of(["End", "EndDate"])?) {
        (None, None) => Ok(None),
        (Some(s), Some(e)) => Ok(Some((s, e))),
        _ => Err(Fail::invalid(format!(
            "{path}.DateRange needs both Start and End"
        ))),
    }
}

/// GetPreviousDownloads.
pub fn downloads(
    state: &State,
    call: &Call<'_, ops::GetPreviousDownloadsRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "GetPreviousDownloadsRequestBody";
    let b = &req.body;
    let (start, count) = page_window(b, key)?;
    let fpath = format!("{key}.Filter");
    let filter = api::opt_obj(b, "Filter", &fpath)?;
    let (range, offering) = match filter {
        None => (None, None),
        Some(f) => {
            let names: Vec<&str> = DownloadOfferingFilter::KNOWN
                .iter()
                .map(DownloadOfferingFilter::as_str)
                .collect();
            let o = api::opt_enum(
                f,
                "ProductOffering",
                &format!("{fpath}.ProductOffering"),
                &names,
                StatusCode::InvalidProductOffering,
            )?;
            (
                date_range(f, &fpath)?,
                o.map(|i| names[i]).filter(|o| *o != "All"),
            )
        }
    };
    let user = who(p)?;
    let all: Vec<_> = state
        .kept
        .accounts
        .downloads(user, state.clock.now_millis())
        .into_iter()
        .filter(|d| range.is_none_or(|(s, e)| (s..=e).contains(&d.at)))
        .filter(|d| offering.is_none_or(|o| o.eq_ignore_ascii_case(d.offering)))
        .collect();
    past_total(start, all.len())?;
    let page: Vec<PreviousDownload> = all
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|d| PreviousDownload {
            asset_id: Some(d.asset_id.clone()),
            date_downloaded: Some(IsoDateTime::from_millis(d.at)),
            thumbnail_image_url: Some(thumb(state, &d.asset_id)),
            product_offering: Some(ProductOffering::parse(d.offering)),
        })
        .collect();
    Ok(Done::result(&GetPreviousDownloadsResult {
        item_count: Some(as_u32(page.len())),
        item_start_number: Some(as_u32(start)),
        item_total_count: Some(all.len() as u64),
        previous_downloads: page,
    }))
}

/// GetPreviousPurchases.
pub fn purchases(
    state: &State,
    call: &Call<'_, ops::GetPreviousPurchasesRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "GetPreviousPurchasesRequestBody";
    let b = &req.body;
    let (start, count) = page_window(b, key)?;
    let sorts: Vec<&str> = PurchaseSortType::KNOWN
        .iter()
        .map(PurchaseSortType::as_str)
        .collect();
    let sort = api::opt_enum(
        b,
        "ItemSortType",
        &format!("{key}.ItemSortType"),
        &sorts,
        StatusCode::InvalidItemSortType,
    )?
    .map(|i| PurchaseSortType::parse(sorts[i]));
    let fpath = format!("{key}.Filter");
    // The page's table lists the criteria at the top level, its example inside Filter.
    let holder = api::opt_obj(b, "Filter", &fpath)?.unwrap_or(b);
    let types: Vec<&str> = SearchCriteriaType::KNOWN
        .iter()
        .map(SearchCriteriaType::as_str)
        .collect();
    let criteria = api::opt_str(holder, "SearchCriteria", &format!("{fpath}.SearchCriteria"))?
        .filter(|s| !s.trim().is_empty());
    let ctype = api::opt_enum(
        holder,
        "SearchCriteriaType",
        &format!("{fpath}.SearchCriteriaType"),
        &types,
        StatusCode::InvalidSearchCriteriaType,
    )?
    .map(|i| SearchCriteriaType::parse(types[i]));
    let matcher = match (criteria, ctype) {
        (None, None) => None,
        (Some(c), Some(t)) => Some((c, t)),
        _ => {
            return Err(Fail::new(
                StatusCode::SearchCriteriaRequestMismatch,
                format!("{fpath}: give SearchCriteria and SearchCriteriaType together"),
            ));
        }
    };
    let user = who(p)?;
    let mut all: Vec<_> = state
        .kept
        .accounts
        .purchases(user, state.clock.now_millis())
        .into_iter()
        .filter(|r| match &matcher {
            None => true,
            Some((c, SearchCriteriaType::AssetId)) => r.asset_id == c.trim(),
            Some((c, SearchCriteriaType::OrderId)) => r.order_id == c.trim(),
            // The sandbox's purchases carry no client, job or purchase-order data.
            Some(_) => false,
        })
        .collect();
    match sort {
        Some(PurchaseSortType::OrderDateAscending) => all.reverse(),
        Some(PurchaseSortType::AssetIdAscending) => all.sort_by(|a, b| a.asset_id.cmp(&b.asset_id)),
        Some(PurchaseSortType::AssetIdDescending) => {
            all.sort_by(|a, b| b.asset_id.cmp(&a.asset_id))
        }
        // Newest first otherwise; the other keys are empty for every sandbox purchase.
        _ => {}
    }
    past_total(start, all.len())?;
    let page: Vec<PreviousPurchase> = all
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|r| PreviousPurchase {
            asset_id: Some(r.asset_id.clone()),
            date_purchased: Some(IsoDateTime::from_millis(r.at)),
            order_id: Some(r.order_id.clone()),
            url_thumb: Some(thumb(state, &r.asset_id)),
        })
        .collect();
    Ok(Done::result(&GetPreviousPurchasesResult {
        item_count: Some(as_u32(page.len())),
        item_start_number: Some(as_u32(start)),
        item_total_count: Some(all.len() as u64),
        previous_purchases: page,
    }))
}

//! ReportUsage: all-or-nothing batches of at most 1,000 entries, one record per
//! `TransactionId`.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::state::State;
use crate::store::usage::{Recorded, Usage};
use connect_types::ops;
use connect_types::ops::{MAX_ASSET_USAGES, ReportUsageResult};
use connect_types::{RequestDate, StatusCode};

/// ReportUsage.
pub fn report(state: &State, call: &Call<'_, ops::ReportUsageRequest>) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "ReportUsageRequestBody";
    let b = &req.body;
    let tx = api::req_str(b, "TransactionId", &format!("{key}.TransactionId"))?;
    let path = format!("{key}.AssetUsages");
    let list = api::opt_obj_list(b, "AssetUsages", &path)?;
    if list.is_empty() {
        return Err(Fail::invalid(format!("{path} is required")));
    }
    if list.len() > MAX_ASSET_USAGES {
        return Err(Fail::invalid(format!(
            "{path} holds {} entries; at most {MAX_ASSET_USAGES} are allowed per request",
            list.len()
        )));
    }
    let shape = &state.index.shape;
    let mut usages = Vec::with_capacity(list.len());
    let mut invalid = Vec::new();
    for (n, u) in list.iter().enumerate() {
        let at = |f: &str| format!("{path}[{n}].{f}");
        let asset = api::req_str(u, "AssetId", &at("AssetId"))?
            .trim()
            .to_owned();
        let quantity = api::req_int(u, "Quantity", &at("Quantity"))?;
        let quantity = u64::try_from(quantity)
            .ok()
            .filter(|q| *q > 0)
            .ok_or_else(|| Fail::invalid(format!("{} must be above zero", at("Quantity"))))?;
        let date = api::req_str(u, "UsageDate", &at("UsageDate"))?;
        let date = RequestDate::parse(&date)
            .map_err(|e| Fail::invalid(format!("{}: {e}", at("UsageDate"))))?;
        if shape.image_index(&asset).is_none() && shape.video_index(&asset).is_none() {
            if !invalid.contains(&asset) {
                invalid.push(asset.clone());
            }
            continue;
        }
        usages.push(Usage {
            asset_id: asset,
            quantity,
            date: date.to_string(),
        });
    }
    if !invalid.is_empty() {
        // All or nothing: one unknown asset fails the batch.
        return Err(Fail::new(
            StatusCode::InvalidAssets,
            format!(
                "not asset ids of this catalog: {}; nothing was recorded, resubmit the batch under a new TransactionId",
                invalid.join(", ")
            ),
        ));
    }
    let app = p.user.as_deref().unwrap_or("");
    match state.usage.record(app, &tx, &usages) {
        Recorded::Usages(n) => Ok(Done::result(&ReportUsageResult {
            total_asset_usages_processed: Some(n),
            invalid_assets: Vec::new(),
        })),
        Recorded::Duplicate => Ok(Done::result(&ReportUsageResult {
            total_asset_usages_processed: Some(0),
            invalid_assets: Vec::new(),
        })
        .warn(
            StatusCode::TransactionIdDuplicate,
            &format!("TransactionId {tx:?} was reported before; nothing was recorded"),
        )),
    }
}

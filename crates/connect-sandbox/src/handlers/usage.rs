//! ReportUsage: all-or-nothing batches of at most 1,000 entries, one record per
//! `TransactionId`.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::operations::Op;
use crate::state::State;
use crate::store::usage::{Recorded, Usage};
use connect_types::StatusCode;
use connect_types::ops;
use connect_types::ops::{MAX_ASSET_USAGES, ReportUsageResult};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![Op::of::<ops::ReportUsageRequest>(report)]
}

/// ReportUsage.
pub fn report(state: &State, call: &Call<'_, ops::ReportUsageRequest>) -> Result<Done, Fail> {
    let key = "ReportUsageRequestBody";
    let request = call.request;
    // The model reads a missing id as empty; the view says it was left out.
    api::req_str(
        &call.raw.body,
        "TransactionId",
        &format!("{key}.TransactionId"),
    )?;
    let path = format!("{key}.AssetUsages");
    let list = &request.asset_usages;
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
        let asset = u.asset_id.trim().to_owned();
        if asset.is_empty() {
            return Err(Fail::invalid(format!("{} is required", at("AssetId"))));
        }
        if u.quantity == 0 {
            return Err(Fail::invalid(format!(
                "{} must be above zero",
                at("Quantity")
            )));
        }
        if shape.image_index(&asset).is_none() && shape.video_index(&asset).is_none() {
            if !invalid.contains(&asset) {
                invalid.push(asset.clone());
            }
            continue;
        }
        usages.push(Usage {
            asset_id: asset,
            quantity: u64::from(u.quantity),
            date: u.usage_date.to_string(),
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
    let tx = request.transaction_id.trim();
    let app = call.principal.user.as_deref().unwrap_or("");
    match state.kept.usage.record(app, tx, &usages) {
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

//! GetAssetChanges and ConfirmAssetChanges: the per-channel partner feed.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::operations::Op;
use crate::render::image_id;
use crate::security::Principal;
use crate::state::State;
use crate::store::feed::{CHANNELS, DEFAULT_BATCH, FeedError, MAX_BATCH};
use connect_types::ops;
use connect_types::ops::{AssetLifecycle, ChangedAsset, GetAssetChangesResult};
use connect_types::{MsDate, StatusCode};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::GetAssetChangesRequest>(changes),
        Op::of::<ops::ConfirmAssetChangesRequest>(confirm),
    ]
}

fn refusal(e: FeedError, what: &str) -> Fail {
    match e {
        FeedError::NoSuchChannel => Fail::invalid(format!(
            "{what}: the sandbox offers channels 1 to {CHANNELS}"
        )),
        FeedError::UnknownTransaction => Fail::invalid(format!(
            "{what}: this TransactionId was not served to this caller by GetAssetChanges"
        )),
        FeedError::Full => Fail::new(
            StatusCode::InternalError,
            "the sandbox holds its maximum of feed cursors",
        ),
    }
}

fn caller(p: &Principal) -> &str {
    p.user.as_deref().unwrap_or("")
}

/// GetAssetChanges.
pub fn changes(state: &State, call: &Call<'_, ops::GetAssetChangesRequest>) -> Result<Done, Fail> {
    let key = "GetAssetChangesRequestBody";
    // The model reads a missing channel as 0; the view says it was left out.
    api::req_int(&call.raw.body, "ChannelId", &format!("{key}.ChannelId"))?;
    let channel = call.request.channel_id;
    let count = match call.request.item_count {
        None => DEFAULT_BATCH,
        Some(0) => {
            return Err(Fail::new(
                StatusCode::InvalidItemCount,
                format!("{key}.ItemCount must be above zero"),
            ));
        }
        Some(n) if u64::from(n) > MAX_BATCH => {
            return Err(Fail::new(
                StatusCode::MaxExceeded,
                format!("{key}.ItemCount {n} is above the maximum of {MAX_BATCH}"),
            ));
        }
        Some(n) => u64::from(n),
    };
    let batch = state
        .kept
        .feed
        .next_batch(caller(call.principal), channel, count)
        .map_err(|e| refusal(e, &format!("{key}.ChannelId {channel}")))?;
    let changed_assets = batch
        .changes
        .iter()
        .map(|c| {
            let id = image_id(c.image);
            ChangedAsset {
                asset_changed_date_time_utc: Some(MsDate {
                    millis: c.at,
                    offset_minutes: Some(0),
                }),
                asset_lifecycle: Some(AssetLifecycle::parse(c.lifecycle)),
                asset_type: Some("Image".into()),
                changed_properties: c.properties.iter().map(|s| (*s).to_owned()).collect(),
                url: (c.lifecycle == "New").then(|| format!("{}/comp/{id}.jpg", state.media_base)),
                asset_id: Some(id),
            }
        })
        .collect();
    Ok(Done::result(&GetAssetChangesResult {
        changed_assets,
        transaction_id: batch.transaction_id,
    }))
}

/// ConfirmAssetChanges.
pub fn confirm(
    state: &State,
    call: &Call<'_, ops::ConfirmAssetChangesRequest>,
) -> Result<Done, Fail> {
    let key = "ConfirmAssetChangesRequestBody";
    api::req_str(
        &call.raw.body,
        "TransactionId",
        &format!("{key}.TransactionId"),
    )?;
    state
        .kept
        .feed
        .confirm(caller(call.principal), call.request.transaction_id.trim())
        .map_err(|e| refusal(e, &format!("{key}.TransactionId")))?;
    Ok(Done::result(&serde_json::json!({})))
}

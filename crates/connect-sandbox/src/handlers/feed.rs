//! GetAssetChanges and ConfirmAssetChanges: the per-channel partner feed.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::render::image_id;
use crate::security::Principal;
use crate::state::State;
use crate::store::feed::{CHANNELS, DEFAULT_BATCH, FeedError, MAX_BATCH};
use connect_types::ops;
use connect_types::ops::{AssetLifecycle, ChangedAsset, GetAssetChangesResult};
use connect_types::{MsDate, StatusCode};

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
    let (p, req) = (call.principal, call.raw);
    let key = "GetAssetChangesRequestBody";
    let b = &req.body;
    let channel = api::req_int(b, "ChannelId", &format!("{key}.ChannelId"))?;
    let count = api::opt_int(b, "ItemCount", &format!("{key}.ItemCount"))?;
    let count = match count {
        None => DEFAULT_BATCH,
        Some(n) if n <= 0 => {
            return Err(Fail::new(
                StatusCode::InvalidItemCount,
                format!("{key}.ItemCount must be above zero"),
            ));
        }
        Some(n) if n as u64 > MAX_BATCH => {
            return Err(Fail::new(
                StatusCode::MaxExceeded,
                format!("{key}.ItemCount {n} is above the maximum of {MAX_BATCH}"),
            ));
        }
        Some(n) => n as u64,
    };
    let channel = u64::try_from(channel).unwrap_or(0);
    let batch = state
        .feed
        .next_batch(caller(p), channel, count)
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
    let (p, req) = (call.principal, call.raw);
    let key = "ConfirmAssetChangesRequestBody";
    let tx = api::req_str(&req.body, "TransactionId", &format!("{key}.TransactionId"))?;
    state
        .feed
        .confirm(caller(p), tx.trim())
        .map_err(|e| refusal(e, &format!("{key}.TransactionId")))?;
    Ok(Done::result(&serde_json::json!({})))
}

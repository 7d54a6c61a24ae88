//! The partner asset-change feed: GetAssetChanges and ConfirmAssetChanges.
//!
//! A channel serves its changes in batches. The same batch (same `TransactionId`) comes back
//! from every GetAssetChanges until ConfirmAssetChanges acknowledges it; then the next one
//! is served. Confirming only after a batch is safely processed gives at-least-once delivery.

use crate::date::MsDate;
use crate::operation::{Described, Empty, Operation, Security};
use serde::{Deserialize, Serialize};

/// The batch size the service uses when `ItemCount` is not given.
pub const DEFAULT_CHANGE_BATCH: u32 = 10;
/// The largest `ItemCount` GetAssetChanges accepts.
pub const MAX_CHANGE_BATCH: u32 = 500;

crate::string_enum! {
    /// What happened to an asset (the page gives these as examples; others may come).
    pub enum AssetLifecycle {
        /// Newly available; `Url` is set.
        New = "New",
        /// Metadata or file changed.
        Updated = "Updated",
        /// No longer available.
        Deleted = "Deleted",
    }
}

/// The `GetAssetChangesRequestBody`.
///
/// ```
/// use connect_types::ops::GetAssetChangesRequest;
/// let req = GetAssetChangesRequest::channel(7).count(100);
/// assert_eq!((req.channel_id, req.item_count), (7, Some(100)));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetAssetChangesRequest {
    /// The subscribed channel.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub channel_id: u64,
    /// Batch size: default [`DEFAULT_CHANGE_BATCH`], at most [`MAX_CHANGE_BATCH`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_count: Option<u32>,
}

impl GetAssetChangesRequest {
    /// The same as [`Self::channel`] (`new` on every request takes what the operation requires).
    pub fn new(channel_id: u64) -> Self {
        Self::channel(channel_id)
    }

    /// The next batch of `channel_id`, at the default size.
    pub fn channel(channel_id: u64) -> Self {
        Self {
            channel_id,
            item_count: None,
        }
    }

    /// Sets the batch size.
    #[must_use]
    pub fn count(mut self, item_count: u32) -> Self {
        self.item_count = Some(item_count);
        self
    }
}

impl Operation for GetAssetChangesRequest {
    type Result = GetAssetChangesResult;
    const NAME: &'static str = "GetAssetChanges";
    const PATH: &'static str = "/v1/partnerassetingestion/GetAssetChanges";
    const BODY_KEY: &'static str = "GetAssetChangesRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetAssetChangesResponseBody");
    const SECURITY: Security = Security::Standard;
    // Until it is confirmed, the same batch comes back.
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = true;
}

impl Described for GetAssetChangesRequest {
    const METHOD: Option<&'static str> = Some("asset_changes");
    const SUMMARY: &'static str =
        "the channel's current batch; the same batch comes back until it is confirmed.";
    const DOC: &'static str = "[`Client::follow_changes`] runs the at-least-once loop.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetAssetChangesRequest;
let batch = client.asset_changes(&GetAssetChangesRequest::channel(7).count(50)){await}?;
println!("{} changes in batch {:?}", batch.result.changed_assets.len(), batch.result.transaction_id);"#;
    fn example() -> Self {
        GetAssetChangesRequest::channel(1).count(10)
    }
}

/// `GetAssetChangesResponseBody`: one batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetAssetChangesResult {
    /// The changes of this batch (empty when the channel is drained).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub changed_assets: Vec<ChangedAsset>,
    /// The batch's id, to pass to ConfirmAssetChanges.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub transaction_id: Option<String>,
}

/// One changed asset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ChangedAsset {
    /// When the asset changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub asset_changed_date_time_utc: Option<MsDate>,
    /// The asset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub asset_id: Option<String>,
    /// New, updated or deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_lifecycle: Option<AssetLifecycle>,
    /// Kind of asset, e.g. `Image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_type: Option<String>,
    /// Names of the changed metadata fields (documented as unused for now).
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    pub changed_properties: Vec<String>,
    /// Download URL, for new assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The `ConfirmAssetChangesRequestBody`: acknowledges a batch so the next one is served.
///
/// ```
/// use connect_types::ops::ConfirmAssetChangesRequest;
/// assert_eq!(ConfirmAssetChangesRequest::new("tx-1").transaction_id, "tx-1");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmAssetChangesRequest {
    /// The `TransactionId` of the batch being acknowledged.
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub transaction_id: String,
}

/// A required id that may arrive as a bare number (missing or `null` reads as empty).
fn de_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::opt_string(d).map(Option::unwrap_or_default)
}

impl ConfirmAssetChangesRequest {
    /// Acknowledges the batch `transaction_id`.
    pub fn new(transaction_id: impl Into<String>) -> Self {
        Self {
            transaction_id: transaction_id.into(),
        }
    }
}

impl Operation for ConfirmAssetChangesRequest {
    type Result = Empty;
    const NAME: &'static str = "ConfirmAssetChanges";
    const PATH: &'static str = "/v1/partnerassetingestion/ConfirmAssetChanges";
    const BODY_KEY: &'static str = "ConfirmAssetChangesRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("ConfirmAssetChangesResponseBody");
    const SECURITY: Security = Security::Standard;
    // Acknowledging a batch twice changes nothing the second time.
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = true;
}

impl Described for ConfirmAssetChangesRequest {
    const METHOD: Option<&'static str> = Some("confirm_asset_changes");
    const SUMMARY: &'static str = "acknowledges a batch so the next one is served.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::ConfirmAssetChangesRequest;
client.confirm_asset_changes(&ConfirmAssetChangesRequest::new("the batch's TransactionId")){await}?;"#;
    fn example() -> Self {
        ConfirmAssetChangesRequest::new("<TransactionId from GetAssetChanges>")
    }
}

//! Usage reporting: ReportUsage.

use crate::date::RequestDate;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

/// The most entries one ReportUsage call may carry.
pub const MAX_ASSET_USAGES: usize = 1000;

/// The `ReportUsageRequestBody`: how often assets were used, under one `TransactionId`.
///
/// The batch is all-or-nothing: one unknown asset id fails it and nothing is recorded. A
/// `TransactionId` seen before is answered with a warning and nothing is recorded, which makes
/// the call safe to retry; resubmit a failed batch under a new id.
///
/// ```
/// use connect_types::ops::ReportUsageRequest;
/// use connect_types::RequestDate;
/// let day = RequestDate::new(2013, 4, 2).unwrap();
/// let req = ReportUsageRequest::new("7c0c7f8e-usage-1").usage("83454811", 2, day);
/// assert_eq!(req.asset_usages[0].quantity, 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ReportUsageRequest {
    /// Unique per request within the application (a UUID is advised).
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub transaction_id: String,
    /// The usages (at most [`MAX_ASSET_USAGES`]; asset ids may repeat).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = MAX_ASSET_USAGES)))]
    pub asset_usages: Vec<AssetUsage>,
}

/// One usage entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct AssetUsage {
    /// The asset used.
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub asset_id: String,
    /// How many times.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub quantity: u32,
    /// The day of use, `YYYY-MM-DD`.
    pub usage_date: RequestDate,
}

/// A required id that may arrive as a bare number (missing or `null` reads as empty).
fn de_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::opt_string(d).map(Option::unwrap_or_default)
}

impl ReportUsageRequest {
    /// An empty report under `transaction_id`.
    pub fn new(transaction_id: impl Into<String>) -> Self {
        Self {
            transaction_id: transaction_id.into(),
            asset_usages: Vec::new(),
        }
    }

    /// Adds `quantity` uses of `asset_id` on `date`.
    #[must_use]
    pub fn usage(mut self, asset_id: impl Into<String>, quantity: u32, date: RequestDate) -> Self {
        self.asset_usages.push(AssetUsage {
            asset_id: asset_id.into(),
            quantity,
            usage_date: date,
        });
        self
    }
}

impl Operation for ReportUsageRequest {
    type Result = ReportUsageResult;
    const NAME: &'static str = "ReportUsage";
    const PATH: &'static str = "/v1/usage/ReportUsage";
    const BODY_KEY: &'static str = "ReportUsageRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("ReportUsageResponseBody");
    const SECURITY: Security = Security::Standard;
    // A repeated TransactionId records nothing, so sending the same request again is safe.
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = true;
}

impl Described for ReportUsageRequest {
    const METHOD: Option<&'static str> = Some("report_usage");
    const SUMMARY: &'static str = "how often assets were used, under one TransactionId.";
    const DOC: &'static str = "A repeated id records nothing and comes back with a \
        `TransactionIdDuplicate` warning, so a retry is safe.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::ReportUsageRequest;
use {crate}::RequestDate;
let on = RequestDate::new(2026, 11, 1).expect("a real date");
let report = ReportUsageRequest::new("invoice-2026-11").usage("100000001", 3, on);
let answer = client.report_usage(&report){await}?;
println!("{:?} usages recorded", answer.result.total_asset_usages_processed);"#;
    fn example() -> Self {
        let report = ReportUsageRequest::new("3f2b8c1e-usage-example");
        match RequestDate::new(2026, 11, 1) {
            Some(on) => report.usage(super::EXAMPLE_IMAGE_ID, 1, on),
            None => report,
        }
    }
}

/// `ReportUsageResponseBody`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ReportUsageResult {
    /// Usages recorded (the sum of the quantities).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub total_asset_usages_processed: Option<u64>,
    /// The asset ids the service did not accept.
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    pub invalid_assets: Vec<String>,
}

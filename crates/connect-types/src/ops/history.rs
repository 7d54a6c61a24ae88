//! The caller's own histories: GetPreviousDownloads and GetPreviousPurchases.
//!
//! Both are secure-only, paged by a 1-based `ItemStartNumber` and an `ItemCount`, and answer
//! under a `…ResultBody` key (not the usual `…Result`). Their dates are ISO 8601 date-times,
//! not the `/Date(ms)/` form of the search responses.

use super::common::ProductOffering;
use crate::date::IsoDateTime;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The `Filter.ProductOffering` of GetPreviousDownloads: one offering, or `All`.
    pub enum DownloadOfferingFilter {
        /// Every offering.
        All = "All",
        /// Editorial Subscription.
        EditorialSubscription = "EditorialSubscription",
        /// Easy Access.
        EasyAccess = "EasyAccess",
        /// Legacy royalty-free subscription.
        LegacyRfSubscription = "LegacyRfSubscription",
        /// Premium Access.
        PremiumAccess = "PremiumAccess",
        /// Royalty-free subscription.
        RoyaltyFreeSubscription = "RoyaltyFreeSubscription",
        /// Image pack.
        ImagePack = "ImagePack",
    }
}

crate::string_enum! {
    /// Sort order of GetPreviousPurchases.
    pub enum PurchaseSortType {
        /// By asset id, ascending.
        AssetIdAscending = "AssetIdAscending",
        /// By asset id, descending.
        AssetIdDescending = "AssetIdDescending",
        /// By client name, ascending.
        ClientNameAscending = "ClientNameAscending",
        /// By client name, descending.
        ClientNameDescending = "ClientNameDescending",
        /// By collection name, ascending.
        CollectionNameAscending = "CollectionNameAscending",
        /// By collection name, descending.
        CollectionNameDescending = "CollectionNameDescending",
        /// Oldest order first.
        OrderDateAscending = "OrderDateAscending",
        /// Newest order first.
        OrderDateDescending = "OrderDateDescending",
        /// By purchase order number, ascending.
        PurchaseOrderNumberAscending = "PurchaseOrderNumberAscending",
        /// By purchase order number, descending.
        PurchaseOrderNumberDescending = "PurchaseOrderNumberDescending",
    }
}

crate::string_enum! {
    /// Which field `Filter.SearchCriteria` of GetPreviousPurchases matches.
    pub enum SearchCriteriaType {
        /// The asset id.
        AssetId = "AssetId",
        /// The client name.
        ClientName = "ClientName",
        /// The job reference number.
        JobReferenceNumber = "JobReferenceNumber",
        /// The order id.
        OrderId = "OrderId",
        /// The purchase order number.
        PurchaseOrderNumber = "PurchaseOrderNumber",
    }
}

/// A date range; give both ends or neither.
///
/// The reference page's example names the keys `Start` and `End` (sent); its table calls them
/// `StartDate` and `EndDate` (also read).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct DateRange {
    /// The first instant included.
    #[serde(
        default,
        alias = "StartDate",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_iso_date_time"
    )]
    pub start: Option<IsoDateTime>,
    /// The last instant included.
    #[serde(
        default,
        alias = "EndDate",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_iso_date_time"
    )]
    pub end: Option<IsoDateTime>,
}

impl DateRange {
    /// The range from `start` to `end`, both included.
    pub fn new(start: IsoDateTime, end: IsoDateTime) -> Self {
        Self {
            start: Some(start),
            end: Some(end),
        }
    }
}

/// The `GetPreviousDownloadsRequestBody`.
///
/// ```
/// use connect_types::ops::{DateRange, DownloadOfferingFilter, GetPreviousDownloadsRequest};
/// use connect_types::IsoDateTime;
/// let range = DateRange::new(IsoDateTime::from_millis(0), IsoDateTime::from_millis(86_400_000));
/// let req = GetPreviousDownloadsRequest::page(26, 25)
///     .between(range)
///     .offering(DownloadOfferingFilter::EasyAccess);
/// assert_eq!(req.item_start_number, 26);
/// let json = serde_json::to_string(&req).unwrap();
/// assert!(json.contains(r#""DateRange":{"Start":"1970-01-01T00:00:00Z","End":"1970-01-02T00:00:00Z"}"#));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetPreviousDownloadsRequest {
    /// Page size.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_count: u32,
    /// 1-based index of the first entry.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_start_number: u32,
    /// Optional date and offering filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<PreviousDownloadsFilter>,
}

/// The `Filter` of GetPreviousDownloads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct PreviousDownloadsFilter {
    /// Only downloads made in this range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_range: Option<DateRange>,
    /// Only downloads authorized by this offering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_offering: Option<DownloadOfferingFilter>,
}

impl GetPreviousDownloadsRequest {
    /// The same as [`Self::page`] (`new` on every request takes what the operation requires).
    pub fn new(start: u32, count: u32) -> Self {
        Self::page(start, count)
    }

    /// The page of `count` entries starting at the 1-based `start`.
    pub fn page(start: u32, count: u32) -> Self {
        Self {
            item_count: count,
            item_start_number: start,
            filter: None,
        }
    }

    /// Only downloads made within `range`.
    #[must_use]
    pub fn between(mut self, range: DateRange) -> Self {
        self.filter.get_or_insert_with(Default::default).date_range = Some(range);
        self
    }

    /// Only downloads authorized by `offering`.
    #[must_use]
    pub fn offering(mut self, offering: DownloadOfferingFilter) -> Self {
        self.filter
            .get_or_insert_with(Default::default)
            .product_offering = Some(offering);
        self
    }
}

impl Operation for GetPreviousDownloadsRequest {
    type Result = GetPreviousDownloadsResult;
    const NAME: &'static str = "GetPreviousDownloads";
    const PATH: &'static str = "/v1/download/GetPreviousDownloads";
    const BODY_KEY: &'static str = "GetPreviousDownloadsRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetPreviousDownloadsResultBody");
    const SECURITY: Security = Security::SecureOnly;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for GetPreviousDownloadsRequest {
    const METHOD: Option<&'static str> = Some("previous_downloads");
    const SUMMARY: &'static str = "one page of the caller's downloads, newest first.";
    const DOC: &'static str =
        "Secure-only (HTTPS). For every page, lazily, use [`Client::previous_downloads_all`].";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetPreviousDownloadsRequest;
let page = client.previous_downloads(&GetPreviousDownloadsRequest::page(1, 25)){await}?;
println!("{} downloads on this page", page.result.previous_downloads.len());"#;
    const ALL_METHOD: Option<(&'static str, &'static str)> = Some((
        "previous_downloads_all",
        "Every download of the caller, newest first, fetched a page at a time (25 a page unless the request sets `ItemCount`). Secure-only, like GetPreviousDownloads.",
    ));
    fn example() -> Self {
        GetPreviousDownloadsRequest::page(1, 10)
    }
}

/// `GetPreviousDownloadsResultBody`: one page of the caller's downloads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetPreviousDownloadsResult {
    /// The downloads of this page.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub previous_downloads: Vec<PreviousDownload>,
    /// Entries in this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_count: Option<u32>,
    /// 1-based index of the first entry returned.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_start_number: Option<u32>,
    /// Matching entries across all pages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_total_count: Option<u64>,
}

/// One earlier download.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct PreviousDownload {
    /// The downloaded asset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub asset_id: Option<String>,
    /// When it was downloaded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_iso_date_time"
    )]
    pub date_downloaded: Option<IsoDateTime>,
    /// Grid-sized thumbnail (the page's table calls the key `UrlThumb`, also read).
    #[serde(default, alias = "UrlThumb", skip_serializing_if = "Option::is_none")]
    pub thumbnail_image_url: Option<String>,
    /// The offering that authorized the download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_offering: Option<ProductOffering>,
}

/// The `GetPreviousPurchasesRequestBody`.
///
/// ```
/// use connect_types::ops::{GetPreviousPurchasesRequest, PurchaseSortType, SearchCriteriaType};
/// let req = GetPreviousPurchasesRequest::page(1, 25)
///     .sort(PurchaseSortType::OrderDateDescending)
///     .matching(SearchCriteriaType::AssetId, "83454811");
/// let f = req.filter.as_ref().unwrap();
/// assert_eq!(f.search_criteria.as_deref(), Some("83454811"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetPreviousPurchasesRequest {
    /// Page size.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_count: u32,
    /// 1-based index of the first entry.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_start_number: u32,
    /// Sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_sort_type: Option<PurchaseSortType>,
    /// Optional search filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<PurchasesFilter>,
}

/// The `Filter` of GetPreviousPurchases: give both fields or neither.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct PurchasesFilter {
    /// The value to match.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub search_criteria: Option<String>,
    /// The field it matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_criteria_type: Option<SearchCriteriaType>,
}

impl GetPreviousPurchasesRequest {
    /// The same as [`Self::page`] (`new` on every request takes what the operation requires).
    pub fn new(start: u32, count: u32) -> Self {
        Self::page(start, count)
    }

    /// The page of `count` entries starting at the 1-based `start`.
    pub fn page(start: u32, count: u32) -> Self {
        Self {
            item_count: count,
            item_start_number: start,
            ..Self::default()
        }
    }

    /// Sorts the results.
    #[must_use]
    pub fn sort(mut self, sort: PurchaseSortType) -> Self {
        self.item_sort_type = Some(sort);
        self
    }

    /// Only purchases whose `field` matches `value`.
    #[must_use]
    pub fn matching(mut self, field: SearchCriteriaType, value: impl Into<String>) -> Self {
        self.filter = Some(PurchasesFilter {
            search_criteria: Some(value.into()),
            search_criteria_type: Some(field),
        });
        self
    }
}

impl Operation for GetPreviousPurchasesRequest {
    type Result = GetPreviousPurchasesResult;
    const NAME: &'static str = "GetPreviousPurchases";
    const PATH: &'static str = "/v1/purchase/GetPreviousPurchases";
    const BODY_KEY: &'static str = "GetPreviousPurchasesRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetPreviousPurchasesResultBody");
    const SECURITY: Security = Security::SecureOnly;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for GetPreviousPurchasesRequest {
    const METHOD: Option<&'static str> = Some("previous_purchases");
    const SUMMARY: &'static str = "one page of the caller's purchases.";
    const DOC: &'static str =
        "Secure-only (HTTPS). For every page, lazily, use [`Client::previous_purchases_all`].";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetPreviousPurchasesRequest;
let page = client.previous_purchases(&GetPreviousPurchasesRequest::page(1, 25)){await}?;
println!("{} purchases on this page", page.result.previous_purchases.len());"#;
    const ALL_METHOD: Option<(&'static str, &'static str)> = Some((
        "previous_purchases_all",
        "Every purchase of the caller, fetched a page at a time (25 a page unless the request sets `ItemCount`). Secure-only, like GetPreviousPurchases.",
    ));
    fn example() -> Self {
        GetPreviousPurchasesRequest::page(1, 10)
    }
}

/// `GetPreviousPurchasesResultBody`: one page of the caller's purchases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetPreviousPurchasesResult {
    /// The purchases of this page.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub previous_purchases: Vec<PreviousPurchase>,
    /// Entries in this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_count: Option<u32>,
    /// 1-based index of the first entry returned.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_start_number: Option<u32>,
    /// Matching entries across all pages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_total_count: Option<u64>,
}

/// One earlier purchase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct PreviousPurchase {
    /// The purchased asset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub asset_id: Option<String>,
    /// When it was purchased.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_iso_date_time"
    )]
    pub date_purchased: Option<IsoDateTime>,
    /// The order that holds it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub order_id: Option<String>,
    /// Grid-sized thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_thumb: Option<String>,
}

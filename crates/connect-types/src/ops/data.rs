//! Reference data: GetActiveProductOfferings, GetAllProductOfferings, GetCollections,
//! GetCountries.
//!
//! The first three are documented with a `RequestHeader` alone ([`Operation::HAS_BODY`] is
//! false): their request types are empty and nothing is sent under their body key.

use super::common::{ImageFamily, Language, ProductOffering};
use crate::date::MsDate;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

macro_rules! data_op {
    ($req:ty, $result:ty, $name:literal, $has_body:literal) => {
        impl Operation for $req {
            type Result = $result;
            const NAME: &'static str = $name;
            const PATH: &'static str = concat!("/v1/data/", $name);
            const BODY_KEY: &'static str = concat!($name, "RequestBody");
            const HAS_BODY: bool = $has_body;
            const RESULT_KEY: Option<&'static str> = Some(concat!($name, "Result"));
            const SECURITY: Security = Security::Standard;
            const IDEMPOTENT: bool = true;
            // Reference data only: nothing a call does is kept.
            const CHANGES_STATE: bool = false;
        }
    };
}

crate::string_enum! {
    /// The kind of a product offering instance.
    pub enum ProductOfferingType {
        /// A pack of downloads.
        ImagePack = "ImagePack",
        /// A subscription with a periodic download limit.
        Subscription = "Subscription",
    }
}

crate::string_enum! {
    /// The state of a product offering instance.
    pub enum OfferingStatus {
        /// In use.
        Active = "Active",
        /// Cancelled.
        Cancelled = "Cancelled",
        /// Past its expiry date.
        Expired = "Expired",
        /// Every download used (image packs only).
        Fulfilled = "Fulfilled",
        /// Not active (subscriptions only).
        Inactive = "Inactive",
        /// Not yet active (subscriptions only).
        Pending = "Pending",
        /// Suspended.
        Suspended = "Suspended",
        /// Not specified.
        Unspecified = "Unspecified",
        /// Not supported.
        Unsupported = "Unsupported",
    }
}

/// GetActiveProductOfferings (no body): the offering types the user may download under.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetActiveProductOfferingsRequest {}

data_op!(
    GetActiveProductOfferingsRequest,
    GetActiveProductOfferingsResult,
    "GetActiveProductOfferings",
    false
);

impl Described for GetActiveProductOfferingsRequest {
    const METHOD: Option<&'static str> = Some("active_product_offerings");
    const SUMMARY: &'static str = "the offering types the user may download under.";
    const DOC: &'static str = "No body is sent.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetActiveProductOfferingsRequest;
let active = client.active_product_offerings(&GetActiveProductOfferingsRequest {}){await}?;
println!("{:?}", active.result.active_product_offerings);"#;
    fn example() -> Self {
        GetActiveProductOfferingsRequest {}
    }
}

/// `GetActiveProductOfferingsResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetActiveProductOfferingsResult {
    /// Active offering types of the signed-in user.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub active_product_offerings: Vec<ProductOffering>,
}

/// GetAllProductOfferings (no body): every royalty-free offering instance of the user,
/// expired and fulfilled ones included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetAllProductOfferingsRequest {}

data_op!(
    GetAllProductOfferingsRequest,
    GetAllProductOfferingsResult,
    "GetAllProductOfferings",
    false
);

impl Described for GetAllProductOfferingsRequest {
    const METHOD: Option<&'static str> = Some("all_product_offerings");
    const SUMMARY: &'static str = "every offering instance of the user, with its quota.";
    const DOC: &'static str = "No body is sent.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetAllProductOfferingsRequest;
let all = client.all_product_offerings(&GetAllProductOfferingsRequest {}){await}?;
for o in &all.result.product_offerings {
    println!("{:?}: {:?} downloads left", o.name, o.downloads_remaining);
}"#;
    fn example() -> Self {
        GetAllProductOfferingsRequest {}
    }
}

/// `GetAllProductOfferingsResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetAllProductOfferingsResult {
    /// One entry per offering instance.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub product_offerings: Vec<ProductOfferingInstance>,
}

/// One product offering instance (an image pack or a subscription the user ordered).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ProductOfferingInstance {
    /// Unique id of this instance.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub product_offering_instance_id: Option<u64>,
    /// The application the offering was ordered for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_website: Option<String>,
    /// Image pack or subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_offering_type: Option<ProductOfferingType>,
    /// The offering's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Downloads allowed (per period, for subscriptions).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub download_limit: Option<i64>,
    /// The period the limit covers (subscriptions only), e.g. `Month`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_limit_duration: Option<String>,
    /// The instance's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OfferingStatus>,
    /// When the offering expires. The page types it string without a format; a Microsoft
    /// JSON date or an ISO 8601 text both read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub expiration_utc: Option<MsDate>,
    /// Downloads still available.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub downloads_remaining: Option<i64>,
    /// When `DownloadsRemaining` goes back to `DownloadLimit` (subscriptions only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub download_limit_reset_utc: Option<MsDate>,
}

/// GetCollections (no body): the collections configured for the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetCollectionsRequest {}

data_op!(
    GetCollectionsRequest,
    GetCollectionsResult,
    "GetCollections",
    false
);

impl Described for GetCollectionsRequest {
    const METHOD: Option<&'static str> = Some("collections");
    const SUMMARY: &'static str = "the collections configured for the caller.";
    const DOC: &'static str = "No body is sent.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetCollectionsRequest;
let found = client.collections(&GetCollectionsRequest {}){await}?;
println!("{} collections", found.result.collections.len());"#;
    fn example() -> Self {
        GetCollectionsRequest {}
    }
}

/// `GetCollectionsResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetCollectionsResult {
    /// One entry per collection.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub collections: Vec<Collection>,
}

/// One collection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Collection {
    /// The collection's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_name: Option<String>,
    /// Its image family, e.g. `Creative`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_family: Option<ImageFamily>,
    /// License model abbreviation, e.g. `RF`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_model: Option<String>,
    /// Numeric id, as used by the search collections filter.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub collection_id: Option<u64>,
    /// The offerings the collection belongs to.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub applicable_product_offerings: Vec<ProductOffering>,
}

/// The `GetCountriesRequestBody`.
///
/// ```
/// use connect_types::ops::{GetCountriesRequest, Language};
/// assert_eq!(GetCountriesRequest::in_language(Language::Fr).language, Some(Language::Fr));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetCountriesRequest {
    /// Language of the country names (the service defaults to `en-US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

impl GetCountriesRequest {
    /// The same as [`Self::in_language`] (`new` on every request takes what the operation requires).
    pub fn new(language: Language) -> Self {
        Self::in_language(language)
    }

    /// Country names in `language`.
    pub fn in_language(language: Language) -> Self {
        Self {
            language: Some(language),
        }
    }
}

data_op!(
    GetCountriesRequest,
    GetCountriesResult,
    "GetCountries",
    true
);

impl Described for GetCountriesRequest {
    const METHOD: Option<&'static str> = Some("countries");
    const SUMMARY: &'static str = "the country list; its three-letter codes are what \
        CreateCustomer takes.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::{GetCountriesRequest, Language};
let found = client.countries(&GetCountriesRequest::in_language(Language::EnGb)){await}?;
println!("{} countries", found.result.countries.len());"#;
    fn example() -> Self {
        GetCountriesRequest::in_language(Language::EnUs)
    }
}

/// `GetCountriesResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetCountriesResult {
    /// The countries.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub countries: Vec<Country>,
}

/// One country. The keys end in `ISO` here, while CreateCustomer spells its field `…Iso`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Country {
    /// Two-letter ISO code, e.g. `US`.
    #[serde(
        default,
        rename = "CountryChar2ISO",
        alias = "CountryChar2Iso",
        skip_serializing_if = "Option::is_none"
    )]
    pub country_char2_iso: Option<String>,
    /// Three-letter ISO code, e.g. `USA`: the value CreateCustomer's
    /// `BillingCountryChar3Iso` takes.
    #[serde(
        default,
        rename = "CountryChar3ISO",
        alias = "CountryChar3Iso",
        skip_serializing_if = "Option::is_none"
    )]
    pub country_char3_iso: Option<String>,
    /// Name in the requested language.
    #[serde(
        default,
        rename = "CountryName",
        skip_serializing_if = "Option::is_none"
    )]
    pub country_name: Option<String>,
}

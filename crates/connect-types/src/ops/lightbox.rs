//! Lightboxes: CreateLightbox, GetLightbox, GetLightboxHeaders, UpdateLightboxHeader,
//! DeleteLightbox, CreateLightboxItems, DeleteLightboxItems, CreateSharedLightbox.

use crate::date::MsDate;
use crate::operation::{Described, Empty, Operation, Security};
use serde::{Deserialize, Serialize};

macro_rules! op {
    ($req:ty, $result:ty, $name:literal, $key:expr, $idem:literal, $changes:literal) => {
        impl Operation for $req {
            type Result = $result;
            const NAME: &'static str = $name;
            const PATH: &'static str = concat!("/v1/lightbox/", $name);
            const BODY_KEY: &'static str = concat!($name, "RequestBody");
            const RESULT_KEY: Option<&'static str> = $key;
            const SECURITY: Security = Security::Standard;
            const IDEMPOTENT: bool = $idem;
            // Every lightbox operation but the two readers changes a lightbox.
            const CHANGES_STATE: bool = $changes;
        }
    };
}

/// The `CreateLightboxRequestBody`.
///
/// ```
/// use connect_types::ops::CreateLightboxRequest;
/// let req = CreateLightboxRequest::named("Trip").client("ACME").notes("shortlist");
/// assert_eq!(req.lightbox_name, "Trip");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateLightboxRequest {
    /// Name of the new lightbox.
    #[serde(default)]
    pub lightbox_name: String,
    /// Client the lightbox is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Project the lightbox is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
    /// Free-form notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl CreateLightboxRequest {
    /// The same as [`Self::named`] (`new` on every request takes what the operation requires).
    pub fn new(name: impl Into<String>) -> Self {
        Self::named(name)
    }

    /// A lightbox with this name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            lightbox_name: name.into(),
            ..Self::default()
        }
    }

    /// Sets the client name.
    #[must_use]
    pub fn client(mut self, client: impl Into<String>) -> Self {
        self.client_name = Some(client.into());
        self
    }

    /// Sets the project name.
    #[must_use]
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project_name = Some(project.into());
        self
    }

    /// Sets the notes.
    #[must_use]
    pub fn notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }
}

op!(
    CreateLightboxRequest,
    CreateLightboxResult,
    "CreateLightbox",
    Some("CreateLightboxResult"),
    false,
    true
);

impl Described for CreateLightboxRequest {
    const METHOD: Option<&'static str> = Some("create_lightbox");
    const SUMMARY: &'static str = "a new, empty lightbox of the signed-in user.";
    const DOC: &'static str = "Not retried once it may have reached the server, so a failure \
        never leaves two lightboxes.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::CreateLightboxRequest;
let created = client.create_lightbox(&CreateLightboxRequest::named("Beach ideas")){await}?;
println!("lightbox {:?}", created.result.lightbox_id);"#;
    fn example() -> Self {
        CreateLightboxRequest::named("Beach ideas").notes("for the summer issue")
    }
}

/// `CreateLightboxResult`: the new lightbox's id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateLightboxResult {
    /// Id of the created lightbox (a number, or a numeric string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub lightbox_id: Option<u64>,
}

/// The `GetLightboxRequestBody`.
///
/// ```
/// use connect_types::ops::GetLightboxRequest;
/// let req = GetLightboxRequest::new(42).items(26, 25);
/// assert_eq!(req.lightbox_items_view_options.item_start_number, 26);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetLightboxRequest {
    /// The lightbox.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub lightbox_id: u64,
    /// Which items to return.
    #[serde(default)]
    pub lightbox_items_view_options: LightboxItemsViewOptions,
}

impl GetLightboxRequest {
    /// The lightbox with this id, first 25 items.
    pub fn new(lightbox_id: u64) -> Self {
        Self {
            lightbox_id,
            lightbox_items_view_options: LightboxItemsViewOptions::default(),
        }
    }

    /// Returns `count` items from the 1-based position `start`.
    #[must_use]
    pub fn items(mut self, start: u32, count: u32) -> Self {
        self.lightbox_items_view_options.item_start_number = start;
        self.lightbox_items_view_options.item_count = count;
        self
    }

    /// Asks for each item's largest available size.
    #[must_use]
    pub fn include_max_size(mut self, yes: bool) -> Self {
        self.lightbox_items_view_options
            .include_max_size_per_lightbox_item = Some(yes);
        self
    }
}

op!(
    GetLightboxRequest,
    GetLightboxResult,
    "GetLightbox",
    Some("GetLightboxResult"),
    true,
    false
);

impl Described for GetLightboxRequest {
    const METHOD: Option<&'static str> = Some("lightbox");
    const SUMMARY: &'static str = "a lightbox's header and one page of its items.";
    const DOC: &'static str = "Every item, lazily: [`Client::lightbox_items_all`].";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetLightboxRequest;
let lightbox = client.lightbox(&GetLightboxRequest::new(1001).items(1, 50)){await}?;
println!("{} items on this page", lightbox.result.lightbox.map_or(0, |l| l.lightbox_items.len()));"#;
    const ALL_METHOD: Option<(&'static str, &'static str)> = Some((
        "lightbox_items_all",
        "Every item of a lightbox (`GetLightboxRequest::new(id)`; its view options set the page size), up to the header's `LightboxItemCount`.",
    ));
    fn example() -> Self {
        GetLightboxRequest::new(1).items(1, 10)
    }
}

/// Paging of lightbox items. `Default` is the first 25.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct LightboxItemsViewOptions {
    /// How many items (greater than zero).
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_count: u32,
    /// 1-based position of the first item.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_start_number: u32,
    /// Fill `MaxWidthAvailable`/`MaxHeightAvailable` on each item.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub include_max_size_per_lightbox_item: Option<bool>,
}

impl Default for LightboxItemsViewOptions {
    fn default() -> Self {
        Self {
            item_count: 25,
            item_start_number: 1,
            include_max_size_per_lightbox_item: None,
        }
    }
}

/// `GetLightboxResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetLightboxResult {
    /// The lightbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lightbox: Option<Lightbox>,
}

/// A lightbox: its header and a page of its items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Lightbox {
    /// Name, notes, counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lightbox_header: Option<LightboxHeader>,
    /// The requested page of items.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub lightbox_items: Vec<LightboxItem>,
}

/// A lightbox header.
///
/// `LightboxId` and `LightboxItemCount` are documented as strings but are numbers in practice:
/// they read from either and are written as strings, as documented.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct LightboxHeader {
    /// Lightbox id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int",
        serialize_with = "crate::lenient::opt_int_as_string"
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::lenient::numeric_string_schema")
    )]
    pub lightbox_id: Option<u64>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lightbox_name: Option<String>,
    /// Client name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Project name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_created: Option<MsDate>,
    /// When it was last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_modified: Option<MsDate>,
    /// Whether it is shared (`""` reads as unset).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub is_shared: Option<bool>,
    /// Number of items.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int",
        serialize_with = "crate::lenient::opt_int_as_string"
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::lenient::numeric_string_schema")
    )]
    pub lightbox_item_count: Option<u32>,
    /// Page showing the lightbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lightbox_url: Option<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// One item of a lightbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct LightboxItem {
    /// Image or video id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub asset_id: Option<String>,
    /// Comment on the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was added.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_created: Option<MsDate>,
    /// When it was last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_modified: Option<MsDate>,
    /// Position in the lightbox.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_position: Option<u32>,
    /// Item id (deleting goes by `AssetId`, not by this).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub lightbox_item_id: Option<u64>,
    /// Preview URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<LightboxItemUrls>,
    /// Largest available width (with `IncludeMaxSizePerLightboxItem`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub max_width_available: Option<u32>,
    /// Largest available height (with `IncludeMaxSizePerLightboxItem`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub max_height_available: Option<u32>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// Preview URLs of a lightbox item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct LightboxItemUrls {
    /// Preview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// Small thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_thumb: Option<String>,
    /// Thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
    /// Watermarked preview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark_preview: Option<String>,
}

/// The `CreateLightboxItemsRequestBody`: add assets to a lightbox.
///
/// ```
/// use connect_types::ops::CreateLightboxItemsRequest;
/// let req = CreateLightboxItemsRequest::new(42, ["123", "456"]);
/// assert_eq!(req.asset_ids.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateLightboxItemsRequest {
    /// The lightbox.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub lightbox_id: u64,
    /// Assets to add (at most 500).
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::ops::MAX_ASSET_IDS), inner(pattern(crate::schema::NON_BLANK))))]
    pub asset_ids: Vec<String>,
}

impl CreateLightboxItemsRequest {
    /// Adds these assets to the lightbox.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(lightbox_id: u64, asset_ids: I) -> Self {
        Self {
            lightbox_id,
            asset_ids: asset_ids.into_iter().map(Into::into).collect(),
        }
    }
}

op!(
    CreateLightboxItemsRequest,
    Empty,
    "CreateLightboxItems",
    None,
    false,
    true
);

impl Described for CreateLightboxItemsRequest {
    const METHOD: Option<&'static str> = Some("add_lightbox_items");
    const SUMMARY: &'static str = "adds assets to a lightbox.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::CreateLightboxItemsRequest;
client.add_lightbox_items(&CreateLightboxItemsRequest::new(1001, ["100000001", "100000002"])){await}?;"#;
    fn example() -> Self {
        CreateLightboxItemsRequest::new(1, [super::EXAMPLE_IMAGE_ID, "100000003"])
    }
}

/// The `DeleteLightboxItemsRequestBody`: remove assets (by asset id) from a lightbox.
///
/// ```
/// use connect_types::ops::DeleteLightboxItemsRequest;
/// let req = DeleteLightboxItemsRequest::new(42, ["123"]);
/// assert_eq!(req.lightbox_id, 42);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct DeleteLightboxItemsRequest {
    /// The lightbox.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub lightbox_id: u64,
    /// Assets to remove.
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::ops::MAX_ASSET_IDS), inner(pattern(crate::schema::NON_BLANK))))]
    pub asset_ids: Vec<String>,
}

impl DeleteLightboxItemsRequest {
    /// Removes these assets from the lightbox.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(lightbox_id: u64, asset_ids: I) -> Self {
        Self {
            lightbox_id,
            asset_ids: asset_ids.into_iter().map(Into::into).collect(),
        }
    }
}

op!(
    DeleteLightboxItemsRequest,
    Empty,
    "DeleteLightboxItems",
    None,
    true,
    true
);

impl Described for DeleteLightboxItemsRequest {
    const METHOD: Option<&'static str> = Some("remove_lightbox_items");
    const SUMMARY: &'static str = "removes assets from a lightbox.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::DeleteLightboxItemsRequest;
client.remove_lightbox_items(&DeleteLightboxItemsRequest::new(1001, ["100000001"])){await}?;"#;
    fn example() -> Self {
        DeleteLightboxItemsRequest::new(1, [super::EXAMPLE_IMAGE_ID, "100000003"])
    }
}

/// The `DeleteLightboxRequestBody`.
///
/// ```
/// use connect_types::ops::DeleteLightboxRequest;
/// assert_eq!(DeleteLightboxRequest::new(42).lightbox_id, 42);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct DeleteLightboxRequest {
    /// The lightbox.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub lightbox_id: u64,
}

impl DeleteLightboxRequest {
    /// Deletes the lightbox with this id.
    pub fn new(lightbox_id: u64) -> Self {
        Self { lightbox_id }
    }
}

op!(
    DeleteLightboxRequest,
    Empty,
    "DeleteLightbox",
    None,
    true,
    true
);

impl Described for DeleteLightboxRequest {
    const METHOD: Option<&'static str> = Some("delete_lightbox");
    const SUMMARY: &'static str = "deletes a lightbox and its items.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::DeleteLightboxRequest;
client.delete_lightbox(&DeleteLightboxRequest::new(1001)){await}?;"#;
    fn example() -> Self {
        DeleteLightboxRequest::new(1)
    }
}

/// The `GetLightboxHeadersRequestBody`.
///
/// ```
/// use connect_types::ops::GetLightboxHeadersRequest;
/// let req = GetLightboxHeadersRequest::page(1, 50);
/// assert_eq!(req.results_view_options.item_count, 50);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetLightboxHeadersRequest {
    /// Which headers to return.
    #[serde(default)]
    pub results_view_options: ResultsViewOptions,
}

impl GetLightboxHeadersRequest {
    /// The same as [`Self::page`] (`new` on every request takes what the operation requires).
    pub fn new(start: u32, count: u32) -> Self {
        Self::page(start, count)
    }

    /// `count` headers from the 1-based position `start`.
    pub fn page(start: u32, count: u32) -> Self {
        Self {
            results_view_options: ResultsViewOptions {
                item_count: count,
                item_start_number: start,
            },
        }
    }
}

op!(
    GetLightboxHeadersRequest,
    GetLightboxHeadersResult,
    "GetLightboxHeaders",
    Some("GetLightboxHeadersResult"),
    true,
    false
);

impl Described for GetLightboxHeadersRequest {
    const METHOD: Option<&'static str> = Some("lightbox_headers");
    const SUMMARY: &'static str = "one page of the signed-in user's lightbox headers.";
    const DOC: &'static str = "Every header, lazily: [`Client::lightbox_headers_all`].";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetLightboxHeadersRequest;
let headers = client.lightbox_headers(&GetLightboxHeadersRequest::page(1, 20)){await}?;
println!("{:?} lightboxes", headers.result.total_lightbox_header_count);"#;
    const ALL_METHOD: Option<(&'static str, &'static str)> = Some((
        "lightbox_headers_all",
        "Every lightbox header of the user, up to `TotalLightboxHeaderCount`.",
    ));
    fn example() -> Self {
        GetLightboxHeadersRequest::page(1, 10)
    }
}

/// Paging of lightbox headers. `Default` is the first 25.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ResultsViewOptions {
    /// How many headers (greater than zero).
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_count: u32,
    /// 1-based position of the first header.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_start_number: u32,
}

impl Default for ResultsViewOptions {
    fn default() -> Self {
        Self {
            item_count: 25,
            item_start_number: 1,
        }
    }
}

/// `GetLightboxHeadersResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetLightboxHeadersResult {
    /// The requested page of headers.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub lightbox_headers: Vec<LightboxHeader>,
    /// How many lightboxes the caller has in all.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub total_lightbox_header_count: Option<u32>,
}

/// The `UpdateLightboxHeaderRequestBody`. `LightboxName` is required even when unchanged.
///
/// ```
/// use connect_types::ops::UpdateLightboxHeaderRequest;
/// let req = UpdateLightboxHeaderRequest::new(42, "Trip 2").notes("final");
/// assert_eq!(req.notes.as_deref(), Some("final"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct UpdateLightboxHeaderRequest {
    /// The lightbox.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub lightbox_id: u64,
    /// Its name.
    #[serde(default)]
    pub lightbox_name: String,
    /// Client name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Project name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl UpdateLightboxHeaderRequest {
    /// Sets the lightbox's name (and clears nothing else by itself).
    pub fn new(lightbox_id: u64, name: impl Into<String>) -> Self {
        Self {
            lightbox_id,
            lightbox_name: name.into(),
            ..Self::default()
        }
    }

    /// Sets the client name.
    #[must_use]
    pub fn client(mut self, client: impl Into<String>) -> Self {
        self.client_name = Some(client.into());
        self
    }

    /// Sets the project name.
    #[must_use]
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project_name = Some(project.into());
        self
    }

    /// Sets the notes.
    #[must_use]
    pub fn notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }
}

op!(
    UpdateLightboxHeaderRequest,
    Empty,
    "UpdateLightboxHeader",
    None,
    true,
    true
);

impl Described for UpdateLightboxHeaderRequest {
    const METHOD: Option<&'static str> = Some("update_lightbox_header");
    const SUMMARY: &'static str = "renames a lightbox or changes its client, project or notes.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::UpdateLightboxHeaderRequest;
client.update_lightbox_header(&UpdateLightboxHeaderRequest::new(1001, "Beach, final").notes("picked")){await}?;"#;
    fn example() -> Self {
        UpdateLightboxHeaderRequest::new(1, "Beach ideas, final")
    }
}

/// The `CreateSharedLightboxRequestBody`: a read-only copy of a lightbox the caller owns.
///
/// The service offers this to Thinkstock applications only; the SDK cannot know whether an
/// application is one, so it sends the call and passes the answer through.
///
/// ```
/// use connect_types::ops::CreateSharedLightboxRequest;
/// assert_eq!(CreateSharedLightboxRequest::new(42).lightbox_id, 42);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateSharedLightboxRequest {
    /// The lightbox to copy.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub lightbox_id: u64,
}

impl CreateSharedLightboxRequest {
    /// A shared copy of lightbox `lightbox_id`.
    pub fn new(lightbox_id: u64) -> Self {
        Self { lightbox_id }
    }
}

op!(
    CreateSharedLightboxRequest,
    CreateSharedLightboxResult,
    "CreateSharedLightbox",
    Some("CreateSharedLightboxResult"),
    false,
    true
);

impl Described for CreateSharedLightboxRequest {
    const METHOD: Option<&'static str> = Some("create_shared_lightbox");
    const SUMMARY: &'static str = "a read-only copy of a lightbox the caller owns.";
    const DOC: &'static str = "The service offers it to Thinkstock applications only; the SDK \
        cannot tell, so it passes the answer through.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::CreateSharedLightboxRequest;
let shared = client.create_shared_lightbox(&CreateSharedLightboxRequest::new(1001)){await}?;
println!("shared copy {:?}", shared.result.shared_lightbox_id);"#;
    fn example() -> Self {
        CreateSharedLightboxRequest::new(1)
    }
}

/// `CreateSharedLightboxResult`: the id of the read-only copy (readable with GetLightbox).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateSharedLightboxResult {
    /// Id of the shared copy.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub shared_lightbox_id: Option<u64>,
}

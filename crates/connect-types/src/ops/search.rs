//! SearchForImages (`/v2/search/SearchForImages`, and the older `/v1` form) and the shared
//! [`Image`] model.

use super::common::{
    AuthorizationConstraint, ColorType, EditorialSegment, FileType, GraphicStyle, IdFilter,
    ImageFamily, KeywordType, Language, LicensingModel, Orientation, ProductOffering,
    ReferralDestination, VisualProminence,
};
use crate::SmallString;
use crate::date::{MsDate, RequestDate};
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

/// The page sizes (`ResultOptions.ItemCount`) SearchForImages accepts; any other count is refused
/// with `InvalidItemCount`.
pub const IMAGE_PAGE_SIZES: &[u32] = &[1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 25, 30, 50, 60, 75];

crate::string_enum! {
    /// Category of a refinement (drill-down) option.
    pub enum RefinementCategory {
        /// Age.
        Age = "Age",
        /// Asset family.
        AssetFamily = "AssetFamily",
        /// Colour.
        Color = "Color",
        /// Composition.
        Composition = "Composition",
        /// Concept.
        Concept = "Concept",
        /// Ethnicity.
        Ethnicity = "Ethnicity",
        /// Events (editorial only; ids are event ids).
        Events = "Events",
        /// Gender.
        Gender = "Gender",
        /// Image technique.
        ImageTechnique = "ImageTechnique",
        /// Location.
        Location = "Location",
        /// Number of people.
        NumberOfPeople = "NumberOfPeople",
        /// Photographer.
        PhotographerName = "PhotographerName",
        /// Specific people.
        SpecificPeople = "SpecificPeople",
        /// Subject.
        Subject = "Subject",
        /// Viewpoint.
        Viewpoint = "Viewpoint",
    }
}

crate::string_enum! {
    /// How many refinement options per category to return (omit for none).
    pub enum RefinementOptionsSet {
        /// 15 options per category.
        RefinementSet1 = "RefinementSet1",
        /// 25 options per category.
        RefinementSet2 = "RefinementSet2",
        /// 5 options per category.
        RefinementSet3 = "RefinementSet3",
    }
}

crate::string_enum! {
    /// Sort order for editorial results (requested, or reported back).
    pub enum EditorialSortOrder {
        /// The default order, as responses report it.
        Default = "Default",
        /// Newest submissions first.
        MostRecent = "MostRecent",
        /// Most popular first.
        MostPopular = "MostPopular",
        /// Popular, newest first.
        Trending = "Trending",
        /// Oldest creation date first (requests only).
        Oldest = "Oldest",
    }
}

crate::string_enum! {
    /// Sort order for creative results.
    pub enum CreativeSortOrder {
        /// Newest first.
        MostRecent = "MostRecent",
        /// Most popular first (the default).
        MostPopular = "MostPopular",
    }
}

/// The `SearchForImagesRequestBody`.
///
/// ```
/// use connect_types::ops::{ImageFamily, SearchForImagesRequest};
/// let req = SearchForImagesRequest::phrase("dog")
///     .family(ImageFamily::Creative)
///     .count(25)
///     .start(1);
/// assert_eq!(req.query.search_phrase.as_deref(), Some("dog"));
/// assert_eq!(req.result_options.item_count, 25);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct SearchForImagesRequest {
    /// Optional filters; omitted when empty.
    #[serde(default, skip_serializing_if = "Filter::is_empty")]
    pub filter: Filter,
    /// Language of localised keywords; the API uses `en-us` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// What to search for; at least one member must be set.
    #[serde(default)]
    pub query: Query,
    /// Paging, sorting and what to include.
    #[serde(default)]
    pub result_options: ResultOptions,
}

impl SearchForImagesRequest {
    /// The same as [`Self::phrase`] (`new` on every request takes what the operation requires).
    pub fn new(phrase: impl Into<String>) -> Self {
        Self::phrase(phrase)
    }

    /// A search for a phrase, first page of 25.
    pub fn phrase(phrase: impl Into<String>) -> Self {
        Self {
            query: Query {
                search_phrase: Some(phrase.into()),
                ..Query::default()
            },
            ..Self::default()
        }
    }

    /// Adds an image family to the filter (Creative or Editorial; strongly recommended).
    #[must_use]
    pub fn family(mut self, family: ImageFamily) -> Self {
        self.filter.image_families.push(family);
        self
    }

    /// Sets the page size (one of [`IMAGE_PAGE_SIZES`]: 1-6, 10, 12, 15, 20, 25, 30, 50, 60, 75).
    #[must_use]
    pub fn count(mut self, count: u32) -> Self {
        self.result_options.item_count = count;
        self
    }

    /// Sets the 1-based index of the first result.
    #[must_use]
    pub fn start(mut self, start: u32) -> Self {
        self.result_options.item_start_number = start;
        self
    }

    /// Goes to the 1-based page `page` at the current page size.
    #[must_use]
    pub fn page(mut self, page: u32) -> Self {
        let count = self.result_options.item_count.max(1);
        self.result_options.item_start_number = page
            .saturating_sub(1)
            .saturating_mul(count)
            .saturating_add(1);
        self
    }

    /// Sets the language of localised keywords.
    #[must_use]
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Asks for each image's keywords.
    #[must_use]
    pub fn include_keywords(mut self, yes: bool) -> Self {
        self.result_options.include_keywords = Some(yes);
        self
    }

    /// Asks for refinement options of the given size.
    #[must_use]
    pub fn refinement_options(mut self, set: RefinementOptionsSet) -> Self {
        self.result_options.refinement_options_set = Some(set);
        self
    }

    /// Narrows by a refinement taken from a previous response.
    #[must_use]
    pub fn refine(mut self, category: RefinementCategory, id: impl Into<String>) -> Self {
        self.filter.refinements.push(Refinement {
            category: Some(category),
            id: Some(id.into()),
        });
        self
    }

    /// Sets the editorial sort order.
    #[must_use]
    pub fn editorial_sort(mut self, order: EditorialSortOrder) -> Self {
        self.result_options.editorial_sort_order = Some(order);
        self
    }

    /// Sets the creative sort order.
    #[must_use]
    pub fn creative_sort(mut self, order: CreativeSortOrder) -> Self {
        self.result_options.creative_sort_order = Some(order);
        self
    }

    /// The same search in the older `/v1` form.
    pub fn v1(self) -> SearchForImagesV1Request {
        SearchForImagesV1Request(self)
    }
}

impl Operation for SearchForImagesRequest {
    type Result = SearchForImagesResult;
    const NAME: &'static str = "SearchForImages";
    const PATH: &'static str = "/v2/search/SearchForImages";
    const BODY_KEY: &'static str = "SearchForImagesRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("SearchForImagesResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for SearchForImagesRequest {
    const METHOD: Option<&'static str> = Some("search_images");
    const SUMMARY: &'static str = "one page of images matching a query.";
    const DOC: &'static str = "For every page, lazily, use [`Client::search_images_all`].";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::SearchForImagesRequest;
let found = client.search_images(&SearchForImagesRequest::phrase("beach").count(10)){await}?;
println!("{} images in all", found.result.item_total_count.unwrap_or(0));"#;
    const ALL_METHOD: Option<(&'static str, &'static str)> = Some((
        "search_images_all",
        "Every image a search matches (up to `ItemTotalCount`), in pages of the request's `ItemCount` (75 when unset), starting at its `ItemStartNumber`.",
    ));
    fn example() -> Self {
        SearchForImagesRequest::phrase("beach")
            .family(ImageFamily::Creative)
            .count(10)
            .start(1)
    }
}

/// SearchForImages as older clients call it: `/v1/search/SearchForImages` with the body under
/// `SearchForImages2RequestBody`. Same body and result as [`SearchForImagesRequest`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct SearchForImagesV1Request(pub SearchForImagesRequest);

impl From<SearchForImagesRequest> for SearchForImagesV1Request {
    fn from(r: SearchForImagesRequest) -> Self {
        Self(r)
    }
}

impl Operation for SearchForImagesV1Request {
    type Result = SearchForImagesResult;
    const NAME: &'static str = "SearchForImages";
    const PATH: &'static str = "/v1/search/SearchForImages";
    const BODY_KEY: &'static str = "SearchForImages2RequestBody";
    const RESULT_KEY: Option<&'static str> = Some("SearchForImagesResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for SearchForImagesV1Request {
    const METHOD: Option<&'static str> = None;
    const SUMMARY: &'static str = "one page of images matching a query, as older clients ask.";
    fn example() -> Self {
        SearchForImagesRequest::example().v1()
    }
}

/// `Filter`: optional restrictions on the results. Every member is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    /// Include or exclude collections by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collections: Option<IdFilter>,
    /// Editorial segments to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub editorial_segments: Vec<EditorialSegment>,
    /// Include or exclude editorial sources by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editorial_sources: Option<IdFilter>,
    /// Keep only embeddable images.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub embed_content_only: Option<bool>,
    /// Drop images related to nudity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub exclude_nudity: Option<bool>,
    /// File types to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub file_types: Vec<FileType>,
    /// Graphic styles to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub graphic_styles: Vec<GraphicStyle>,
    /// Image families to search; empty searches both with a slower engine.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub image_families: Vec<ImageFamily>,
    /// Licensing models to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub licensing_models: Vec<LicensingModel>,
    /// Orientations to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub orientations: Vec<Orientation>,
    /// Product offerings to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub product_offerings: Vec<ProductOffering>,
    /// Drill-down refinements from a previous response's `RefinementOptions`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub refinements: Vec<Refinement>,
    /// Keep only white-background images.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub white_background_only: Option<bool>,
}

impl Filter {
    /// Whether no filter is set (the whole object is then omitted).
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// One refinement filter entry; both members are required by the API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Refinement {
    /// The option's category, copied from `RefinementOption.Category`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<RefinementCategory>,
    /// The option's id, copied from `RefinementOption.Id`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub id: Option<String>,
}

impl From<&RefinementOption> for Refinement {
    fn from(o: &RefinementOption) -> Self {
        Self {
            category: o.category.clone(),
            id: o.id.clone(),
        }
    }
}

/// `Query`: what to search for; at least one member must be set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Query {
    /// Creation-date window (editorial or unfiltered family only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created_range: Option<DateCreatedRange>,
    /// Only images of this event.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub event_id: Option<u64>,
    /// Free-text phrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_phrase: Option<String>,
    /// Keyword ids that must all match.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub keyword_ids: Vec<String>,
    /// Linked-data entity URIs (DBpedia, Freebase, MusicBrainz).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub entity_uris: Vec<String>,
    /// People who must all appear.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub specific_persons: Vec<String>,
}

/// `DateCreatedRange`: dates sent as `YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct DateCreatedRange {
    /// Images created before this date.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_request_date"
    )]
    pub end_date: Option<RequestDate>,
    /// Images created after this date.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_request_date"
    )]
    pub start_date: Option<RequestDate>,
}

/// `ResultOptions`: paging, sorting and what each result includes.
///
/// `Default` is the first page of 25; a missing `ItemCount` on the wire reads as 0, which the
/// API rejects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ResultOptions {
    /// Return each image's keywords.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub include_keywords: Option<bool>,
    /// Page size: 1-6, 10, 12, 15, 20, 25, 30, 50, 60 or 75.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_count: u32,
    /// 1-based index of the first result.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_start_number: u32,
    /// Which refinement options to return; none when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refinement_options_set: Option<RefinementOptionsSet>,
    /// Editorial sort (effective with the Editorial family).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editorial_sort_order: Option<EditorialSortOrder>,
    /// Creative sort (effective with the Creative family).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creative_sort_order: Option<CreativeSortOrder>,
}

impl Default for ResultOptions {
    fn default() -> Self {
        Self {
            include_keywords: None,
            item_count: 25,
            item_start_number: 1,
            refinement_options_set: None,
            editorial_sort_order: None,
            creative_sort_order: None,
        }
    }
}

/// `SearchForImagesResult`: one page of images.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct SearchForImagesResult {
    /// The images on this page.
    #[serde(default, deserialize_with = "crate::lenient::page")]
    pub images: Vec<Image>,
    /// Editorial sort applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editorial_sort_order: Option<EditorialSortOrder>,
    /// Creative sort applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creative_sort_order: Option<CreativeSortOrder>,
    /// Number of images on this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_count: Option<u32>,
    /// 1-based index of the first image on this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_start_number: Option<u32>,
    /// Total matches.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_total_count: Option<u64>,
    /// Refinements usable in a follow-up search (when requested).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub refinement_options: Vec<RefinementOption>,
}

/// A refinement the next search can apply (see [`Refinement`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct RefinementOption {
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<RefinementCategory>,
    /// Id to send back in `Filter.Refinements`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub id: Option<String>,
    /// Images left if this refinement is applied.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub image_count: Option<u64>,
    /// Localised name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A keyword attached to an image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Keyword {
    /// Keyword id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub id: Option<SmallString>,
    /// Localised text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<SmallString>,
    /// Kind of keyword.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<KeywordType>,
    /// For specific people: how prominent the person is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visual_prominence: Option<VisualProminence>,
}

/// One downloadable size of an image (GetImageDetails).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ImageSize {
    /// File size in bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub file_size_in_bytes: Option<u64>,
    /// Print height in inches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inches_height: Option<f64>,
    /// Print width in inches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inches_width: Option<f64>,
    /// MIME type, e.g. `image/jpeg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Height in pixels.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub pixel_height: Option<u32>,
    /// Width in pixels.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub pixel_width: Option<u32>,
    /// Resolution in dots per inch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub resolution_dpi: Option<u32>,
    /// Key to request this size in download authorizations.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub size_key: Option<String>,
    /// Display name (filled with the `IncludeSizeName` detail level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_name: Option<String>,
}

/// An image as SearchForImages and GetImageDetails return it. Each operation fills a subset
/// of the members; all are optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    /// Product offerings under which the image can be downloaded.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub applicable_product_offerings: Vec<ProductOffering>,
    /// Photographer or artist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist: Option<SmallString>,
    /// The artist's title (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist_title: Option<String>,
    /// Authorization constraints (SearchForImages).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub authorization_constraints: Vec<AuthorizationConstraint>,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// City where the image was taken (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Collection id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub collection_id: Option<SmallString>,
    /// Collection name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_name: Option<SmallString>,
    /// Colour or black and white.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_type: Option<ColorType>,
    /// Copyright line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright: Option<SmallString>,
    /// Country (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Credit line (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_line: Option<String>,
    /// When the image was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_created: Option<MsDate>,
    /// When the image was submitted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_submitted: Option<MsDate>,
    /// Editorial segments.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub editorial_segments: Vec<EditorialSegment>,
    /// Editorial source id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub editorial_source_id: Option<SmallString>,
    /// Editorial source name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editorial_source_name: Option<SmallString>,
    /// Event id (deprecated; see `EventIds`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub event_id: Option<u64>,
    /// Events the image belongs to (numbers, or numeric strings).
    #[serde(default, deserialize_with = "crate::lenient::vec_int")]
    pub event_ids: Vec<u64>,
    /// Graphic style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graphic_style: Option<GraphicStyle>,
    /// Image family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_family: Option<ImageFamily>,
    /// Image id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub image_id: Option<SmallString>,
    /// Keywords (when requested).
    #[serde(default, deserialize_with = "crate::lenient::keywords")]
    pub keywords: Vec<Keyword>,
    /// Licensing model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensing_model: Option<LicensingModel>,
    /// Orientations (SearchForImages).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub orientations: Vec<Orientation>,
    /// Editorial relevance within its event: 1 (most) to 3.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub quality_rank: Option<u8>,
    /// Pages showing the image.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub referral_destinations: Vec<ReferralDestination>,
    /// Model and property release information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_message: Option<String>,
    /// Usage restrictions.
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    pub restrictions: Vec<String>,
    /// Downloadable sizes (GetImageDetails).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub sizes_downloadable_images: Vec<ImageSize>,
    /// State or province (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Comp-size image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_comp: Option<String>,
    /// oEmbed URL (embeddable images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_embed: Option<String>,
    /// Preview URL (340 px).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_preview: Option<String>,
    /// Thumbnail URL (170 px).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_thumb: Option<String>,
    /// Watermarked comp URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_watermark_comp: Option<String>,
    /// Watermarked preview URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_watermark_preview: Option<String>,
    /// High-resolution comp URL (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_hi_res_comp: Option<String>,
    /// Watermarked high-resolution comp URL (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_watermark_hi_res_comp: Option<String>,
}

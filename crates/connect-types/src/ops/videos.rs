//! SearchForVideos (`/v1/search/SearchForVideos`) and the [`Video`] model.

use super::common::{AssetFamily, ColorType, Language, LicensingModel};
use crate::date::MsDate;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// Editorial clip type filter.
    pub enum ClipType {
        /// Produced footage.
        Produced = "Produced",
        /// Raw footage.
        Raw = "Raw",
    }
}

crate::string_enum! {
    /// Video format filter entry.
    pub enum VideoFormat {
        /// High definition.
        Hd = "HD",
        /// Standard definition.
        Sd = "SD",
    }
}

crate::string_enum! {
    /// Sort order of a video search (needs exactly one asset family).
    pub enum VideoSortOrder {
        /// Newest first.
        MostRecent = "MostRecent",
        /// Best match (creative only).
        BestMatch = "BestMatch",
        /// Most popular first (editorial only).
        MostPopular = "MostPopular",
        /// Trending (editorial only).
        Trending = "Trending",
    }
}

crate::string_enum! {
    /// Collections filter mode as SearchForVideos documents it (capitalised).
    pub enum VideoCollectionMode {
        /// Keep only the listed collections.
        Include = "Include",
        /// Drop the listed collections.
        Exclude = "Exclude",
    }
}

crate::string_enum! {
    /// Aspect ratio of a video.
    pub enum AspectRatio {
        /// 16:9.
        Widescreen = "16:9",
        /// 4:3.
        Standard = "4:3",
    }
}

crate::string_enum! {
    /// Era of a video.
    pub enum Era {
        /// Archival footage.
        Archival = "Archival",
        /// Contemporary footage.
        Contemporary = "Contemporary",
    }
}

crate::string_enum! {
    /// Release status of a video.
    pub enum ReleaseStatus {
        /// Model and property released.
        ModelAndPropertyReleased = "ModelAndPropertyReleased",
        /// Model released.
        ModelReleased = "ModelReleased",
        /// No release required.
        NoReleaseRequired = "NoReleaseRequired",
        /// Not released.
        NotReleased = "NotReleased",
        /// Partially released.
        PartiallyReleased = "PartiallyReleased",
        /// Property released.
        PropertyReleased = "PropertyReleased",
    }
}

crate::string_enum! {
    /// Shot speed of a video.
    pub enum ShotSpeed {
        /// Real time.
        RealTime = "RealTime",
        /// Slow motion.
        SlowMotion = "SlowMotion",
        /// Time lapse.
        TimeLapse = "TimeLapse",
    }
}

/// The page sizes SearchForVideos accepts: those of SearchForImages
/// ([`super::IMAGE_PAGE_SIZES`]) and 90.
pub const VIDEO_PAGE_SIZES: &[u32] = &[1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 25, 30, 50, 60, 75, 90];

/// The `SearchForVideosRequestBody`.
///
/// ```
/// use connect_types::ops::{ImageFamily, SearchForVideosRequest};
/// let req = SearchForVideosRequest::phrase("surf").family(ImageFamily::Creative).count(10);
/// assert_eq!(req.result_options.item_count, 10);
/// assert_eq!(req.result_options.item_start_number, 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct SearchForVideosRequest {
    /// Optional filters; omitted when empty.
    #[serde(default, skip_serializing_if = "VideoFilter::is_empty")]
    pub filter: VideoFilter,
    /// Language of localised strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// What to search for; at least one member must be set.
    #[serde(default)]
    pub query: VideoQuery,
    /// Paging and sorting.
    #[serde(default)]
    pub result_options: VideoResultOptions,
}

impl SearchForVideosRequest {
    /// The same as [`Self::phrase`] (`new` on every request takes what the operation requires).
    pub fn new(phrase: impl Into<String>) -> Self {
        Self::phrase(phrase)
    }

    /// A search for a phrase, first page of 25.
    pub fn phrase(phrase: impl Into<String>) -> Self {
        Self {
            query: VideoQuery {
                search_phrase: Some(phrase.into()),
                ..VideoQuery::default()
            },
            ..Self::default()
        }
    }

    /// Videos with these ids (at most 500; no other query or filter member may be set).
    pub fn asset_ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self {
            query: VideoQuery {
                asset_ids: ids.into_iter().map(Into::into).collect(),
                ..VideoQuery::default()
            },
            ..Self::default()
        }
    }

    /// Adds an asset family to the filter.
    #[must_use]
    pub fn family(mut self, family: AssetFamily) -> Self {
        self.filter.asset_families.push(family);
        self
    }

    /// Sets the page size (one of [`VIDEO_PAGE_SIZES`]: 1-6, 10, 12, 15, 20, 25, 30, 50, 60, 75, 90).
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

    /// Sets the sort order.
    #[must_use]
    pub fn sort(mut self, order: VideoSortOrder) -> Self {
        self.result_options.sort_order = Some(order);
        self
    }
}

impl Operation for SearchForVideosRequest {
    type Result = SearchForVideosResult;
    const NAME: &'static str = "SearchForVideos";
    const PATH: &'static str = "/v1/search/SearchForVideos";
    const BODY_KEY: &'static str = "SearchForVideosRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("SearchForVideosResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for SearchForVideosRequest {
    const METHOD: Option<&'static str> = Some("search_videos");
    const SUMMARY: &'static str = "one page of videos matching a query.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::SearchForVideosRequest;
let found = client.search_videos(&SearchForVideosRequest::phrase("ocean")){await}?;
println!("{} videos", found.result.videos.len());"#;
    fn example() -> Self {
        SearchForVideosRequest::phrase("surf").count(10).start(1)
    }
}

/// Video search filters. Every member is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoFilter {
    /// Asset families to search.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub asset_families: Vec<AssetFamily>,
    /// Editorial clip type (a single value; a list reads as its first entry).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::one_or_first"
    )]
    pub clip_type: Option<ClipType>,
    /// Include or exclude collections by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collections: Option<VideoCollectionsFilter>,
    /// Drop videos related to nudity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub exclude_nudity: Option<bool>,
    /// Formats to keep.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub formats: Vec<VideoFormat>,
    /// Licensing models to keep (RoyaltyFree, RightsReady).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec"
    )]
    pub licensing_models: Vec<LicensingModel>,
}

impl VideoFilter {
    /// Whether no filter is set (the whole object is then omitted).
    pub fn is_empty(&self) -> bool {
        *self == VideoFilter::default()
    }
}

/// The collections filter of a video search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoCollectionsFilter {
    /// Collection ids.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub ids: Vec<String>,
    /// Include or exclude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<VideoCollectionMode>,
}

/// What a video search looks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoQuery {
    /// Video ids (overrides every other member and filter).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    #[cfg_attr(feature = "schema", schemars(length(max = crate::ops::MAX_ASSET_IDS)))]
    pub asset_ids: Vec<String>,
    /// Keyword ids that must all match.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub keyword_ids: Vec<String>,
    /// Free-text phrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_phrase: Option<String>,
    /// Linked-data entity URIs.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub entity_uris: Vec<String>,
}

/// Paging and sorting of a video search. `Default` is the first page of 25.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoResultOptions {
    /// Page size: 1-6, 10, 12, 15, 20, 25, 30, 50, 60, 75 or 90.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_count: u32,
    /// 1-based index of the first result.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub item_start_number: u32,
    /// Sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<VideoSortOrder>,
}

impl Default for VideoResultOptions {
    fn default() -> Self {
        Self {
            item_count: 25,
            item_start_number: 1,
            sort_order: None,
        }
    }
}

/// `SearchForVideosResult`: one page of videos.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct SearchForVideosResult {
    /// The videos on this page.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub videos: Vec<Video>,
    /// Number of videos on this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub item_count: Option<u32>,
    /// 1-based index of the first video on this page.
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
}

/// A video clip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Video {
    /// Aspect ratios available.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub aspect_ratios: Vec<AspectRatio>,
    /// Asset family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_family: Option<AssetFamily>,
    /// Video id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub asset_id: Option<String>,
    /// Authorization constraints.
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    pub authorization_constraints: Vec<String>,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Length, e.g. `00:00:15:00`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub clip_length: Option<String>,
    /// Collection id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub collection_id: Option<String>,
    /// Collection name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_name: Option<String>,
    /// Colour or black and white.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<ColorType>,
    /// Copyright line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright: Option<String>,
    /// When the clip was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub date_created: Option<MsDate>,
    /// Downloadable sizes with their authorizations.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub download_sizes: Vec<VideoDownloadSize>,
    /// Era.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub era: Option<Era>,
    /// Film maker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub film_maker: Option<String>,
    /// Keywords.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub keywords: Vec<VideoKeyword>,
    /// Licence type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_type: Option<LicensingModel>,
    /// Mastered-to format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mastered_to: Option<String>,
    /// Originally-shot-on format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originally_shot_on: Option<String>,
    /// Release status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<ReleaseStatus>,
    /// Usage restrictions.
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    pub restrictions: Vec<String>,
    /// Shot speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shot_speed: Option<ShotSpeed>,
    /// Source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Preview URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<VideoUrls>,
}

/// One downloadable size of a video.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoDownloadSize {
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Authorizations for this size.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub download_authorizations: Vec<VideoDownloadAuthorization>,
}

/// A download authorization for one video size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoDownloadAuthorization {
    /// Token to spend with CreateDownloadRequest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_token: Option<String>,
    /// Product offering instance.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub product_offering_instance_id: Option<String>,
    /// Product offering type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_offering_type: Option<String>,
}

/// A keyword of a video.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoKeyword {
    /// Keyword id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub keyword_id: Option<String>,
    /// Weight (a number, or a numeric string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub keyword_weight: Option<i64>,
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Kind of keyword.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}

/// Preview URLs of a video.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct VideoUrls {
    /// Comp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comp: Option<String>,
    /// Flash preview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flash_preview: Option<String>,
    /// Storyboard frames.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub story_board: Vec<StoryBoardFrame>,
    /// Thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
}

/// One storyboard frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct StoryBoardFrame {
    /// Frame image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Position in the storyboard.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub sequence_number: Option<u32>,
}

//! GetImageDetails (`/v1/search/GetImageDetails`).

use super::common::Language;
use super::search::Image;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// `RequestHeader.Detail` for GetImageDetails.
    pub enum ImageDetailLevel {
        /// Fill `SizeName` on each downloadable size.
        IncludeSizeName = "IncludeSizeName",
    }
}

/// The `GetImageDetailsRequestBody`. The detail level travels in `RequestHeader.Detail`,
/// never in the body.
///
/// ```
/// use connect_types::Operation;
/// use connect_types::ops::{GetImageDetailsRequest, ImageDetailLevel};
/// let req = GetImageDetailsRequest::ids(["123", "456"]).detail(ImageDetailLevel::IncludeSizeName);
/// assert_eq!(req.image_ids, ["123", "456"]);
/// assert_eq!(req.header_detail(), Some("IncludeSizeName"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetImageDetailsRequest {
    /// Images to describe (at most 90).
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::ops::MAX_IMAGE_DETAIL_IDS), inner(pattern(crate::schema::NON_BLANK))))]
    pub image_ids: Vec<String>,
    /// Language of localised strings; `en-us` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Detail level, sent as `RequestHeader.Detail` (see [`Operation::header_detail`]).
    #[serde(skip)]
    pub detail: Option<ImageDetailLevel>,
}

impl GetImageDetailsRequest {
    /// The same as [`Self::ids`] (`new` on every request takes what the operation requires).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self::ids(ids)
    }

    /// Details of these images.
    pub fn ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self {
            image_ids: ids.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Sets the language of localised strings.
    #[must_use]
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Sets the header's detail level.
    #[must_use]
    pub fn detail(mut self, detail: ImageDetailLevel) -> Self {
        self.detail = Some(detail);
        self
    }
}

impl Operation for GetImageDetailsRequest {
    type Result = GetImageDetailsResult;
    const NAME: &'static str = "GetImageDetails";
    const PATH: &'static str = "/v1/search/GetImageDetails";
    const BODY_KEY: &'static str = "GetImageDetailsRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetImageDetailsResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;

    fn header_detail(&self) -> Option<&str> {
        self.detail.as_ref().map(ImageDetailLevel::as_str)
    }
    const CHANGES_STATE: bool = false;
}

impl Described for GetImageDetailsRequest {
    const METHOD: Option<&'static str> = Some("image_details");
    const SUMMARY: &'static str = "metadata of up to 90 images, by id.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetImageDetailsRequest;
let details = client.image_details(&GetImageDetailsRequest::ids(["100000001"])){await}?;
println!("{} images", details.result.images.len());"#;
    fn example() -> Self {
        GetImageDetailsRequest::ids([super::EXAMPLE_IMAGE_ID, "100000003"]).language(Language::EnUs)
    }
}

/// `GetImageDetailsResult`: one entry per found image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetImageDetailsResult {
    /// The images.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub images: Vec<Image>,
}

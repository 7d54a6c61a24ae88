//! Download authorizations and download URLs: GetImageDownloadAuthorizations,
//! GetLargestImageDownloadAuthorizations, CreateDownloadRequest.

use super::common::ProductOffering;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// Per-image outcome in GetImageDownloadAuthorizations.
    pub enum AuthorizationStatus {
        /// Authorizations are listed.
        Available = "Available",
        /// The size key is not valid for the image.
        InvalidSizeKey = "InvalidSizeKey",
        /// No such image.
        ImageNotFound = "ImageNotFound",
        /// The customer has no agreement covering the image.
        NoAuthorizations = "NoAuthorizations",
    }
}

crate::string_enum! {
    /// Per-item outcome in CreateDownloadRequest.
    pub enum DownloadUrlStatus {
        /// The caller may not download the item.
        NoAccess = "NoAccess",
        /// `UrlAttachment` holds the URL.
        Success = "Success",
        /// The item cannot be delivered.
        Unavailable = "Unavailable",
        /// The download token has expired.
        ExpiredToken = "ExpiredToken",
        /// The download token is not valid.
        InvalidToken = "InvalidToken",
        /// No URL could be produced.
        FailedToGetDownloadUrl = "FailedToGetDownloadUrl",
    }
}

/// The `GetImageDownloadAuthorizationsRequestBody`.
///
/// ```
/// use connect_types::ops::GetImageDownloadAuthorizationsRequest;
/// let req = GetImageDownloadAuthorizationsRequest::for_sizes([("123", "3"), ("456", "5")]);
/// assert_eq!(req.image_sizes[1].size_key, "5");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetImageDownloadAuthorizationsRequest {
    /// Image and size pairs (at most 500).
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::ops::MAX_ASSET_IDS)))]
    pub image_sizes: Vec<ImageSizeRequest>,
}

impl GetImageDownloadAuthorizationsRequest {
    /// The same as [`Self::for_sizes`] (`new` on every request takes what the operation requires).
    pub fn new<I, A, B>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (A, B)>,
        A: Into<String>,
        B: Into<String>,
    {
        Self::for_sizes(pairs)
    }

    /// Authorizations for these `(image id, size key)` pairs.
    pub fn for_sizes<I, A, B>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (A, B)>,
        A: Into<String>,
        B: Into<String>,
    {
        Self {
            image_sizes: pairs
                .into_iter()
                .map(|(image_id, size_key)| ImageSizeRequest {
                    image_id: image_id.into(),
                    size_key: size_key.into(),
                })
                .collect(),
        }
    }
}

impl Operation for GetImageDownloadAuthorizationsRequest {
    type Result = GetImageDownloadAuthorizationsResult;
    const NAME: &'static str = "GetImageDownloadAuthorizations";
    const PATH: &'static str = "/v1/download/GetImageDownloadAuthorizations";
    const BODY_KEY: &'static str = "GetImageDownloadAuthorizationsRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetImageDownloadAuthorizationsResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for GetImageDownloadAuthorizationsRequest {
    const METHOD: Option<&'static str> = Some("image_download_authorizations");
    const SUMMARY: &'static str = "download tokens for (image, size) pairs.";
    const DOC: &'static str = "To fetch the file too, [`Client::download`] does this call, \
        CreateDownloadRequest and the transfer in one go.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetImageDownloadAuthorizationsRequest;
let request = GetImageDownloadAuthorizationsRequest::for_sizes([("100000001", "large")]);
let auths = client.image_download_authorizations(&request){await}?;
println!("{} images authorized", auths.result.images.len());"#;
    fn example() -> Self {
        GetImageDownloadAuthorizationsRequest::for_sizes([(super::EXAMPLE_IMAGE_ID, "master")])
    }
}

/// One image and size to authorize.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ImageSizeRequest {
    /// Image id.
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub image_id: String,
    /// Size key, from GetImageDetails' `SizesDownloadableImages`.
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub size_key: String,
}

/// A required id that may arrive as a bare number (missing or `null` reads as empty).
fn de_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::opt_string(d).map(Option::unwrap_or_default)
}

/// `GetImageDownloadAuthorizationsResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetImageDownloadAuthorizationsResult {
    /// One entry per requested image and size.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub images: Vec<ImageAuthorizations>,
}

/// The authorizations for one image and size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ImageAuthorizations {
    /// One per product offering that covers the image; pick one token to spend.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub authorizations: Vec<Authorization>,
    /// Image id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub image_id: Option<String>,
    /// Size key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub size_key: Option<String>,
    /// Outcome for this image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AuthorizationStatus>,
}

/// A download authorization: a token to spend with CreateDownloadRequest.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Authorization {
    /// Whether downloading costs nothing (a re-download, for example).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub download_is_free: Option<bool>,
    /// The token (valid 24 hours).
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
    pub product_offering_type: Option<ProductOffering>,
    /// Downloads left in the offering's period, where it has a limit.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub downloads_remaining: Option<i64>,
    /// Size key (GetLargestImageDownloadAuthorizations).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub size_key: Option<String>,
}

/// The `GetLargestImageDownloadAuthorizationsRequestBody`.
///
/// ```
/// use connect_types::ops::GetLargestImageDownloadAuthorizationsRequest;
/// let req = GetLargestImageDownloadAuthorizationsRequest::ids(["123"]);
/// assert_eq!(req.images[0].image_id, "123");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetLargestImageDownloadAuthorizationsRequest {
    /// Images to authorize at their largest size.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::ops::MAX_ASSET_IDS)))]
    pub images: Vec<ImageIdEntry>,
}

impl GetLargestImageDownloadAuthorizationsRequest {
    /// The same as [`Self::ids`] (`new` on every request takes what the operation requires).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self::ids(ids)
    }

    /// Authorizations for the largest size of these images.
    pub fn ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self {
            images: ids
                .into_iter()
                .map(|id| ImageIdEntry {
                    image_id: id.into(),
                })
                .collect(),
        }
    }
}

impl Operation for GetLargestImageDownloadAuthorizationsRequest {
    type Result = GetLargestImageDownloadAuthorizationsResult;
    const NAME: &'static str = "GetLargestImageDownloadAuthorizations";
    const PATH: &'static str = "/v1/download/GetLargestImageDownloadAuthorizations";
    const BODY_KEY: &'static str = "GetLargestImageDownloadAuthorizationsRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetLargestImageDownloadAuthorizationsResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for GetLargestImageDownloadAuthorizationsRequest {
    const METHOD: Option<&'static str> = Some("largest_image_download_authorizations");
    const SUMMARY: &'static str =
        "download tokens for the largest size of each image the caller may download.";
    const DOC: &'static str = "[`Client::download_largest`] also fetches the file.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetLargestImageDownloadAuthorizationsRequest;
let request = GetLargestImageDownloadAuthorizationsRequest::ids(["100000001"]);
let auths = client.largest_image_download_authorizations(&request){await}?;
println!("{} images authorized", auths.result.images.len());"#;
    fn example() -> Self {
        GetLargestImageDownloadAuthorizationsRequest::ids([super::EXAMPLE_IMAGE_ID, "100000003"])
    }
}

/// `{"ImageId": …}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ImageIdEntry {
    /// Image id.
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub image_id: String,
}

/// `GetLargestImageDownloadAuthorizationsResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetLargestImageDownloadAuthorizationsResult {
    /// One entry per requested image.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub images: Vec<LargestImageAuthorizations>,
}

/// The largest-size authorizations for one image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct LargestImageAuthorizations {
    /// One per covering product offering.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub authorizations: Vec<Authorization>,
    /// Image id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub image_id: Option<String>,
}

/// The `CreateDownloadRequestBody`: spend download tokens for download URLs.
///
/// ```
/// use connect_types::ops::CreateDownloadRequest;
/// let req = CreateDownloadRequest::for_tokens(["tok-1", "tok-2"]);
/// assert_eq!(req.download_items[0].download_token, "tok-1");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateDownloadRequest {
    /// The tokens to spend.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = crate::ops::MAX_ASSET_IDS)))]
    pub download_items: Vec<DownloadItem>,
}

impl CreateDownloadRequest {
    /// The same as [`Self::for_tokens`] (`new` on every request takes what the operation requires).
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(tokens: I) -> Self {
        Self::for_tokens(tokens)
    }

    /// Download URLs for these download tokens.
    pub fn for_tokens<I: IntoIterator<Item = S>, S: Into<String>>(tokens: I) -> Self {
        Self {
            download_items: tokens
                .into_iter()
                .map(|t| DownloadItem {
                    download_token: t.into(),
                })
                .collect(),
        }
    }
}

impl Operation for CreateDownloadRequest {
    type Result = CreateDownloadRequestResult;
    const NAME: &'static str = "CreateDownloadRequest";
    const PATH: &'static str = "/v1/download/CreateDownloadRequest";
    const BODY_KEY: &'static str = "CreateDownloadRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("CreateDownloadRequestResult");
    const SECURITY: Security = Security::SecureOnly;
    const IDEMPOTENT: bool = false;
    const CHANGES_STATE: bool = true;
}

impl Described for CreateDownloadRequest {
    const METHOD: Option<&'static str> = Some("create_download_request");
    const SUMMARY: &'static str = "spends download tokens for download URLs.";
    const DOC: &'static str =
        "Secure-only (HTTPS), and never retried once it may have reached the server.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::CreateDownloadRequest;
let urls = client.create_download_request(&CreateDownloadRequest::for_tokens(["a-download-token"])){await}?;
println!("{} download URLs", urls.result.download_urls.len());"#;
    fn example() -> Self {
        CreateDownloadRequest::for_tokens(["<DownloadToken from GetImageDownloadAuthorizations>"])
    }
}

/// One token to spend.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct DownloadItem {
    /// A token from a download authorization.
    #[serde(default, deserialize_with = "de_string")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub download_token: String,
}

/// `CreateDownloadRequestResult`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateDownloadRequestResult {
    /// One entry per token.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub download_urls: Vec<DownloadUrl>,
}

/// The outcome for one token: a URL to GET, or why not.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct DownloadUrl {
    /// Image id (images).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub image_id: Option<String>,
    /// Asset id (videos).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub asset_id: Option<String>,
    /// Size name (documented as often null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_name: Option<String>,
    /// Size key: the planned successor of `SizeName`, read when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_key: Option<String>,
    /// Outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DownloadUrlStatus>,
    /// The URL to GET the file from, when the status is `Success`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_attachment: Option<String>,
}

/// `***` in place of a secret that is present.
fn redacted(v: &Option<String>) -> Option<&'static str> {
    v.as_ref().map(|_| "***")
}

// The token (spent, it yields a URL) and the URL (it serves the file to anyone holding it)
// are secrets: Debug output shows only whether they are there.
impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("download_is_free", &self.download_is_free)
            .field("download_token", &redacted(&self.download_token))
            .field(
                "product_offering_instance_id",
                &self.product_offering_instance_id,
            )
            .field("product_offering_type", &self.product_offering_type)
            .field("downloads_remaining", &self.downloads_remaining)
            .field("size_key", &self.size_key)
            .finish()
    }
}

impl std::fmt::Debug for DownloadUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadUrl")
            .field("image_id", &self.image_id)
            .field("asset_id", &self.asset_id)
            .field("size_name", &self.size_name)
            .field("size_key", &self.size_key)
            .field("status", &self.status)
            .field("url_attachment", &redacted(&self.url_attachment))
            .finish()
    }
}

impl std::fmt::Debug for DownloadItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadItem")
            .field("download_token", &"***")
            .finish()
    }
}

impl DownloadUrl {
    /// The image or asset id, whichever is set.
    pub fn id(&self) -> Option<&str> {
        self.image_id.as_deref().or(self.asset_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_urls_stay_out_of_debug() {
        let auth = Authorization {
            download_token: Some("sentinel-token".into()),
            size_key: Some("large".into()),
            ..Authorization::default()
        };
        let url = DownloadUrl {
            url_attachment: Some("https://dl.example/sentinel-path?sig=sentinel".into()),
            image_id: Some("1".into()),
            ..DownloadUrl::default()
        };
        let req = CreateDownloadRequest::for_tokens(["sentinel-token"]);
        let shown = format!(
            "{auth:?} {url:?} {req:?} {:?}",
            CreateDownloadRequestResult {
                download_urls: vec![url.clone()]
            }
        );
        assert!(!shown.contains("sentinel"), "{shown}");
        assert!(shown.contains("large") && shown.contains("***"), "{shown}");
    }
}

//! The response envelope's status vocabulary: overall status, entry types and status codes.

use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The overall outcome of a call (`ResponseHeader.Status`).
    pub enum OverallStatus {
        /// The call succeeded.
        Success = "Success",
        /// The call failed; `StatusList` says why.
        Error = "Error",
        /// The call succeeded with warnings.
        Warning = "Warning",
    }
}

crate::string_enum! {
    /// The severity of one status entry.
    pub enum StatusType {
        /// For information only (for example `DefaultLanguageUsed`).
        Information = "Information",
        /// Something the caller should look at; the call still succeeded.
        Warning = "Warning",
        /// The call failed for this reason.
        Error = "Error",
    }
}

crate::string_enum! {
    /// Every status code the API documents. Codes the documentation does not list arrive as
    /// `Other`.
    pub enum StatusCode {
        /// Download was authorized under another qualifying agreement.
        AlternativeAgreement = "AlternativeAgreement",
        /// Too many asset ids in the request; 500 is the cap.
        AssetIdListExceedsMaxAllowed = "AssetIdListExceedsMaxAllowed",
        /// At least one requested asset cannot be provided.
        AssetNotAvailable = "AssetNotAvailable",
        /// Call has to use a secure transport (SSL/HTTPS).
        Auth002 = "AUTH-002",
        /// Operation accepts a secure token only.
        Auth023 = "AUTH-023",
        /// Token is not fully authenticated or is otherwise faulty.
        Auth021 = "AUTH-021",
        /// Operation refuses a secure token sent over plain HTTP.
        Auth014 = "AUTH-014",
        /// A collection mode must accompany a collections filter.
        CollectionModeEmpty = "CollectionModeEmpty",
        /// Collection ids must accompany a collections filter.
        CollectionIdsEmpty = "CollectionIdsEmpty",
        /// Language missing or unsupported, so 'en-us' was used instead.
        DefaultLanguageUsed = "DefaultLanguageUsed",
        /// DateCreatedRange is allowed only for editorial or the default image family.
        DateCreatedRangeNotApplicable = "DateCreatedRangeNotApplicable",
        /// A backing system could not be reached.
        DependentServiceDown = "DependentServiceDown",
        /// Username is already taken.
        DuplicateUsername = "DuplicateUsername",
        /// Internal failure while resolving entity URIs.
        EntitySearchFailure = "EntitySearchFailure",
        /// At least one requested event was not found.
        EventNotFound = "EventNotFound",
        /// Download token is no longer valid (expired).
        ExpiredDownloadToken = "ExpiredDownloadToken",
        /// An entity URI could not be resolved.
        FailedUri = "FailedUri",
        /// Customer account was not created.
        FailedToCreateCustomer = "FailedToCreateCustomer",
        /// No download URL could be produced for that asset, size and agreement.
        FailedToGetDownloadUrl = "FailedToGetDownloadUrl",
        /// System security token could not be renewed.
        FailedToRenewToken = "FailedToRenewToken",
        /// Image does not exist, typically a wrong image id.
        ImageNotFound = "ImageNotFound",
        /// DBpedia URI is malformed.
        IncorrectlyFormedDbpediaURI = "IncorrectlyFormedDbpediaURI",
        /// Freebase URI is malformed.
        IncorrectlyFormedFreebaseURI = "IncorrectlyFormedFreebaseURI",
        /// MusicBrainz URI is malformed.
        IncorrectlyFormedMusicbrainzURI = "IncorrectlyFormedMusicbrainzURI",
        /// Entity URI is malformed.
        IncorrectlyFormedURI = "IncorrectlyFormedURI",
        /// Server-side internal error.
        InternalError = "InternalError",
        /// Request holds one or more invalid asset ids.
        InvalidAssets = "InvalidAssets",
        /// Collection id is not valid.
        InvalidCollectionId = "InvalidCollectionId",
        /// Editorial segment value is not valid.
        InvalidEditorialSegment = "InvalidEditorialSegment",
        /// Editorial source id is not valid.
        InvalidEditorialSourceId = "InvalidEditorialSourceId",
        /// One or more entity URIs failed validation.
        InvalidEntityUri = "InvalidEntityUri",
        /// Event sort type is not supported.
        InvalidEventSortType = "InvalidEventSortType",
        /// Download token has a bad format.
        InvalidDownloadToken = "InvalidDownloadToken",
        /// IncludeExcludeMode value is not valid.
        InvalidIncludeExcludeMode = "InvalidIncludeExcludeMode",
        /// Item count has to be above zero.
        InvalidItemCount = "InvalidItemCount",
        /// Item sort type is not valid.
        InvalidItemSortType = "InvalidItemSortType",
        /// Item start number has to be above zero.
        InvalidItemStartNumber = "InvalidItemStartNumber",
        /// Language code is not recognized.
        InvalidLanguageCode = "InvalidLanguageCode",
        /// Lightbox name is missing or empty.
        InvalidLightboxName = "InvalidLightboxName",
        /// Orientation value is not valid.
        InvalidOrientation = "InvalidOrientation",
        /// Product offering value is not valid.
        InvalidProductOffering = "InvalidProductOffering",
        /// General request problem; the Message gives details.
        InvalidRequest = "InvalidRequest",
        /// Size code for the agreement-based download is not valid.
        InvalidSizeCode = "InvalidSizeCode",
        /// Size key is not valid.
        InvalidSizeKey = "InvalidSizeKey",
        /// Search criteria type is not valid.
        InvalidSearchCriteriaType = "InvalidSearchCriteriaType",
        /// Asset id cannot be mixed with other video query parameters (only the id would be used).
        InvalidSearchForVideoByAssetId = "InvalidSearchForVideoByAssetId",
        /// System id or system password is wrong.
        InvalidSystemIdOrPassword = "InvalidSystemIdOrPassword",
        /// User name or password is wrong.
        InvalidUsernameOrPassword = "InvalidUsernameOrPassword",
        /// No lightboxes were found.
        LightboxesNotFound = "LightboxesNotFound",
        /// Given lightbox id does not exist.
        LightboxIdDoesNotExist = "LightboxIdDoesNotExist",
        /// Item count is above the allowed maximum.
        MaxExceeded = "MaxExceeded",
        /// No event id was supplied.
        MissingEventIds = "MissingEventIds",
        /// User has no active agreement.
        NoAgreement = "NoAgreement",
        /// No download authorizations exist for at least one asset.
        NoAuthorizations = "NoAuthorizations",
        /// Query and filters matched no images.
        NoImages = "NoImages",
        /// Collection id does not exist.
        NonExistingCollectionId = "NonExistingCollectionId",
        /// Query matched no videos.
        NoVideos = "NoVideos",
        /// Operation must be called via HTTPS.
        OperationRequiresHttps = "OperationRequiresHttps",
        /// Operation needs a secure token.
        OperationRequiresSecureToken = "OperationRequiresSecureToken",
        /// Only the lightbox owner may do this.
        OperationValidOnlyForLightboxOwner = "OperationValidOnlyForLightboxOwner",
        /// Password is shorter than the minimum length.
        PasswordTooShort = "PasswordTooShort",
        /// Search criteria and its type must be given together or both left out.
        SearchCriteriaRequestMismatch = "SearchCriteriaRequestMismatch",
        /// Operation refuses a secure token sent over plain HTTP.
        SecureTokenPassedOverHttp = "SecureTokenPassedOverHttp",
        /// Start number lies beyond the total number of items.
        StartPastTotal = "StartPastTotal",
        /// Unspecified error.
        SystemError = "SystemError",
        /// A usage report with this transaction id was already recorded.
        TransactionIdDuplicate = "TransactionIdDuplicate",
        /// Active download agreement does not cover the requested product offerings.
        UnauthorizedProductOffering = "UnauthorizedProductOffering",
        /// Partner lacks permission to report usage.
        UnauthorizedToReportUsage = "UnauthorizedToReportUsage",
        /// Entity URI comes from a provider that is not supported.
        UnknownProviderURI = "UnknownProviderURI",
        /// Resolving one or more entity URIs failed.
        UriResolutionFailed = "UriResolutionFailed",
        /// Password may not be identical to the username.
        UsernameEqualsPassword = "UsernameEqualsPassword",
    }
}

/// What kind of problem a status code reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusCategory {
    /// Not a problem: information attached to a successful call.
    Information,
    /// The request is wrong; sending it again will not help.
    Validation,
    /// Something asked for does not exist.
    NotFound,
    /// The token or credentials were refused.
    Auth,
    /// The server or a service behind it failed; a later retry may succeed.
    Server,
    /// The request conflicts with existing state.
    Conflict,
    /// The caller's agreement with Getty Images does not allow this.
    Agreement,
    /// A code this crate does not know.
    Unknown,
}

impl StatusCode {
    /// The category the documentation puts this code in.
    pub fn category(&self) -> StatusCategory {
        match self {
            StatusCode::AlternativeAgreement | StatusCode::DefaultLanguageUsed => {
                StatusCategory::Information
            }
            StatusCode::AssetIdListExceedsMaxAllowed
            | StatusCode::CollectionModeEmpty
            | StatusCode::CollectionIdsEmpty
            | StatusCode::DateCreatedRangeNotApplicable
            | StatusCode::IncorrectlyFormedDbpediaURI
            | StatusCode::IncorrectlyFormedFreebaseURI
            | StatusCode::IncorrectlyFormedMusicbrainzURI
            | StatusCode::IncorrectlyFormedURI
            | StatusCode::InvalidAssets
            | StatusCode::InvalidCollectionId
            | StatusCode::InvalidEditorialSegment
            | StatusCode::InvalidEditorialSourceId
            | StatusCode::InvalidEntityUri
            | StatusCode::InvalidEventSortType
            | StatusCode::InvalidDownloadToken
            | StatusCode::InvalidIncludeExcludeMode
            | StatusCode::InvalidItemCount
            | StatusCode::InvalidItemSortType
            | StatusCode::InvalidItemStartNumber
            | StatusCode::InvalidLanguageCode
            | StatusCode::InvalidLightboxName
            | StatusCode::InvalidOrientation
            | StatusCode::InvalidProductOffering
            | StatusCode::InvalidRequest
            | StatusCode::InvalidSizeCode
            | StatusCode::InvalidSizeKey
            | StatusCode::InvalidSearchCriteriaType
            | StatusCode::InvalidSearchForVideoByAssetId
            | StatusCode::MaxExceeded
            | StatusCode::MissingEventIds
            | StatusCode::PasswordTooShort
            | StatusCode::SearchCriteriaRequestMismatch
            | StatusCode::StartPastTotal
            | StatusCode::UnknownProviderURI
            | StatusCode::UsernameEqualsPassword => StatusCategory::Validation,
            StatusCode::AssetNotAvailable
            | StatusCode::EventNotFound
            | StatusCode::FailedUri
            | StatusCode::ImageNotFound
            | StatusCode::LightboxesNotFound
            | StatusCode::LightboxIdDoesNotExist
            | StatusCode::NoImages
            | StatusCode::NonExistingCollectionId
            | StatusCode::NoVideos
            | StatusCode::UriResolutionFailed => StatusCategory::NotFound,
            StatusCode::Auth002
            | StatusCode::Auth023
            | StatusCode::Auth021
            | StatusCode::Auth014
            | StatusCode::ExpiredDownloadToken
            | StatusCode::FailedToRenewToken
            | StatusCode::InvalidSystemIdOrPassword
            | StatusCode::InvalidUsernameOrPassword
            | StatusCode::OperationRequiresHttps
            | StatusCode::OperationRequiresSecureToken
            | StatusCode::OperationValidOnlyForLightboxOwner
            | StatusCode::SecureTokenPassedOverHttp
            | StatusCode::UnauthorizedToReportUsage => StatusCategory::Auth,
            StatusCode::DependentServiceDown
            | StatusCode::EntitySearchFailure
            | StatusCode::FailedToCreateCustomer
            | StatusCode::FailedToGetDownloadUrl
            | StatusCode::InternalError
            | StatusCode::SystemError => StatusCategory::Server,
            StatusCode::DuplicateUsername | StatusCode::TransactionIdDuplicate => {
                StatusCategory::Conflict
            }
            StatusCode::NoAgreement
            | StatusCode::NoAuthorizations
            | StatusCode::UnauthorizedProductOffering => StatusCategory::Agreement,
            StatusCode::Other(_) => StatusCategory::Unknown,
        }
    }

    /// Whether a later retry of the same request may succeed (the server was at fault).
    pub fn is_transient(&self) -> bool {
        self.category() == StatusCategory::Server
            && !matches!(
                self,
                StatusCode::FailedToGetDownloadUrl | StatusCode::FailedToCreateCustomer
            )
    }

    /// Whether the token itself was refused (expired, revoked, faulty, or not a secure token),
    /// so fetching a new token and retrying once may fix the call. Transport-class mistakes
    /// (`AUTH-014`, `AUTH-002`) are not: a new token would be refused the same way.
    pub fn is_token_failure(&self) -> bool {
        matches!(
            self,
            StatusCode::Auth021 | StatusCode::Auth023 | StatusCode::OperationRequiresSecureToken
        )
    }
}

/// One entry of `ResponseHeader.StatusList`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct StatusEntry {
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<StatusType>,
    /// The status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<StatusCode>,
    /// A human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl StatusEntry {
    /// An entry with all three parts.
    pub fn new(r#type: StatusType, code: StatusCode, message: impl Into<String>) -> Self {
        Self {
            r#type: Some(r#type),
            code: Some(code),
            message: Some(message.into()),
        }
    }
}

impl std::fmt::Display for StatusEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, "{c}: {m}"),
            (Some(c), None) => write!(f, "{c}"),
            (None, Some(m)) => f.write_str(m),
            (None, None) => f.write_str("(no code)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_read_any_casing() {
        for c in StatusCode::KNOWN {
            let json = serde_json::to_string(c).unwrap();
            let back: StatusCode = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, c);
            let lower: StatusCode = serde_json::from_str(&json.to_lowercase()).unwrap();
            assert_eq!(&lower, c);
        }
        assert_eq!(StatusCode::parse("auth-021"), StatusCode::Auth021);
        assert_eq!(
            StatusCode::parse("Brand-New"),
            StatusCode::Other("Brand-New".into())
        );
    }

    #[test]
    fn categories() {
        assert!(StatusCode::DependentServiceDown.is_transient());
        assert!(!StatusCode::ImageNotFound.is_transient());
        assert!(StatusCode::Auth021.is_token_failure());
        assert_eq!(
            StatusCode::InvalidItemCount.category(),
            StatusCategory::Validation
        );
    }
}

//! SingleStepDownload: `POST /v2/download/{ImageId}`, the v2-style download in one call.
//!
//! It does not use the JSON envelope, so it is not an [`Operation`](crate::Operation): the
//! image id goes in the path, the OAuth2 access token (`Authorization: Bearer …`) and the
//! application's key (`Api-Key`) go in HTTP headers, no body is sent, and the outcome is the
//! HTTP status. Success is a `302` whose `Location` is the file of the largest size the caller
//! may download; each call spends one download of the caller's periodic allowance.

use crate::operation::Security;
use crate::status::StatusCode;
use serde::{Deserialize, Serialize};

/// The one input of SingleStepDownload: the image, which fills `{ImageId}` in the path.
///
/// ```
/// use connect_types::ops::SingleStepDownloadRequest;
/// let req = SingleStepDownloadRequest::new("177670965");
/// assert_eq!(req.path(), "/v2/download/177670965");
/// // Anything that is not a plain path segment is percent-encoded.
/// assert_eq!(SingleStepDownloadRequest::new("a/b").path(), "/v2/download/a%2Fb");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct SingleStepDownloadRequest {
    /// The image to download (a path parameter, not a body field).
    #[serde(default, deserialize_with = "de_string")]
    pub image_id: String,
}

/// A required id that may arrive as a bare number (missing or `null` reads as empty).
fn de_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::opt_string(d).map(Option::unwrap_or_default)
}

impl SingleStepDownloadRequest {
    /// The operation's documented name.
    pub const NAME: &'static str = "SingleStepDownload";
    /// The HTTP method.
    pub const METHOD: &'static str = "POST";
    /// The path, with `{ImageId}` to fill.
    pub const PATH_TEMPLATE: &'static str = "/v2/download/{ImageId}";
    /// The path before the image id.
    pub const PATH_PREFIX: &'static str = "/v2/download/";
    /// HTTPS only, with a token that may serve secure operations.
    pub const SECURITY: Security = Security::SecureOnly;
    /// The HTTP header carrying the application's API key.
    pub const API_KEY_HEADER: &'static str = "Api-Key";
    /// The HTTP header carrying the caller's coordination id (echoed in the answer).
    pub const COORDINATION_HEADER: &'static str = "GI-Coordination-Id";
    /// Spending a download is not idempotent: a call that may have reached the service is
    /// not repeated.
    pub const IDEMPOTENT: bool = false;
    /// It spends a download of the caller's allowance and adds to their download history (see
    /// [`crate::Operation::CHANGES_STATE`]).
    pub const CHANGES_STATE: bool = true;

    /// The largest allowed size of `image_id`.
    pub fn new(image_id: impl Into<String>) -> Self {
        Self {
            image_id: image_id.into(),
        }
    }

    /// The request path, with the image id percent-encoded as one path segment.
    pub fn path(&self) -> String {
        let mut out = String::from(Self::PATH_PREFIX);
        crate::percent::encode_into(&self.image_id, &mut out);
        out
    }
}

/// Why SingleStepDownload refused, read from the HTTP status and the message text (the page
/// gives two different 401s, 403s and 404s that differ only in their message).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SingleStepRefusal {
    /// 401: the token may not serve secure operations.
    NotSecureToken,
    /// 401: the token is not fully authenticated (expired, revoked, unknown).
    NotAuthenticated,
    /// 403: a secure token was sent over a channel without TLS.
    InsecureChannel,
    /// 403: the caller's product offering cannot be used for this image (image packs and
    /// royalty-free subscriptions are not eligible).
    OfferingNotUsable,
    /// 403: no product offering found, which is also the answer when the periodic download
    /// allowance is used up.
    NoOffering,
    /// 404: no such image.
    ImageNotFound,
    /// 404: the caller has no authorization for this image.
    NoAuthorizations,
    /// Another status the page does not document.
    Other(u16),
}

impl SingleStepRefusal {
    /// Classifies a non-success answer; `None` for a 2xx or 3xx status.
    pub fn classify(status: u16, message: &str) -> Option<Self> {
        let m = message.to_ascii_lowercase();
        Some(match status {
            200..=399 => return None,
            401 if m.contains("secure") => Self::NotSecureToken,
            401 => Self::NotAuthenticated,
            403 if m.contains("ssl") || m.contains("tls") || m.contains("over http") => {
                Self::InsecureChannel
            }
            403 if m.contains("not usable") || m.contains("cannot be used") => {
                Self::OfferingNotUsable
            }
            403 => Self::NoOffering,
            404 if m.contains("authoriz") => Self::NoAuthorizations,
            404 => Self::ImageNotFound,
            other => Self::Other(other),
        })
    }

    /// The HTTP status this refusal comes with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::NotSecureToken | Self::NotAuthenticated => 401,
            Self::InsecureChannel | Self::OfferingNotUsable | Self::NoOffering => 403,
            Self::ImageNotFound | Self::NoAuthorizations => 404,
            Self::Other(s) => *s,
        }
    }

    /// The status code of the envelope operations that means the same thing.
    pub fn status_code(&self) -> Option<StatusCode> {
        Some(match self {
            Self::NotSecureToken => StatusCode::Auth023,
            Self::NotAuthenticated => StatusCode::Auth021,
            Self::InsecureChannel => StatusCode::Auth014,
            Self::OfferingNotUsable => StatusCode::UnauthorizedProductOffering,
            Self::NoOffering => StatusCode::NoAgreement,
            Self::ImageNotFound => StatusCode::ImageNotFound,
            Self::NoAuthorizations => StatusCode::NoAuthorizations,
            Self::Other(_) => return None,
        })
    }

    /// A message for this refusal that [`SingleStepRefusal::classify`] reads back (the
    /// sandbox sends these).
    pub fn message(&self) -> &'static str {
        match self {
            Self::NotSecureToken => "the token is not a secure token",
            Self::NotAuthenticated => "the token is not fully authenticated",
            Self::InsecureChannel => "a secure token was sent over a non-SSL/TLS channel",
            Self::OfferingNotUsable => "the product offering is not usable with this resource",
            Self::NoOffering => "no product offering found (or its download quota is used up)",
            Self::ImageNotFound => "image not found",
            Self::NoAuthorizations => "no authorizations for the asset",
            Self::Other(_) => "unexpected status",
        }
    }
}

impl std::fmt::Display for SingleStepRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Other(s) => write!(f, "HTTP {s}: unexpected status from SingleStepDownload"),
            other => write!(f, "HTTP {}: {}", other.http_status(), other.message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_back_from_its_status_and_message() {
        let all = [
            SingleStepRefusal::NotSecureToken,
            SingleStepRefusal::NotAuthenticated,
            SingleStepRefusal::InsecureChannel,
            SingleStepRefusal::OfferingNotUsable,
            SingleStepRefusal::NoOffering,
            SingleStepRefusal::ImageNotFound,
            SingleStepRefusal::NoAuthorizations,
        ];
        for r in all {
            assert_eq!(
                SingleStepRefusal::classify(r.http_status(), r.message()),
                Some(r.clone()),
                "{r}"
            );
            assert!(r.status_code().is_some());
        }
        assert_eq!(SingleStepRefusal::classify(302, ""), None);
        assert_eq!(
            SingleStepRefusal::classify(500, "boom"),
            Some(SingleStepRefusal::Other(500))
        );
    }
}

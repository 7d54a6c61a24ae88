//! The [`Operation`] trait: what ties a request type to its endpoint and result.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// Which token an operation needs and whether it must travel over HTTPS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Security {
    /// No token, HTTPS only: the session bootstrap (CreateSession) and the OAuth2 token endpoint.
    None,
    /// Any valid token. Over HTTPS the secure token is sent, over plain HTTP the standard one.
    Standard,
    /// HTTPS only, with the secure token (RenewSession, CreateDownloadRequest).
    SecureOnly,
}

impl Security {
    /// Whether calls of this class must use HTTPS.
    pub fn requires_https(self) -> bool {
        matches!(self, Security::None | Security::SecureOnly)
    }

    /// Whether calls of this class carry a token in `RequestHeader.Token`.
    pub fn needs_token(self) -> bool {
        !matches!(self, Security::None)
    }
}

/// One Connect API operation: its request body type, its result type and where it goes.
///
/// The request type itself is the body that goes under [`Operation::BODY_KEY`].
pub trait Operation: Serialize + Debug {
    /// What the operation returns under [`Operation::RESULT_KEY`].
    type Result: DeserializeOwned + Serialize + Default + Debug;

    /// The operation's documented name, e.g. `SearchForImages`.
    const NAME: &'static str;
    /// The endpoint path, e.g. `/v2/search/SearchForImages`.
    const PATH: &'static str;
    /// The request body's key in the envelope, e.g. `SearchForImagesRequestBody`. For the
    /// operations documented without a body ([`Operation::HAS_BODY`] false) it is the key a
    /// body would have; nothing is sent under it.
    const BODY_KEY: &'static str;
    /// Whether the envelope carries a body. A few operations (GetCollections, the product
    /// offerings) are documented with a `RequestHeader` alone.
    const HAS_BODY: bool = true;
    /// The result's key in the response envelope, if the operation returns a result.
    const RESULT_KEY: Option<&'static str>;
    /// Which token the operation needs and whether it is HTTPS only.
    const SECURITY: Security;
    /// Whether sending the same request twice has the same effect as sending it once.
    /// Non-idempotent operations are not retried once they may have reached the server.
    const IDEMPOTENT: bool;

    /// The `RequestHeader.Detail` value, for the operations that have one.
    fn header_detail(&self) -> Option<&str> {
        None
    }
}

/// The result of operations that return nothing but the response header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Empty {}

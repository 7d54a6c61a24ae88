//! Legacy sessions: CreateSession and RenewSession.

use crate::operation::{Described, Operation, Security};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// `CreateSessionRequestBody`: log in with system and user credentials.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateSessionRequest {
    /// Participant system id issued by Getty Images.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub system_id: String,
    /// That system's password.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub system_password: Secret,
    /// The GettyImages.com user on whose behalf calls are made.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub user_name: String,
    /// That user's password.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub user_password: Secret,
}

/// `CreateSessionResult` (and `RenewSessionResult`): the two tokens and their lifetime.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct SessionResult {
    /// The account bound to the credentials.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub account_id: Option<String>,
    /// Token for secure (HTTPS-only) operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_token: Option<Secret>,
    /// Standard token, usable over plain HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// Minutes the tokens stay valid (the API documents 30).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub token_duration_minutes: Option<u32>,
}

/// Result of CreateSession.
pub type CreateSessionResult = SessionResult;
/// Result of RenewSession.
pub type RenewSessionResult = SessionResult;

impl Operation for CreateSessionRequest {
    type Result = CreateSessionResult;
    const NAME: &'static str = "CreateSession";
    const PATH: &'static str = "/v1/session/CreateSession";
    const BODY_KEY: &'static str = "CreateSessionRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("CreateSessionResult");
    const SECURITY: Security = Security::None;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for CreateSessionRequest {
    const METHOD: Option<&'static str> = None;
    const SUMMARY: &'static str = "a legacy sign-in with system and user credentials.";
    fn example() -> Self {
        CreateSessionRequest {
            system_id: "sandbox".into(),
            system_password: Secret::new("sandbox-system-password"),
            user_name: "alice".into(),
            user_password: Secret::new("alice-password"),
        }
    }
}

/// `RenewSessionRequestBody`: extend a session before it expires. The header carries the
/// current secure token.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct RenewSessionRequest {
    /// Participant system id issued by Getty Images.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub system_id: String,
    /// That system's password.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub system_password: Secret,
}

impl Operation for RenewSessionRequest {
    type Result = RenewSessionResult;
    const NAME: &'static str = "RenewSession";
    const PATH: &'static str = "/v1/session/RenewSession";
    const BODY_KEY: &'static str = "RenewSessionRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("RenewSessionResult");
    const SECURITY: Security = Security::SecureOnly;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for RenewSessionRequest {
    const METHOD: Option<&'static str> = None;
    const SUMMARY: &'static str = "a legacy session extended before it expires.";
    fn example() -> Self {
        RenewSessionRequest {
            system_id: "sandbox".into(),
            system_password: Secret::new("sandbox-system-password"),
        }
    }
}

//! What the SDK logs in with.

use connect_types::Secret;
use std::time::Duration;

/// Credentials for the Connect API, one kind per supported flow.
///
/// `Debug` never shows secrets: they are [`Secret`]s.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// OAuth2 client credentials: an application-only token.
    ClientCredentials {
        /// The API key.
        client_id: String,
        /// The API secret.
        client_secret: Secret,
    },
    /// OAuth2 resource owner password: a token on behalf of a user, with a refresh token.
    ResourceOwner {
        /// The API key.
        client_id: String,
        /// The API secret.
        client_secret: Secret,
        /// The user's name.
        username: String,
        /// The user's password.
        password: Secret,
    },
    /// An OAuth2 refresh token obtained earlier; exchanged for access tokens as needed.
    RefreshToken {
        /// The API key.
        client_id: String,
        /// The API secret.
        client_secret: Secret,
        /// The refresh token.
        refresh_token: Secret,
    },
    /// An access token obtained elsewhere (for example by the implicit grant). It cannot be
    /// renewed: when it expires or is refused, calls fail with an auth error.
    AccessToken {
        /// The access token.
        token: Secret,
        /// How long it stays valid from the first call, if known.
        expires_in: Option<Duration>,
    },
    /// Legacy session credentials, used with CreateSession and RenewSession.
    Session {
        /// The participant system id.
        system_id: String,
        /// The system's password.
        system_password: Secret,
        /// The user's name.
        user_name: String,
        /// The user's password.
        user_password: Secret,
    },
}

impl Credentials {
    /// OAuth2 client credentials.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// OAuth2 resource owner password credentials.
    pub fn resource_owner(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Credentials::ResourceOwner {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            username: username.into(),
            password: password.into(),
        }
    }

    /// An OAuth2 refresh token.
    pub fn refresh_token(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Self {
        Credentials::RefreshToken {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
        }
    }

    /// An access token obtained elsewhere.
    pub fn access_token(token: impl Into<Secret>, expires_in: Option<Duration>) -> Self {
        Credentials::AccessToken {
            token: token.into(),
            expires_in,
        }
    }

    /// Legacy session credentials.
    pub fn session(
        system_id: impl Into<String>,
        system_password: impl Into<Secret>,
        user_name: impl Into<String>,
        user_password: impl Into<Secret>,
    ) -> Self {
        Credentials::Session {
            system_id: system_id.into(),
            system_password: system_password.into(),
            user_name: user_name.into(),
            user_password: user_password.into(),
        }
    }

    /// A short name of the flow, for logs and messages.
    pub fn flow_name(&self) -> &'static str {
        match self {
            Credentials::ClientCredentials { .. } => "OAuth2 client credentials",
            Credentials::ResourceOwner { .. } => "OAuth2 resource owner password",
            Credentials::RefreshToken { .. } => "OAuth2 refresh token",
            Credentials::AccessToken { .. } => "access token",
            Credentials::Session { .. } => "legacy session",
        }
    }
}

//! The OAuth2 token endpoint (`POST /oauth2/token`, form-encoded) and its replies.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/token";
/// The implicit grant's authorize path.
pub const AUTHORIZE_PATH: &str = "/oauth2/auth";

/// A request to the token endpoint, one variant per supported grant.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    /// `grant_type=client_credentials`: an application-only token.
    ClientCredentials {
        /// The API key.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        client_id: String,
        /// The API secret.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        client_secret: Secret,
    },
    /// `grant_type=password`: a token on behalf of a user (resource owner).
    Password {
        /// The API key.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        client_id: String,
        /// The API secret.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        client_secret: Secret,
        /// The user's name.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        username: String,
        /// The user's password.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        password: Secret,
    },
    /// `grant_type=refresh_token`: a new access token for a refresh token.
    RefreshToken {
        /// The API key.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        client_id: String,
        /// The API secret.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        client_secret: Secret,
        /// The refresh token from a password grant.
        #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
        refresh_token: Secret,
    },
}

impl TokenRequest {
    /// The grant type's wire name.
    pub fn grant_type(&self) -> &'static str {
        match self {
            TokenRequest::ClientCredentials { .. } => "client_credentials",
            TokenRequest::Password { .. } => "password",
            TokenRequest::RefreshToken { .. } => "refresh_token",
        }
    }

    /// The form fields in documented order. Secrets appear in the clear: this is the wire.
    pub fn form_pairs(&self) -> Vec<(&'static str, &str)> {
        let mut v = vec![("grant_type", self.grant_type())];
        match self {
            TokenRequest::ClientCredentials {
                client_id,
                client_secret,
            } => {
                v.push(("client_id", client_id));
                v.push(("client_secret", client_secret.expose()));
            }
            TokenRequest::Password {
                client_id,
                client_secret,
                username,
                password,
            } => {
                v.push(("username", username));
                v.push(("password", password.expose()));
                v.push(("client_id", client_id));
                v.push(("client_secret", client_secret.expose()));
            }
            TokenRequest::RefreshToken {
                client_id,
                client_secret,
                refresh_token,
            } => {
                v.push(("client_id", client_id));
                v.push(("client_secret", client_secret.expose()));
                v.push(("refresh_token", refresh_token.expose()));
            }
        }
        v
    }

    /// The `application/x-www-form-urlencoded` body.
    pub fn to_form(&self) -> String {
        encode_form(&self.form_pairs())
    }
}

/// Encodes pairs as `application/x-www-form-urlencoded`.
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_escape(&mut out, k);
        out.push('=');
        form_escape(&mut out, v);
    }
    out
}

fn form_escape(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                // Writing to a String cannot fail.
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
}

/// Decodes `application/x-www-form-urlencoded` (also URL fragments and query strings) into
/// pairs. Invalid escapes are kept literally rather than rejected.
pub fn decode_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_unescape(k), form_unescape(v))
        })
        .collect()
}

fn form_unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A successful token endpoint reply.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenResponse {
    /// The access token, sent in `RequestHeader.Token`.
    pub access_token: Secret,
    /// `Bearer` (compare case-insensitively).
    #[serde(default)]
    pub token_type: String,
    /// Seconds the access token lives (1800 in the documentation).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub expires_in: Option<u64>,
    /// A refresh token (password grant only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
}

/// An RFC 6749 error reply from the token endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OAuthErrorResponse {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type` or `invalid_scope`.
    pub error: String,
    /// A human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// A page about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_uri: Option<String>,
}

impl std::fmt::Display for OAuthErrorResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.error_description {
            Some(d) => write!(f, "{}: {d}", self.error),
            None => f.write_str(&self.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_round_trips_and_escapes() {
        let req = TokenRequest::Password {
            client_id: "id".into(),
            client_secret: "s&c=r t".into(),
            username: "al ice".into(),
            password: "p%ss+é".into(),
        };
        let form = req.to_form();
        assert_eq!(
            form,
            "grant_type=password&username=al+ice&password=p%25ss%2B%C3%A9&client_id=id&client_secret=s%26c%3Dr+t"
        );
        let back = decode_form(&form);
        assert_eq!(back[2], ("password".into(), "p%ss+é".into()));
        assert_eq!(back[4], ("client_secret".into(), "s&c=r t".into()));
        assert_eq!(
            decode_form("a=%zz&b=%4"),
            vec![("a".into(), "%zz".into()), ("b".into(), "%4".into())]
        );
        assert!(!format!("{req:?}").contains("p%ss"));
    }

    #[test]
    fn token_response_tolerates_string_expiry_and_any_case() {
        let r: TokenResponse = serde_json::from_str(
            r#"{"access_token":"a","token_type":"bearer","expires_in":"1800"}"#,
        )
        .unwrap();
        assert_eq!(r.expires_in, Some(1800));
        assert!(r.refresh_token.is_none());
    }
}

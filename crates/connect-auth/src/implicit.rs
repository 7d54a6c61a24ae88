//! Helpers for the OAuth2 implicit grant (browser flow): the authorize URL and the redirect.

use crate::error::Error;
use connect_types::Secret;
use connect_types::ops::oauth2::{AUTHORIZE_PATH, decode_form, encode_form};
use std::time::Duration;

/// The URL to send the user's browser to: `<base>/oauth2/auth?response_type=token&…`.
pub fn authorize_url(base: &str, client_id: &str, redirect_uri: &str, state: &str) -> String {
    let query = encode_form(&[
        ("response_type", "token"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", state),
    ]);
    format!("{}{AUTHORIZE_PATH}?{query}", base.trim_end_matches('/'))
}

/// The token carried by the redirect's fragment.
#[derive(Clone, Debug)]
pub struct ImplicitToken {
    /// The access token.
    pub access_token: Secret,
    /// `bearer`.
    pub token_type: String,
    /// Lifetime, when the redirect states one, clamped to 24 hours
    /// ([`crate::token::MAX_LIFETIME`]).
    pub expires_in: Option<Duration>,
}

/// Parses the redirect URL (or just its fragment) and checks `state` against the one sent.
///
/// An `error` in the fragment (e.g. `access_denied`) becomes an auth error.
pub fn parse_redirect(url_or_fragment: &str, expected_state: &str) -> Result<ImplicitToken, Error> {
    let fragment = url_or_fragment
        .split_once('#')
        .map_or(url_or_fragment, |(_, f)| f);
    let pairs = decode_form(fragment);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("state") != Some(expected_state) {
        return Err(Error::auth(
            "the redirect's state does not match the one sent: the response may be forged; start the flow again",
        ));
    }
    if let Some(e) = get("error") {
        let desc = get("error_description")
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Err(Error::Auth {
            message: format!("the authorization was refused ({e}{desc})"),
            code: None,
            oauth_error: Some(e.to_owned()),
        });
    }
    let token = get("access_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::auth("the redirect carries no access_token"))?;
    Ok(ImplicitToken {
        access_token: Secret::new(token),
        token_type: get("token_type").unwrap_or("bearer").to_owned(),
        expires_in: get("expires_in")
            .and_then(|s| s.parse::<u64>().ok())
            .map(|secs| crate::token::clamp_lifetime(Duration::from_secs(secs))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_authorize_url() {
        let u = authorize_url(
            "https://h.example/",
            "key",
            "https://app.example/cb?x=1",
            "s 1",
        );
        assert_eq!(
            u,
            "https://h.example/oauth2/auth?response_type=token&client_id=key&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&state=s+1"
        );
    }

    #[test]
    fn parses_the_redirect_and_checks_state() {
        let t = parse_redirect(
            "https://app.example/cb#access_token=abc%2B1&token_type=bearer&expires_in=1800&state=xyz",
            "xyz",
        )
        .unwrap();
        assert_eq!(t.access_token.expose(), "abc+1");
        assert_eq!(t.expires_in, Some(Duration::from_secs(1800)));
        assert!(parse_redirect("#access_token=abc&state=other", "xyz").is_err());
        let e = parse_redirect("#error=access_denied&state=xyz", "xyz").unwrap_err();
        assert!(e.to_string().contains("access_denied"));
        assert!(parse_redirect("#state=xyz", "xyz").is_err());
    }
}

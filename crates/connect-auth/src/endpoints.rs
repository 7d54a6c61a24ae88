//! Base URLs and the routing rule: which scheme each security class goes over.

use crate::error::Error;
use connect_types::Security;

/// The production base URL.
pub const DEFAULT_BASE_URL: &str = "https://connect.gettyimages.com";

/// The scheme a request goes over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `https://`: carries the secure token.
    Https,
    /// `http://`: carries the standard token; never a secure-only call.
    Http,
}

/// Where calls go.
///
/// `base` serves every call; `http_base`, when set, serves standard operations over plain HTTP
/// (with the standard token). Secure-only calls always use `base`, and are refused when `base` is
/// not HTTPS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    base: String,
    base_scheme: Scheme,
    http_base: Option<String>,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            base: DEFAULT_BASE_URL.to_owned(),
            base_scheme: Scheme::Https,
            http_base: None,
        }
    }
}

fn scheme_of(url: &str) -> Result<Scheme, Error> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("https://") {
        Ok(Scheme::Https)
    } else if lower.starts_with("http://") {
        Ok(Scheme::Http)
    } else {
        Err(Error::Config(format!(
            "base URL {url:?} must start with https:// or http://"
        )))
    }
}

fn normalize(url: &str) -> Result<(String, Scheme), Error> {
    let url = url.trim().trim_end_matches('/');
    let scheme = scheme_of(url)?;
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(Error::Config(format!("base URL {url:?} has no host")));
    }
    Ok((url.to_owned(), scheme))
}

impl Endpoints {
    /// Every call goes to `base` (`https://…` normally).
    pub fn new(base: &str) -> Result<Self, Error> {
        let (base, base_scheme) = normalize(base)?;
        Ok(Self {
            base,
            base_scheme,
            http_base: None,
        })
    }

    /// Standard operations go to this plain-HTTP base instead, with the standard token.
    pub fn with_http_base(mut self, http_base: &str) -> Result<Self, Error> {
        let (url, scheme) = normalize(http_base)?;
        if scheme != Scheme::Http {
            return Err(Error::Config(format!(
                "the plain-HTTP base URL {url:?} must start with http://"
            )));
        }
        self.http_base = Some(url);
        Ok(self)
    }

    /// The main base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The plain-HTTP base for standard operations, if set.
    pub fn http_base(&self) -> Option<&str> {
        self.http_base.as_deref()
    }

    /// The base URL and scheme for an operation of this security class, or a refusal when
    /// the class needs HTTPS and the base is plain HTTP.
    pub fn route(
        &self,
        security: Security,
        operation: &'static str,
    ) -> Result<(&str, Scheme), Error> {
        if security.requires_https() {
            if self.base_scheme != Scheme::Https {
                tracing::debug!(
                    target: crate::trace::TARGET,
                    operation,
                    "refused: a secure-only request to a plain-HTTP base URL"
                );
                return Err(Error::Refused {
                    operation,
                    reason: format!(
                        "it is a secure-only operation and the base URL {} is plain HTTP; \
                         secure tokens and credentials never travel unencrypted",
                        self.base
                    ),
                });
            }
            return Ok((&self.base, Scheme::Https));
        }
        match &self.http_base {
            Some(h) => Ok((h, Scheme::Http)),
            None => Ok((&self.base, self.base_scheme)),
        }
    }

    /// Refuses to put an OAuth2 access token on a request over plain HTTP unless the caller
    /// `opted_in` ([`crate::token::AuthConfig::allow_oauth_token_over_http`]): such a token also
    /// authorizes secure-only operations, for whoever sees it on the wire. (Legacy session
    /// tokens follow the standard/secure split of [`Endpoints::route`] instead.)
    pub fn oauth_token_over(
        &self,
        scheme: Scheme,
        opted_in: bool,
        operation: &'static str,
    ) -> Result<(), Error> {
        if scheme != Scheme::Http || opted_in {
            return Ok(());
        }
        tracing::debug!(
            target: crate::trace::TARGET,
            operation,
            "refused: an OAuth2 access token would go over plain HTTP"
        );
        Err(Error::Refused {
            operation,
            reason: format!(
                "it would carry an OAuth2 access token over plain HTTP ({}), and such a token \
                 also authorizes secure-only operations for whoever sees it on the wire; use an \
                 https:// base URL, or opt in with allow_oauth_token_over_http / \
                 --insecure-send-oauth-token-over-http",
                self.route(Security::Standard, operation)
                    .map_or("", |(base, _)| base)
            ),
        })
    }

    /// The full URL for a path under the route for this security class.
    pub fn url(
        &self,
        security: Security,
        path: &str,
        operation: &'static str,
    ) -> Result<(String, Scheme), Error> {
        let (base, scheme) = self.route(security, operation)?;
        Ok((format!("{base}{path}"), scheme))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oauth_token_goes_over_http_only_when_the_caller_opted_in() {
        let e = Endpoints::new("http://h.example").unwrap();
        let refused = e.oauth_token_over(Scheme::Http, false, "X").unwrap_err();
        assert!(
            refused.to_string().contains("http://h.example"),
            "{refused}"
        );
        assert!(e.oauth_token_over(Scheme::Http, true, "X").is_ok());
        assert!(e.oauth_token_over(Scheme::Https, false, "X").is_ok());
    }

    #[test]
    fn routes_by_security_class() {
        let e = Endpoints::new("https://h.example/")
            .unwrap()
            .with_http_base("http://h.example")
            .unwrap();
        assert_eq!(
            e.route(Security::Standard, "X").unwrap(),
            ("http://h.example", Scheme::Http)
        );
        assert_eq!(
            e.route(Security::SecureOnly, "X").unwrap(),
            ("https://h.example", Scheme::Https)
        );
        assert_eq!(
            e.route(Security::None, "X").unwrap(),
            ("https://h.example", Scheme::Https)
        );
    }

    #[test]
    fn refuses_secure_only_over_http() {
        let e = Endpoints::new("http://h.example").unwrap();
        assert_eq!(e.route(Security::Standard, "X").unwrap().1, Scheme::Http);
        let err = e
            .route(Security::SecureOnly, "CreateDownloadRequest")
            .unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::Refused);
        assert!(err.to_string().contains("CreateDownloadRequest"));
    }

    #[test]
    fn rejects_bad_urls() {
        assert!(Endpoints::new("ftp://x").is_err());
        assert!(Endpoints::new("https://").is_err());
        assert!(
            Endpoints::new("https://x")
                .unwrap()
                .with_http_base("https://y")
                .is_err()
        );
    }
}

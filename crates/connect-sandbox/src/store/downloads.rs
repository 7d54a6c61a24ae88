//! The download store: download tokens (from the authorization operations) and download URLs
//! (from CreateDownloadRequest). Both are self-contained and carry an HMAC-SHA256 signature
//! under a key drawn at start ([`Secrets`]), so nothing grows with use and nothing can be
//! forged or altered; the only state is the set of URLs already cut by disconnect injection.

use crate::secrets::Secrets;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// What a download token or URL grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// `i` for an image, `v` for a video.
    pub kind: char,
    /// Catalog index of the asset.
    pub index: u32,
    /// The size key.
    pub size: String,
    /// Expiry, Unix milliseconds.
    pub expires: i64,
    /// The product offering instance (`ProductOfferingInstanceId`) a download token was issued
    /// for, which CreateDownloadRequest then charges; `None` for tokens that leave the choice
    /// to the sandbox (videos) and for download URLs.
    pub offering: Option<u64>,
}

/// Why a token or URL was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token this sandbox issued (bad format or signature).
    Invalid,
    /// Issued here, but expired.
    Expired,
}

/// What a signature is for: a token signed for one use is refused for the other.
const TOKEN: &str = "download-token";
const URL: &str = "download-url";

/// URLs remembered as already cut; past this the set starts over (a URL may then be cut
/// twice, which a resuming client survives).
const MAX_CUT_MEMORY: usize = 10_000;

/// Signing keys and the set of URLs already cut by disconnect injection.
pub struct Downloads {
    secrets: Arc<Secrets>,
    cut: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Downloads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Downloads").finish_non_exhaustive()
    }
}

impl Downloads {
    /// Signs with `secrets`.
    pub fn new(secrets: Arc<Secrets>) -> Self {
        Downloads {
            secrets,
            cut: Mutex::new(HashSet::new()),
        }
    }

    fn encode(&self, domain: &str, g: &Grant) -> String {
        let mut message = format!("{}{}.{}.{}", g.kind, g.index, g.size, g.expires);
        if let Some(o) = g.offering {
            message.push_str(&format!(".{o}"));
        }
        let signature = self.secrets.sign(domain, &message);
        format!("{message}.{signature}")
    }

    fn decode(&self, domain: &str, s: &str, now: i64) -> Result<Grant, TokenError> {
        let (message, signature) = s.trim().rsplit_once('.').ok_or(TokenError::Invalid)?;
        if !self.secrets.verify(domain, message, signature) {
            return Err(TokenError::Invalid);
        }
        let mut parts = message.split('.');
        let (Some(head), Some(size), Some(exp), offering, None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TokenError::Invalid);
        };
        let offering = match offering {
            None => None,
            Some(o) => Some(o.parse::<u64>().map_err(|_| TokenError::Invalid)?),
        };
        let mut chars = head.chars();
        let kind = chars.next().ok_or(TokenError::Invalid)?;
        let index: u32 = chars.as_str().parse().map_err(|_| TokenError::Invalid)?;
        let expires: i64 = exp.parse().map_err(|_| TokenError::Invalid)?;
        if !matches!(kind, 'i' | 'v') {
            return Err(TokenError::Invalid);
        }
        if expires <= now {
            return Err(TokenError::Expired);
        }
        Ok(Grant {
            kind,
            index,
            size: size.to_owned(),
            expires,
            offering,
        })
    }

    /// A download token for a grant.
    pub fn token(&self, g: &Grant) -> String {
        self.encode(TOKEN, g)
    }

    /// Checks a download token.
    pub fn check_token(&self, s: &str, now: i64) -> Result<Grant, TokenError> {
        self.decode(TOKEN, s, now)
    }

    /// The path part of a download URL.
    pub fn url_path(&self, g: &Grant) -> String {
        format!("/download/{}", self.encode(URL, g))
    }

    /// Checks the last path segment of a download URL.
    pub fn check_url(&self, s: &str, now: i64) -> Result<Grant, TokenError> {
        self.decode(URL, s, now)
    }

    /// Whether this GET of `url` is to be cut (true once per URL).
    pub fn first_cut(&self, url: &str) -> bool {
        let mut cut = self.cut.lock().unwrap_or_else(|p| p.into_inner());
        if cut.len() >= MAX_CUT_MEMORY {
            cut.clear();
        }
        cut.insert(url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Downloads {
        Downloads::new(Arc::new(Secrets::from_os().unwrap()))
    }

    #[test]
    fn tokens_round_trip_and_detect_tampering() {
        let d = store();
        let g = Grant {
            kind: 'i',
            index: 5,
            size: "master".into(),
            expires: 2_000,
            offering: None,
        };
        let t = d.token(&g);
        assert_eq!(d.check_token(&t, 1_000), Ok(g.clone()));
        assert_eq!(d.check_token(&t, 3_000), Err(TokenError::Expired));
        assert_eq!(d.check_url(&t, 1_000), Err(TokenError::Invalid));
        assert_eq!(d.check_token("junk", 0), Err(TokenError::Invalid));
        let tampered = t.replacen("i5", "i6", 1);
        assert_eq!(d.check_token(&tampered, 0), Err(TokenError::Invalid));
        let later = t.replacen(".2000.", ".9000.", 1);
        assert_eq!(d.check_token(&later, 0), Err(TokenError::Invalid));
        assert_eq!(store().check_token(&t, 0), Err(TokenError::Invalid));
    }

    #[test]
    fn a_token_names_its_offering_and_another_offering_cannot_be_swapped_in() {
        let d = store();
        let g = |offering| Grant {
            kind: 'i',
            index: 5,
            size: "large".into(),
            expires: 2_000,
            offering,
        };
        let easy = d.token(&g(Some(10_046_002)));
        let premium = d.token(&g(Some(10_046_001)));
        assert_ne!(easy, premium);
        assert_eq!(d.check_token(&easy, 0), Ok(g(Some(10_046_002))));
        assert_eq!(d.check_token(&premium, 0), Ok(g(Some(10_046_001))));
        let swapped = easy.replacen(".10046002.", ".10046001.", 1);
        assert_eq!(d.check_token(&swapped, 0), Err(TokenError::Invalid));
        assert_ne!(d.token(&g(None)), easy);
    }
}

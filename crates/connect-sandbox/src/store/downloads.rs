//! The download store: download tokens (from the authorization operations) and download URLs
//! (from CreateDownloadRequest). Both are self-contained and signed with a per-start secret,
//! so nothing grows with use; the only state is the set of URLs already cut by disconnect
//! injection.

use crate::rng::{Rng, mix};
use std::collections::HashSet;
use std::sync::Mutex;

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
}

/// Why a token or URL was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token this sandbox issued (bad format or signature).
    Invalid,
    /// Issued here, but expired.
    Expired,
}

/// Signing secret and the set of URLs already cut by disconnect injection.
pub struct Downloads {
    secret: u64,
    cut: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Downloads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Downloads").finish_non_exhaustive()
    }
}

impl Downloads {
    /// A fresh secret per start.
    pub fn new(seed: u64) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Downloads {
            secret: Rng::new(seed, nanos).next_u64(),
            cut: Mutex::new(HashSet::new()),
        }
    }

    fn mac(&self, domain: u64, g: &Grant) -> u64 {
        let mut h = mix(self.secret ^ domain);
        h = mix(h ^ u64::from(g.kind as u32));
        h = mix(h ^ u64::from(g.index));
        for b in g.size.bytes() {
            h = mix(h ^ u64::from(b));
        }
        mix(h ^ g.expires as u64)
    }

    fn encode(&self, domain: u64, g: &Grant) -> String {
        format!(
            "{}{}.{}.{}.{:016x}",
            g.kind,
            g.index,
            g.size,
            g.expires,
            self.mac(domain, g)
        )
    }

    fn decode(&self, domain: u64, s: &str, now: i64) -> Result<Grant, TokenError> {
        let mut parts = s.trim().split('.');
        let (Some(head), Some(size), Some(exp), Some(mac), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TokenError::Invalid);
        };
        let mut chars = head.chars();
        let kind = chars.next().ok_or(TokenError::Invalid)?;
        let index: u32 = chars.as_str().parse().map_err(|_| TokenError::Invalid)?;
        let expires: i64 = exp.parse().map_err(|_| TokenError::Invalid)?;
        let mac = u64::from_str_radix(mac, 16).map_err(|_| TokenError::Invalid)?;
        let g = Grant {
            kind,
            index,
            size: size.to_owned(),
            expires,
        };
        if !matches!(kind, 'i' | 'v') || self.mac(domain, &g) != mac {
            return Err(TokenError::Invalid);
        }
        if expires <= now {
            return Err(TokenError::Expired);
        }
        Ok(g)
    }

    /// A download token for a grant.
    pub fn token(&self, g: &Grant) -> String {
        self.encode(1, g)
    }

    /// Checks a download token.
    pub fn check_token(&self, s: &str, now: i64) -> Result<Grant, TokenError> {
        self.decode(1, s, now)
    }

    /// The path part of a download URL.
    pub fn url_path(&self, g: &Grant) -> String {
        format!("/download/{}", self.encode(2, g))
    }

    /// Checks the last path segment of a download URL.
    pub fn check_url(&self, s: &str, now: i64) -> Result<Grant, TokenError> {
        self.decode(2, s, now)
    }

    /// Whether this GET of `url` is to be cut (true once per URL).
    pub fn first_cut(&self, url: &str) -> bool {
        self.cut
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_detect_tampering() {
        let d = Downloads::new(1);
        let g = Grant {
            kind: 'i',
            index: 5,
            size: "master".into(),
            expires: 2_000,
        };
        let t = d.token(&g);
        assert_eq!(d.check_token(&t, 1_000), Ok(g.clone()));
        assert_eq!(d.check_token(&t, 3_000), Err(TokenError::Expired));
        assert_eq!(d.check_url(&t, 1_000), Err(TokenError::Invalid));
        assert_eq!(d.check_token("junk", 0), Err(TokenError::Invalid));
        let tampered = t.replacen("i5", "i6", 1);
        assert_eq!(d.check_token(&tampered, 0), Err(TokenError::Invalid));
    }
}

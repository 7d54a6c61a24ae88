//! The value parsers flags use: local checks that catch a typo before a round trip.

use super::{IMAGE_COUNTS, VIDEO_COUNTS};
use connect_types::Secret;

/// Secrets are wrapped at once so that no `Debug` of the arguments can show them.
pub(super) fn secret(s: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(s))
}

pub(super) fn image_count(s: &str) -> Result<u32, String> {
    count_in(s, IMAGE_COUNTS)
}

pub(super) fn video_count(s: &str) -> Result<u32, String> {
    count_in(s, VIDEO_COUNTS)
}

pub(super) fn count_in(s: &str, allowed: &[u32]) -> Result<u32, String> {
    let n: u32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if allowed.contains(&n) {
        Ok(n)
    } else {
        let list: Vec<String> = allowed.iter().map(u32::to_string).collect();
        Err(format!("the API accepts only {}", list.join(", ")))
    }
}

/// Ids are digits on the wire; catch typos before a round trip.
pub fn asset_id(s: &str) -> Result<String, String> {
    let t = s.trim();
    if !t.is_empty()
        && t.len() <= 64
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        // Numeric ids are numbers to the service: 0100000001 is image 100000001, and the
        // answer names it so. Asking for the canonical form keeps question and answer alike.
        if t.bytes().all(|b| b.is_ascii_digit()) {
            let canonical = t.trim_start_matches('0');
            return Ok(if canonical.is_empty() { "0" } else { canonical }.to_owned());
        }
        Ok(t.to_owned())
    } else {
        Err(format!(
            "{s:?} is not an asset id (expected something like 112233445)"
        ))
    }
}

pub(super) fn positive_duration(s: &str) -> Result<std::time::Duration, String> {
    match connect_auth::env::parse_duration(s)? {
        d if d.is_zero() => Err("must be longer than 0".into()),
        d => Ok(d),
    }
}

pub(super) fn offering_name(s: &str) -> Result<String, String> {
    let name = s.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(
            "an offering is named by its type (e.g. EasyAccess, PremiumAccess) or instance id"
                .into(),
        );
    }
    Ok(name.to_owned())
}

pub(super) fn lightbox_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("a lightbox needs a non-empty name".into())
    } else {
        Ok(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_locally() {
        assert_eq!(image_count("75"), Ok(75));
        assert!(image_count("90").is_err());
        assert_eq!(video_count("90"), Ok(90));
        assert!(image_count("seven").is_err());
    }

    #[test]
    fn ids_are_checked_locally() {
        assert!(asset_id("100000042").is_ok());
        assert!(asset_id("").is_err());
        assert!(asset_id("12 34").is_err());
        assert_eq!(asset_id("0100000001").as_deref(), Ok("100000001"));
        assert_eq!(asset_id("000").as_deref(), Ok("0"));
        assert_eq!(asset_id("ab-01").as_deref(), Ok("ab-01"));
    }
}

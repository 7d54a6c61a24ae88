//! Which product offering pays for a download.
//!
//! The authorization operations answer one [`Authorization`] per product offering that covers
//! the image at the size asked, each with its own download token, and the token spent with
//! CreateDownloadRequest decides which offering is charged: its quota, the download history and
//! the purchases follow it. [`OfferingChoice`] is how a caller says which one; both clients,
//! the command line and the bulk downloads use it, so the rule lives here once.
//!
//! The default ([`OfferingChoice::Default`]):
//!
//! 1. a free offering (`DownloadIsFree`), when one covers the size: nothing is spent;
//! 2. otherwise the offering with the most `DownloadsRemaining` (an authorization that states
//!    no number ranks below one that does);
//! 3. on a tie, or when no authorization states a number (GetLargestImageDownloadAuthorizations
//!    states none), the first one the service listed.
//!
//! [`OfferingChoice::Named`] takes the offering of that name instead: a `ProductOfferingType`
//! such as `PremiumAccess` (in any casing) or a `ProductOfferingInstanceId`. When several
//! instances of the type cover the size, the default rule picks among them; when none does, the
//! choice is refused before anything is spent ([`Error::OfferingNotAuthorized`]).
//!
//! ```
//! use connect_auth::download::{ChoiceReason, OfferingChoice};
//! use connect_types::ops::{Authorization, ProductOffering};
//!
//! let auth = |offering: &str, free: bool, left: Option<i64>| Authorization {
//!     download_is_free: Some(free),
//!     download_token: Some(format!("token-{offering}")),
//!     product_offering_type: Some(ProductOffering::parse(offering)),
//!     downloads_remaining: left,
//!     ..Authorization::default()
//! };
//! let offered = [auth("ImagePack", false, Some(9)), auth("PremiumAccess", false, Some(250))];
//! let (picked, chosen) = OfferingChoice::Default
//!     .pick("100000001", "at size large", &offered)
//!     .unwrap();
//! assert_eq!(chosen.reason, ChoiceReason::MostRemaining);
//! assert_eq!(picked.download_token.as_deref(), Some("token-PremiumAccess"));
//! assert_eq!(chosen.to_string(), "PremiumAccess (250 downloads left, the most)");
//!
//! let named = OfferingChoice::named("imagepack");
//! let (picked, _) = named.pick("100000001", "at size large", &offered).unwrap();
//! assert_eq!(picked.download_token.as_deref(), Some("token-ImagePack"));
//! let refused = OfferingChoice::named("EasyAccess").pick("100000001", "at size large", &offered);
//! assert!(refused.unwrap_err().to_string().starts_with("image 100000001 at size large has no"));
//! ```

use crate::error::Error;
use connect_types::ops::{Authorization, ProductOffering};
use std::fmt;

/// Which product offering pays for a download when several authorize it. See the
/// [module documentation](self) for the rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfferingChoice {
    /// A free offering if one covers the size, else the one with the most downloads remaining,
    /// else the first listed.
    #[default]
    Default,
    /// The offering of this name: a `ProductOfferingType` (any casing; `Imagepack` and
    /// `ImagePack` are one) or a `ProductOfferingInstanceId`.
    Named(String),
}

/// Why an offering was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChoiceReason {
    /// The caller named it.
    Named,
    /// It is free, so nothing is spent.
    Free,
    /// No free offering covers the size; this one has the most downloads remaining.
    MostRemaining,
    /// No free offering, and no count of downloads remaining tells them apart: the first the
    /// service listed.
    FirstListed,
}

impl ChoiceReason {
    /// A few words for logs and reports: `asked for`, `free`, `the most`, `first listed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChoiceReason::Named => "asked for",
            ChoiceReason::Free => "free",
            ChoiceReason::MostRemaining => "the most",
            ChoiceReason::FirstListed => "first listed",
        }
    }
}

/// The offering chosen to pay for a download, as its authorization described it, and why.
/// Holds no token: logs, reports and `Debug` output may show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChosenOffering {
    /// `ProductOfferingType`, when the authorization named one.
    pub offering: Option<ProductOffering>,
    /// `ProductOfferingInstanceId`, when the authorization gave a non-empty one.
    pub instance_id: Option<String>,
    /// `DownloadIsFree`.
    pub free: bool,
    /// `DownloadsRemaining` before this download, where the authorization states it.
    pub downloads_remaining: Option<i64>,
    /// Why this one.
    pub reason: ChoiceReason,
}

impl ChosenOffering {
    /// The offering's name (`ProductOfferingType`), or `unnamed offering`.
    pub fn name(&self) -> &str {
        self.offering
            .as_ref()
            .map_or("unnamed offering", ProductOffering::as_str)
    }

    fn of(a: &Authorization, reason: ChoiceReason) -> Self {
        Self {
            offering: a.product_offering_type.clone(),
            instance_id: a
                .product_offering_instance_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            free: is_free(a),
            downloads_remaining: a.downloads_remaining,
            reason,
        }
    }
}

/// `EasyAccess (free)`, `PremiumAccess (250 downloads left, the most)`,
/// `ImagePack (9 downloads left, asked for)`.
impl fmt::Display for ChosenOffering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let mut parts = Vec::with_capacity(2);
        if self.free {
            parts.push("free".to_owned());
        } else if let Some(n) = self.downloads_remaining {
            parts.push(format!(
                "{n} download{} left",
                if n == 1 { "" } else { "s" }
            ));
        }
        // "free, free" says nothing more.
        if !(self.free && self.reason == ChoiceReason::Free) {
            parts.push(self.reason.as_str().to_owned());
        }
        write!(f, " ({})", parts.join(", "))
    }
}

fn is_free(a: &Authorization) -> bool {
    a.download_is_free == Some(true)
}

fn has_token(a: &Authorization) -> bool {
    a.download_token.as_deref().is_some_and(|t| !t.is_empty())
}

/// `ImagePack` matches `Imagepack` and `imagepack`; an instance id matches exactly.
fn is_named(a: &Authorization, name: &str) -> bool {
    let name = name.trim();
    let by_type = a
        .product_offering_type
        .as_ref()
        .is_some_and(|o| o.as_str().eq_ignore_ascii_case(name));
    let by_instance = a
        .product_offering_instance_id
        .as_deref()
        .is_some_and(|i| !i.trim().is_empty() && i.trim() == name);
    by_type || by_instance
}

/// The default rule over `candidates` (all with a token, in the service's order).
fn by_default<'a>(candidates: &[&'a Authorization]) -> Option<(&'a Authorization, ChoiceReason)> {
    if let Some(free) = candidates.iter().find(|a| is_free(a)) {
        return Some((free, ChoiceReason::Free));
    }
    // The first of the highest: `max_by_key` would keep the last of equals.
    let mut best: Option<&'a Authorization> = None;
    for a in candidates {
        if let Some(n) = a.downloads_remaining {
            if best.is_none_or(|b| b.downloads_remaining.is_none_or(|m| n > m)) {
                best = Some(a);
            }
        }
    }
    match best {
        Some(b) => Some((b, ChoiceReason::MostRemaining)),
        None => candidates.first().map(|a| (*a, ChoiceReason::FirstListed)),
    }
}

/// What the authorizations offered, for an error: `EasyAccess (free), PremiumAccess (250
/// downloads left)`.
pub(crate) fn describe<'a>(candidates: impl IntoIterator<Item = &'a Authorization>) -> String {
    let listed: Vec<String> = candidates
        .into_iter()
        .filter(|a| has_token(a))
        .map(|a| {
            let name = a
                .product_offering_type
                .as_ref()
                .map_or("unnamed offering", ProductOffering::as_str);
            let instance = a
                .product_offering_instance_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|i| format!(" {i}"))
                .unwrap_or_default();
            match (is_free(a), a.downloads_remaining) {
                (true, _) => format!("{name}{instance} (free)"),
                (false, Some(n)) => format!("{name}{instance} ({n} downloads left)"),
                (false, None) => format!("{name}{instance}"),
            }
        })
        .collect();
    listed.join(", ")
}

impl OfferingChoice {
    /// The offering of this name (a `ProductOfferingType` or a `ProductOfferingInstanceId`).
    pub fn named(name: impl Into<String>) -> Self {
        OfferingChoice::Named(name.into())
    }

    /// An optional name: `None` (or a blank one) keeps the default rule.
    pub fn from_name(name: Option<&str>) -> Self {
        match name.map(str::trim) {
            Some(n) if !n.is_empty() => OfferingChoice::Named(n.to_owned()),
            _ => OfferingChoice::Default,
        }
    }

    /// Picks one of `authorizations` (those of image `image_id` at one size, in the service's
    /// order; `what` names the size for errors: `at size large`): the authorization whose token
    /// to spend, and what to say about it. Authorizations without a token are never picked.
    ///
    /// Fails with [`Error::OfferingNotAuthorized`] when no authorization of the named offering
    /// is there, and with [`Error::NotCovered`] when there is no usable authorization at all.
    /// Either way nothing has been spent.
    pub fn pick<'a, I>(
        &self,
        image_id: &str,
        what: &str,
        authorizations: I,
    ) -> Result<(&'a Authorization, ChosenOffering), Error>
    where
        I: IntoIterator<Item = &'a Authorization>,
    {
        let all: Vec<&'a Authorization> = authorizations.into_iter().collect();
        let candidates: Vec<&'a Authorization> =
            all.iter().copied().filter(|a| has_token(a)).collect();
        let picked = match self {
            OfferingChoice::Default => by_default(&candidates),
            OfferingChoice::Named(name) => {
                let named: Vec<&'a Authorization> = candidates
                    .iter()
                    .copied()
                    .filter(|a| is_named(a, name))
                    .collect();
                if named.is_empty() && !candidates.is_empty() {
                    return Err(Error::OfferingNotAuthorized {
                        what: format!("image {image_id} {what}"),
                        asked: name.trim().to_owned(),
                        offered: describe(all.iter().copied()),
                    });
                }
                by_default(&named).map(|(a, _)| (a, ChoiceReason::Named))
            }
        };
        picked
            .map(|(a, reason)| (a, ChosenOffering::of(a, reason)))
            .ok_or_else(|| Error::NotCovered {
                operation: super::OPERATION,
                image_id: image_id.to_owned(),
                what: what.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(offering: &str, free: bool, left: Option<i64>) -> Authorization {
        Authorization {
            download_is_free: Some(free),
            download_token: Some(format!("token-{offering}-{}", left.unwrap_or(-1))),
            product_offering_instance_id: Some(format!("id-{offering}")),
            product_offering_type: Some(ProductOffering::parse(offering)),
            downloads_remaining: left,
            ..Authorization::default()
        }
    }

    fn token(picked: Result<(&Authorization, ChosenOffering), Error>) -> String {
        picked.unwrap().0.download_token.clone().unwrap_or_default()
    }

    #[test]
    fn the_default_takes_a_free_offering_first() {
        let offered = [
            auth("PremiumAccess", false, Some(250)),
            auth("EasyAccess", true, Some(0)),
            auth("EditorialSubscription", true, None),
        ];
        let (a, chosen) = OfferingChoice::Default
            .pick("1", "at size large", &offered)
            .unwrap();
        assert_eq!(a.product_offering_type, Some(ProductOffering::EasyAccess));
        assert_eq!(chosen.reason, ChoiceReason::Free);
        assert!(chosen.free);
        assert_eq!(chosen.instance_id.as_deref(), Some("id-EasyAccess"));
        assert_eq!(chosen.to_string(), "EasyAccess (free)");
    }

    #[test]
    fn without_a_free_one_the_most_remaining_then_the_first_listed() {
        let offered = [
            auth("RoyaltyFreeSubscription", false, None),
            auth("ImagePack", false, Some(9)),
            auth("PremiumAccess", false, Some(250)),
            auth("PremiumAccess", false, Some(250)),
        ];
        let (a, chosen) = OfferingChoice::Default
            .pick("1", "at size large", &offered)
            .unwrap();
        // The first of the two with 250, not the last.
        assert!(std::ptr::eq(a, &offered[2]));
        assert_eq!(chosen.reason, ChoiceReason::MostRemaining);
        assert_eq!(
            chosen.to_string(),
            "PremiumAccess (250 downloads left, the most)"
        );
        // Nobody states a number (the largest-size authorizations): the first listed.
        let unnumbered = [
            auth("ImagePack", false, None),
            auth("PremiumAccess", false, None),
        ];
        let (a, chosen) = OfferingChoice::Default
            .pick("1", "at size large", &unnumbered)
            .unwrap();
        assert!(std::ptr::eq(a, &unnumbered[0]));
        assert_eq!(chosen.reason, ChoiceReason::FirstListed);
        assert_eq!(chosen.to_string(), "ImagePack (first listed)");
    }

    #[test]
    fn authorizations_without_a_token_are_never_picked() {
        let mut free = auth("EasyAccess", true, None);
        free.download_token = Some(String::new());
        let offered = [free, auth("PremiumAccess", false, Some(1))];
        let (_, chosen) = OfferingChoice::Default
            .pick("1", "at size large", &offered)
            .unwrap();
        assert_eq!(chosen.offering, Some(ProductOffering::PremiumAccess));
        assert_eq!(
            chosen.to_string(),
            "PremiumAccess (1 download left, the most)"
        );
        let e = OfferingChoice::Default
            .pick("1", "at size large", &offered[..1])
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotCovered, "{e}");
        assert!(e.to_string().contains("image 1 at size large"), "{e}");
        let e = OfferingChoice::named("EasyAccess")
            .pick("1", "at size large", &[] as &[Authorization])
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotCovered, "{e}");
    }

    #[test]
    fn a_named_offering_by_type_in_any_casing_or_by_instance() {
        let offered = [
            auth("EasyAccess", true, None),
            auth("ImagePack", false, Some(3)),
            auth("ImagePack", false, Some(7)),
            auth("PremiumAccess", false, Some(250)),
        ];
        // Two packs: the default rule picks between them.
        let picked = OfferingChoice::named("imagepack").pick("1", "at size large", &offered);
        assert_eq!(token(picked), "token-ImagePack-7");
        let picked = OfferingChoice::named(" Imagepack ").pick("1", "at size large", &offered);
        assert_eq!(token(picked), "token-ImagePack-7");
        let (_, chosen) = OfferingChoice::named("PremiumAccess")
            .pick("1", "at size large", &offered)
            .unwrap();
        assert_eq!(chosen.reason, ChoiceReason::Named);
        assert_eq!(
            chosen.to_string(),
            "PremiumAccess (250 downloads left, asked for)"
        );
        let picked = OfferingChoice::named("id-EasyAccess").pick("1", "at size large", &offered);
        assert_eq!(token(picked), "token-EasyAccess--1");
        let (_, chosen) = OfferingChoice::named("EasyAccess")
            .pick("1", "at size large", &offered)
            .unwrap();
        assert_eq!(chosen.to_string(), "EasyAccess (free, asked for)");
    }

    #[test]
    fn a_named_offering_that_is_not_offered_is_refused_with_what_is() {
        let offered = [
            auth("EasyAccess", true, None),
            auth("PremiumAccess", false, Some(250)),
        ];
        let e = OfferingChoice::named("ImagePack")
            .pick("1", "at size large", &offered)
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Refused);
        let text = e.to_string();
        assert!(
            text.starts_with("image 1 at size large has no authorization"),
            "{text}"
        );
        assert!(text.contains("\"ImagePack\""), "{text}");
        assert!(
            text.contains("EasyAccess id-EasyAccess (free), PremiumAccess id-PremiumAccess (250 downloads left)"),
            "{text}"
        );
        assert!(text.contains("nothing was spent"), "{text}");
        assert!(!text.contains("token-"), "no token in errors: {text}");
        assert!(e.hint().contains("offering"), "{}", e.hint());
    }

    #[test]
    fn a_blank_name_keeps_the_default() {
        assert_eq!(OfferingChoice::from_name(None), OfferingChoice::Default);
        assert_eq!(
            OfferingChoice::from_name(Some("  ")),
            OfferingChoice::Default
        );
        assert_eq!(
            OfferingChoice::from_name(Some(" EasyAccess")),
            OfferingChoice::named("EasyAccess")
        );
    }
}

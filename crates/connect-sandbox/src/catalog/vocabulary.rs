//! The documented value lists (orientations, offerings, licensing, styles, file types) and the
//! global keyword table the images' keywords index.

use crate::vocab::{LOCATIONS, OTHER_KEYWORDS, PEOPLE, SUBJECTS};

/// Orientation values as documented.
pub const ORIENTATIONS: &[&str] = &[
    "Horizontal",
    "Vertical",
    "PanoramicHorizontal",
    "PanoramicVertical",
    "Square",
];
/// Product offerings, in bit order of [`Core::offerings`](super::shape::Core::offerings).
pub const OFFERINGS: &[&str] = &[
    "EasyAccess",
    "EditorialSubscription",
    "PremiumAccess",
    "RoyaltyFreeSubscription",
    "Imagepack",
];
/// Licensing models, in the order of [`Core::licensing`](super::shape::Core::licensing).
pub const LICENSING: &[&str] = &["RoyaltyFree", "RightsManaged"];
/// Graphic styles, in the order of [`Core::graphic`](super::shape::Core::graphic).
pub const GRAPHIC_STYLES: &[&str] = &["Photography", "Illustration"];
/// File types, in the order of [`Core::file_type`](super::shape::Core::file_type).
pub const FILE_TYPES: &[&str] = &["jpg", "eps"];

/// What kind of keyword a global keyword index names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeywordDef {
    /// Display text.
    pub text: &'static str,
    /// `Keyword.Type` as documented (e.g. `Specific people`).
    pub kind: &'static str,
    /// Refinement category (e.g. `SpecificPeople`).
    pub category: &'static str,
}

/// Number of keywords in the global keyword table.
pub fn keyword_count() -> usize {
    SUBJECTS.len()
        + LOCATIONS.len()
        + PEOPLE.len()
        + OTHER_KEYWORDS.iter().map(|f| f.2.len()).sum::<usize>()
}

/// Offset of each keyword family in the global table.
pub fn location_kw(l: usize) -> usize {
    SUBJECTS.len() + l
}
/// Global index of person `p`.
pub fn person_kw(p: usize) -> usize {
    SUBJECTS.len() + LOCATIONS.len() + p
}
/// Global index of value `v` of other-family `f`.
pub fn other_kw(f: usize, v: usize) -> usize {
    let mut base = SUBJECTS.len() + LOCATIONS.len() + PEOPLE.len();
    for fam in OTHER_KEYWORDS.iter().take(f) {
        base += fam.2.len();
    }
    base + v
}

/// The keyword at global index `k`.
pub fn keyword(k: usize) -> Option<KeywordDef> {
    if k < SUBJECTS.len() {
        return Some(KeywordDef {
            text: SUBJECTS[k],
            kind: "Concept",
            category: "Concept",
        });
    }
    let mut k = k - SUBJECTS.len();
    if k < LOCATIONS.len() {
        return Some(KeywordDef {
            text: LOCATIONS[k].0,
            kind: "Location",
            category: "Location",
        });
    }
    k -= LOCATIONS.len();
    if k < PEOPLE.len() {
        return Some(KeywordDef {
            text: PEOPLE[k],
            kind: "Specific people",
            category: "SpecificPeople",
        });
    }
    k -= PEOPLE.len();
    for (kind, category, values) in OTHER_KEYWORDS {
        if k < values.len() {
            return Some(KeywordDef {
                text: values[k],
                kind,
                category,
            });
        }
        k -= values.len();
    }
    None
}

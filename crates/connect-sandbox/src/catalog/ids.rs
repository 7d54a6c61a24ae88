//! The catalog's id ranges and the families of its assets.

/// First image id; image `i` has id `IMAGE_ID_BASE + i`.
pub const IMAGE_ID_BASE: u64 = 100_000_000;
/// First video id; video `v` has id `VIDEO_ID_BASE + v`.
pub const VIDEO_ID_BASE: u64 = 700_000_000;
/// First event id; event `e` has id `EVENT_ID_BASE + e`.
pub const EVENT_ID_BASE: u64 = 10_000;
/// First keyword id; keyword `k` (see [`keyword`](super::vocabulary::keyword)) has id `KEYWORD_ID_BASE + k`.
pub const KEYWORD_ID_BASE: u64 = 60_000;
/// Host of the (not served) preview URLs: fixed so the catalog is the same on every port.
pub const MEDIA_HOST: &str = "https://media.connect-sandbox.invalid";
/// Family of an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Creative (stock).
    Creative,
    /// Editorial (news, sport, entertainment…).
    Editorial,
}

impl Family {
    /// Wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Creative => "Creative",
            Family::Editorial => "Editorial",
        }
    }
}

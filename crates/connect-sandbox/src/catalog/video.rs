//! The videos' facts: [`VideoCore`] and the value lists its indexes point into.

use super::ids::Family;

/// Video license types, in the order of [`VideoCore::license`].
pub const VIDEO_LICENSES: &[&str] = &["RoyaltyFree", "RightsReady", "RightsManaged"];
/// Shot speeds, in the order of [`VideoCore::speed`].
pub const SHOT_SPEEDS: &[&str] = &["RealTime", "SlowMotion", "TimeLapse"];
/// Release values, in the order of [`VideoCore::release`].
pub const RELEASES: &[&str] = &[
    "ModelAndPropertyReleased",
    "ModelReleased",
    "NoReleaseRequired",
    "NotReleased",
    "PartiallyReleased",
    "PropertyReleased",
];

/// Compact facts of one video.
#[derive(Clone, Debug)]
pub struct VideoCore {
    /// Creative or editorial.
    pub family: Family,
    /// Index into [`VIDEO_LICENSES`].
    pub license: u8,
    /// Available in HD (else SD only).
    pub hd: bool,
    /// Clip length in seconds.
    pub clip_seconds: u32,
    /// Raw (vs produced) editorial footage.
    pub raw: bool,
    /// Black and white.
    pub black_and_white: bool,
    /// Nudity-related.
    pub nudity: bool,
    /// Archival era.
    pub archival: bool,
    /// Index into [`SHOT_SPEEDS`].
    pub speed: u8,
    /// Index into [`RELEASES`].
    pub release: u8,
    /// Index into [`COLLECTIONS`](crate::vocab::COLLECTIONS).
    pub collection: u8,
    /// Creation time, minutes since 2000-01-01.
    pub created: u32,
    /// Popularity score.
    pub popularity: u32,
    /// Subject keyword indexes.
    pub subjects: Vec<u16>,
    /// Index into [`LOCATIONS`](crate::vocab::LOCATIONS).
    pub location: u16,
    /// Index into [`ARTISTS`](crate::vocab::ARTISTS).
    pub artist: u16,
    /// Index into [`ADJECTIVES`](crate::vocab::ADJECTIVES).
    pub adjective: u16,
}

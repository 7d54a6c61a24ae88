//! `search`, `videos`, `details` and `events`: the searches' filters and the ids they show.

use super::values::{asset_id, image_count, video_count};
use clap::{Args, ValueEnum};

/// Image family filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Family {
    /// Creative (stock) images.
    Creative,
    /// Editorial (news, sports, entertainment) images.
    Editorial,
}

/// Orientation filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OrientationArg {
    /// Wider than tall.
    Horizontal,
    /// Taller than wide.
    Vertical,
    /// Panoramic, wide.
    PanoramicHorizontal,
    /// Panoramic, tall.
    PanoramicVertical,
    /// Square.
    Square,
}

/// Licensing model filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Licensing {
    /// Royalty free.
    RoyaltyFree,
    /// Rights managed.
    RightsManaged,
}

/// Sort order of image searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// The service's default (relevance; editorial only).
    Default,
    /// Newest first.
    MostRecent,
    /// Most popular first.
    MostPopular,
    /// Trending (editorial only).
    Trending,
    /// Oldest first (editorial only).
    Oldest,
}

/// Sort order of video searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VideoSortArg {
    /// Newest first.
    MostRecent,
    /// Best match (creative).
    BestMatch,
    /// Most popular (editorial).
    MostPopular,
    /// Trending (editorial).
    Trending,
}

/// `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, e.g. "beach" or "city skyline".
    #[arg(required = true, num_args = 1.., value_name = "PHRASE")]
    pub phrase: Vec<String>,

    /// Only this family (repeatable).
    #[arg(long, value_enum)]
    pub family: Vec<Family>,

    /// Only these orientations (repeatable).
    #[arg(long, value_enum)]
    pub orientation: Vec<OrientationArg>,

    /// Only these licensing models (repeatable).
    #[arg(long, value_enum)]
    pub licensing: Vec<Licensing>,

    /// Only images that may be embedded (see `oembed`).
    #[arg(long)]
    pub embeddable: bool,

    /// Sort order. The service sorts within a family only, so --sort needs --family;
    /// creative images sort only by most-recent or most-popular.
    #[arg(long, value_enum, requires = "family")]
    pub sort: Option<SortArg>,

    /// Results per page: 1-6, 10, 12, 15, 20, 25, 30, 50, 60 or 75.
    #[arg(long, default_value_t = 25, value_parser = image_count)]
    pub count: u32,

    /// Page number, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,

    /// Walk every page (from --page on) and print every image (with --json: one array of
    /// every Image, not the page documents).
    #[arg(long)]
    pub all: bool,
}

impl SearchArgs {
    /// The phrase as one string.
    pub fn phrase(&self) -> String {
        self.phrase.join(" ")
    }
}

/// `details`.
#[derive(Debug, Args)]
pub struct DetailsArgs {
    /// Image ids (at most 90, GetImageDetails' limit).
    #[arg(required = true, num_args = 1.., value_name = "IMAGE_ID", value_parser = asset_id)]
    pub ids: Vec<String>,
}

/// `events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Event ids (numbers).
    #[arg(required = true, num_args = 1.., value_name = "EVENT_ID")]
    pub ids: Vec<u64>,
}

/// `videos`.
#[derive(Debug, Args)]
pub struct VideosArgs {
    /// What to look for.
    #[arg(required = true, num_args = 1.., value_name = "PHRASE")]
    pub phrase: Vec<String>,

    /// Only this family.
    #[arg(long, value_enum)]
    pub family: Option<Family>,

    /// Sort order (needs --family). Creative videos sort by most-recent or best-match,
    /// editorial ones by most-recent, most-popular or trending; others are refused.
    #[arg(long, value_enum, requires = "family")]
    pub sort: Option<VideoSortArg>,

    /// Results per page: 1-6, 10, 12, 15, 20, 25, 30, 50, 60, 75 or 90.
    #[arg(long, default_value_t = 25, value_parser = video_count)]
    pub count: u32,

    /// Page number, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
}

impl VideosArgs {
    /// The phrase as one string.
    pub fn phrase(&self) -> String {
        self.phrase.join(" ")
    }
}

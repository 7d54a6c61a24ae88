//! `download`, its batches, and the `downloads`, `purchases` and `offerings` listings.

use super::values::{asset_id, offering_name, positive_duration};
use clap::Args;
use std::path::PathBuf;

/// `download`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  getty-connect --sandbox download 100000001 --largest --to downloads/\n  \
    getty-connect --sandbox download --from ids.txt --to downloads/ --parallel 8\n\n\
    The folder keeps a manifest (getty-connect-manifest.json) of what each image's download \
    paid for: run the same command again after a failure or Ctrl-C and complete files are \
    skipped, partial ones resumed on the URLs already paid for, and only the rest is bought. \
    It holds download URLs: keep it private."
)]
pub struct DownloadArgs {
    /// Image ids to download.
    #[arg(
        required_unless_present = "from",
        num_args = 1..,
        value_name = "IMAGE_ID",
        value_parser = asset_id
    )]
    pub ids: Vec<String>,

    /// Read the image ids from FILE, one a line (blank lines and lines starting with # are
    /// skipped); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// How the files are fetched.
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// What every batch download takes: where, how many at once, which size, who pays, stalls.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Directory to write into (created if missing); its manifest lets the same command resume.
    #[arg(
        short = 'o',
        long = "to",
        visible_alias = "output",
        value_name = "DIR",
        default_value = "."
    )]
    pub output: PathBuf,

    /// How many files download at once (1 to 64).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,

    /// Size key to download (see `details`), e.g. small, medium, large.
    #[arg(long, value_name = "KEY", conflicts_with = "largest")]
    pub size: Option<String>,

    /// Download the largest size you are authorized for (the default without --size).
    #[arg(long)]
    pub largest: bool,

    /// Use SingleStepDownload (one call, the largest size; needs OAuth2 credentials).
    #[arg(long, conflicts_with = "size")]
    pub single_step: bool,

    /// The product offering that pays, when several authorize the download: its type (e.g.
    /// EasyAccess, PremiumAccess, ImagePack) or its instance id. Without it: a free offering
    /// if one covers the size, else the one with the most downloads left.
    #[arg(long, value_name = "NAME", conflicts_with = "single_step", value_parser = offering_name)]
    pub offering: Option<String>,

    /// A download that receives less than --stall-min-rate for this long (or nothing at all)
    /// has stalled, and resumes on a new connection: 20s, 1m...
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = positive_duration)]
    pub stall_grace: std::time::Duration,

    /// The throughput below which a download counts as stalled, in bytes per second.
    #[arg(long, value_name = "BYTES", default_value_t = 1024)]
    pub stall_min_rate: u64,

    /// No stall protection: a download waits as long as the request timeout allows between
    /// two reads.
    #[arg(long, conflicts_with_all = ["stall_grace", "stall_min_rate"])]
    pub no_stall_check: bool,
}

/// `downloads` and `purchases`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Entries per page.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub count: u32,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
    /// Every entry, walking all pages (with --json: one array of the entries).
    #[arg(long)]
    pub all: bool,
}

/// `offerings`.
#[derive(Debug, Args)]
pub struct OfferingsArgs {
    /// Every offering instance (expired and used-up ones too), with its quota.
    #[arg(long)]
    pub all: bool,
}

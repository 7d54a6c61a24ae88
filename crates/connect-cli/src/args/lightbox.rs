//! `lightbox ...`.

use super::BatchArgs;
use super::values::{asset_id, lightbox_name};
use clap::{Args, Subcommand};

/// `lightbox ...`.
#[derive(Debug, Subcommand)]
pub enum LightboxCommand {
    /// List your lightboxes (GetLightboxHeaders).
    List(LightboxListArgs),
    /// Show one lightbox and its items (GetLightbox).
    Show {
        /// Lightbox id.
        id: u64,
        /// Items per page.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
        count: u32,
        /// Page of items, from 1.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        page: u32,
    },
    /// Create a lightbox (CreateLightbox).
    Create {
        /// Its name.
        #[arg(value_parser = lightbox_name)]
        name: String,
        /// Client name.
        #[arg(long)]
        client: Option<String>,
        /// Project name.
        #[arg(long)]
        project: Option<String>,
        /// Notes.
        #[arg(long)]
        notes: Option<String>,
    },
    /// Rename a lightbox (UpdateLightboxHeader).
    Rename {
        /// Lightbox id.
        id: u64,
        /// The new name.
        #[arg(value_parser = lightbox_name)]
        name: String,
    },
    /// Add assets to a lightbox (CreateLightboxItems).
    Add {
        /// Lightbox id.
        id: u64,
        /// Image or video ids (up to 500).
        #[arg(required = true, num_args = 1..=500, value_parser = asset_id)]
        assets: Vec<String>,
    },
    /// Remove assets from a lightbox (DeleteLightboxItems).
    Remove {
        /// Lightbox id.
        id: u64,
        /// Image or video ids (up to 500).
        #[arg(required = true, num_args = 1..=500, value_parser = asset_id)]
        assets: Vec<String>,
    },
    /// Delete a lightbox (DeleteLightbox).
    Delete {
        /// Lightbox id.
        id: u64,
    },
    /// Download every image of a lightbox into a folder (GetLightbox, then as `download`).
    #[command(
        after_help = "Example: getty-connect --sandbox lightbox download 1 --to layout/ --parallel 8"
    )]
    Download {
        /// Lightbox id.
        id: u64,
        /// How the files are fetched.
        #[command(flatten)]
        batch: BatchArgs,
    },
    /// Make a read-only shared copy of a lightbox (CreateSharedLightbox; the service offers
    /// it to Thinkstock applications only).
    Share {
        /// Lightbox id.
        id: u64,
    },
}

/// `lightbox list`.
#[derive(Debug, Args)]
pub struct LightboxListArgs {
    /// Headers per page.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..))]
    pub count: u32,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
    /// Every lightbox, walking all pages (with --json: one array of LightboxHeader).
    #[arg(long)]
    pub all: bool,
}

//! The partner's commands: `customer ...`, `usage ...` and `changes ...`.

use super::values::{asset_id, secret};
use super::{HistoryArgs, OfferingsArgs};
use clap::Subcommand;
use connect_types::Secret;
use std::path::PathBuf;

/// The commands of the account (histories, offerings, customers), the reference data, usage
/// reports, the partner feed and embeds: one group, flattened into the top level of the
/// command tree and run by `commands::account::run`, so a command joins this enum and its
/// module alone.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Your previous downloads, newest first (GetPreviousDownloads; HTTPS only).
    #[command(after_help = "Example: getty-connect --sandbox downloads --count 10")]
    Downloads(HistoryArgs),
    /// Your previous purchases, newest first (GetPreviousPurchases; HTTPS only).
    #[command(after_help = "Example: getty-connect --sandbox purchases --all")]
    Purchases(HistoryArgs),
    /// Your product offerings (GetActiveProductOfferings; with --all, GetAllProductOfferings).
    #[command(after_help = "Example: getty-connect --sandbox offerings --all")]
    Offerings(OfferingsArgs),
    /// The collections available to you (GetCollections).
    #[command(after_help = "Example: getty-connect --sandbox collections")]
    Collections,
    /// Countries and their ISO codes (GetCountries).
    #[command(after_help = "Example: getty-connect --sandbox countries --language fr")]
    Countries {
        /// Language of the names, e.g. en-gb (the service defaults to en-US).
        #[arg(long, value_name = "TAG")]
        language: Option<String>,
    },
    /// Create customers (CreateCustomer; HTTPS only).
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Report asset usage (ReportUsage).
    #[command(subcommand)]
    Usage(UsageCommand),
    /// The partner asset-change feed (GetAssetChanges, ConfirmAssetChanges).
    #[command(subcommand)]
    Changes(ChangesCommand),
    /// The embed code of an image (oEmbed).
    #[command(after_help = "Example: getty-connect --sandbox oembed 100000001")]
    Oembed {
        /// Image id.
        #[arg(value_parser = asset_id)]
        id: String,
    },
}

/// `customer ...`.
#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Create a customer who can then sign in.
    #[command(
        after_help = "Example: getty-connect --sandbox customer create carol --customer-password long-password --email carol@example.com --first-name Carol --last-name Ng --country USA"
    )]
    Create {
        /// Login name (unique).
        user_name: String,
        /// The new customer's password (more than 3 characters, not the user name). Named apart
        /// from the global --password, which signs you in.
        #[arg(long, value_name = "PASSWORD", value_parser = secret)]
        customer_password: Secret,
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// First name.
        #[arg(long)]
        first_name: String,
        /// Last name.
        #[arg(long)]
        last_name: String,
        /// Three-letter billing country code, as `countries` lists it (e.g. USA).
        #[arg(long)]
        country: String,
    },
}

/// `usage ...`.
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Report usage from a file: CSV lines `asset id, quantity, YYYY-MM-DD` (a header row is
    /// skipped) or a JSON list of {"AssetId", "Quantity", "UsageDate"}. At most 1,000 entries.
    #[command(after_help = "Example: getty-connect --sandbox usage report usage.csv")]
    Report {
        /// The CSV or JSON file.
        file: PathBuf,
        /// Transaction id (default: a new one). Resending with the same id records nothing.
        #[arg(long, value_name = "ID")]
        transaction_id: Option<String>,
    },
}

/// `changes ...`.
#[derive(Debug, Subcommand)]
pub enum ChangesCommand {
    /// Print a channel's changes as JSON lines, confirming each batch after writing it; stops
    /// at an empty batch unless --watch.
    #[command(after_help = "Example: getty-connect --sandbox changes follow 2 --batch-size 50")]
    Follow {
        /// Channel id.
        channel: u64,
        /// Changes per batch (1 to 500; the service's default is 10).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=500))]
        batch_size: Option<u32>,
        /// Keep following, polling a drained channel every SECONDS.
        #[arg(long, value_name = "SECONDS")]
        watch: Option<u64>,
        /// Append the JSON lines to this file instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Stop after this many batches.
        #[arg(long, value_name = "N")]
        max_batches: Option<u64>,
    },
}

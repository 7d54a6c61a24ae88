//! The command tree (clap derive). Parsing and local validation only; nothing here talks to
//! the network.

mod account;
mod downloads;
mod global;
mod lightbox;
mod search;
mod values;

pub use account::{AccountCommand, ChangesCommand, CustomerCommand, UsageCommand};
pub use downloads::{BatchArgs, DownloadArgs, HistoryArgs, OfferingsArgs};
pub use global::Global;
pub use lightbox::{LightboxCommand, LightboxListArgs};
pub use search::{
    DetailsArgs, EventsArgs, Family, Licensing, OrientationArg, SearchArgs, SortArg, VideoSortArg,
    VideosArgs,
};
pub(crate) use values::asset_id;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Item counts the search operations accept (SearchForImages; SearchForVideos adds 90).
pub use connect_types::ops::{IMAGE_PAGE_SIZES as IMAGE_COUNTS, VIDEO_PAGE_SIZES as VIDEO_COUNTS};

/// The Getty Images Connect API from the command line.
///
/// Credentials come from the flags below or from the same environment variables the SDK's
/// `Client::from_env()` reads. `--sandbox` runs everything against an embedded emulator with
/// seeded credentials, offline.
#[derive(Debug, Parser)]
#[command(name = "getty-connect", version, propagate_version = true)]
#[command(after_help = crate::errors::after_help())]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search images (SearchForImages).
    Search(SearchArgs),
    /// Show image details (GetImageDetails).
    Details(DetailsArgs),
    /// Show event details (GetEventDetails).
    Events(EventsArgs),
    /// Search videos (SearchForVideos).
    Videos(VideosArgs),
    /// Authorize and download images (not videos), with progress and resume.
    Download(DownloadArgs),
    /// Manage lightboxes.
    #[command(subcommand)]
    Lightbox(LightboxCommand),
    /// The account's data, the reference data, customers, usage reports, the feed and embeds.
    #[command(flatten)]
    Account(AccountCommand),
    /// Tour every operation against the embedded sandbox, step by step.
    Demo(DemoArgs),
    /// Forget the tokens kept for these credentials (user, application and base URL), so the
    /// next run signs in again. Sends nothing.
    #[command(after_help = "Example: getty-connect --sandbox logout")]
    Logout,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the downloaded file in this directory (default: a temporary one, removed after).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

/// How a value of a `ValueEnum` flag is spelled on the command line (`most-recent`).
pub fn spelled<T: ValueEnum>(value: &T) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn env_values_can_be_told_from_flags() {
        let m = Cli::command()
            .try_get_matches_from(["getty-connect", "search", "x", "--username", "flag"])
            .unwrap();
        let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&m).unwrap();
        cli.global.forget_env_values(&m);
        assert_eq!(cli.global.username.as_deref(), Some("flag"));
    }

    #[test]
    fn a_new_customers_password_is_not_the_sign_in_password() {
        let cli = Cli::try_parse_from([
            "getty-connect",
            "--password",
            "sign-in",
            "customer",
            "create",
            "carol",
            "--customer-password",
            "carols",
            "--email",
            "c@example.com",
            "--first-name",
            "C",
            "--last-name",
            "N",
            "--country",
            "USA",
        ])
        .unwrap();
        assert_eq!(
            cli.global
                .password
                .as_ref()
                .map(connect_types::Secret::expose),
            Some("sign-in")
        );
        match cli.command {
            Command::Account(AccountCommand::Customer(CustomerCommand::Create {
                customer_password,
                ..
            })) => assert_eq!(customer_password.expose(), "carols"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn parses_a_search() {
        let cli = Cli::try_parse_from([
            "getty-connect",
            "--json",
            "search",
            "city",
            "skyline",
            "--family",
            "editorial",
            "--sort",
            "most-recent",
            "--count",
            "10",
        ])
        .unwrap();
        assert!(cli.global.json);
        match cli.command {
            Command::Search(s) => {
                assert_eq!(s.phrase(), "city skyline");
                assert_eq!(s.family, vec![Family::Editorial]);
                assert_eq!(s.sort, Some(SortArg::MostRecent));
                assert_eq!(s.count, 10);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

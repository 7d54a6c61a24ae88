//! The command tree (clap derive). Parsing and local validation only; nothing here talks to
//! the network.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use connect_types::Secret;
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

/// Options shared by every subcommand.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Base URL for every call (https:// normally).
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_BASE_URL",
        value_name = "URL"
    )]
    pub base_url: Option<String>,

    /// Plain-HTTP base URL for standard operations (secure-only calls still use --base-url).
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_HTTP_BASE_URL",
        value_name = "URL"
    )]
    pub http_base_url: Option<String>,

    /// Send OAuth2 access tokens over plain HTTP too (to --http-base-url or an http:// base
    /// URL). Risky: such a token also authorizes secure-only operations, for anyone who sees it
    /// on the wire. Legacy sessions do not need it.
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_INSECURE_SEND_OAUTH_TOKEN_OVER_HTTP",
        action = ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub insecure_send_oauth_token_over_http: bool,

    /// Extra trusted CA certificate (PEM file), e.g. the sandbox's.
    #[arg(long, global = true, env = "GETTY_CONNECT_CA_CERT", value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,

    /// How long one request may take before it is given up (and retried when that is safe):
    /// 30s, 2m... [default: 60s]
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_TIMEOUT",
        value_name = "DURATION",
        value_parser = positive_duration
    )]
    pub timeout: Option<std::time::Duration>,

    /// How long connecting (TCP and the TLS handshake) may take: 5s, 30s... [default: 10s]
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_CONNECT_TIMEOUT",
        value_name = "DURATION",
        value_parser = positive_duration
    )]
    pub connect_timeout: Option<std::time::Duration>,

    /// OAuth2 client id (API key).
    #[arg(long, global = true, env = "GETTY_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// OAuth2 client secret.
    #[arg(
        long,
        global = true,
        env = "GETTY_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        value_parser = secret
    )]
    pub client_secret: Option<Secret>,

    /// User name (OAuth2 password grant, or the legacy session's user).
    #[arg(long, global = true, env = "GETTY_USERNAME", value_name = "NAME")]
    pub username: Option<String>,

    /// User password.
    #[arg(
        long,
        global = true,
        env = "GETTY_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD",
        value_parser = secret
    )]
    pub password: Option<Secret>,

    /// Legacy session: participant system id (selects CreateSession/RenewSession).
    #[arg(long, global = true, env = "GETTY_SYSTEM_ID", value_name = "ID")]
    pub system_id: Option<String>,

    /// Legacy session: system password.
    #[arg(
        long,
        global = true,
        env = "GETTY_SYSTEM_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD",
        value_parser = secret
    )]
    pub system_password: Option<Secret>,

    /// Send at most N requests per second (token requests included), e.g. 5 or 0.5. Without
    /// it the client still slows down when the service throttles it.
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_MAX_QPS",
        value_name = "N",
        value_parser = max_qps
    )]
    pub max_qps: Option<f64>,

    /// Print one JSON document on stdout, and nothing else there: the API's result (with
    /// --all, an array of every item), or the CLI's own report (snake_case keys; see README).
    #[arg(long, global = true)]
    pub json: bool,

    /// More logging on stderr: -v each API call and retry (info), -vv also the SDK's
    /// decisions on tokens, routing and pauses (debug), -vvv also every request and answer
    /// (trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// No progress bars, summaries or notes on stderr; results and errors are still printed.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Start the embedded sandbox in-process and use it, with its seeded credentials
    /// (flags given explicitly still win). What you make in it (lightboxes, downloads and
    /// purchases, quotas, customers, usage, feed cursors) is kept between runs in
    /// $XDG_DATA_HOME/getty-connect/sandbox-state.json (default ~/.local/share/...). The file
    /// is replaced whole at every change, so it is never half written; runs at the same time
    /// do not merge, the last one to write wins.
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Start the embedded sandbox empty: deletes its state file first (implies --sandbox).
    #[arg(long, global = true)]
    pub sandbox_reset: bool,

    /// Keep no tokens between runs: sign in afresh every time. Otherwise the tokens (and the
    /// refresh token, a secret that lasts a year) are kept for the next run, readable by you
    /// only, in $XDG_CACHE_HOME/getty-connect/ (default ~/.cache/getty-connect/); `logout`
    /// removes them.
    #[arg(
        long,
        global = true,
        env = "GETTY_CONNECT_NO_TOKEN_CACHE",
        action = ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_token_cache: bool,
    /// Record every exchange of this command in FILE, a cassette (JSON Lines; FILE is
    /// replaced). Passwords, secrets, ids, user names, tokens and download signatures are
    /// replaced by placeholders as they are written.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "replay")]
    pub record: Option<PathBuf>,

    /// Answer from the cassette FILE instead of the network: nothing is sent, and no
    /// credentials are needed (the cassette's placeholders serve). A request the cassette does
    /// not hold fails, naming the nearest recorded one and where they differ.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with_all = ["sandbox", "sandbox_reset"]
    )]
    pub replay: Option<PathBuf>,

    /// With --replay: the recorded requests may come in any order (default: as recorded).
    #[arg(long, global = true, requires = "replay")]
    pub replay_any_order: bool,

    /// With --record: also replace the values of JSON members or form fields of this name by
    /// placeholders (repeatable; any case), e.g. --redact EmailAddress.
    #[arg(long, global = true, value_name = "FIELD", requires = "record")]
    pub redact: Vec<String>,
}

impl Global {
    /// Explicit flags win over the environment for the way to sign in: `--system-id …` with
    /// `GETTY_CLIENT_ID` exported signs in with the legacy session (and the reverse), instead of
    /// silently ignoring the flags. Both ways on the command line, or both only in the
    /// environment, are ambiguous: refused, naming both sources.
    pub fn settle_sign_in(&mut self, matches: &clap::ArgMatches) -> Result<(), String> {
        use clap::parser::ValueSource;
        let source = |id: &str| matches.value_source(id);
        let flag = |id: &str| source(id) == Some(ValueSource::CommandLine);
        let env = |id: &str| source(id) == Some(ValueSource::EnvVariable);
        let oauth_flags = flag("client_id") || flag("client_secret");
        let legacy_flags = flag("system_id") || flag("system_password");
        match (oauth_flags, legacy_flags) {
            (true, true) => Err(
                "--client-id/--client-secret (OAuth2) and --system-id/--system-password (legacy \
                 session) are two ways to sign in; give one of them"
                    .into(),
            ),
            (false, true) => {
                self.client_id = self.client_id.take().filter(|_| !env("client_id"));
                self.client_secret = self.client_secret.take().filter(|_| !env("client_secret"));
                Ok(())
            }
            (true, false) => {
                self.system_id = self.system_id.take().filter(|_| !env("system_id"));
                self.system_password = self
                    .system_password
                    .take()
                    .filter(|_| !env("system_password"));
                Ok(())
            }
            (false, false) => {
                let oauth_env = env("client_id") || env("client_secret");
                let legacy_env = env("system_id") || env("system_password");
                if oauth_env && legacy_env {
                    Err("GETTY_CLIENT_ID/GETTY_CLIENT_SECRET (OAuth2) and \
                         GETTY_SYSTEM_ID/GETTY_SYSTEM_PASSWORD (legacy session) are both set in \
                         the environment: they are two ways to sign in; unset one, or choose \
                         with --client-id or --system-id"
                        .into())
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The same options with the token cache on, whatever `--no-token-cache` said.
    pub fn with_token_cache(&self) -> Self {
        Self {
            no_token_cache: false,
            ..self.clone()
        }
    }

    /// Drops the values that came from `GETTY_*` variables rather than from flags.
    pub fn forget_env_values(&mut self, matches: &clap::ArgMatches) {
        let from_env = |id: &str| {
            matches!(
                matches.value_source(id),
                Some(clap::parser::ValueSource::EnvVariable)
            )
        };
        macro_rules! forget {
            ($($field:ident),*) => {
                $(if from_env(stringify!($field)) { self.$field = None; })*
            };
        }
        forget!(
            base_url,
            http_base_url,
            ca_cert,
            client_id,
            client_secret,
            username,
            password,
            system_id,
            system_password
        );
    }
}

/// `--max-qps`: a number of requests per second, at least the SDK's smallest pace.
fn max_qps(s: &str) -> Result<f64, String> {
    let rate: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of requests per second (try 5 or 0.5)"))?;
    let limit = connect_auth::RateLimit {
        max_per_second: Some(rate),
        ..connect_auth::RateLimit::default()
    };
    limit.check()?;
    Ok(rate)
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
    /// Tour every operation against the embedded sandbox, step by step.
    Demo(DemoArgs),
    /// Forget the tokens kept for these credentials (user, application and base URL), so the
    /// next run signs in again. Sends nothing.
    #[command(after_help = "Example: getty-connect --sandbox logout")]
    Logout,
}

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

/// Secrets are wrapped at once so that no `Debug` of the arguments can show them.
fn secret(s: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(s))
}

fn image_count(s: &str) -> Result<u32, String> {
    count_in(s, IMAGE_COUNTS)
}

fn video_count(s: &str) -> Result<u32, String> {
    count_in(s, VIDEO_COUNTS)
}

fn count_in(s: &str, allowed: &[u32]) -> Result<u32, String> {
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
pub(crate) fn asset_id(s: &str) -> Result<String, String> {
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

fn positive_duration(s: &str) -> Result<std::time::Duration, String> {
    match connect_auth::env::parse_duration(s)? {
        d if d.is_zero() => Err("must be longer than 0".into()),
        d => Ok(d),
    }
}

fn offering_name(s: &str) -> Result<String, String> {
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

fn lightbox_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("a lightbox needs a non-empty name".into())
    } else {
        Ok(s.to_owned())
    }
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
            cli.global.password.as_ref().map(Secret::expose),
            Some("sign-in")
        );
        match cli.command {
            Command::Customer(CustomerCommand::Create {
                customer_password, ..
            }) => assert_eq!(customer_password.expose(), "carols"),
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

//! The options shared by every subcommand, and settling which of them win.

use super::values::{positive_duration, secret};
use clap::{ArgAction, Args};
use connect_types::Secret;
use std::path::PathBuf;

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

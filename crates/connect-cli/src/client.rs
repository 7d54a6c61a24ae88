//! The glue between the command line and the SDK: settings from flags and environment, the
//! embedded sandbox when asked, and the few client calls the commands make.

use crate::args::Global;
use crate::errors::CliError;
use crate::sandbox::EmbeddedSandbox;
use connect_auth::Credentials;
use connect_auth::cassette::{Cassette, CassetteMode, RecordOptions, ReplayOptions};
use connect_auth::config::ClientConfig;
use connect_auth::env::{
    ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_HTTP_BASE_URL,
    ENV_INSECURE_OAUTH_OVER_HTTP, ENV_MAX_QPS, ENV_PASSWORD, ENV_SYSTEM_ID, ENV_SYSTEM_PASSWORD,
    ENV_USERNAME,
};
use connect_auth::paging::Paged;
use connect_types::Operation;
use std::path::{Path, PathBuf};

/// What a subcommand runs with.
#[derive(Debug)]
pub struct Ctx {
    /// The client.
    pub api: Api,
    /// `--json`.
    pub json: bool,
    /// `-q`: no progress bars, summaries or notes.
    pub quiet: bool,
}

/// A connected client, and the sandbox it talks to when `--sandbox` started one (kept alive
/// for as long as the client).
#[derive(Debug)]
pub struct Api {
    client: connect_blocking::Client,
    // Named in connection errors, which otherwise do not say where they tried.
    base_url: String,
    // See `Settings::app_only`.
    app_only: bool,
    // The --ca-cert file, named when its CA does not match the server's.
    ca_cert: Option<PathBuf>,
    // Named by the "still waiting" notice.
    request_timeout: std::time::Duration,
    // -q: no notices.
    quiet: bool,
    // Where the client keeps its tokens between runs, if it does.
    token_cache: Option<connect_blocking::FileTokenCache>,
    // Dropped after the client.
    sandbox: Option<EmbeddedSandbox>,
}

/// Settings resolved from the flags, the environment and the sandbox.
#[derive(Debug)]
pub struct Settings {
    /// Base URLs and credentials.
    pub config: ClientConfig,
    /// The CA file to trust, if any.
    pub ca_cert: Option<PathBuf>,
    /// Its contents, when they come from memory (the embedded sandbox).
    pub ca_pem: Option<Vec<u8>>,
    /// Application-only credentials (client id and secret, no user): calls that act for a
    /// user fail, and their errors say to sign in as one.
    pub app_only: bool,
    /// `-q`: no notices on stderr.
    pub quiet: bool,
    /// The token cache, unless `--no-token-cache` (or no cache folder can be found).
    pub token_cache: Option<connect_blocking::FileTokenCache>,
}

impl Settings {
    /// Resolves the settings: explicit flags and `GETTY_*` variables (clap has merged those),
    /// filled in from the sandbox where they are missing, or from the cassette to replay (its
    /// placeholders serve as credentials when none are given).
    pub fn resolve(
        g: &Global,
        sandbox: Option<&EmbeddedSandbox>,
        replay: Option<&Cassette>,
    ) -> Result<Self, CliError> {
        let mut base_url = g.base_url.clone();
        let mut ca_pem = None;
        let (mut client_id, mut client_secret) = (g.client_id.clone(), g.client_secret.clone());
        let (mut username, mut password) = (g.username.clone(), g.password.clone());
        let (mut system_id, mut system_password) = (g.system_id.clone(), g.system_password.clone());
        let none_given = client_id.is_none() && system_id.is_none();
        if let (Some(cassette), true) = (replay, none_given) {
            match cassette.placeholder_credentials() {
                Credentials::ResourceOwner {
                    client_id: id,
                    client_secret: secret,
                    username: user,
                    password: pw,
                } => {
                    (client_id, client_secret) = (Some(id), Some(secret));
                    (username, password) = (Some(user), Some(pw));
                }
                Credentials::Session {
                    system_id: id,
                    system_password: pw,
                    user_name,
                    user_password,
                } => {
                    (system_id, system_password) = (Some(id), Some(pw));
                    (username, password) = (Some(user_name), Some(user_password));
                }
                Credentials::ClientCredentials {
                    client_id: id,
                    client_secret: secret,
                } => (client_id, client_secret) = (Some(id), Some(secret)),
                // The command line signs in no other way, so it records no other.
                _ => {}
            }
        }
        if let Some(sb) = sandbox {
            base_url.get_or_insert_with(|| sb.https_url().to_owned());
            if g.ca_cert.is_none() {
                ca_pem = Some(sb.ca_pem().as_bytes().to_vec());
            }
            // The sandbox logs in as its first seeded user, by OAuth2, unless told otherwise.
            if system_id.is_none() {
                client_id.get_or_insert_with(|| sb.client_id().to_owned());
                client_secret.get_or_insert_with(|| sb.client_secret().into());
                username.get_or_insert_with(|| sb.user().to_owned());
                password.get_or_insert_with(|| sb.user_password().into());
            }
        }
        let lookup = |key: &str| -> Option<String> {
            match key {
                k if k == ENV_BASE_URL => base_url.clone(),
                k if k == ENV_HTTP_BASE_URL => g.http_base_url.clone(),
                k if k == ENV_INSECURE_OAUTH_OVER_HTTP => g
                    .insecure_send_oauth_token_over_http
                    .then(|| "1".to_owned()),
                k if k == ENV_MAX_QPS => g.max_qps.map(|r| r.to_string()),
                k if k == ENV_CLIENT_ID => client_id.clone(),
                k if k == ENV_CLIENT_SECRET => {
                    client_secret.as_ref().map(|s| s.expose().to_owned())
                }
                k if k == ENV_USERNAME => username.clone(),
                k if k == ENV_PASSWORD => password.as_ref().map(|s| s.expose().to_owned()),
                k if k == ENV_SYSTEM_ID => system_id.clone(),
                k if k == ENV_SYSTEM_PASSWORD => {
                    system_password.as_ref().map(|s| s.expose().to_owned())
                }
                _ => None,
            }
        };
        let env = ClientConfig::from_vars(lookup).map_err(|e| {
            CliError::usage(
                e.to_string(),
                "pass them as flags (see --help) or variables, or try --sandbox",
            )
        })?;
        let mut config = env.config;
        if let Some(t) = g.timeout {
            config.request_timeout = t;
        }
        if let Some(t) = g.connect_timeout {
            config.connect_timeout = t;
        }
        // A cassette holds its own sign-in, and a replay's tokens are placeholders: neither
        // reads or writes the cache.
        let cassette = g.record.is_some() || g.replay.is_some();
        let mut token_cache = (!g.no_token_cache && !cassette)
            .then(|| crate::tokens::file_cache(g.quiet))
            .flatten();
        if sandbox.is_some() && g.base_url.is_none() {
            // The embedded sandbox's tokens outlive it only through its state file's key.
            match crate::sandbox::state_path() {
                Some(state) => {
                    config.token_cache_service =
                        Some(crate::tokens::embedded_sandbox_service(&state));
                }
                None => token_cache = None,
            }
        }
        Ok(Self {
            config,
            ca_cert: g.ca_cert.clone(),
            ca_pem,
            app_only: username.is_none() && system_id.is_none(),
            quiet: g.quiet,
            token_cache,
        })
    }
}

/// A `--ca-cert` file must hold PEM certificates that decode as such; anything else (a key, a
/// DER file, a damaged block) is named here rather than failing later as an untrusted server.
fn check_certificate(path: &Path, pem: &[u8]) -> Result<(), CliError> {
    connect_auth::ca::certificates_from_pem(pem)
        .map(|_| ())
        .map_err(|e| {
            CliError::usage(
                format!("the --ca-cert file {} is not usable: {e}", path.display()),
                "pass the CA certificate as a PEM file; for the sandbox, the file its --ca-out \
                 wrote",
            )
        })
}

/// `--replay FILE`: the cassette, read now so its credentials can serve.
fn read_cassette(path: &Path) -> Result<Cassette, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::io(format!("reading the cassette {}", path.display()), e))?;
    Cassette::from_slice(&bytes).map_err(|e| {
        CliError::failed(
            format!("the cassette {} is not valid: {e}", path.display()),
            "record it again with --record, or fix the line named",
        )
    })
}

/// `--sandbox`: the embedded sandbox, with its state file (emptied first by
/// `--sandbox-reset`).
fn start_embedded(g: &Global) -> Result<EmbeddedSandbox, CliError> {
    let state = crate::sandbox::state_path();
    match &state {
        Some(path) if g.sandbox_reset => {
            let removed = crate::sandbox::reset(path)?;
            if !g.quiet {
                let what = if removed { "removed" } else { "there was no" };
                crate::output::note!(
                    "note: the embedded sandbox starts empty ({what} state file {})",
                    path.display()
                );
            }
        }
        Some(path) => tracing::info!(path = %path.display(), "embedded sandbox state file"),
        None => {
            if !g.quiet {
                crate::output::note!(
                    "note: neither XDG_DATA_HOME nor HOME is set to an absolute path: the \
                     embedded sandbox keeps nothing after this run"
                );
            }
        }
    }
    EmbeddedSandbox::start(crate::sandbox::Size::Cli, state.as_deref())
}

impl Api {
    /// Connects as the flags, the environment and `--sandbox` say.
    pub fn connect(g: &Global) -> Result<Self, CliError> {
        let sandbox = if g.sandbox {
            Some(start_embedded(g)?)
        } else {
            None
        };
        let replay = g.replay.as_deref().map(read_cassette).transpose()?;
        let mut settings = Settings::resolve(g, sandbox.as_ref(), replay.as_ref())?;
        settings.config.cassette = match (replay, &g.record) {
            (Some(cassette), _) => {
                let mut options = ReplayOptions::default();
                if g.replay_any_order {
                    options = options.any_order();
                }
                Some(CassetteMode::ReplayCassette {
                    cassette: Box::new(cassette),
                    options,
                })
            }
            (None, Some(path)) => Some(CassetteMode::Record {
                path: path.clone(),
                options: RecordOptions {
                    redact_fields: g.redact.clone(),
                    ..RecordOptions::default()
                },
            }),
            (None, None) => None,
        };
        Self::with_settings(settings, sandbox)
    }

    /// A client for these settings.
    pub fn with_settings(
        settings: Settings,
        sandbox: Option<EmbeddedSandbox>,
    ) -> Result<Self, CliError> {
        let app_only = settings.app_only;
        let ca_cert = settings.ca_cert.clone();
        let request_timeout = settings.config.request_timeout;
        let mut config = settings.config;
        if let Some(path) = &settings.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                CliError::io(format!("reading the CA certificate {}", path.display()), e)
            })?;
            check_certificate(path, &pem)?;
            config.root_certificates_pem.push(pem);
        }
        if let Some(pem) = settings.ca_pem {
            config.root_certificates_pem.push(pem);
        }
        let base_url = config.base_url.clone();
        let setup = |e| CliError::sdk("setting up the client", e);
        let mut builder = connect_blocking::ClientBuilder::from_config(config);
        if let Some(cache) = &settings.token_cache {
            builder = builder.token_cache(std::sync::Arc::new(cache.clone()));
        }
        let client = builder.build().map_err(setup)?;
        Ok(Self {
            client,
            base_url,
            app_only,
            ca_cert,
            request_timeout,
            quiet: settings.quiet,
            token_cache: settings.token_cache,
            sandbox,
        })
    }

    /// Runs one operation; `doing` names it in an error.
    pub fn call<O: Operation>(&self, op: &O, doing: &str) -> Result<O::Result, CliError> {
        self.call_full(op, doing).map(|r| r.result)
    }

    /// Runs one operation and keeps the response header (for its warnings).
    pub fn call_full<O: Operation>(
        &self,
        op: &O,
        doing: &str,
    ) -> Result<connect_types::Response<O::Result>, CliError> {
        let _waiting = self.waiting(doing);
        self.client.execute(op).map_err(|e| self.fail(doing, e))
    }

    /// "Still waiting for …" on a terminal while a call is slow.
    fn waiting(&self, doing: &str) -> Option<crate::waiting::Waiting> {
        crate::waiting::Waiting::on_terminal(doing, self.request_timeout, self.quiet)
    }

    /// `logout`: removes the cached tokens of these credentials. Returns whose they are, the
    /// file that held them, and whether there was one.
    pub fn sign_out(
        &self,
    ) -> Result<(connect_blocking::CacheKey, Option<PathBuf>, bool), CliError> {
        let Some(key) = self.client.token_cache_key().cloned() else {
            return Err(CliError::usage(
                "the tokens of these credentials are never cached",
                "there is nothing to log out of",
            ));
        };
        let file = self.token_cache.as_ref().map(|c| c.path_of(&key));
        let removed = self
            .client
            .sign_out()
            .map_err(|e| CliError::io("removing the cached tokens", e))?;
        Ok((key, file, removed))
    }

    /// Why the embedded sandbox could not keep what this command changed, if it could not.
    pub fn sandbox_state_error(&self) -> Option<String> {
        self.sandbox
            .as_ref()
            .and_then(EmbeddedSandbox::state_file_error)
    }

    /// The SDK client, for the loops the commands drive themselves (the partner feed).
    pub fn client(&self) -> &connect_blocking::Client {
        &self.client
    }

    /// oEmbed for one image.
    pub fn oembed(
        &self,
        request: &connect_types::ops::OEmbedRequest,
    ) -> Result<connect_types::ops::OEmbedResponse, CliError> {
        self.client.oembed(request).map_err(|e| {
            let hint = match e.http_status() {
                // oEmbed takes no credentials: its 401 is about the image.
                Some(401 | 403) => Some(
                    "its owner does not allow this image to be embedded; search with \
                     --embeddable for images that may be",
                ),
                Some(404) => Some("check the id: the service knows no image by it"),
                _ => None,
            };
            let error = self.fail("reading the embed code", e);
            match hint {
                Some(h) => error.with_hint(h),
                None => error,
            }
        })
    }

    /// An SDK error with what was being done, and where, when the connection itself failed.
    pub fn fail(&self, doing: &str, e: connect_auth::Error) -> CliError {
        use connect_types::status::StatusCategory;
        // An agreement is a user's; AUTH-021 on a token issued for the call says it needs one.
        let for_a_user = e.status_code().is_some_and(|c| {
            c.category() == StatusCategory::Agreement || *c == connect_types::StatusCode::Auth021
        });
        if e.kind() == connect_auth::ErrorKind::Transport {
            let untrusted =
                e.transport_cause() == Some(connect_auth::TransportCause::UntrustedCertificate);
            let error = CliError::sdk(format!("{doing} at {}", self.base_url), e);
            match (&self.ca_cert, untrusted) {
                // The CA was given: saying "pass the CA" would send the user in a circle.
                (Some(path), true) => error.with_hint(format!(
                    "the server's certificate is not signed by the CA in {} (or it names \
                     another host than the base URL's): check that this is the CA of the \
                     server at {}; for the sandbox, the PEM that very sandbox wrote at start",
                    path.display(),
                    self.base_url
                )),
                _ => error,
            }
        } else if self.app_only && for_a_user {
            CliError::sdk(doing, e).with_hint(
                "you are signed in with application-only credentials (client id and secret, \
                 no user), and this acts for a user (downloads, histories, lightboxes): sign in \
                 as one with --username and --password (or GETTY_USERNAME and GETTY_PASSWORD)",
            )
        } else {
            CliError::sdk(doing, e)
        }
    }

    /// Every item of a paged listing from the request's start on (the SDK's lazy iterator),
    /// and the total the server reported.
    pub fn collect_all<O: Paged>(
        &self,
        request: O,
        doing: &str,
    ) -> Result<(Vec<O::Item>, Option<u64>), CliError> {
        let mut pages = self.client.pages(request);
        let mut items = Vec::new();
        for item in pages.by_ref() {
            items.push(item.map_err(|e| self.fail(doing, e))?);
        }
        Ok((items, pages.total()))
    }
}

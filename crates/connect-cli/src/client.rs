//! The glue between the command line and the SDK: settings from flags and environment, the
//! embedded sandbox when asked, and the few client calls the commands make.

use crate::args::Global;
use crate::errors::CliError;
use crate::sandbox::EmbeddedSandbox;
use connect_auth::config::{
    ClientConfig, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_HTTP_BASE_URL, ENV_PASSWORD,
    ENV_SYSTEM_ID, ENV_SYSTEM_PASSWORD, ENV_USERNAME,
};
use connect_auth::download::{self, part_path};
use connect_auth::paging::Paged;
use connect_blocking::Transport as _;
use connect_types::Operation;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a subcommand runs with.
#[derive(Debug)]
pub struct Ctx {
    /// The client.
    pub api: Api,
    /// `--json`.
    pub json: bool,
}

/// A connected client, and the sandbox it talks to when `--sandbox` started one (kept alive
/// for as long as the client).
#[derive(Debug)]
pub struct Api {
    client: connect_blocking::Client,
    // For resuming a partial file left by an earlier run: a plain ranged GET on the same
    // TLS settings as the client (the SDK resumes within one run, not across runs).
    transport: connect_blocking::UreqTransport,
    // Named in connection errors, which otherwise do not say where they tried.
    base_url: String,
    // Dropped after the client.
    _sandbox: Option<EmbeddedSandbox>,
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
}

impl Settings {
    /// Resolves the settings: explicit flags and `GETTY_*` variables (clap has merged those),
    /// filled in from the sandbox where they are missing.
    pub fn resolve(g: &Global, sandbox: Option<&EmbeddedSandbox>) -> Result<Self, CliError> {
        let mut base_url = g.base_url.clone();
        let mut ca_pem = None;
        let (mut client_id, mut client_secret) = (g.client_id.clone(), g.client_secret.clone());
        let (mut username, mut password) = (g.username.clone(), g.password.clone());
        if let Some(sb) = sandbox {
            base_url.get_or_insert_with(|| sb.https_url().to_owned());
            if g.ca_cert.is_none() {
                ca_pem = Some(sb.ca_pem().as_bytes().to_vec());
            }
            // The sandbox logs in as its first seeded user, by OAuth2, unless told otherwise.
            if g.system_id.is_none() {
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
                k if k == ENV_CLIENT_ID => client_id.clone(),
                k if k == ENV_CLIENT_SECRET => {
                    client_secret.as_ref().map(|s| s.expose().to_owned())
                }
                k if k == ENV_USERNAME => username.clone(),
                k if k == ENV_PASSWORD => password.as_ref().map(|s| s.expose().to_owned()),
                k if k == ENV_SYSTEM_ID => g.system_id.clone(),
                k if k == ENV_SYSTEM_PASSWORD => {
                    g.system_password.as_ref().map(|s| s.expose().to_owned())
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
        Ok(Self {
            config: env.config,
            ca_cert: g.ca_cert.clone(),
            ca_pem,
        })
    }
}

impl Api {
    /// Connects as the flags, the environment and `--sandbox` say.
    pub fn connect(g: &Global) -> Result<Self, CliError> {
        let sandbox = if g.sandbox {
            Some(EmbeddedSandbox::start(crate::sandbox::Size::Cli)?)
        } else {
            None
        };
        let settings = Settings::resolve(g, sandbox.as_ref())?;
        Self::with_settings(settings, sandbox)
    }

    /// A client for these settings.
    pub fn with_settings(
        settings: Settings,
        sandbox: Option<EmbeddedSandbox>,
    ) -> Result<Self, CliError> {
        let mut config = settings.config;
        if let Some(path) = &settings.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                CliError::io(format!("reading the CA certificate {}", path.display()), e)
            })?;
            config.root_certificates_pem.push(pem);
        }
        if let Some(pem) = settings.ca_pem {
            config.root_certificates_pem.push(pem);
        }
        let base_url = config.base_url.clone();
        let setup = |e| CliError::sdk("setting up the client", e);
        let transport = connect_blocking::UreqTransport::new(&config).map_err(setup)?;
        let client = connect_blocking::ClientBuilder::from_config(config)
            .build()
            .map_err(setup)?;
        Ok(Self {
            client,
            transport,
            base_url,
            _sandbox: sandbox,
        })
    }

    /// Runs one operation; `doing` names it in an error.
    pub fn call<O: Operation>(&self, op: &O, doing: &str) -> Result<O::Result, CliError> {
        self.client
            .execute(op)
            .map(|r| r.result)
            .map_err(|e| self.fail(doing, e))
    }

    /// An SDK error with what was being done, and where, when the connection itself failed.
    fn fail(&self, doing: &str, e: connect_auth::Error) -> CliError {
        if e.kind() == connect_auth::ErrorKind::Transport {
            CliError::sdk(format!("{doing} at {}", self.base_url), e)
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

/// What a file download did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Transferred {
    /// Bytes that were on disk from an earlier run and were not fetched again.
    pub resumed_from: u64,
}

/// Reports `(bytes on disk, total once known)` during a download.
pub type ProgressSink = Box<dyn FnMut(u64, Option<u64>) + Send + 'static>;

/// Resume attempts in a row that may end without a new byte.
const RESUME_ATTEMPTS: u32 = 5;

impl Api {
    /// Downloads one size of one image to `dest` (via `dest.part`, renamed when complete).
    /// When an earlier run left a `.part` file, only the missing bytes are fetched.
    pub fn download_file(
        &self,
        image_id: &str,
        size_key: &str,
        dest: &Path,
        mut progress: ProgressSink,
    ) -> Result<Transferred, CliError> {
        let doing = format!("downloading image {image_id} ({size_key})");
        let download = self
            .client
            .download(image_id, size_key)
            .map_err(|e| self.fail(&doing, e))?;
        let part = part_path(dest);
        let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        if have == 0 {
            download
                .on_progress(move |p| progress(p.bytes, p.total))
                .to_file(dest)
                .map_err(|e| CliError::sdk(&doing, e))?;
            return Ok(Transferred { resumed_from: 0 });
        }
        let url = download.target().url.clone();
        progress(have, None);
        let mut stalled = 0;
        // The lowest offset any attempt wrote from: 0 if the server sent the whole file again.
        let mut from = have;
        loop {
            let before = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
            match self.resume_once(&url, &part, &mut progress, &mut from) {
                Ok(()) => break,
                Err(e) => {
                    let after = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
                    stalled = if after > before { 0 } else { stalled + 1 };
                    if !e.resumable || stalled >= RESUME_ATTEMPTS {
                        return Err(CliError::sdk(&doing, e.error));
                    }
                    std::thread::sleep(Duration::from_millis(250) * stalled);
                }
            }
        }
        std::fs::rename(&part, dest)
            .map_err(|e| CliError::io(format!("renaming {}", part.display()), e))?;
        Ok(Transferred { resumed_from: from })
    }

    /// One ranged GET that appends the missing bytes to `part`.
    fn resume_once(
        &self,
        url: &str,
        part: &Path,
        progress: &mut ProgressSink,
        from: &mut u64,
    ) -> Result<(), ResumeError> {
        let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        let request = http::Request::get(url)
            .header(http::header::RANGE, format!("bytes={have}-"))
            .body(Vec::new())
            .map_err(|_| {
                ResumeError::fatal(connect_auth::Error::Config("bad download URL".into()))
            })?;
        let response = self
            .transport
            .send(request)
            .map_err(|f| ResumeError::retry(download::send_error(f)))?;
        let status = response.status().as_u16();
        let content_range = response
            .headers()
            .get(http::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_content_range);
        let (start, total) = match (status, content_range) {
            (206, Some((start, total))) if start == have => (start, total),
            (200, _) => (0, content_length(response.headers())),
            // Nothing left to fetch: the part file is already whole.
            (416, Some((_, Some(total)))) if total == have => return Ok(()),
            // The part file does not fit this download (longer than the file, or a range the
            // server will not honour): start it over rather than keep bad bytes.
            (206 | 416, _) => {
                *from = 0;
                std::fs::remove_file(part)
                    .map_err(|e| ResumeError::fatal(download::write_error(Some(part), e)))?;
                return Err(ResumeError::retry(connect_auth::Error::Transport {
                    operation: "download",
                    message: "the partial file did not match the server's; starting over".into(),
                    reached_server: true,
                    source: None,
                }));
            }
            _ => {
                let error = connect_auth::Error::Http {
                    operation: "download",
                    status,
                    retry_after: None,
                };
                return Err(if status >= 500 || status == 429 || status == 408 {
                    ResumeError::retry(error)
                } else {
                    ResumeError::fatal(error)
                });
            }
        };
        *from = (*from).min(start);
        let file = if start == 0 {
            std::fs::File::create(part)
        } else {
            std::fs::OpenOptions::new().append(true).open(part)
        };
        let mut file =
            file.map_err(|e| ResumeError::fatal(download::write_error(Some(part), e)))?;
        let mut body = response.into_body();
        let mut buf = vec![0u8; download::BUFFER_SIZE];
        let mut written = start;
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ResumeError::retry(download::read_error(e))),
            };
            file.write_all(&buf[..n])
                .map_err(|e| ResumeError::fatal(download::write_error(Some(part), e)))?;
            written += n as u64;
            progress(written, total);
        }
        file.flush()
            .map_err(|e| ResumeError::fatal(download::write_error(Some(part), e)))?;
        match total {
            Some(t) if written < t => Err(ResumeError::retry(download::read_error(
                std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the connection closed before the whole file arrived",
                ),
            ))),
            _ => Ok(()),
        }
    }
}

struct ResumeError {
    error: connect_auth::Error,
    resumable: bool,
}

impl ResumeError {
    fn retry(error: connect_auth::Error) -> Self {
        Self {
            error,
            resumable: true,
        }
    }

    fn fatal(error: connect_auth::Error) -> Self {
        Self {
            error,
            resumable: false,
        }
    }
}

fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// `bytes <start>-<end>/<total|*>` (or `bytes */<total>` on a 416) → `(start, total)`.
fn parse_content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    let start = match range.trim() {
        "*" => 0,
        r => r.split_once('-')?.0.trim().parse().ok()?,
    };
    Some((start, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_content_ranges() {
        assert_eq!(
            parse_content_range("bytes 100-199/200"),
            Some((100, Some(200)))
        );
        assert_eq!(parse_content_range("bytes */200"), Some((0, Some(200))));
        assert_eq!(parse_content_range("bytes 0-9/*"), Some((0, None)));
        assert_eq!(parse_content_range("items 0-9/10"), None);
    }
}

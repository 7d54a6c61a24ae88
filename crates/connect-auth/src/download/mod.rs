//! Downloads as sans-IO machines, shared by the transports:
//!
//! - [`Authorize`]: the API calls (an authorization for the size asked, then
//!   CreateDownloadRequest) that yield a checked [`DownloadTarget`].
//! - [`Fetch`]: the GETs: `Range` + `If-Range` resumes, checked redirects, what each answer
//!   means, start-overs, pauses as deadlines.
//! - [`part`]: the `.part` file, its record and its lock (names and decisions; the transports
//!   do the file I/O).
//!
//! A transport's driver loop, in the order it calls them:
//!
//! 1. `Authorize::poll_call` → run the call → `Authorize::handle_*`, until `Done(target)`.
//! 2. For a file: lock, refuse a symlinked `.part`, open it, read its record, then
//!    [`Fetch::handle_part`].
//! 3. [`Fetch::poll_step`]`(now)`: `Send` → [`Fetch::handle_head`] (or
//!    [`Fetch::handle_send_failure`]); `ReadBody` → [`Fetch::handle_chunk`] per chunk, write
//!    what it returns, then [`Fetch::handle_body_end`] (or [`Fetch::handle_read_failure`]);
//!    `Truncate` / `Record` → do it on the file; `Wait` → sleep until [`Fetch::poll_timeout`],
//!    [`Fetch::handle_timeout`]`(now)`; `Done` → for a file, rename `.part` and remove its
//!    record.
//!
//! The HTTP answer is what decides a file's length: a body that met its `Content-Length` (or
//! the 206 total) is complete, whatever the catalog's `FileSizeInBytes` says. Memory stays
//! flat: the transport reads into one buffer of [`BUFFER_SIZE`] bytes.

mod authorize;
pub mod batch;
mod fetch;
mod file;
mod location;
pub mod manifest;
mod many;
pub mod offering;
pub mod part;
mod range;
pub mod stall;

pub use authorize::{
    Authorize, AuthorizeStep, Authorized, SizeChoice, token_for_size, token_from_largest,
};
pub use batch::{BatchEvent, BatchProgress, BatchReport, BatchSource, BatchSpec, FileReport};
pub use fetch::{
    Fetch, FetchStep, MAX_REQUESTS, MAX_RETRY_AFTER, MAX_STALLED_ATTEMPTS, MAX_START_OVERS,
    ReadTimeout, SinkKind,
};
pub use file::{FileFlow, FileSpec, FileStep, UrlCall, UrlSource};
pub use location::{MAX_REDIRECTS, check_url};
pub use many::{
    BatchBuilder, BatchCallbacks, BatchParts, DEFAULT_PARALLEL, EventCallback, MAX_PARALLEL,
    ProgressCallback, RunBatch,
};
pub use offering::{ChoiceReason, ChosenOffering, OfferingChoice};
pub use part::{DEFAULT_URL_LIFETIME, PaidBy, PartFiles, PartRecord, UrlState, part_path};
pub use range::{ContentRange, Validator, parse_content_length, parse_content_range};
pub use stall::{StallMeter, StallRule};

use crate::error::Error;
use connect_types::ops::CreateDownloadRequestResult;
use std::path::{Path, PathBuf};

/// The read buffer transports use for a download.
pub const BUFFER_SIZE: usize = 64 * 1024;

const OPERATION: &str = "download";

/// How far a download has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes written so far.
    pub bytes: u64,
    /// The file's size, once the server's answer has said it.
    pub total: Option<u64>,
}

/// `1048576 of 268435456 bytes (0%)`, or `1048576 bytes` while the size is not known yet: a
/// line a progress callback can print as is.
impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.total {
            Some(total) if total > 0 => write!(
                f,
                "{} of {total} bytes ({}%)",
                self.bytes,
                u128::from(self.bytes.min(total)) * 100 / u128::from(total)
            ),
            Some(total) => write!(f, "{} of {total} bytes", self.bytes),
            None => write!(f, "{} bytes", self.bytes),
        }
    }
}

/// What a finished download did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownloadSummary {
    /// Size of the file: bytes written now plus those found from an earlier run.
    pub bytes: u64,
    /// Bytes of a `.part` file from an earlier run that were kept, not fetched again.
    pub resumed_from: u64,
    /// How many times the transfer resumed after a dropped connection or a stall.
    pub resumes: u32,
    /// The file written, for file downloads.
    pub path: Option<PathBuf>,
    /// The file was complete already: nothing was fetched, nothing was bought.
    pub skipped: bool,
    /// Where the download URL came from, and so whether anything was bought for it now.
    pub url: UrlUse,
    /// The product offering charged now, when this download bought its URL with a token the
    /// SDK chose.
    pub offering: Option<ChosenOffering>,
    /// The offering an earlier run's URL was charged to, when this one reused it.
    pub paid_by: Option<PaidBy>,
    /// How many times the body stalled (fell below the [`StallRule`]) and the download resumed.
    pub stalls: u32,
    /// The time those stalls took, from each one's last byte to its detection (about the grace
    /// period for a body that stopped dead).
    pub stalled_for: std::time::Duration,
}

/// Where a download's URL came from: what, if anything, was bought for this download.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlUse {
    /// No URL was needed (the file was complete already).
    #[default]
    NotNeeded,
    /// The caller brought the URL (a `Download` made from a target, or authorized before
    /// `to_file`): this download bought nothing itself.
    Given,
    /// Bought now: CreateDownloadRequest (or SingleStepDownload) spent one download of the
    /// allowance.
    Bought,
    /// An earlier run's URL, kept beside the `.part` (or in a batch's manifest), spent again:
    /// nothing was bought.
    Reused {
        /// When it was bought, Unix milliseconds.
        authorized_at: Option<i64>,
    },
    /// An earlier run's URL could not be used, so one was bought again.
    Renewed(RenewReason),
}

impl UrlUse {
    /// Whether this download spent one of the allowance.
    pub fn bought(&self) -> bool {
        matches!(self, UrlUse::Bought | UrlUse::Renewed(_))
    }
}

/// Why an earlier run's URL was bought again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenewReason {
    /// Its recorded lifetime had run out (at this Unix millisecond, when recorded).
    Expired {
        /// The recorded expiry.
        at: Option<i64>,
    },
    /// The download server refused it (HTTP 403 or 410: expired or revoked before its
    /// recorded end).
    Refused {
        /// The HTTP status.
        status: u16,
    },
}

impl std::fmt::Display for RenewReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenewReason::Expired { .. } => f.write_str("the URL paid for earlier had expired"),
            RenewReason::Refused { status } => write!(
                f,
                "the download server refused the URL paid for earlier (HTTP {status})"
            ),
        }
    }
}

/// An authorized download: the URL to GET, and what the API said about it.
///
/// `Debug` leaves the URL out: it authorizes the download by itself.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DownloadTarget {
    /// The image id.
    pub image_id: String,
    /// The size key authorized.
    pub size_key: Option<String>,
    /// The URL serving the bytes (`UrlAttachment`). It carries its own authorization, so it is
    /// treated like a secret and never logged.
    pub url: String,
    /// The product offering charged for it and why it was chosen, when this SDK picked the
    /// download token ([`OfferingChoice`]); `None` for a token or URL the caller brought.
    pub offering: Option<ChosenOffering>,
}

impl std::fmt::Debug for DownloadTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadTarget")
            .field("image_id", &self.image_id)
            .field("size_key", &self.size_key)
            .field("url", &"***")
            .field("offering", &self.offering)
            .finish()
    }
}

impl DownloadTarget {
    /// The target CreateDownloadRequest returned for `image_id`: its first URL, which must be
    /// `https` (or `http` when `allow_http`: the client's base URL is plain HTTP).
    pub fn from_result(
        result: &CreateDownloadRequestResult,
        image_id: &str,
        size_key: Option<String>,
        allow_http: bool,
    ) -> Result<Self, Error> {
        let url = result
            .download_urls
            .iter()
            .find_map(|u| u.url_attachment.as_ref().filter(|u| !u.is_empty()).cloned())
            .ok_or_else(|| Error::Decode {
                operation: OPERATION,
                message: format!(
                    "CreateDownloadRequest returned no download URL for image {image_id}"
                ),
            })?;
        check_url(&url, allow_http)?;
        Ok(Self {
            image_id: image_id.to_owned(),
            size_key,
            url,
            offering: None,
        })
    }
}

/// `t` as Unix milliseconds (0 before 1970): what records and manifests keep dates as. The
/// clients pass the system time in; this crate reads no clock.
pub fn unix_millis(t: std::time::SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether download URLs may be plain HTTP for a client with these endpoints: only when its
/// own base URL is `http://` (a local test server, for example).
pub fn allows_http(endpoints: &crate::Endpoints) -> bool {
    endpoints
        .base()
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}

/// Calls a download's progress callback gets.
pub type ProgressFn = Box<dyn FnMut(Progress) + Send>;

/// The callback hears of progress at most this often ...
pub const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// ... or when this share of the file (in 1/100) has come since it last heard, whichever is
/// first; and always of the first bytes and of the end. Without a known size, a step is
/// [`PROGRESS_UNKNOWN_STEP`] bytes.
pub const PROGRESS_STEP_PERCENT: u64 = 5;
/// The byte step for files whose size is not known yet.
pub const PROGRESS_UNKNOWN_STEP: u64 = 1024 * 1024;

/// What a transport's `Download` handle holds besides its client: the target, the progress
/// callback, the stall rule, and whether the target was bought for this download.
pub struct DownloadJob {
    /// What is downloaded.
    pub target: DownloadTarget,
    /// Called as the download goes (throttled: see [`DownloadJob::report`]).
    pub progress: Option<ProgressFn>,
    /// The stall rule of its answers' bodies (default [`StallRule::default`]; `None`: off).
    pub stall: Option<StallRule>,
    /// Whether the target's URL was bought by this SDK for this download (so reports say
    /// [`UrlUse::Bought`] rather than [`UrlUse::Given`]).
    pub bought: bool,
    /// What the callback heard last, and when.
    throttle: Throttle,
}

impl std::fmt::Debug for DownloadJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("image_id", &self.target.image_id)
            .field("size_key", &self.target.size_key)
            .finish_non_exhaustive()
    }
}

impl DownloadJob {
    /// A job for this target, without a progress callback.
    pub fn new(target: DownloadTarget) -> Self {
        Self {
            target,
            progress: None,
            stall: Some(StallRule::default()),
            bought: false,
            throttle: Throttle::default(),
        }
    }

    /// Reports progress to the callback, if any, throttled by time and bytes: the first
    /// bytes, then every [`PROGRESS_EVERY`] or [`PROGRESS_STEP_PERCENT`] % of the file,
    /// whichever comes first, and the last byte. A 4 MiB file on a fast link is heard of
    /// about 20 times, not once per read.
    pub fn report(&mut self, now: std::time::Instant, progress: Progress) {
        let Some(f) = self.progress.as_mut() else {
            return;
        };
        if self.throttle.due(now, progress) {
            f(progress);
        }
    }
}

/// The throttle of progress reports (see [`DownloadJob::report`]): whether a report is due.
#[derive(Clone, Copy, Debug, Default)]
pub struct Throttle {
    last: Option<(std::time::Instant, u64)>,
}

impl Throttle {
    /// Whether `progress` at `now` is worth reporting; if so, it is taken as reported.
    pub fn due(&mut self, now: std::time::Instant, progress: Progress) -> bool {
        let due = match self.last {
            None => true,
            Some((_, bytes)) if bytes == progress.bytes => false,
            Some((at, bytes)) => {
                let step = progress.total.map_or(PROGRESS_UNKNOWN_STEP, |t| {
                    (t / 100).saturating_mul(PROGRESS_STEP_PERCENT).max(1)
                });
                let done = progress.total.is_some_and(|t| progress.bytes >= t);
                done || progress.bytes.saturating_sub(bytes) >= step
                    || now.saturating_duration_since(at) >= PROGRESS_EVERY
            }
        };
        if due {
            self.last = Some((now, progress.bytes));
        }
        due
    }
}

/// A failure of the local writer (disk full, permission), as an SDK error.
pub fn write_error(path: Option<&Path>, error: std::io::Error) -> Error {
    Error::Write {
        operation: OPERATION,
        path: path.map(Path::to_path_buf),
        source: error,
    }
}

#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;

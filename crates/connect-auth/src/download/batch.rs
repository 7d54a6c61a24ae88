//! [`Batch`]: many images into one folder, as a sans-IO machine the clients' `download_many`
//! drives with several workers (threads or tasks) at once.
//!
//! Each image goes through these stages; the batch hands out work for whichever stage has some,
//! files first (so downloads start early and finish), then the calls that feed them:
//!
//! ```text
//!   (lightbox pages) ─> details ─> token ─> file ─> finished
//!                                    ^        │
//!   manifest entry ──────────────────┼────────┤  a URL to reuse: straight to the file
//!                                    └────────┘  no usable URL: a token first
//! ```
//!
//! - **details** (GetImageDetails, 90 images a call): the sizes, so the file can be named
//!   `<id>-<size>.<ext>` and its catalog size known.
//! - **token** (GetLargestImageDownloadAuthorizations or GetImageDownloadAuthorizations, 90 a
//!   call): the download token of the offering [`OfferingChoice`] picks. Free: nothing is spent.
//! - **file**: the worker looks at the destination and its `.part`
//!   ([`Batch::start_file`]); a complete file is skipped (its size checked against the manifest,
//!   or the catalog for a file the manifest does not know), otherwise a [`FileFlow`] runs with
//!   the manifest's record: an unexpired URL already paid for is spent again, with `Range` for
//!   the bytes held; only an image without one buys a URL (CreateDownloadRequest with its
//!   token, or SingleStepDownload), and its record is saved in the manifest before the first
//!   byte is fetched.
//!
//! One image's failure is its report's, never the batch's. An error that says every further
//! request for a URL will fail too ([`stops_authorizing`]: the service's daily limit, refused
//! credentials) ends the asking side: images still waiting for details, a token or a URL are
//! reported [`Error::AuthorizationsStopped`] without a call, while downloads whose URL is paid
//! go on to their end.
//!
//! The manifest ([`super::manifest`]) changes as the batch goes; after any call that changed
//! it, [`Batch::manifest_version`] is higher than what the driver last wrote, and the driver
//! writes [`Batch::manifest_bytes`] atomically. A saved record must be on disk before its
//! worker goes on fetching.

use super::authorize::{Authorized, SizeChoice, token_for_size, token_from_largest};
use super::file::{FileFlow, FileSpec, UrlSource};
use super::manifest::{self, Entry, EntryState, Manifest, ManifestError};
use super::offering::OfferingChoice;
use super::part::PartRecord;
use super::stall::StallRule;
use super::{DownloadSummary, Progress};
use crate::error::Error;
use crate::paging::{Next, Pager};
use connect_types::ops::{
    GetImageDetailsRequest, GetImageDetailsResult, GetImageDownloadAuthorizationsRequest,
    GetImageDownloadAuthorizationsResult, GetLargestImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsResult, GetLightboxRequest, Image,
};
use connect_types::{ApiError, OverallStatus, Response, ResponseHeader, StatusCode, StatusEntry};
use std::path::PathBuf;
use std::time::Duration;

pub use report::{BatchEvent, BatchProgress, BatchReport, FileReport};

/// Images a details or authorization call asks about at once (GetImageDetails' limit).
pub const CHUNK: usize = connect_types::ops::MAX_IMAGE_DETAIL_IDS;

/// Items of a lightbox page.
const LIGHTBOX_PAGE: u32 = 100;

/// Which images.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchSource {
    /// These image ids (repeats are downloaded once).
    Ids(Vec<String>),
    /// Every item of this lightbox (videos among them fail: downloads fetch images).
    Lightbox(u64),
}

/// What a batch downloads, and how.
#[derive(Clone, Debug)]
pub struct BatchSpec {
    /// Which images.
    pub source: BatchSource,
    /// The folder the files go to (the driver creates it; the manifest lives in it).
    pub dir: PathBuf,
    /// Which size of each.
    pub size: SizeChoice,
    /// Buy URLs with SingleStepDownload (the largest size, named `<id>.jpg`) instead of an
    /// authorization and CreateDownloadRequest.
    pub single_step: bool,
    /// Which product offering pays.
    pub offering: OfferingChoice,
    /// The stall rule of every download (`None`: off).
    pub stall: Option<StallRule>,
    /// How long a bought URL is taken to stay valid.
    pub url_lifetime: Duration,
    /// Whether download URLs may be plain HTTP (the client's own base URL is).
    pub allow_http: bool,
}

impl BatchSpec {
    /// The largest size of each image in `source`, into `dir`, paid by the default offering,
    /// with the default stall rule and URL lifetime.
    pub fn new(source: BatchSource, dir: impl Into<PathBuf>) -> Self {
        Self {
            source,
            dir: dir.into(),
            size: SizeChoice::Largest,
            single_step: false,
            offering: OfferingChoice::Default,
            stall: Some(StallRule::default()),
            url_lifetime: super::DEFAULT_URL_LIFETIME,
            allow_http: false,
        }
    }
}

/// A set of images a call is about: give it back to the matching `handle_*`.
#[derive(Debug)]
pub struct Ticket(Vec<usize>);

/// A call the batch needs made; any worker may make it.
#[derive(Debug)]
pub enum BatchCall {
    /// The next page of the lightbox: [`Batch::handle_lightbox`].
    Lightbox(GetLightboxRequest),
    /// Sizes of images: [`Batch::handle_details`].
    Details(Ticket, GetImageDetailsRequest),
    /// Largest-size tokens: [`Batch::handle_largest`].
    Largest(Ticket, GetLargestImageDownloadAuthorizationsRequest),
    /// Tokens at a size key: [`Batch::handle_sizes`].
    Sizes(Ticket, GetImageDownloadAuthorizationsRequest),
}

/// A file for a worker: look at `dir/file` and `dir/file.part`, then [`Batch::start_file`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileJob {
    /// The image's place in the batch.
    pub index: usize,
    /// The image.
    pub image_id: String,
    /// The file's name in the folder.
    pub file: String,
}

/// What a worker does next.
#[derive(Debug)]
pub enum BatchStep {
    /// Make this call through the client (its limiter and retries apply), then hand the
    /// outcome back.
    Call(BatchCall),
    /// Start this file.
    File(FileJob),
    /// Nothing to hand out until some work in progress ends: wait for another worker's
    /// `handle_*`, `start_file` or `finish_file`, then poll again.
    Wait,
    /// Every image has its report: [`Batch::take_reports`].
    Done,
}

/// What a worker found on disk for a [`FileJob`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// The destination's length, when it exists (as a plain file).
    pub dest_len: Option<u64>,
    /// The `.part`'s length (0 when absent).
    pub held: u64,
}

/// What [`Batch::start_file`] decided.
#[derive(Debug)]
pub enum FileStart {
    /// Complete already: its report is in (nothing was asked or fetched).
    Skipped,
    /// It needs a token first: back in the queue (poll again).
    Later,
    /// Run this flow. Ask [`Batch::permit`] before each [`super::UrlCall`] it asks for, hand its
    /// records to [`Batch::save`] and its end to [`Batch::finish_file`].
    Run(Box<FileFlow>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Details,
    Token,
    Ready,
    Running,
    Finished,
}

#[derive(Debug)]
struct Item {
    image_id: String,
    stage: Stage,
    /// Part of a call in flight (details or token).
    asking: bool,
    file: Option<String>,
    size_key: Option<String>,
    expected: Option<u64>,
    /// The image's sizes (key, mime type, catalog bytes), from its details.
    sizes: Vec<(String, Option<String>, Option<u64>)>,
    token: Option<Authorized>,
    progress: Progress,
    report: Option<FileReport>,
}

/// What stopped a batch's asking side.
#[derive(Clone, Debug)]
struct Stopped {
    cause: String,
    kind: crate::ErrorKind,
    daily_limit: bool,
}

/// Many images into one folder: see the [module documentation](self).
#[derive(Debug)]
pub struct Batch {
    spec: BatchSpec,
    asked: String,
    items: Vec<Item>,
    manifest: Manifest,
    version: u64,
    listing: Option<Pager<GetLightboxRequest>>,
    listing_in_flight: bool,
    calls_in_flight: usize,
    /// Why the asking side stopped, once it has.
    stopped: Option<Stopped>,
    /// Images that got their report since [`Batch::take_finished`] was last called.
    newly_finished: Vec<usize>,
    /// Whether the folder had a manifest when the batch started.
    had_manifest: bool,
}

/// The `<id>-<size>.<ext>` name of a file, safe on every file system: characters other than
/// letters, digits, `-` and `_` become `_`; the extension follows the size's MIME type.
///
/// ```
/// use connect_auth::download::batch::file_name;
/// assert_eq!(file_name("100000001", "large", Some("image/jpeg")), "100000001-large.jpg");
/// assert_eq!(file_name("1/..", "x y", None), "1___-x_y.jpg");
/// ```
pub fn file_name(id: &str, key: &str, mime: Option<&str>) -> String {
    let ext = match mime.map(str::to_ascii_lowercase).as_deref() {
        Some("image/jpeg" | "image/jpg") | None => "jpg",
        Some("image/png") => "png",
        Some("image/tiff") => "tif",
        Some("application/postscript" | "image/eps") => "eps",
        Some(_) => "bin",
    };
    format!("{}-{}.{ext}", safe(id), safe(key))
}

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether `e` says that every further request for a download URL would fail as well, so a
/// batch stops asking (and lets the downloads already paid for finish):
///
/// - the application key's daily call limit ([`Error::is_daily_limit`]: the gateway's `403
///   Account Over Rate Limit`, [`crate::ErrorKind::RateLimited`] with
///   [`crate::RateLimitScope::Daily`]; also an HTTP 403 whose text says so, from a gateway that
///   left out its `X-Error-Detail`). The per-second limit passes within a second (the client
///   retries it) and does not stop the batch;
/// - refused credentials ([`crate::ErrorKind::Auth`]): no token, no authorization.
pub fn stops_authorizing(e: &Error) -> bool {
    if e.is_daily_limit() {
        return true;
    }
    match e {
        Error::Http {
            status: 403,
            server_text: Some(text),
            ..
        } => {
            let t = text.to_ascii_lowercase();
            t.contains("over rate limit") && !t.contains("per second")
        }
        _ => e.kind() == crate::ErrorKind::Auth,
    }
}

fn not_found(image_id: &str) -> Error {
    Error::Api {
        operation: "GetImageDetails",
        api: ApiError {
            header: ResponseHeader {
                status: Some(OverallStatus::Error),
                status_list: vec![StatusEntry::new(
                    connect_types::StatusType::Error,
                    StatusCode::ImageNotFound,
                    format!(
                        "no image with id {image_id} (a video id? downloads fetch images only)"
                    ),
                )],
                coordination_id: None,
            },
        },
    }
}

impl Stopped {
    fn of(e: &Error) -> Self {
        Self {
            cause: e.to_string(),
            kind: e.kind(),
            daily_limit: e.is_daily_limit(),
        }
    }

    /// The error of an image the batch did not ask for because of this.
    fn error(&self, image_id: &str) -> Error {
        Error::AuthorizationsStopped {
            image_id: image_id.to_owned(),
            cause: self.cause.clone(),
            cause_kind: self.kind,
            daily_limit: self.daily_limit,
        }
    }
}

impl Batch {
    /// A batch of `spec`, with the manifest an earlier run left in the folder (its bytes, if
    /// there is one). A manifest that cannot be read stops the batch before anything is asked:
    /// going on without it could buy again what it paid for.
    pub fn new(spec: BatchSpec, manifest: Option<&[u8]>) -> Result<Self, ManifestError> {
        let manifest_given = manifest.is_some();
        let manifest = match manifest {
            Some(bytes) => Manifest::from_bytes(bytes)?,
            None => Manifest::new(),
        };
        let asked = manifest::asked(&spec.size, spec.single_step);
        let listing = match &spec.source {
            BatchSource::Lightbox(id) => Some(Pager::new(
                GetLightboxRequest::new(*id).items(1, LIGHTBOX_PAGE),
            )),
            BatchSource::Ids(_) => None,
        };
        let mut batch = Self {
            asked,
            items: Vec::new(),
            manifest,
            version: 0,
            listing,
            listing_in_flight: false,
            calls_in_flight: 0,
            stopped: None,
            newly_finished: Vec::new(),
            had_manifest: manifest_given,
            spec,
        };
        if let BatchSource::Ids(ids) = &batch.spec.source {
            for id in ids.clone() {
                batch.add(id);
            }
        }
        Ok(batch)
    }

    /// Adds an image (once), at the stage its manifest entry allows.
    fn add(&mut self, image_id: String) {
        let image_id = image_id.trim().to_owned();
        if image_id.is_empty() || self.items.iter().any(|i| i.image_id == image_id) {
            return;
        }
        let mut item = Item {
            stage: Stage::Details,
            asking: false,
            file: None,
            size_key: match &self.spec.size {
                SizeChoice::Key(k) => Some(k.clone()),
                SizeChoice::Largest => None,
            },
            expected: None,
            sizes: Vec::new(),
            token: None,
            progress: Progress::default(),
            report: None,
            image_id,
        };
        if let Some(entry) = self.manifest.entry(&item.image_id, &self.asked) {
            item.file = Some(entry.file.clone());
            item.size_key = entry.record.size_key.clone().or(item.size_key);
            item.expected = entry.record.expected;
            item.progress.total = entry.bytes.or(entry.record.total).or(entry.record.expected);
            item.stage = Stage::Ready;
        } else if self.spec.single_step {
            item.file = Some(format!("{}.jpg", safe(&item.image_id)));
            item.stage = Stage::Ready;
        }
        self.items.push(item);
        self.name(self.items.len() - 1);
    }

    /// Writes the manifest entry of item `n` once it has a file name (once).
    fn name(&mut self, n: usize) {
        let item = &self.items[n];
        let Some(file) = item.file.clone() else {
            return;
        };
        if self.manifest.entry(&item.image_id, &self.asked).is_some() {
            return;
        }
        let entry = Entry {
            asked: self.asked.clone(),
            file,
            state: EntryState::Pending,
            record: PartRecord {
                image_id: item.image_id.clone(),
                size_key: item.size_key.clone(),
                expected: item.expected,
                ..PartRecord::default()
            },
            bytes: None,
            error: None,
        };
        self.manifest.upsert(entry);
        self.version += 1;
    }

    /// The next piece of work.
    pub fn poll(&mut self) -> BatchStep {
        if self.stopped.is_some() {
            self.fail_waiting();
        }
        if let Some(i) = self.items.iter().position(|i| i.stage == Stage::Ready) {
            let item = &mut self.items[i];
            item.stage = Stage::Running;
            return BatchStep::File(FileJob {
                index: i,
                image_id: item.image_id.clone(),
                file: item.file.clone().unwrap_or_default(),
            });
        }
        if self.stopped.is_none() {
            if let Some(call) = self.token_call().or_else(|| self.details_call()) {
                self.calls_in_flight += 1;
                return BatchStep::Call(call);
            }
        }
        if !self.listing_in_flight {
            if let Some(pager) = &mut self.listing {
                match pager.poll_request() {
                    Next::Fetch(request) if self.stopped.is_none() => {
                        self.listing_in_flight = true;
                        return BatchStep::Call(BatchCall::Lightbox(request));
                    }
                    Next::Fetch(_) | Next::End => self.listing = None,
                    // Items are taken out as pages come (handle_lightbox); none is left here.
                    Next::Item(_) => {}
                }
            }
        }
        let busy = self.listing_in_flight
            || self.listing.is_some()
            || self.calls_in_flight > 0
            || self.items.iter().any(|i| i.stage != Stage::Finished);
        if busy {
            BatchStep::Wait
        } else {
            BatchStep::Done
        }
    }

    /// Images waiting to ask for something, once the asking side has stopped: reported.
    fn fail_waiting(&mut self) {
        let Some(stop) = self.stopped.clone() else {
            return;
        };
        let dir = self.spec.dir.clone();
        let mut changed = false;
        for (n, item) in self.items.iter_mut().enumerate() {
            if matches!(item.stage, Stage::Details | Stage::Token) && !item.asking {
                self.newly_finished.push(n);
                item.stage = Stage::Finished;
                item.report = Some(FileReport {
                    image_id: item.image_id.clone(),
                    size_key: item.size_key.clone(),
                    path: item.file.as_ref().map(|f| dir.join(f)),
                    result: Err(stop.error(&item.image_id)),
                });
                changed = true;
            }
        }
        if changed {
            self.version += 1;
        }
    }

    fn take_chunk(&mut self, stage: Stage) -> Vec<usize> {
        let picked: Vec<usize> = self
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.stage == stage && !i.asking)
            .map(|(n, _)| n)
            .take(CHUNK)
            .collect();
        for &n in &picked {
            self.items[n].asking = true;
        }
        picked
    }

    /// A worker looked at a [`FileJob`]'s file: decide. `now_ms` (Unix milliseconds) judges a
    /// recorded URL's expiry.
    pub fn start_file(&mut self, job: &FileJob, facts: FileFacts, now_ms: i64) -> FileStart {
        let n = job.index;
        let Some(item) = self.items.get(n) else {
            return FileStart::Later;
        };
        let entry = self.manifest.entry(&item.image_id, &self.asked).cloned();
        // Complete: its size checked against what the manifest says it is (or the catalog's,
        // for a file the manifest does not know as complete).
        let complete_size = entry
            .as_ref()
            .filter(|e| e.state == EntryState::Complete)
            .and_then(|e| e.bytes)
            .or(item.expected);
        let complete = match (facts.dest_len, complete_size) {
            (Some(len), Some(size)) => len == size,
            // A file the SDK renamed into place is complete; with nothing to check it against
            // (SingleStepDownload names no size), it is taken as such.
            (Some(_), None) => true,
            (None, _) => false,
        };
        if complete {
            let bytes = facts.dest_len.unwrap_or(0);
            if let Some(mut e) = entry {
                if e.state != EntryState::Complete || e.bytes != Some(bytes) {
                    e.state = EntryState::Complete;
                    e.bytes = Some(bytes);
                    e.error = None;
                    self.manifest.upsert(e);
                }
            }
            let path = self.spec.dir.join(&job.file);
            self.finish_with(
                n,
                Ok(DownloadSummary {
                    bytes,
                    skipped: true,
                    path: Some(path),
                    ..DownloadSummary::default()
                }),
            );
            self.version += 1;
            return FileStart::Skipped;
        }
        // A `.part` beside a file the manifest knows as complete is not the one its validators
        // describe: its URL may be spent again, its bytes are not vouched for.
        let record = entry.as_ref().map(|e| {
            let mut r = e.record.clone();
            if e.state == EntryState::Complete {
                r.total = None;
                r.etag = None;
                r.last_modified = None;
            }
            r
        });
        let usable = record.as_ref().is_some_and(|r| {
            r.url_usable(&item.image_id, item.size_key.as_deref(), now_ms)
                == super::UrlState::Usable
        });
        let source = if usable || self.spec.single_step {
            // Reuse (a refused URL is bought again per image, with the same rules), or buy by
            // SingleStepDownload, which needs no token.
            if self.spec.single_step {
                UrlSource::SingleStep
            } else {
                UrlSource::Authorize {
                    size: self.spec.size.clone(),
                    offering: self.spec.offering.clone(),
                }
            }
        } else {
            match &item.token {
                Some(a) => UrlSource::Token(a.clone()),
                None => {
                    // Named already (by the manifest or the details): a token is all it needs.
                    self.items[n].stage = Stage::Token;
                    return FileStart::Later;
                }
            }
        };
        if let Some(stop) = self.stopped.as_ref().filter(|_| !usable) {
            let e = stop.error(&item.image_id);
            self.finish_with(n, Err(e));
            self.version += 1;
            return FileStart::Skipped;
        }
        let mut spec = FileSpec::new(&item.image_id, source, self.spec.allow_http);
        spec.size_key = item.size_key.clone();
        spec.expected = item.expected;
        spec.stall = self.spec.stall;
        spec.url_lifetime = self.spec.url_lifetime;
        let item = &mut self.items[n];
        item.progress.bytes = facts.held;
        FileStart::Run(Box::new(FileFlow::new(spec, facts.held, record, now_ms)))
    }

    /// Whether the flow of image `index` may make `call` now: not once the asking side has
    /// stopped (the error to hand to the flow instead).
    pub fn permit(&self, index: usize) -> Result<(), Error> {
        match &self.stopped {
            None => Ok(()),
            Some(stop) => {
                Err(stop.error(self.items.get(index).map_or("", |i| i.image_id.as_str())))
            }
        }
    }

    /// A record image `index`'s flow saved ([`super::FileStep::Save`]): it goes in the
    /// manifest (write it before going on).
    pub fn save(&mut self, index: usize, record: PartRecord) {
        let Some(item) = self.items.get_mut(index) else {
            return;
        };
        if record.total.is_some() {
            item.progress.total = record.total;
        }
        if record.size_key.is_some() {
            item.size_key = record.size_key.clone();
        }
        let mut entry = self
            .manifest
            .entry(&item.image_id, &self.asked)
            .cloned()
            .unwrap_or_else(|| Entry {
                asked: self.asked.clone(),
                file: item.file.clone().unwrap_or_default(),
                ..Entry::default()
            });
        entry.state = if record.url.is_some() {
            EntryState::Paid
        } else {
            entry.state
        };
        entry.record = record;
        entry.error = None;
        self.manifest.upsert(entry);
        self.version += 1;
    }

    /// Image `index`'s download went this far.
    pub fn progress(&mut self, index: usize, progress: Progress) {
        if let Some(item) = self.items.get_mut(index) {
            item.progress.bytes = progress.bytes;
            if progress.total.is_some() {
                item.progress.total = progress.total;
            }
        }
    }

    /// Image `index`'s flow ended (for a success, once its `.part` is renamed into place).
    pub fn finish_file(&mut self, index: usize, result: Result<DownloadSummary, Error>) {
        let Some(item) = self.items.get(index) else {
            return;
        };
        let path = item.file.as_ref().map(|f| self.spec.dir.join(f));
        if let Some(mut entry) = self.manifest.entry(&item.image_id, &self.asked).cloned() {
            match &result {
                Ok(s) => {
                    entry.state = EntryState::Complete;
                    entry.bytes = Some(s.bytes);
                    entry.error = None;
                }
                Err(e) => {
                    // A URL bought stays: the next run spends it.
                    entry.state = if entry.record.url.is_some() {
                        EntryState::Failed
                    } else {
                        EntryState::Pending
                    };
                    entry.error = Some(e.to_string());
                }
            }
            self.manifest.upsert(entry);
        }
        if let Err(e) = &result {
            self.note_stop(e);
        }
        let result = result.map(|s| DownloadSummary {
            path: s.path.or(path),
            ..s
        });
        self.finish_with(index, result);
        self.version += 1;
    }

    /// The images that got their report since the last call (by any way: a failed call, a
    /// skip, a file's end), for a driver's per-file events; taken out.
    pub fn take_finished(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.newly_finished)
    }

    /// The report of image `index`, once it has one.
    pub fn report(&self, index: usize) -> Option<&FileReport> {
        self.items.get(index).and_then(|i| i.report.as_ref())
    }

    /// Every report, in the batch's order (at [`BatchStep::Done`]); taken out.
    pub fn take_reports(&mut self) -> Vec<FileReport> {
        self.items
            .iter_mut()
            .filter_map(|i| i.report.take())
            .collect()
    }

    /// The batch as a whole.
    pub fn overall(&self) -> BatchProgress {
        let mut p = BatchProgress {
            files: self.items.len(),
            ..BatchProgress::default()
        };
        for i in &self.items {
            p.bytes = p.bytes.saturating_add(i.progress.bytes);
            p.total = p
                .total
                .saturating_add(i.progress.total.or(i.expected).unwrap_or(0));
            match (&i.stage, &i.report) {
                (Stage::Finished, Some(r)) => {
                    p.finished += 1;
                    if r.result.is_err() {
                        p.failed += 1;
                    }
                }
                (Stage::Running, _) => p.active += 1,
                _ => {}
            }
        }
        p
    }

    /// Why the batch stopped asking for download URLs, if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_ref().map(|s| s.cause.as_str())
    }

    /// How many times the manifest has changed; higher than what was written means write it.
    pub fn manifest_version(&self) -> u64 {
        self.version
    }

    /// Whether the manifest is worth a file: the folder had one, or something was bought or
    /// completed. A batch that failed before buying anything leaves no manifest behind.
    pub fn manifest_worth_writing(&self) -> bool {
        self.had_manifest
            || self
                .manifest
                .files
                .iter()
                .any(|e| e.state != EntryState::Pending || e.record.url.is_some())
    }

    /// The manifest as it stands, and its version.
    pub fn manifest_bytes(&self) -> (u64, Vec<u8>) {
        (self.version, self.manifest.to_bytes())
    }

    /// The spec.
    pub fn spec(&self) -> &BatchSpec {
        &self.spec
    }
}

mod calls;
mod report;
#[cfg(test)]
mod tests;

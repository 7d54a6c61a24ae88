//! Downloads: the I/O around connect-auth's [`FileFlow`], [`Authorize`] and [`Fetch`]
//! machines. Run the calls they ask for, move the bytes into one fixed buffer and on to a
//! writer or a `.part` file, keep the file's record and lock, and sleep until their deadlines.

use crate::client::Client;
use connect_auth::download::part::{self, LockConflict};
use connect_auth::download::{
    Authorize, AuthorizeStep, BUFFER_SIZE, DownloadJob, DownloadSummary, DownloadTarget, FileFlow,
    FileSpec, FileStep, OfferingChoice, PartFiles, PartRecord, Progress, ProgressFn, SinkKind,
    SizeChoice, StallRule, Throttle, UrlCall, UrlSource, unix_millis, write_error,
};
use connect_auth::{CallOptions, Error, SingleStep};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// An authorized download, ready to be written to a writer or a file.
#[derive(Debug)]
pub struct Download {
    client: Client,
    job: DownloadJob,
}

/// A progress callback a builder can be cloned with.
type SharedProgress = Arc<Mutex<dyn FnMut(Progress) + Send>>;

/// A download to set up: which size (the largest unless [`DownloadBuilder::size`] names one),
/// which product offering pays (the default rule of [`OfferingChoice`] unless
/// [`DownloadBuilder::offering`] names one), the stall rule. Made by
/// [`Client::download_builder`].
///
/// [`DownloadBuilder::to_file`] is the way to download to a file that never pays twice: it
/// looks at what an earlier run left before calling anything, skips a complete file, spends the
/// URL an earlier run paid for again (resuming its `.part` with `Range`), and buys a URL only
/// when there is none. [`DownloadBuilder::authorize`] buys the URL at once, for a writer or
/// for a look at the offering first.
///
/// ```no_run
/// # fn run(client: connect_blocking::Client) -> Result<(), connect_blocking::Error> {
/// let summary = client
///     .download_builder("100000001")
///     .size("large")
///     .offering("PremiumAccess")
///     .on_progress(|p| eprintln!("{p}"))
///     .to_file("100000001-large.jpg")?;
/// if summary.url.bought() {
///     println!("paid by {:?}", summary.offering.map(|o| o.to_string()));
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use = "a download builder does nothing until authorize() or to_file() is called"]
pub struct DownloadBuilder {
    client: Client,
    image_id: String,
    size: SizeChoice,
    offering: OfferingChoice,
    single_step: bool,
    stall: Option<StallRule>,
    url_lifetime: Duration,
    progress: Option<SharedProgress>,
}

impl std::fmt::Debug for DownloadBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadBuilder")
            .field("image_id", &self.image_id)
            .field("size", &self.size)
            .field("offering", &self.offering)
            .field("single_step", &self.single_step)
            .field("stall", &self.stall)
            .finish_non_exhaustive()
    }
}

impl DownloadBuilder {
    /// Downloads this size key (see GetImageDetails' sizes); the answer must authorize it.
    pub fn size(mut self, size_key: impl Into<String>) -> Self {
        self.size = SizeChoice::Key(size_key.into());
        self
    }

    /// Downloads the largest size the account may download (the default).
    pub fn largest(mut self) -> Self {
        self.size = SizeChoice::Largest;
        self
    }

    /// Pays with the product offering of this name: a `ProductOfferingType` such as
    /// `PremiumAccess` (any casing) or a `ProductOfferingInstanceId`. When no authorization of
    /// the download is from it, the download fails with [`Error::OfferingNotAuthorized`] and
    /// nothing is spent.
    pub fn offering(mut self, name: impl Into<String>) -> Self {
        self.offering = OfferingChoice::named(name);
        self
    }

    /// Picks the offering that pays by this rule.
    pub fn offering_choice(mut self, choice: OfferingChoice) -> Self {
        self.offering = choice;
        self
    }

    /// Buys the URL with SingleStepDownload (one call; the largest size, and the service picks
    /// the offering) instead of an authorization and CreateDownloadRequest.
    pub fn single_step(mut self) -> Self {
        self.single_step = true;
        self.size = SizeChoice::Largest;
        self
    }

    /// The stall rule of the download's answers (default [`StallRule::default`]: 1 KiB/s over
    /// 20 s); `None` turns stall protection off.
    pub fn stall(mut self, rule: Option<StallRule>) -> Self {
        self.stall = rule;
        self
    }

    /// How long a bought URL is taken to stay valid for a later run (default 24 hours).
    pub fn url_lifetime(mut self, lifetime: Duration) -> Self {
        self.url_lifetime = lifetime;
        self
    }

    /// Calls `f` as the download goes (throttled as [`Download::on_progress`] is).
    pub fn on_progress(mut self, f: impl FnMut(Progress) + Send + 'static) -> Self {
        self.progress = Some(Arc::new(Mutex::new(f)));
        self
    }

    /// Buys the download URL now: authorizes the download (GetImageDownloadAuthorizations for a
    /// size key, GetLargestImageDownloadAuthorizations for the largest), picks the token of the
    /// chosen offering, and spends it (CreateDownloadRequest over HTTPS); or makes the
    /// SingleStepDownload call.
    pub fn authorize(self) -> Result<Download, Error> {
        let target = if self.single_step {
            self.client.single_step_target(&self.image_id)?
        } else {
            let flow = Authorize::new(
                &self.image_id,
                self.size.clone(),
                self.client.downloads_allow_http(),
            )
            .with_offering(self.offering.clone());
            self.client.authorize(flow)?
        };
        let mut download = self.client.download_target(target);
        download.job.bought = true;
        download.job.stall = self.stall;
        if let Some(p) = self.progress {
            download.job.progress = Some(shared(p));
        }
        Ok(download)
    }

    /// Downloads to `path` without ever paying twice: a file already at `path` is complete (the
    /// SDK renames only complete files into place) and is skipped; otherwise the URL an earlier
    /// run paid for, kept beside the `.part` (`path.part.meta`) until it expires, is spent again
    /// and the `.part` resumed with `Range`; only when there is none is a URL bought, and
    /// recorded before its first byte is fetched. [`DownloadSummary::url`] says which.
    pub fn to_file(self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let source = if self.single_step {
            UrlSource::SingleStep
        } else {
            UrlSource::Authorize {
                size: self.size.clone(),
                offering: self.offering.clone(),
            }
        };
        let mut spec = FileSpec::new(&self.image_id, source, self.client.downloads_allow_http());
        spec.stall = self.stall;
        spec.url_lifetime = self.url_lifetime;
        spec.seed = Some(self.client.next_seed());
        let progress = self.progress.map(shared);
        self.client
            .file_download(path.as_ref(), spec, true, progress)
    }
}

fn shared(p: SharedProgress) -> ProgressFn {
    Box::new(move |progress| {
        let mut f = p.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(progress);
    })
}

impl Client {
    /// A download of `image_id` to set up: its size, the product offering that pays, its
    /// stall rule.
    pub fn download_builder(&self, image_id: &str) -> DownloadBuilder {
        DownloadBuilder {
            client: self.clone(),
            image_id: image_id.to_owned(),
            size: SizeChoice::Largest,
            offering: OfferingChoice::Default,
            single_step: false,
            stall: Some(StallRule::default()),
            url_lifetime: connect_auth::download::DEFAULT_URL_LIFETIME,
            progress: None,
        }
    }

    /// Authorizes `image_id` at `size_key` and asks for its download URL
    /// (GetImageDownloadAuthorizations, then CreateDownloadRequest over HTTPS), paid by the
    /// offering [`OfferingChoice::Default`] picks. Fails when the answer authorizes only other
    /// sizes. [`Client::download_builder`] chooses the offering, and its `to_file` resumes
    /// without paying again.
    pub fn download(&self, image_id: &str, size_key: &str) -> Result<Download, Error> {
        self.download_builder(image_id).size(size_key).authorize()
    }

    /// Authorizes the largest size of `image_id` and spends that authorization's token (of the
    /// offering [`OfferingChoice::Default`] picks) for its download URL.
    pub fn download_largest(&self, image_id: &str) -> Result<Download, Error> {
        self.download_builder(image_id).largest().authorize()
    }

    /// Spends a download token obtained earlier (from an authorization call) for the download
    /// URL of `image_id` at `size_key`: no authorization call.
    pub fn download_authorized(
        &self,
        image_id: &str,
        size_key: Option<&str>,
        token: &str,
    ) -> Result<Download, Error> {
        let allow_http = self.downloads_allow_http();
        let target =
            self.authorize(Authorize::with_token(image_id, size_key, token, allow_http))?;
        let mut download = self.download_target(target);
        download.job.bought = true;
        Ok(download)
    }

    /// A download of a URL obtained earlier (for example from `create_download_request`).
    pub fn download_target(&self, target: DownloadTarget) -> Download {
        Download {
            client: self.clone(),
            job: DownloadJob::new(target),
        }
    }

    pub(crate) fn authorize(&self, mut flow: Authorize) -> Result<DownloadTarget, Error> {
        loop {
            match flow.poll_call() {
                AuthorizeStep::ImageAuthorizations(r) => {
                    flow.handle_image_authorizations(self.execute(&r));
                }
                AuthorizeStep::LargestAuthorizations(r) => {
                    flow.handle_largest_authorizations(self.execute(&r));
                }
                AuthorizeStep::CreateDownloadRequest(r) => {
                    flow.handle_download_request(self.execute(&r));
                }
                AuthorizeStep::Done(target) => return target,
            }
        }
    }

    /// SingleStepDownload's answer: the URL it redirects to.
    pub(crate) fn single_step_target(&self, image_id: &str) -> Result<DownloadTarget, Error> {
        let request = connect_types::ops::SingleStepDownloadRequest::new(image_id);
        let step = SingleStep::new(&request, CallOptions::default(), self.next_seed());
        Ok(self.drive(step)?.result)
    }

    /// A download to `path` through a [`FileFlow`], its record beside the `.part`. With `skip`,
    /// a file already at `path` is complete and nothing is done.
    pub(crate) fn file_download(
        &self,
        path: &Path,
        spec: FileSpec,
        skip: bool,
        progress: Option<ProgressFn>,
    ) -> Result<DownloadSummary, Error> {
        let files = PartFiles::new(path);
        let _lock = LockFile::take(&files.lock)?;
        if skip {
            if let Some(len) = plain_file_len(path) {
                return Ok(DownloadSummary {
                    bytes: len,
                    skipped: true,
                    path: Some(path.to_owned()),
                    ..DownloadSummary::default()
                });
            }
        }
        if std::fs::symlink_metadata(&files.part).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(part::symlink_refused(&files.part));
        }
        let held = plain_file_len(&files.part).unwrap_or(0);
        let record = read_record(&files.record).and_then(|b| PartRecord::from_bytes(&b));
        let mut flow = FileFlow::new(spec, held, record, unix_millis(SystemTime::now()));
        let mut hooks = Beside {
            record: Some(&files.record),
            progress,
            throttle: Throttle::default(),
        };
        let mut sink = PartSink::new(&files.part);
        let outcome = self.run_file(&mut flow, &mut sink, &mut hooks);
        let summary = sink.finish(outcome)?;
        std::fs::rename(&files.part, path).map_err(|e| write_error(Some(path), e))?;
        let _ = std::fs::remove_file(&files.record);
        Ok(DownloadSummary {
            path: Some(path.to_owned()),
            ..summary
        })
    }

    /// Runs a [`FileFlow`] until it ends: calls through `hooks.permit` and the client, records
    /// through `hooks.save`, bytes into the `.part` (opened when the first request goes out, so
    /// a download refused before that leaves no file).
    pub(crate) fn run_file(
        &self,
        flow: &mut FileFlow,
        part: &mut dyn ByteSink,
        hooks: &mut dyn Hooks,
    ) -> Result<DownloadSummary, Error> {
        let span = tracing::info_span!("connect_download", image_id = %flow.image_id());
        let _entered = span.enter();
        let mut buf = vec![0u8; BUFFER_SIZE];
        let mut body: Option<crate::Body> = None;
        loop {
            match flow.poll_step(Instant::now()) {
                FileStep::Call(call) => match hooks.permit() {
                    Err(e) => flow.handle_not_made(&call, e),
                    Ok(()) => self.url_call(flow, call),
                },
                FileStep::Save(record) => hooks.save(&record)?,
                FileStep::Send(request) => {
                    part.open()?;
                    match self.transport().send(request) {
                        Err(f) => flow.handle_send_failure(Instant::now(), f),
                        Ok(response) => {
                            flow.handle_head(Instant::now(), response.status(), response.headers());
                            body = Some(response.into_body());
                        }
                    }
                }
                FileStep::ReadBody => {
                    let Some(mut reader) = body.take() else {
                        continue;
                    };
                    while flow.reading() {
                        match reader.read(&mut buf) {
                            Ok(0) => flow.handle_body_end(Instant::now()),
                            Ok(n) => {
                                if let Some(bytes) = flow.handle_chunk(Instant::now(), &buf[..n]) {
                                    part.write(bytes)?;
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                                flow.handle_read_timeout(Instant::now());
                            }
                            Err(e) => flow.handle_read_failure(Instant::now(), e),
                        }
                        hooks.progress(Instant::now(), flow.progress());
                    }
                }
                FileStep::Truncate => part.truncate()?,
                FileStep::Wait => {
                    if let Some(at) = flow.poll_timeout() {
                        std::thread::sleep(at.saturating_duration_since(Instant::now()));
                    }
                    flow.handle_timeout(Instant::now());
                }
                FileStep::Done(result) => return result,
            }
        }
    }

    /// Makes a call a [`FileFlow`] asked for and hands its outcome back.
    fn url_call(&self, flow: &mut FileFlow, call: UrlCall) {
        let now_ms = || unix_millis(SystemTime::now());
        match call {
            UrlCall::ImageAuthorizations(r) => flow.handle_image_authorizations(self.execute(&r)),
            UrlCall::LargestAuthorizations(r) => {
                flow.handle_largest_authorizations(self.execute(&r));
            }
            UrlCall::CreateDownloadRequest(r) => {
                let outcome = self.execute(&r);
                flow.handle_download_request(now_ms(), outcome);
            }
            UrlCall::SingleStep(r) => {
                let step = SingleStep::new(&r, CallOptions::default(), self.next_seed());
                let outcome = self.drive(step);
                flow.handle_single_step(now_ms(), outcome);
            }
        }
    }
}

/// What a file download does besides moving bytes: whether a call may be made, where records
/// go, who hears of progress.
pub(crate) trait Hooks {
    /// Whether the flow may make its next call (a batch that stopped asking says no).
    fn permit(&mut self) -> Result<(), Error> {
        Ok(())
    }
    /// Keeps a record, durably, before the flow goes on.
    fn save(&mut self, record: &PartRecord) -> Result<(), Error>;
    /// The download came this far.
    fn progress(&mut self, now: Instant, progress: Progress);
}

/// A single download's hooks: the record beside the `.part` (none for a writer), the caller's
/// callback.
struct Beside<'a> {
    record: Option<&'a Path>,
    progress: Option<ProgressFn>,
    throttle: Throttle,
}

impl Hooks for Beside<'_> {
    fn save(&mut self, record: &PartRecord) -> Result<(), Error> {
        match self.record {
            Some(path) => write_private(path, &record.to_bytes()),
            None => Ok(()),
        }
    }

    fn progress(&mut self, now: Instant, progress: Progress) {
        if let Some(f) = self.progress.as_mut() {
            if self.throttle.due(now, progress) {
                f(progress);
            }
        }
    }
}

/// Writes `bytes` to a new file at `path` readable by its owner only (it may hold a download
/// URL): removed, then created anew, so never written through a link someone put there.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_private_with(path, bytes, false).map_err(|e| write_error(Some(path), e))
}

/// `bytes` as a new owner-only file at `path` (in place of any file there), flushed to disk
/// first with `sync`.
pub(crate) fn write_private_with(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    if sync {
        f.sync_all()?;
    }
    Ok(())
}

/// The length of the plain file at `path`, if there is one (a link or a folder is not one).
pub(crate) fn plain_file_len(path: &Path) -> Option<u64> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
}

/// Where a download's bytes go.
pub(crate) trait ByteSink {
    /// Gets ready for bytes (a `.part` is opened when the first request goes out).
    fn open(&mut self) -> Result<(), Error>;
    /// Takes these bytes.
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// Drops every byte taken so far.
    fn truncate(&mut self) -> Result<(), Error>;
}

/// A caller's writer: what it was given cannot be taken back.
struct WriterSink<'a, W: Write + ?Sized>(&'a mut W);

impl<W: Write + ?Sized> ByteSink for WriterSink<'_, W> {
    fn open(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.0.write_all(bytes).map_err(|e| write_error(None, e))
    }

    fn truncate(&mut self) -> Result<(), Error> {
        Err(write_error(
            None,
            std::io::Error::other("cannot start over"),
        ))
    }
}

/// A download's `.part`, opened for appending when the first byte may come (truncating it starts
/// it over).
pub(crate) struct PartSink<'a> {
    path: &'a Path,
    file: Option<std::fs::File>,
}

impl<'a> PartSink<'a> {
    pub(crate) fn new(path: &'a Path) -> Self {
        Self { path, file: None }
    }

    /// The open file (opened now if it was not).
    fn file(&mut self) -> Result<&mut std::fs::File, Error> {
        if self.file.is_none() {
            self.file = Some(open_part(self.path)?);
        }
        self.file
            .as_mut()
            .ok_or_else(|| Error::Config("the .part could not be opened".into()))
    }

    /// Ends the `.part` after its flow ended with `outcome`: flushed (on failure too: what it
    /// holds is what the next run resumes), and the outcome passed on (or the flush's failure).
    pub(crate) fn finish(
        self,
        outcome: Result<DownloadSummary, Error>,
    ) -> Result<DownloadSummary, Error> {
        let flushed = self.file.map_or(Ok(()), |mut f| f.flush());
        match (outcome, flushed) {
            (Ok(_), Err(e)) => Err(write_error(Some(self.path), e)),
            (outcome, _) => outcome,
        }
    }
}

impl ByteSink for PartSink<'_> {
    fn open(&mut self) -> Result<(), Error> {
        self.file().map(|_| ())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let path = self.path;
        self.file()?
            .write_all(bytes)
            .map_err(|e| write_error(Some(path), e))
    }

    fn truncate(&mut self) -> Result<(), Error> {
        let path = self.path;
        self.file()?
            .set_len(0)
            .map_err(|e| write_error(Some(path), e))
    }
}

/// Opens a `.part` for appending (truncating it starts it over); one that is a symbolic link
/// is refused.
pub(crate) fn open_part(part_path: &Path) -> Result<std::fs::File, Error> {
    if std::fs::symlink_metadata(part_path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(part::symlink_refused(part_path));
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(part_path)
        .map_err(|e| write_error(Some(part_path), e))
}

impl Download {
    /// What is downloaded.
    pub fn target(&self) -> &DownloadTarget {
        &self.job.target
    }

    /// The product offering this download is charged to, and why it was chosen (`None` when
    /// the caller brought the token or the URL).
    pub fn offering(&self) -> Option<&connect_auth::download::ChosenOffering> {
        self.job.target.offering.as_ref()
    }

    /// Calls `f` with the bytes written so far and the total (once the server has said it)
    /// as the download goes.
    pub fn on_progress(mut self, f: impl FnMut(Progress) + Send + 'static) -> Self {
        self.job.progress = Some(Box::new(f));
        self
    }

    /// The stall rule of the answers' bodies (default [`StallRule::default`]); `None` turns
    /// stall protection off.
    pub fn stall(mut self, rule: Option<StallRule>) -> Self {
        self.job.stall = rule;
        self
    }

    /// Streams the file into `writer`, resuming with `Range` and `If-Range` after a dropped
    /// connection or a stall. Fails if the file changes on the server mid-way (a writer cannot
    /// take back what it was given).
    pub fn to_writer<W: Write + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<DownloadSummary, Error> {
        let mut flow = FileFlow::new(self.spec(SinkKind::Stream), 0, None, 0);
        let mut hooks = Beside {
            record: None,
            progress: self.job.progress.take(),
            throttle: Throttle::default(),
        };
        let summary = self
            .client
            .run_file(&mut flow, &mut WriterSink(writer), &mut hooks)?;
        writer.flush().map_err(|e| write_error(None, e))?;
        Ok(summary)
    }

    /// The download of this target, already bought, into a sink of this kind.
    fn spec(&self, sink: SinkKind) -> FileSpec {
        let source = UrlSource::Target {
            target: self.job.target.clone(),
            bought: self.job.bought,
        };
        let mut spec = FileSpec::new(
            &self.job.target.image_id,
            source,
            self.client.downloads_allow_http(),
        );
        spec.stall = self.job.stall;
        spec.sink = sink;
        spec.seed = Some(self.client.next_seed());
        spec
    }

    /// Writes the file to `path`: first to `path.part`, renamed to `path` when complete.
    ///
    /// The URL is recorded beside the `.part` (`path.part.meta`, owner-only) before the first
    /// byte, with the server's `ETag` / `Last-Modified` once it answers; a `.part` left by an
    /// earlier run is resumed only when its record shows it is the same file and the server
    /// confirms it through `If-Range`, otherwise it is started over. A lock file
    /// (`path.part.lock`) keeps two downloads from writing one `.part`; a `.part` that is a
    /// symbolic link is refused. The URL was bought already: to resume later without buying
    /// another, use [`DownloadBuilder::to_file`], which spends the recorded one.
    pub fn to_file(self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let spec = self.spec(SinkKind::File);
        self.client
            .file_download(path.as_ref(), spec, false, self.job.progress)
    }
}

/// The record beside a `.part`, if there is a plain file of a plausible size.
pub(crate) fn read_record(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let plausible = meta.is_file() && meta.len() <= part::MAX_RECORD_BYTES as u64;
    plausible.then(|| std::fs::read(path).ok()).flatten()
}

/// A lock file (a `.part`'s, or a batch folder's), removed when dropped.
pub(crate) struct LockFile(PathBuf);

impl LockFile {
    pub(crate) fn take(path: &Path) -> Result<Self, Error> {
        loop {
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path);
            match created {
                Ok(mut f) => {
                    let pid = part::lock_content(std::process::id());
                    f.write_all(pid.as_bytes())
                        .map_err(|e| write_error(Some(path), e))?;
                    return Ok(Self(path.to_owned()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let held = std::fs::read_to_string(path).ok();
                    let alive = |pid| part::process_path(pid).map(|p| p.exists());
                    match part::lock_conflict(path, held.as_deref(), alive) {
                        // Gone: the loop ends, as removing it makes room or fails.
                        LockConflict::Stale => {
                            std::fs::remove_file(path).map_err(|e| write_error(Some(path), e))?
                        }
                        LockConflict::Held(e) => return Err(e),
                    }
                }
                Err(e) => return Err(write_error(Some(path), e)),
            }
        }
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

//! Downloads: the I/O around connect-auth's [`Authorize`] and [`Fetch`] machines. Run the
//! calls they ask for, move the bytes into one fixed buffer and on to a writer or a `.part`
//! file, keep the file's record and lock, and sleep until their deadlines.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::download::part::{self, LockConflict};
use connect_auth::download::{
    Authorize, AuthorizeStep, BUFFER_SIZE, DownloadJob, DownloadSummary, DownloadTarget, Fetch,
    FetchStep, OfferingChoice, PartFiles, PartRecord, Progress, SinkKind, SizeChoice, write_error,
};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An authorized download, ready to be written to a writer or a file.
#[derive(Debug)]
pub struct Download {
    client: Client,
    job: DownloadJob,
}

/// A download to set up before it is authorized: which size (the largest unless
/// [`DownloadBuilder::size`] names one) and which product offering pays (the default rule of
/// [`OfferingChoice`] unless [`DownloadBuilder::offering`] names one). Made by
/// [`Client::download_builder`]; [`DownloadBuilder::authorize`] makes the calls.
///
/// ```no_run
/// # fn run(client: connect_blocking::Client) -> Result<(), connect_blocking::Error> {
/// let download = client
///     .download_builder("100000001")
///     .size("large")
///     .offering("PremiumAccess")
///     .authorize()?;
/// if let Some(paid_by) = download.offering() {
///     println!("paid by {paid_by}");
/// }
/// download.to_file("100000001-large.jpg")?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a download builder does nothing until authorize() is called"]
pub struct DownloadBuilder {
    client: Client,
    image_id: String,
    size: SizeChoice,
    offering: OfferingChoice,
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
    /// the download is from it, [`DownloadBuilder::authorize`] fails with
    /// [`Error::OfferingNotAuthorized`] and nothing is spent.
    pub fn offering(mut self, name: impl Into<String>) -> Self {
        self.offering = OfferingChoice::named(name);
        self
    }

    /// Picks the offering that pays by this rule.
    pub fn offering_choice(mut self, choice: OfferingChoice) -> Self {
        self.offering = choice;
        self
    }

    /// Authorizes the download (GetImageDownloadAuthorizations for a size key,
    /// GetLargestImageDownloadAuthorizations for the largest), picks the token of the chosen
    /// offering, and spends it for the download URL (CreateDownloadRequest over HTTPS).
    pub fn authorize(self) -> Result<Download, Error> {
        let flow = Authorize::new(
            &self.image_id,
            self.size,
            self.client.downloads_allow_http(),
        )
        .with_offering(self.offering);
        self.client.authorize(flow)
    }
}

impl Client {
    /// A download of `image_id` to set up: its size and the product offering that pays.
    pub fn download_builder(&self, image_id: &str) -> DownloadBuilder {
        DownloadBuilder {
            client: self.clone(),
            image_id: image_id.to_owned(),
            size: SizeChoice::Largest,
            offering: OfferingChoice::Default,
        }
    }

    /// Authorizes `image_id` at `size_key` and asks for its download URL
    /// (GetImageDownloadAuthorizations, then CreateDownloadRequest over HTTPS), paid by the
    /// offering [`OfferingChoice::Default`] picks. Fails when the answer authorizes only other
    /// sizes. [`Client::download_builder`] chooses the offering.
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
        self.authorize(Authorize::with_token(image_id, size_key, token, allow_http))
    }

    /// A download of a URL obtained earlier (for example from `create_download_request`).
    pub fn download_target(&self, target: DownloadTarget) -> Download {
        Download {
            client: self.clone(),
            job: DownloadJob::new(target),
        }
    }

    fn authorize(&self, mut flow: Authorize) -> Result<Download, Error> {
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
                AuthorizeStep::Done(target) => return Ok(self.download_target(target?)),
            }
        }
    }
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
    /// after every chunk.
    pub fn on_progress(mut self, f: impl FnMut(Progress) + Send + 'static) -> Self {
        self.job.progress = Some(Box::new(f));
        self
    }

    /// Streams the file into `writer`, resuming with `Range` and `If-Range` after a dropped
    /// connection. Fails if the file changes on the server mid-way (a writer cannot take back
    /// what it was given).
    pub fn to_writer<W: Write + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<DownloadSummary, Error> {
        let fetch = Fetch::new(
            self.job.target.clone(),
            SinkKind::Stream,
            self.client.downloads_allow_http(),
        )?
        .with_seed(self.client.next_seed());
        let summary = self.run(fetch, &mut Sink::Writer(writer))?;
        writer.flush().map_err(|e| write_error(None, e))?;
        Ok(summary)
    }

    /// Writes the file to `path`: first to `path.part`, renamed to `path` when complete.
    ///
    /// A `.part` left by an earlier run (kept on failure for this purpose) is resumed only
    /// when its record (`path.part.meta`) shows it is the same file, and the server confirms
    /// it through `If-Range`; otherwise it is started over. A lock file (`path.part.lock`)
    /// keeps two downloads from writing one `.part`; a `.part` that is a symbolic link is
    /// refused.
    pub fn to_file(mut self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let path = path.as_ref();
        let files = PartFiles::new(path);
        let _lock = LockFile::take(&files.lock)?;
        if std::fs::symlink_metadata(&files.part).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(part::symlink_refused(&files.part));
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&files.part)
            .map_err(|e| write_error(Some(&files.part), e))?;
        let held = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut fetch = Fetch::new(
            self.job.target.clone(),
            SinkKind::File,
            self.client.downloads_allow_http(),
        )?
        .with_seed(self.client.next_seed());
        fetch.handle_part(held, read_record(&files.record).as_deref());
        let summary = self.run(fetch, &mut Sink::<std::fs::File>::Part(&mut file, &files))?;
        file.flush()
            .map_err(|e| write_error(Some(&files.part), e))?;
        drop(file);
        std::fs::rename(&files.part, path).map_err(|e| write_error(Some(path), e))?;
        let _ = std::fs::remove_file(&files.record);
        Ok(DownloadSummary {
            path: Some(path.to_owned()),
            ..summary
        })
    }

    fn run<W: Write + ?Sized>(
        &mut self,
        mut fetch: Fetch,
        sink: &mut Sink<'_, W>,
    ) -> Result<DownloadSummary, Error> {
        let span = tracing::info_span!("connect_download", image_id = %self.job.target.image_id);
        let _entered = span.enter();
        let mut buf = vec![0u8; BUFFER_SIZE];
        let mut body = None;
        loop {
            match fetch.poll_step(Instant::now()) {
                FetchStep::Send(request) => match self.client.transport().send(request) {
                    Err(f) => fetch.handle_send_failure(Instant::now(), f),
                    Ok(response) => {
                        fetch.handle_head(Instant::now(), response.status(), response.headers());
                        body = Some(response.into_body());
                    }
                },
                FetchStep::ReadBody => {
                    let Some(mut reader) = body.take() else {
                        continue;
                    };
                    loop {
                        match reader.read(&mut buf) {
                            Ok(0) => break fetch.handle_body_end(Instant::now()),
                            Ok(n) => match fetch.handle_chunk(&buf[..n]) {
                                Some(bytes) => sink.put(bytes)?,
                                None => break,
                            },
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                            Err(e) => break fetch.handle_read_failure(Instant::now(), e),
                        }
                        self.job.report(Instant::now(), fetch.progress());
                    }
                }
                FetchStep::Truncate => sink.truncate()?,
                FetchStep::Record(record) => sink.record(&record)?,
                FetchStep::Wait => {
                    if let Some(at) = fetch.poll_timeout() {
                        std::thread::sleep(at.saturating_duration_since(Instant::now()));
                    }
                    fetch.handle_timeout(Instant::now());
                }
                FetchStep::Done(result) => return result,
            }
        }
    }
}

/// Where the bytes go.
enum Sink<'a, W: Write + ?Sized> {
    /// Any writer; what it was given cannot be taken back.
    Writer(&'a mut W),
    /// The `.part` file, opened for appending (so truncating it starts it over), and its
    /// companions.
    Part(&'a mut std::fs::File, &'a PartFiles),
}

impl<W: Write + ?Sized> Sink<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Sink::Writer(w) => w.write_all(bytes).map_err(|e| write_error(None, e)),
            Sink::Part(f, files) => f
                .write_all(bytes)
                .map_err(|e| write_error(Some(&files.part), e)),
        }
    }

    fn truncate(&mut self) -> Result<(), Error> {
        match self {
            Sink::Writer(_) => Err(write_error(
                None,
                std::io::Error::other("cannot start over"),
            )),
            Sink::Part(f, files) => f.set_len(0).map_err(|e| write_error(Some(&files.part), e)),
        }
    }

    fn record(&mut self, record: &PartRecord) -> Result<(), Error> {
        let Sink::Part(_, files) = self else {
            return Ok(());
        };
        // Removed, then created anew: never written through a link someone put there.
        let _ = std::fs::remove_file(&files.record);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&files.record)
            .and_then(|mut f| f.write_all(&record.to_bytes()))
            .map_err(|e| write_error(Some(&files.record), e))
    }
}

/// The record beside a `.part`, if there is a plain file of a plausible size.
fn read_record(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let plausible = meta.is_file() && meta.len() <= part::MAX_RECORD_BYTES as u64;
    plausible.then(|| std::fs::read(path).ok()).flatten()
}

/// The `.part`'s lock file, removed when dropped.
struct LockFile(PathBuf);

impl LockFile {
    fn take(path: &Path) -> Result<Self, Error> {
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

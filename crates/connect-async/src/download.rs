//! Downloads: the I/O around connect-auth's [`Authorize`] and [`Fetch`] machines. Run the
//! calls they ask for, move each chunk on to a writer or a `.part` file, keep the file's record
//! and lock, and sleep until their deadlines.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::download::part::{self, LockConflict};
use connect_auth::download::{
    Authorize, AuthorizeStep, DownloadJob, DownloadSummary, DownloadTarget, Fetch, FetchStep,
    OfferingChoice, PartFiles, PartRecord, Progress, SinkKind, SizeChoice, write_error,
};
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tracing::Instrument;

/// Writes to a file go through tokio's blocking pool; this buffer keeps those hand-offs few.
const FILE_BUFFER: usize = 1024 * 1024;

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
/// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
/// let download = client
///     .download_builder("100000001")
///     .size("large")
///     .offering("PremiumAccess")
///     .authorize().await?;
/// if let Some(paid_by) = download.offering() {
///     println!("paid by {paid_by}");
/// }
/// download.to_file("100000001-large.jpg").await?;
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
    pub async fn authorize(self) -> Result<Download, Error> {
        let flow = Authorize::new(
            &self.image_id,
            self.size,
            self.client.downloads_allow_http(),
        )
        .with_offering(self.offering);
        self.client.authorize(flow).await
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
    pub async fn download(&self, image_id: &str, size_key: &str) -> Result<Download, Error> {
        self.download_builder(image_id)
            .size(size_key)
            .authorize()
            .await
    }

    /// Authorizes the largest size of `image_id` and spends that authorization's token (of the
    /// offering [`OfferingChoice::Default`] picks) for its download URL.
    pub async fn download_largest(&self, image_id: &str) -> Result<Download, Error> {
        self.download_builder(image_id).largest().authorize().await
    }

    /// Spends a download token obtained earlier (from an authorization call) for the download
    /// URL of `image_id` at `size_key`: no authorization call.
    pub async fn download_authorized(
        &self,
        image_id: &str,
        size_key: Option<&str>,
        token: &str,
    ) -> Result<Download, Error> {
        let allow_http = self.downloads_allow_http();
        self.authorize(Authorize::with_token(image_id, size_key, token, allow_http))
            .await
    }

    /// A download of a URL obtained earlier (for example from `create_download_request`).
    pub fn download_target(&self, target: DownloadTarget) -> Download {
        Download {
            client: self.clone(),
            job: DownloadJob::new(target),
        }
    }

    async fn authorize(&self, mut flow: Authorize) -> Result<Download, Error> {
        loop {
            match flow.poll_call() {
                AuthorizeStep::ImageAuthorizations(r) => {
                    flow.handle_image_authorizations(self.execute(&r).await);
                }
                AuthorizeStep::LargestAuthorizations(r) => {
                    flow.handle_largest_authorizations(self.execute(&r).await);
                }
                AuthorizeStep::CreateDownloadRequest(r) => {
                    flow.handle_download_request(self.execute(&r).await);
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
    pub async fn to_writer<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<DownloadSummary, Error> {
        let allow_http = self.client.downloads_allow_http();
        let fetch = Fetch::new(self.job.target.clone(), SinkKind::Stream, allow_http)?
            .with_seed(self.client.next_seed());
        let summary = self.run(fetch, &mut Sink::Writer(writer)).await?;
        writer.flush().await.map_err(|e| write_error(None, e))?;
        Ok(summary)
    }

    /// Writes the file to `path`: first to `path.part`, renamed to `path` when complete.
    ///
    /// A `.part` left by an earlier run (kept on failure for this purpose) is resumed only
    /// when its record (`path.part.meta`) shows it is the same file, and the server confirms
    /// it through `If-Range`; otherwise it is started over. A lock file (`path.part.lock`)
    /// keeps two downloads from writing one `.part`; a `.part` that is a symbolic link is
    /// refused.
    pub async fn to_file(mut self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let path = path.as_ref();
        let files = PartFiles::new(path);
        let _lock = LockFile::take(&files.lock).await?;
        let link = tokio::fs::symlink_metadata(&files.part).await;
        if link.is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(part::symlink_refused(&files.part));
        }
        let file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&files.part)
            .await
            .map_err(|e| write_error(Some(&files.part), e))?;
        let held = file.metadata().await.map(|m| m.len()).unwrap_or(0);
        let mut file = tokio::io::BufWriter::with_capacity(FILE_BUFFER, file);
        let allow_http = self.client.downloads_allow_http();
        let mut fetch = Fetch::new(self.job.target.clone(), SinkKind::File, allow_http)?
            .with_seed(self.client.next_seed());
        fetch.handle_part(held, read_record(&files.record).await.as_deref());
        let mut sink = Sink::<tokio::fs::File>::Part(&mut file, &files);
        let outcome = self.run(fetch, &mut sink).await;
        // Flushed on failure too: the buffered bytes are part of what the next run resumes.
        let flushed = file.flush().await;
        let summary = outcome?;
        flushed.map_err(|e| write_error(Some(&files.part), e))?;
        drop(file);
        tokio::fs::rename(&files.part, path)
            .await
            .map_err(|e| write_error(Some(path), e))?;
        let _ = tokio::fs::remove_file(&files.record).await;
        Ok(DownloadSummary {
            path: Some(path.to_owned()),
            ..summary
        })
    }

    async fn run<W: AsyncWrite + Unpin + ?Sized>(
        &mut self,
        fetch: Fetch,
        sink: &mut Sink<'_, W>,
    ) -> Result<DownloadSummary, Error> {
        let span = tracing::info_span!("connect_download", image_id = %self.job.target.image_id);
        self.drive(fetch, sink).instrument(span).await
    }

    async fn drive<W: AsyncWrite + Unpin + ?Sized>(
        &mut self,
        mut fetch: Fetch,
        sink: &mut Sink<'_, W>,
    ) -> Result<DownloadSummary, Error> {
        let mut body = None;
        loop {
            match fetch.poll_step(Instant::now()) {
                FetchStep::Send(request) => match self.client.transport().send(request).await {
                    Err(f) => fetch.handle_send_failure(Instant::now(), f),
                    Ok(response) => {
                        fetch.handle_head(Instant::now(), response.status(), response.headers());
                        body = Some(response.into_body());
                    }
                },
                FetchStep::ReadBody => {
                    let Some(mut chunks) = body.take() else {
                        continue;
                    };
                    loop {
                        match chunks.next().await {
                            None => break fetch.handle_body_end(Instant::now()),
                            Some(Ok(chunk)) => match fetch.handle_chunk(&chunk) {
                                Some(bytes) => sink.put(bytes).await?,
                                None => break,
                            },
                            Some(Err(e)) => break fetch.handle_read_failure(Instant::now(), e),
                        }
                        self.job.report(Instant::now(), fetch.progress());
                    }
                }
                FetchStep::Truncate => sink.truncate().await?,
                FetchStep::Record(record) => sink.record(&record).await?,
                FetchStep::Wait => {
                    if let Some(at) = fetch.poll_timeout() {
                        tokio::time::sleep_until(at.into()).await;
                    }
                    fetch.handle_timeout(Instant::now());
                }
                FetchStep::Done(result) => return result,
            }
        }
    }
}

/// Where the bytes go.
enum Sink<'a, W: AsyncWrite + Unpin + ?Sized> {
    /// Any writer; what it was given cannot be taken back.
    Writer(&'a mut W),
    /// The `.part` file, opened for appending (so truncating it starts it over), and its
    /// companions.
    Part(&'a mut tokio::io::BufWriter<tokio::fs::File>, &'a PartFiles),
}

impl<W: AsyncWrite + Unpin + ?Sized> Sink<'_, W> {
    async fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Sink::Writer(w) => w.write_all(bytes).await.map_err(|e| write_error(None, e)),
            Sink::Part(f, files) => f
                .write_all(bytes)
                .await
                .map_err(|e| write_error(Some(&files.part), e)),
        }
    }

    async fn truncate(&mut self) -> Result<(), Error> {
        match self {
            Sink::Writer(_) => Err(write_error(
                None,
                std::io::Error::other("cannot start over"),
            )),
            Sink::Part(f, files) => {
                let result = match f.flush().await {
                    Ok(()) => f.get_mut().set_len(0).await,
                    Err(e) => Err(e),
                };
                result.map_err(|e| write_error(Some(&files.part), e))
            }
        }
    }

    async fn record(&mut self, record: &PartRecord) -> Result<(), Error> {
        let Sink::Part(_, files) = self else {
            return Ok(());
        };
        // Removed, then created anew: never written through a link someone put there.
        let _ = tokio::fs::remove_file(&files.record).await;
        let created = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&files.record)
            .await;
        let written = match created {
            Ok(mut f) => f.write_all(&record.to_bytes()).await,
            Err(e) => Err(e),
        };
        written.map_err(|e| write_error(Some(&files.record), e))
    }
}

/// The record beside a `.part`, if there is a plain file of a plausible size.
async fn read_record(path: &Path) -> Option<Vec<u8>> {
    let meta = tokio::fs::symlink_metadata(path).await.ok()?;
    if !meta.is_file() || meta.len() > part::MAX_RECORD_BYTES as u64 {
        return None;
    }
    tokio::fs::read(path).await.ok()
}

/// The `.part`'s lock file, removed when dropped.
struct LockFile(PathBuf);

impl LockFile {
    async fn take(path: &Path) -> Result<Self, Error> {
        loop {
            let created = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .await;
            match created {
                Ok(mut f) => {
                    let pid = part::lock_content(std::process::id());
                    let written = match f.write_all(pid.as_bytes()).await {
                        Ok(()) => f.flush().await,
                        Err(e) => Err(e),
                    };
                    written.map_err(|e| write_error(Some(path), e))?;
                    return Ok(Self(path.to_owned()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let held = tokio::fs::read_to_string(path).await.ok();
                    let alive = |pid| part::process_path(pid).map(|p| p.exists());
                    match part::lock_conflict(path, held.as_deref(), alive) {
                        // Gone: the loop ends, as removing it makes room or fails.
                        LockConflict::Stale => tokio::fs::remove_file(path)
                            .await
                            .map_err(|e| write_error(Some(path), e))?,
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
        // Drop cannot wait: removing one small file is quick.
        let _ = std::fs::remove_file(&self.0);
    }
}

//! `download_many`: connect-auth's [`Batch`] driven by a few tasks sharing one client. The
//! batch decides everything; the tasks make its calls, look at its files, move bytes, and
//! write its manifest.

use crate::client::Client;
use crate::download::{Hooks, LockFile, PartSink, plain_file_len, write_private_with};
use connect_auth::Error;
use connect_auth::download::batch::{Batch, BatchCall, BatchStep, FileFacts, FileJob, FileStart};
use connect_auth::download::manifest::{MANIFEST_FILE, MAX_MANIFEST_BYTES, lock_path};
use connect_auth::download::{
    BatchCallbacks, BatchEvent, BatchParts, BatchReport, BatchSource, PartRecord, Progress,
    RunBatch, Throttle, part_path, unix_millis, write_error,
};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};
use tokio::sync::Notify;

/// A batch download with this client: see [`connect_auth::download::BatchBuilder`] for its
/// setters; [`BatchBuilder::run`] runs it on tasks of the tokio runtime it is awaited in.
pub type BatchBuilder = connect_auth::download::BatchBuilder<Client>;

impl Client {
    /// A batch of these images (repeats are downloaded once), into the current folder unless
    /// `.to(dir)` names another: a few at a time, resumable, never paying twice.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// let report = client
    ///     .download_many(["100000001", "100000002", "100000003"])
    ///     .to("downloads")
    ///     .parallel(4)
    ///     .size("large")
    ///     .on_progress(|p| eprintln!("{} of {} files, {} bytes", p.finished, p.files, p.bytes))
    ///     .run()
    ///     .await?;
    /// for file in &report.files {
    ///     match &file.result {
    ///         Ok(s) if s.skipped => println!("{}: already complete", file.image_id),
    ///         Ok(s) => println!("{}: {} bytes", file.image_id, s.bytes),
    ///         Err(e) => println!("{}: {e}", file.image_id),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn download_many<I, S>(&self, image_ids: I) -> BatchBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids = image_ids.into_iter().map(Into::into).collect();
        BatchBuilder::new(
            self.clone(),
            BatchSource::Ids(ids),
            self.downloads_allow_http(),
        )
    }

    /// A batch of every item of lightbox `lightbox_id` (GetLightbox, page by page).
    pub fn download_lightbox(&self, lightbox_id: u64) -> BatchBuilder {
        let source = BatchSource::Lightbox(lightbox_id);
        BatchBuilder::new(self.clone(), source, self.downloads_allow_http())
    }
}

impl RunBatch for Client {
    type Output = Pin<Box<dyn Future<Output = Result<BatchReport, Error>> + Send>>;

    fn run_batch(parts: BatchParts<Self>) -> Self::Output {
        Box::pin(run(parts))
    }
}

async fn run(parts: BatchParts<Client>) -> Result<BatchReport, Error> {
    let BatchParts {
        client,
        spec,
        parallel,
        progress,
        events,
    } = parts;
    let dir = spec.dir.clone();
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| write_error(Some(&dir), e))?;
    let manifest = dir.join(MANIFEST_FILE);
    let _lock = LockFile::take(&lock_path(&manifest)).await?;
    let bytes = read_manifest(&manifest).await?;
    let batch = Batch::new(spec, bytes.as_deref()).map_err(|e| Error::Manifest {
        path: manifest.clone(),
        problem: e.to_string(),
    })?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            batch,
            failure: None,
        }),
        wake: Notify::new(),
        callbacks: Mutex::new(BatchCallbacks::new(progress, events)),
        manifest: ManifestFile {
            path: manifest.clone(),
            written: tokio::sync::Mutex::new(0),
        },
        dir,
    });
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..parallel {
        let (shared, client) = (shared.clone(), client.clone());
        tasks.spawn(async move { worker(&client, &shared).await });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            // A task that panicked: the others finish the batch.
            tracing::warn!(error = %e, "a batch task ended abnormally");
        }
    }
    let (stopped, files) = {
        let mut state = shared.lock();
        if let Some(e) = state.failure.take() {
            return Err(e);
        }
        (
            state.batch.stopped().map(str::to_owned),
            state.batch.take_reports(),
        )
    };
    shared.manifest.sync(&shared).await?;
    Ok(BatchReport {
        files,
        stopped,
        manifest,
    })
}

async fn read_manifest(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match tokio::fs::symlink_metadata(path).await {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(write_error(Some(path), e)),
        Ok(m) if !m.is_file() => Err(Error::Manifest {
            path: path.to_owned(),
            problem: "is not a plain file".into(),
        }),
        Ok(m) if m.len() > MAX_MANIFEST_BYTES as u64 => Err(Error::Manifest {
            path: path.to_owned(),
            problem: format!("is larger than {MAX_MANIFEST_BYTES} bytes"),
        }),
        Ok(_) => tokio::fs::read(path)
            .await
            .map(Some)
            .map_err(|e| write_error(Some(path), e)),
    }
}

struct State {
    batch: Batch,
    /// A failure of the batch as a whole (the manifest could not be written): every task
    /// stops.
    failure: Option<Error>,
}

struct Shared {
    state: Mutex<State>,
    /// Woken whenever the batch changed, so waiting tasks poll again.
    wake: Notify,
    callbacks: Mutex<BatchCallbacks>,
    manifest: ManifestFile,
    dir: PathBuf,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn callbacks(&self) -> MutexGuard<'_, BatchCallbacks> {
        self.callbacks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes the manifest if it changed; a failure stops the batch.
    async fn sync(&self) -> Result<(), Error> {
        let written = self.manifest.sync(self).await;
        if let Err(e) = &written {
            self.lock().failure.get_or_insert_with(|| e.duplicate());
            self.wake.notify_waiters();
        }
        written
    }

    /// Tells the callbacks about the reports that came in, and the batch as a whole (with
    /// `always`, also when no report came).
    fn announce(&self, state: &mut State, always: bool) {
        self.callbacks().finished(&mut state.batch, always);
    }
}

/// The manifest on disk and the version of it last written.
struct ManifestFile {
    path: PathBuf,
    written: tokio::sync::Mutex<u64>,
}

impl ManifestFile {
    /// Writes the batch's manifest if it is newer than the one on disk: to a temporary file,
    /// flushed to disk, then renamed over the old one, owner-only.
    async fn sync(&self, shared: &Shared) -> Result<(), Error> {
        let mut written = self.written.lock().await;
        let (version, bytes) = {
            let state = shared.lock();
            if state.batch.manifest_version() <= *written || !state.batch.manifest_worth_writing() {
                return Ok(());
            }
            state.batch.manifest_bytes()
        };
        let mut tmp = self.path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let wrote = match write_private_with(&tmp, &bytes, true).await {
            Ok(()) => tokio::fs::rename(&tmp, &self.path).await,
            Err(e) => Err(e),
        };
        wrote.map_err(|e| write_error(Some(&self.path), e))?;
        *written = version;
        Ok(())
    }
}

async fn worker(client: &Client, shared: &Shared) {
    loop {
        let notified = shared.wake.notified();
        tokio::pin!(notified);
        // Registered before the batch is polled, so a change in between is not missed.
        notified.as_mut().enable();
        let step = {
            let mut state = shared.lock();
            if state.failure.is_some() {
                return;
            }
            let step = state.batch.poll();
            // Images the poll reported (a batch that stopped asking fails its waiting ones).
            shared.announce(&mut state, false);
            step
        };
        match step {
            BatchStep::Wait => {
                notified.await;
                continue;
            }
            BatchStep::Done => {
                shared.wake.notify_waiters();
                return;
            }
            BatchStep::Call(call) => batch_call(client, shared, call).await,
            BatchStep::File(job) => batch_file(client, shared, &job).await,
        }
        let _ = shared.sync().await;
        shared.wake.notify_waiters();
    }
}

/// Makes one of the batch's calls through the client (its retries and limits apply).
async fn batch_call(client: &Client, shared: &Shared, call: BatchCall) {
    match call {
        BatchCall::Lightbox(r) => {
            let outcome = client.execute(&r).await;
            shared.lock().batch.handle_lightbox(outcome);
        }
        BatchCall::Details(ticket, r) => {
            let outcome = client.execute(&r).await;
            shared.lock().batch.handle_details(ticket, outcome);
        }
        BatchCall::Largest(ticket, r) => {
            let outcome = client.execute(&r).await;
            shared.lock().batch.handle_largest(ticket, outcome);
        }
        BatchCall::Sizes(ticket, r) => {
            let outcome = client.execute(&r).await;
            shared.lock().batch.handle_sizes(ticket, outcome);
        }
    }
    // Images the call reported (a failed call, an unknown id): their callbacks hear of it.
    shared.announce(&mut shared.lock(), true);
}

/// Looks at one file, lets the batch decide, and runs its flow.
async fn batch_file(client: &Client, shared: &Shared, job: &FileJob) {
    let dest = shared.dir.join(&job.file);
    let part = part_path(&dest);
    let held = plain_file_len(&part).await.unwrap_or(0);
    let facts = FileFacts {
        dest_len: plain_file_len(&dest).await,
        held,
    };
    let mut flow = {
        let mut state = shared.lock();
        let start = state
            .batch
            .start_file(job, facts, unix_millis(SystemTime::now()));
        match start {
            FileStart::Later => return,
            FileStart::Skipped => {
                shared.announce(&mut state, true);
                return;
            }
            FileStart::Run(flow) => Box::new(flow.with_seed(client.next_seed())),
        }
    };
    let total = flow.progress().total;
    shared.callbacks().event(&BatchEvent::Started {
        image_id: &job.image_id,
        path: &dest,
        held,
        total,
    });
    let mut hooks = InBatch {
        shared,
        index: job.index,
        image_id: &job.image_id,
        throttle: Throttle::default(),
    };
    let mut sink = PartSink::new(&part);
    let outcome = client.run_file(&mut flow, &mut sink, &mut hooks).await;
    let result = match sink.finish(outcome).await {
        Ok(s) => tokio::fs::rename(&part, &dest)
            .await
            .map(|()| s)
            .map_err(|e| write_error(Some(&dest), e)),
        Err(e) => Err(e),
    };
    let mut state = shared.lock();
    state.batch.finish_file(job.index, result);
    shared.announce(&mut state, true);
}

/// A batch file's hooks: calls only while the batch permits, records into the manifest
/// (written before the flow goes on), progress to the batch and its callbacks.
struct InBatch<'a> {
    shared: &'a Shared,
    index: usize,
    image_id: &'a str,
    throttle: Throttle,
}

impl Hooks for InBatch<'_> {
    fn permit(&mut self) -> Result<(), Error> {
        self.shared.lock().batch.permit(self.index)
    }

    async fn save(&mut self, record: &PartRecord) -> Result<(), Error> {
        self.shared.lock().batch.save(self.index, record.clone());
        self.shared.sync().await
    }

    fn progress(&mut self, now: Instant, progress: Progress) {
        if !self.throttle.due(now, progress) {
            return;
        }
        let overall = {
            let mut state = self.shared.lock();
            state.batch.progress(self.index, progress);
            state.batch.overall()
        };
        let mut cb = self.shared.callbacks();
        cb.event(&BatchEvent::Progress {
            image_id: self.image_id,
            progress,
        });
        cb.progress(overall);
    }
}

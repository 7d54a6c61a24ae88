//! `download_many`: connect-auth's [`Batch`] driven by a few threads sharing one client. The
//! batch decides everything; the threads make its calls, look at its files, move bytes, and
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
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

/// A batch download with this client: see [`connect_auth::download::BatchBuilder`] for its
/// setters; [`BatchBuilder::run`] runs it on threads sharing the client.
pub type BatchBuilder = connect_auth::download::BatchBuilder<Client>;

impl Client {
    /// A batch of these images (repeats are downloaded once), into the current folder unless
    /// `.to(dir)` names another: a few at a time, resumable, never paying twice.
    ///
    /// ```no_run
    /// # fn run(client: connect_blocking::Client) -> Result<(), connect_blocking::Error> {
    /// let report = client
    ///     .download_many(["100000001", "100000002", "100000003"])
    ///     .to("downloads")
    ///     .parallel(4)
    ///     .size("large")
    ///     .on_progress(|p| eprintln!("{} of {} files, {} bytes", p.finished, p.files, p.bytes))
    ///     .run()?;
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
    type Output = Result<BatchReport, Error>;

    fn run_batch(parts: BatchParts<Self>) -> Self::Output {
        let BatchParts {
            client,
            spec,
            parallel,
            progress,
            events,
        } = parts;
        let dir = spec.dir.clone();
        std::fs::create_dir_all(&dir).map_err(|e| write_error(Some(&dir), e))?;
        let manifest = dir.join(MANIFEST_FILE);
        let _lock = LockFile::take(&lock_path(&manifest))?;
        let bytes = read_manifest(&manifest)?;
        let batch = Batch::new(spec, bytes.as_deref()).map_err(|e| Error::Manifest {
            path: manifest.clone(),
            problem: e.to_string(),
        })?;
        let shared = Shared {
            state: Mutex::new(State {
                batch,
                failure: None,
            }),
            wake: Condvar::new(),
            callbacks: Mutex::new(BatchCallbacks::new(progress, events)),
            manifest: ManifestFile {
                path: manifest.clone(),
                written: Mutex::new(0),
            },
            dir,
        };
        std::thread::scope(|scope| {
            for n in 0..parallel {
                let (shared, client) = (&shared, &client);
                let spawned = std::thread::Builder::new()
                    .name(format!("connect-batch-{n}"))
                    .spawn_scoped(scope, move || worker(client, shared));
                if let Err(e) = spawned {
                    // Fewer threads than asked still finish the batch; none at all would not.
                    tracing::warn!(error = %e, "a batch thread could not be started");
                    if n == 0 {
                        worker(client, shared);
                    }
                }
            }
        });
        let mut state = shared.lock();
        if let Some(e) = state.failure.take() {
            return Err(e);
        }
        let stopped = state.batch.stopped().map(str::to_owned);
        let files = state.batch.take_reports();
        drop(state);
        shared.manifest.sync(&shared)?;
        Ok(BatchReport {
            files,
            stopped,
            manifest,
        })
    }
}

fn read_manifest(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::symlink_metadata(path) {
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
        Ok(_) => std::fs::read(path)
            .map(Some)
            .map_err(|e| write_error(Some(path), e)),
    }
}

struct State {
    batch: Batch,
    /// A failure of the batch as a whole (the manifest could not be written): every worker
    /// stops.
    failure: Option<Error>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled whenever the batch changed, so waiting workers poll again.
    wake: Condvar,
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
    fn sync(&self) -> Result<(), Error> {
        let written = self.manifest.sync(self);
        if let Err(e) = &written {
            let mut state = self.lock();
            state.failure.get_or_insert_with(|| e.duplicate());
            drop(state);
            self.wake.notify_all();
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
    written: Mutex<u64>,
}

impl ManifestFile {
    /// Writes the batch's manifest if it is newer than the one on disk: to a temporary file,
    /// flushed to disk, then renamed over the old one, owner-only.
    fn sync(&self, shared: &Shared) -> Result<(), Error> {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
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
        write_private_with(&tmp, &bytes, true)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| write_error(Some(&self.path), e))?;
        *written = version;
        Ok(())
    }
}

fn worker(client: &Client, shared: &Shared) {
    loop {
        let step = {
            let mut state = shared.lock();
            loop {
                if state.failure.is_some() {
                    return;
                }
                let step = state.batch.poll();
                // Images the poll reported (a batch that stopped asking fails its waiting ones).
                shared.announce(&mut state, false);
                match step {
                    BatchStep::Wait => {
                        state = shared
                            .wake
                            .wait(state)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                    step => break step,
                }
            }
        };
        match step {
            BatchStep::Done => {
                shared.wake.notify_all();
                return;
            }
            BatchStep::Call(call) => batch_call(client, shared, call),
            BatchStep::File(job) => batch_file(client, shared, &job),
            BatchStep::Wait => {}
        }
        let _ = shared.sync();
        shared.wake.notify_all();
    }
}

/// Makes one of the batch's calls through the client (its retries and limits apply).
fn batch_call(client: &Client, shared: &Shared, call: BatchCall) {
    match call {
        BatchCall::Lightbox(r) => {
            let outcome = client.execute(&r);
            shared.lock().batch.handle_lightbox(outcome);
        }
        BatchCall::Details(ticket, r) => {
            let outcome = client.execute(&r);
            shared.lock().batch.handle_details(ticket, outcome);
        }
        BatchCall::Largest(ticket, r) => {
            let outcome = client.execute(&r);
            shared.lock().batch.handle_largest(ticket, outcome);
        }
        BatchCall::Sizes(ticket, r) => {
            let outcome = client.execute(&r);
            shared.lock().batch.handle_sizes(ticket, outcome);
        }
    }
    // Images the call reported (a failed call, an unknown id): their callbacks hear of it.
    shared.announce(&mut shared.lock(), true);
}

/// Looks at one file, lets the batch decide, and runs its flow.
fn batch_file(client: &Client, shared: &Shared, job: &FileJob) {
    let dest = shared.dir.join(&job.file);
    let part = part_path(&dest);
    let held = plain_file_len(&part).unwrap_or(0);
    let facts = FileFacts {
        dest_len: plain_file_len(&dest),
        held,
    };
    let mut state = shared.lock();
    let start = state
        .batch
        .start_file(job, facts, unix_millis(SystemTime::now()));
    let mut flow = match start {
        FileStart::Later => return,
        FileStart::Skipped => {
            shared.announce(&mut state, true);
            return;
        }
        FileStart::Run(flow) => Box::new(flow.with_seed(client.next_seed())),
    };
    let total = flow.progress().total;
    drop(state);
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
    let outcome = client.run_file(&mut flow, &mut sink, &mut hooks);
    let result = sink.finish(outcome).and_then(|s| {
        std::fs::rename(&part, &dest).map_err(|e| write_error(Some(&dest), e))?;
        Ok(s)
    });
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

    fn save(&mut self, record: &PartRecord) -> Result<(), Error> {
        self.shared.lock().batch.save(self.index, record.clone());
        self.shared.sync()
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

//! [`BatchBuilder`]: the one builder of a batch download both clients use. Its setters live here
//! once; `connect_blocking::BatchBuilder` and `connect_async::BatchBuilder` are this type with
//! their own `Client`, which implements [`RunBatch`] to run it (on threads, or on tasks).

use super::authorize::SizeChoice;
use super::batch::{Batch, BatchEvent, BatchProgress, BatchSource, BatchSpec};
use super::offering::OfferingChoice;
use super::stall::StallRule;
use std::path::PathBuf;
use std::time::Duration;

/// Files a batch downloads at once unless [`BatchBuilder::parallel`] says otherwise.
pub const DEFAULT_PARALLEL: usize = 4;
/// The most files a batch downloads at once.
pub const MAX_PARALLEL: usize = 64;

/// The whole-batch progress callback.
pub type ProgressCallback = Box<dyn FnMut(BatchProgress) + Send>;
/// The per-file event callback.
pub type EventCallback = Box<dyn FnMut(&BatchEvent<'_>) + Send>;

/// A batch's two callbacks, told what happened the same way by every client's driver.
#[allow(missing_debug_implementations)] // callbacks have no Debug
pub struct BatchCallbacks {
    progress: Option<ProgressCallback>,
    events: Option<EventCallback>,
}

impl BatchCallbacks {
    /// The callbacks a [`BatchBuilder`] collected.
    pub fn new(progress: Option<ProgressCallback>, events: Option<EventCallback>) -> Self {
        Self { progress, events }
    }

    /// Tells the event callback about one file.
    pub fn event(&mut self, event: &BatchEvent<'_>) {
        if let Some(f) = self.events.as_mut() {
            f(event);
        }
    }

    /// Tells the progress callback how the batch as a whole stands.
    pub fn progress(&mut self, overall: BatchProgress) {
        if let Some(f) = self.progress.as_mut() {
            f(overall);
        }
    }

    /// Reports the files `batch` finished since the last call, one event each, then the batch
    /// as a whole; with `always`, the whole also when no file finished.
    pub fn finished(&mut self, batch: &mut Batch, always: bool) {
        let finished = batch.take_finished();
        if finished.is_empty() && !always {
            return;
        }
        for index in finished {
            if let Some(report) = batch.report(index) {
                self.event(&BatchEvent::Finished(report));
            }
        }
        self.progress(batch.overall());
    }
}

/// A client that runs batches: each client crate implements it for its `Client`.
pub trait RunBatch: Sized {
    /// What [`BatchBuilder::run`] returns: the report (blocking), or a future of it (async).
    type Output;

    /// Runs the batch `parts` describe.
    fn run_batch(parts: BatchParts<Self>) -> Self::Output;
}

/// What a [`BatchBuilder`] collected, for its client's [`RunBatch::run_batch`].
#[allow(missing_debug_implementations)] // callbacks have no Debug; BatchBuilder's says enough
pub struct BatchParts<C> {
    /// The client whose calls the batch makes.
    pub client: C,
    /// What to download, and how.
    pub spec: BatchSpec,
    /// Files at once.
    pub parallel: usize,
    /// The whole-batch progress callback.
    pub progress: Option<ProgressCallback>,
    /// The per-file event callback.
    pub events: Option<EventCallback>,
}

/// Many images downloaded into one folder, several at a time, resumable, and never paid for
/// twice. Made by a client's `download_many` or `download_lightbox`; [`BatchBuilder::run`]
/// runs it.
///
/// A manifest in the folder (`getty-connect-manifest.json`, owner-only: it holds download
/// URLs) records what each image's download paid for and where it stands, rewritten atomically
/// as the batch goes. Running the same batch again skips complete files, resumes partial ones
/// with `Range` on the URL already paid for, and buys a URL only for images without one. One
/// image's failure is in its report and never stops the others.
#[must_use = "a batch does nothing until run() is called"]
pub struct BatchBuilder<C> {
    parts: BatchParts<C>,
}

impl<C> std::fmt::Debug for BatchBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchBuilder")
            .field("spec", &self.parts.spec)
            .field("parallel", &self.parts.parallel)
            .finish_non_exhaustive()
    }
}

impl<C> BatchBuilder<C> {
    /// A batch of `source` for `client`, into the current folder, the largest size of each
    /// image, [`DEFAULT_PARALLEL`] at once; `allow_http` lets download URLs be plain HTTP (the
    /// client's own base URL is).
    pub fn new(client: C, source: BatchSource, allow_http: bool) -> Self {
        let mut spec = BatchSpec::new(source, ".");
        spec.allow_http = allow_http;
        Self {
            parts: BatchParts {
                client,
                spec,
                parallel: DEFAULT_PARALLEL,
                progress: None,
                events: None,
            },
        }
    }

    /// The folder to download into (created if missing); the manifest lives in it.
    pub fn to(mut self, dir: impl Into<PathBuf>) -> Self {
        self.parts.spec.dir = dir.into();
        self
    }

    /// How many files download at once (1 to [`MAX_PARALLEL`]; default [`DEFAULT_PARALLEL`]):
    /// threads in `connect-blocking`, tasks in `connect-async`.
    pub fn parallel(mut self, n: usize) -> Self {
        self.parts.parallel = n.clamp(1, MAX_PARALLEL);
        self
    }

    /// Downloads this size key of every image.
    pub fn size(mut self, size_key: impl Into<String>) -> Self {
        self.parts.spec.size = SizeChoice::Key(size_key.into());
        self
    }

    /// Downloads the largest size of every image (the default).
    pub fn largest(mut self) -> Self {
        self.parts.spec.size = SizeChoice::Largest;
        self
    }

    /// Buys each URL with SingleStepDownload (the largest size, files named `<id>.jpg`).
    pub fn single_step(mut self) -> Self {
        self.parts.spec.single_step = true;
        self.parts.spec.size = SizeChoice::Largest;
        self
    }

    /// Pays with the product offering of this name (a `ProductOfferingType` or instance id).
    pub fn offering(mut self, name: impl Into<String>) -> Self {
        self.parts.spec.offering = OfferingChoice::named(name);
        self
    }

    /// Picks the offering that pays by this rule.
    pub fn offering_choice(mut self, choice: OfferingChoice) -> Self {
        self.parts.spec.offering = choice;
        self
    }

    /// The stall rule of every download (default [`StallRule::default`]); `None`: off.
    pub fn stall(mut self, rule: Option<StallRule>) -> Self {
        self.parts.spec.stall = rule;
        self
    }

    /// How long a bought URL is taken to stay valid for a later run (default 24 hours).
    pub fn url_lifetime(mut self, lifetime: Duration) -> Self {
        self.parts.spec.url_lifetime = lifetime;
        self
    }

    /// Calls `f` with the batch as a whole as it goes (files finished, bytes so far).
    pub fn on_progress(mut self, f: impl FnMut(BatchProgress) + Send + 'static) -> Self {
        self.parts.progress = Some(Box::new(f));
        self
    }

    /// Calls `f` for each file's start, progress and report.
    pub fn on_event(mut self, f: impl FnMut(&BatchEvent<'_>) + Send + 'static) -> Self {
        self.parts.events = Some(Box::new(f));
        self
    }

    /// What it describes.
    pub fn spec(&self) -> &BatchSpec {
        &self.parts.spec
    }
}

impl<C: RunBatch> BatchBuilder<C> {
    /// Runs the batch to its end (with `connect-async`, `.run().await`). Fails only for the
    /// batch as a whole: the folder cannot be made, another run holds it, its manifest cannot
    /// be read or written. Each image's outcome is in the report.
    pub fn run(self) -> C::Output {
        C::run_batch(self.parts)
    }
}

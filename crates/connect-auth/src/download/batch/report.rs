//! What a [`Batch`](super::Batch) tells: a report per image, the batch's report, its progress
//! and the per-file events a driver passes on.

use crate::download::{DownloadSummary, Progress};
use crate::error::Error;
use std::path::PathBuf;

/// One image's outcome.
#[derive(Debug)]
pub struct FileReport {
    /// The image.
    pub image_id: String,
    /// The size key, when known.
    pub size_key: Option<String>,
    /// Where the file is (or would have been), once it had a name.
    pub path: Option<PathBuf>,
    /// Downloaded, resumed or skipped ([`DownloadSummary::skipped`]), or why not.
    pub result: Result<DownloadSummary, Error>,
}

/// What a batch's per-file callback hears.
#[derive(Debug)]
#[non_exhaustive]
pub enum BatchEvent<'a> {
    /// A file starts downloading; `held` bytes are there from an earlier run.
    Started {
        /// The image.
        image_id: &'a str,
        /// Its file.
        path: &'a std::path::Path,
        /// Bytes already in its `.part`.
        held: u64,
        /// Its size, as far as it is known.
        total: Option<u64>,
    },
    /// It went this far (heard as often as a single download's progress callback is).
    Progress {
        /// The image.
        image_id: &'a str,
        /// How far.
        progress: Progress,
    },
    /// It has its report: done, skipped or failed.
    Finished(&'a FileReport),
}

/// What a batch did: a report per image, in the batch's order.
#[derive(Debug)]
pub struct BatchReport {
    /// One per image.
    pub files: Vec<FileReport>,
    /// Why the batch stopped asking for download URLs, if it did (the images it could not ask
    /// for are reported [`Error::AuthorizationsStopped`]).
    pub stopped: Option<String>,
    /// The manifest: a later run of the same batch reads it.
    pub manifest: PathBuf,
}

impl BatchReport {
    fn count(&self, f: impl Fn(&DownloadSummary) -> bool) -> usize {
        self.files
            .iter()
            .filter(|r| r.result.as_ref().is_ok_and(&f))
            .count()
    }

    /// Files fetched from their first byte.
    pub fn downloaded(&self) -> usize {
        self.count(|s| !s.skipped && s.resumed_from == 0)
    }

    /// Files that continued from bytes an earlier run left.
    pub fn resumed(&self) -> usize {
        self.count(|s| !s.skipped && s.resumed_from > 0)
    }

    /// Files that were complete already.
    pub fn skipped(&self) -> usize {
        self.count(|s| s.skipped)
    }

    /// Files that failed.
    pub fn failed(&self) -> usize {
        self.files.iter().filter(|r| r.result.is_err()).count()
    }

    /// Download URLs bought by this run (each spent one of the allowance).
    pub fn bought(&self) -> usize {
        self.count(|s| s.url.bought())
    }

    /// Bytes fetched by this run (what earlier runs left is not counted).
    pub fn bytes_fetched(&self) -> u64 {
        self.files
            .iter()
            .filter_map(|r| r.result.as_ref().ok())
            .filter(|s| !s.skipped)
            .fold(0u64, |sum, s| {
                sum.saturating_add(s.bytes.saturating_sub(s.resumed_from))
            })
    }
}

/// The batch as a whole, for one progress callback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchProgress {
    /// Images in the batch (known so far, while a lightbox is still being listed).
    pub files: usize,
    /// Images with a report (done, skipped or failed).
    pub finished: usize,
    /// Of them, failed.
    pub failed: usize,
    /// Files downloading now.
    pub active: usize,
    /// Bytes on disk for the batch's files (complete ones included).
    pub bytes: u64,
    /// The sum of the sizes known (the HTTP answer's, else the catalog's).
    pub total: u64,
}

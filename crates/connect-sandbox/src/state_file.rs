//! The state file ([`crate::SandboxConfig::state_file`]): what users made in the sandbox
//! (lightboxes, histories and quotas, customers, usage reports, feed cursors), kept between
//! runs.
//!
//! The file is JSON with a `format` number. It is written after every call that changed
//! something, whole, to a temporary file in the same folder that is flushed to disk and then
//! renamed over the old one, so a reader sees the old state or the new one and never half of
//! one. Two sandboxes sharing a file do not merge: the last one to write wins. A file that
//! cannot be read, is damaged, comes from a newer format or from another catalog stops the
//! start with an error naming it, and is left untouched.
//!
//! The file also keeps the key tokens are sealed with ([`crate::secrets::Secrets::seal`]), so a
//! token issued before a restart stays valid after it, as the real service's did; the file is
//! written owner-only (0600). A file without a key (an older one) gets a fresh key, written at
//! start. Download tokens and URLs are signed with a key derived from it, and the HTTPS
//! listener takes its last port again when it is free, so a download URL bought before a
//! restart still downloads after it, until it expires, as a resumed download needs.

use crate::error::Error;
use crate::store;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The format this version writes, and the newest it reads.
pub const FORMAT: u32 = 1;

/// The whole file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Saved {
    /// [`FORMAT`] when written.
    pub format: u32,
    /// `connect-sandbox <version>`, for people reading the file.
    pub written_by: String,
    /// The catalog the ids refer to.
    pub seed: u64,
    /// Its size.
    pub images: u32,
    /// What users made: lightboxes, accounts, usage reports, feed cursors.
    #[serde(flatten)]
    pub kept: store::Saved,
    /// The token key, hex (absent in files from before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_key: Option<String>,
    /// The HTTPS listener's port, taken again at the next start when it is free (absent in
    /// files from before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_port: Option<u16>,
}

/// Just the format number, read first so that a newer file is named as such rather than as
/// damaged.
#[derive(Deserialize)]
struct Version {
    format: u32,
}

/// Where the state lives, and the lock that keeps this process's writes in order.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    writing: Mutex<()>,
    writes: AtomicU64,
}

fn refused(path: &Path, problem: impl Into<String>) -> Error {
    Error::State {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

impl StateFile {
    /// The file at `path` (which need not exist yet).
    pub fn new(path: PathBuf) -> Self {
        StateFile {
            path,
            writing: Mutex::new(()),
            writes: AtomicU64::new(0),
        }
    }

    /// Reads the saved state, if the file exists, for a catalog of `images` images made from
    /// `seed`.
    pub fn load(&self, seed: u64, images: u32) -> Result<Option<Saved>, Error> {
        let path = &self.path;
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(refused(path, format!("cannot be read ({e})"))),
        };
        let damaged = |detail: String| {
            refused(
                path,
                format!(
                    "is damaged or not a sandbox state file ({detail}); it was left as it is: \
                     move it away or delete it to start with an empty sandbox"
                ),
            )
        };
        let version: Version =
            serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
        if version.format > FORMAT {
            return Err(refused(
                path,
                format!(
                    "was written by a newer connect-sandbox (state format {}; this one reads \
                     format {FORMAT}); it was left as it is: use the newer version, or move it \
                     away or delete it to start with an empty sandbox",
                    version.format
                ),
            ));
        }
        let saved: Saved = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
        if (saved.seed, saved.images) != (seed, images) {
            return Err(refused(
                path,
                format!(
                    "belongs to a catalog of {} images with seed {}, not {images} with seed \
                     {seed}; it was left as it is: start with the same seed and size, or \
                     move it away or delete it to start with an empty sandbox",
                    saved.images, saved.seed
                ),
            ));
        }
        Ok(Some(saved))
    }

    /// Writes `saved` in place of the file, atomically: a temporary file beside it, flushed
    /// to disk, renamed over it, and the folder flushed so the rename survives a crash.
    pub fn write(&self, saved: &Saved) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(saved).map_err(std::io::Error::other)?;
        let _in_order = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let (dir, tmp) = self.temporary()?;
        let written = write_private(&tmp, &json).and_then(|()| std::fs::rename(&tmp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written?;
        sync_dir(&dir);
        Ok(())
    }

    /// Writes `saved` as the file only when there is none yet: the content goes to a temporary
    /// file first and is hard-linked into place, which fails when another process got there
    /// first. `Ok(false)` then: read the file that won. Concurrent first starts on one path
    /// so agree on one token key (each drawing its own would refuse the others' tokens).
    pub fn create_if_absent(&self, saved: &Saved) -> std::io::Result<bool> {
        let json = serde_json::to_vec_pretty(saved).map_err(std::io::Error::other)?;
        let _in_order = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let (dir, tmp) = self.temporary()?;
        let written = (|| {
            write_private(&tmp, &json)?;
            std::fs::hard_link(&tmp, &self.path)
        })();
        let _ = std::fs::remove_file(&tmp);
        match written {
            Ok(()) => {
                sync_dir(&dir);
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The folder of the file (created) and a temporary path in it unique to this write.
    fn temporary(&self) -> std::io::Result<(PathBuf, PathBuf)> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sandbox-state.json".into());
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        Ok((dir, tmp))
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `json` and a newline in a new file at `path`, owner-only (it holds the token key), flushed.
fn write_private(path: &Path, json: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(json)?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// Flushes a folder so a rename or link in it survives a crash (a no-op where it cannot be).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty(format: u32) -> Saved {
        let secrets = std::sync::Arc::new(crate::secrets::Secrets::from_os().unwrap());
        Saved {
            format,
            written_by: "test".into(),
            seed: 42,
            images: 100,
            kept: store::Kept::empty(42, 100, secrets, 0).save(),
            token_key: None,
            https_port: None,
        }
    }

    #[test]
    fn only_the_first_start_creates_the_file_and_later_ones_read_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path().join("state.json"));
        let mut first = empty(FORMAT);
        first.token_key = Some("aa".repeat(32));
        assert!(file.create_if_absent(&first).unwrap());
        let mut second = empty(FORMAT);
        second.token_key = Some("bb".repeat(32));
        assert!(!file.create_if_absent(&second).unwrap(), "the file exists");
        let read = file.load(42, 100).unwrap().unwrap();
        assert_eq!(read.token_key, first.token_key);
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_written_file_reads_back_and_odd_files_are_refused_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("state.json");
        let file = StateFile::new(path.clone());
        assert!(file.load(42, 100).unwrap().is_none());
        file.write(&empty(FORMAT)).unwrap();
        assert!(file.load(42, 100).unwrap().is_some());
        // No temporary file is left beside it.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );

        let other = file.load(7, 100).unwrap_err().to_string();
        assert!(other.contains("seed 42") && other.contains(&path.display().to_string()));

        file.write(&empty(FORMAT + 1)).unwrap();
        let newer = file.load(42, 100).unwrap_err().to_string();
        assert!(newer.contains("newer"), "{newer}");

        std::fs::write(&path, b"{\"format\": 1, \"lightb").unwrap();
        let damaged = file.load(42, 100).unwrap_err().to_string();
        assert!(damaged.contains("damaged"), "{damaged}");
        assert!(damaged.contains(&path.display().to_string()), "{damaged}");
        // Refusing never deletes.
        assert!(path.exists());
    }
}

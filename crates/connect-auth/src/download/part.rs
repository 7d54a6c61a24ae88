//! The files a download to a path keeps beside its destination, and the decisions about them
//! (the transports do the file I/O):
//!
//! - `name.part`: the bytes so far. Kept when a download fails, so the next run resumes it.
//! - `name.part.meta`: a small record of which file those bytes belong to ([`PartRecord`]).
//!   Without a record that matches, a `.part` is never resumed: it is started over.
//! - `name.part.lock`: created with `create_new` and holding the writer's process id, so two
//!   runs cannot append to one `.part` at once. Removed when the download ends.
//!
//! A lock left by a process that died (killed, power cut) is stale. On Linux a lock whose
//! process no longer exists (`/proc/<pid>` is gone) is removed and taken; elsewhere, or when
//! the process id is not readable, the download fails with a message naming the lock file to
//! delete once no other download is running.

use super::range::Validator;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The temporary name a file download is written under before it is renamed: `name.part`
/// beside the destination, so the rename stays on one file system.
pub fn part_path(dest: &Path) -> PathBuf {
    with_suffix(dest, ".part")
}

/// Where the [`PartRecord`] of `dest`'s `.part` is kept: `name.part.meta`.
pub fn record_path(dest: &Path) -> PathBuf {
    with_suffix(dest, ".part.meta")
}

/// The lock file of `dest`'s `.part`: `name.part.lock`.
pub fn lock_path(dest: &Path) -> PathBuf {
    with_suffix(dest, ".part.lock")
}

fn with_suffix(dest: &Path, suffix: &str) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    dest.with_file_name(name)
}

/// Which file the bytes of a `.part` belong to. Written before the first byte is, and again
/// whenever the download starts over; a `.part` is resumed only when its record names the same
/// image and size, a total, and a validator (`ETag` or `Last-Modified`) to send in `If-Range`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    /// The image id.
    pub image_id: String,
    /// The size key, when known.
    pub size_key: Option<String>,
    /// The file's length as the server announced it.
    pub total: Option<u64>,
    /// The server's strong `ETag`.
    pub etag: Option<String>,
    /// The server's `Last-Modified`.
    pub last_modified: Option<String>,
}

/// Records longer than this are not ours: they are ignored (and the `.part` started over).
pub const MAX_RECORD_BYTES: usize = 8 * 1024;

impl PartRecord {
    /// The record's bytes, as written to `name.part.meta`.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A struct of strings and numbers always serializes.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A record read back, or `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > MAX_RECORD_BYTES {
            return None;
        }
        serde_json::from_slice(bytes).ok()
    }

    /// The validator recorded.
    pub fn validator(&self) -> Validator {
        Validator {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        }
    }
}

/// The content of a lock file: the owner's process id.
pub fn lock_content(pid: u32) -> String {
    format!("{pid}\n")
}

/// What to do about a lock file that exists already.
#[derive(Debug)]
pub enum LockConflict {
    /// Its process is gone: remove the lock file and try once more.
    Stale,
    /// Another download holds it (or it cannot be told): fail with this error.
    Held(Error),
}

/// Decides about an existing lock file from its content and, when the platform can tell,
/// whether its process is alive (`alive(pid)` returns `None` when it cannot tell).
pub fn lock_conflict(
    lock: &Path,
    content: Option<&str>,
    alive: impl Fn(u32) -> Option<bool>,
) -> LockConflict {
    let pid = content.and_then(|c| c.trim().parse::<u32>().ok());
    if let Some(pid) = pid {
        if alive(pid) == Some(false) {
            return LockConflict::Stale;
        }
    }
    let owner = pid.map_or_else(|| "another process".to_owned(), |p| format!("process {p}"));
    LockConflict::Held(Error::Refused {
        operation: "download",
        reason: format!(
            "{owner} is writing this file (lock file {}); wait for it to finish, or delete the \
             lock file if no other download is running",
            lock.display()
        ),
    })
}

/// Where to look whether process `pid` is alive, on platforms where a path tells
/// (`/proc/<pid>` on Linux); `None` elsewhere, and then a lock is never judged stale.
pub fn process_path(pid: u32) -> Option<PathBuf> {
    cfg!(target_os = "linux").then(|| PathBuf::from(format!("/proc/{pid}")))
}

/// The three files of a download to `dest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartFiles {
    /// The bytes so far: [`part_path`].
    pub part: PathBuf,
    /// The record: [`record_path`].
    pub record: PathBuf,
    /// The lock: [`lock_path`].
    pub lock: PathBuf,
}

impl PartFiles {
    /// The files beside `dest`.
    pub fn new(dest: &Path) -> Self {
        Self {
            part: part_path(dest),
            record: record_path(dest),
            lock: lock_path(dest),
        }
    }
}

/// A `.part` that is a symbolic link would write through to wherever it points.
pub fn symlink_refused(part: &Path) -> Error {
    Error::Refused {
        operation: "download",
        reason: format!(
            "{} is a symbolic link; remove it (downloads never write through links)",
            part.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sit_beside_the_destination() {
        assert_eq!(
            part_path(Path::new("/tmp/out/tree.jpg")),
            PathBuf::from("/tmp/out/tree.jpg.part")
        );
        assert_eq!(part_path(Path::new("x")), PathBuf::from("x.part"));
        assert_eq!(
            record_path(Path::new("/o/a.jpg")),
            PathBuf::from("/o/a.jpg.part.meta")
        );
        assert_eq!(
            lock_path(Path::new("/o/a.jpg")),
            PathBuf::from("/o/a.jpg.part.lock")
        );
    }

    #[test]
    fn records_round_trip_and_junk_is_none() {
        let r = PartRecord {
            image_id: "1".into(),
            size_key: Some("large".into()),
            total: Some(10),
            etag: Some("\"e\"".into()),
            last_modified: None,
        };
        assert_eq!(PartRecord::from_bytes(&r.to_bytes()), Some(r));
        assert_eq!(PartRecord::from_bytes(b"junk"), None);
        assert_eq!(PartRecord::from_bytes(&vec![b' '; 9000]), None);
    }

    #[test]
    fn locks_of_dead_processes_are_stale() {
        let lock = Path::new("/o/a.jpg.part.lock");
        assert!(matches!(
            lock_conflict(lock, Some("42\n"), |_| Some(false)),
            LockConflict::Stale
        ));
        let LockConflict::Held(e) = lock_conflict(lock, Some("42\n"), |_| Some(true)) else {
            panic!("a live process holds it")
        };
        let text = e.to_string();
        assert!(
            text.contains("process 42") && text.contains("a.jpg.part.lock"),
            "{text}"
        );
        assert!(matches!(
            lock_conflict(lock, Some("42"), |_| None),
            LockConflict::Held(_)
        ));
        assert!(matches!(
            lock_conflict(lock, Some("junk"), |_| Some(false)),
            LockConflict::Held(_)
        ));
    }
}

//! The files a download to a path keeps beside its destination, and the decisions about them
//! (the transports do the file I/O):
//!
//! - `name.part`: the bytes so far. Kept when a download fails, so the next run resumes it.
//! - `name.part.meta`: a small record of which file those bytes belong to and of the download
//!   URL paid for ([`PartRecord`]). Without a record that matches, a `.part` is never resumed:
//!   it is started over; with an unexpired URL, nothing is bought again. Written owner-only.
//! - `name.part.lock`: created with `create_new` and holding the writer's process id, so two
//!   runs cannot append to one `.part` at once. Removed when the download ends.
//!
//! A lock left by a process that died (killed, power cut) is stale. On Linux a lock whose
//! process no longer exists (`/proc/<pid>` is gone) is removed and taken; elsewhere, or when
//! the process id is not readable, the download fails with a message naming the lock file to
//! delete once no other download is running.

use super::range::Validator;
use super::{ChosenOffering, DownloadTarget};
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// Which file the bytes of a `.part` belong to, and what was paid for it. Written as soon as a
/// download URL is bought (before its first byte is fetched), again when the first answer says
/// what the file is, and whenever the download starts over.
///
/// - A `.part` is resumed only when its record names the same image and size, a total, and a
///   validator (`ETag` or `Last-Modified`) to send in `If-Range`.
/// - A record's `url`, until `url_expires_at`, is spent again instead of buying another: a
///   resumed download is never paid for twice. The URL authorizes the download by itself, so
///   `Debug` never shows it and the file is written owner-only (0600) where the platform can.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The download URL paid for (CreateDownloadRequest's `UrlAttachment`, or the location a
    /// SingleStepDownload answered). A secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was bought, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_at: Option<i64>,
    /// Until when it is taken to be valid, Unix milliseconds ([`PartRecord::url_usable`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_expires_at: Option<i64>,
    /// The product offering charged for it, when the SDK chose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_by: Option<PaidBy>,
    /// The size the catalog gave (`FileSizeInBytes`) before the server said (`total`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
}

impl std::fmt::Debug for PartRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartRecord")
            .field("image_id", &self.image_id)
            .field("size_key", &self.size_key)
            .field("total", &self.total)
            .field("etag", &self.etag)
            .field("last_modified", &self.last_modified)
            .field("url", &self.url.as_ref().map(|_| "***"))
            .field("authorized_at", &self.authorized_at)
            .field("url_expires_at", &self.url_expires_at)
            .field("paid_by", &self.paid_by)
            .field("expected", &self.expected)
            .finish()
    }
}

/// The product offering a record's URL was charged to, as a record keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidBy {
    /// `ProductOfferingType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offering: Option<String>,
    /// `ProductOfferingInstanceId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Whether it was free.
    #[serde(default)]
    pub free: bool,
}

impl From<&ChosenOffering> for PaidBy {
    fn from(c: &ChosenOffering) -> Self {
        Self {
            offering: c.offering.as_ref().map(|o| o.as_str().to_owned()),
            instance_id: c.instance_id.clone(),
            free: c.free,
        }
    }
}

impl std::fmt::Display for PaidBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.offering.as_deref().unwrap_or("unnamed offering"))?;
        if self.free {
            f.write_str(" (free)")?;
        }
        Ok(())
    }
}

/// How long a download URL is taken to stay valid after it was bought, unless the builder says
/// otherwise: 24 hours. The service does not say; a URL that turns out to be refused sooner (HTTP
/// 403 or 410) is bought again once, and the report says so.
pub const DEFAULT_URL_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A URL is not started on in its last minute: it could expire mid-way.
pub const URL_EXPIRY_MARGIN: Duration = Duration::from_secs(60);

impl PartRecord {
    /// The record of a URL just bought for `target` at `now_ms` (Unix milliseconds), taken to
    /// be valid for `lifetime`.
    pub fn paid(target: &DownloadTarget, now_ms: i64, lifetime: Duration) -> Self {
        let lifetime = i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX);
        Self {
            image_id: target.image_id.clone(),
            size_key: target.size_key.clone(),
            url: Some(target.url.clone()),
            authorized_at: Some(now_ms),
            url_expires_at: Some(now_ms.saturating_add(lifetime)),
            paid_by: target.offering.as_ref().map(PaidBy::from),
            ..Self::default()
        }
    }

    /// Whether its URL may be spent again at `now_ms`: it has one, it names `image_id` (and
    /// `size_key`, when that is known), and it is not within [`URL_EXPIRY_MARGIN`] of its
    /// expiry. A record with a URL and no expiry is taken as expired.
    pub fn url_usable(&self, image_id: &str, size_key: Option<&str>, now_ms: i64) -> UrlState {
        let same = self.image_id == image_id
            && size_key.is_none_or(|k| {
                self.size_key
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(k))
            });
        match (&self.url, self.url_expires_at) {
            (Some(u), _) if u.is_empty() || !same => UrlState::None,
            (None, _) => UrlState::None,
            (Some(_), Some(at)) if now_ms.saturating_add(margin_ms()) < at => UrlState::Usable,
            (Some(_), at) => UrlState::Expired { at },
        }
    }

    /// The target its URL downloads, if it has one.
    pub fn target(&self) -> Option<DownloadTarget> {
        let url = self.url.clone().filter(|u| !u.is_empty())?;
        Some(DownloadTarget {
            image_id: self.image_id.clone(),
            size_key: self.size_key.clone(),
            url,
            offering: None,
        })
    }

    /// This record with what a download's answer said (its total and validators), the rest
    /// (what was paid) kept.
    pub fn with_answer(&self, answer: &PartRecord) -> Self {
        Self {
            total: answer.total,
            etag: answer.etag.clone(),
            last_modified: answer.last_modified.clone(),
            ..self.clone()
        }
    }
}

fn margin_ms() -> i64 {
    i64::try_from(URL_EXPIRY_MARGIN.as_millis()).unwrap_or(i64::MAX)
}

/// Whether a record's URL can be spent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlState {
    /// Yes: nothing needs buying.
    Usable,
    /// The record has none (or one for another image or size).
    None,
    /// It has expired (or is about to), at this Unix millisecond when known: a new one is
    /// bought, and the report says so.
    Expired {
        /// The recorded expiry.
        at: Option<i64>,
    },
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
            url: Some("https://dl.example/sig-secret".into()),
            ..PartRecord::default()
        };
        assert!(!format!("{r:?}").contains("sig-secret"));
        assert_eq!(PartRecord::from_bytes(&r.to_bytes()), Some(r));
        assert_eq!(PartRecord::from_bytes(b"junk"), None);
        assert_eq!(PartRecord::from_bytes(&vec![b' '; 9000]), None);
        // A record written before URLs were kept still reads.
        let old =
            br#"{"image_id":"1","size_key":"large","total":10,"etag":null,"last_modified":null}"#;
        assert_eq!(PartRecord::from_bytes(old).unwrap().url, None);
    }

    #[test]
    fn a_paid_url_is_spent_again_until_it_expires() {
        let target = DownloadTarget {
            image_id: "1".into(),
            size_key: Some("large".into()),
            url: "https://dl.example/x".into(),
            offering: None,
        };
        let day = Duration::from_secs(86_400);
        let r = PartRecord::paid(&target, 1_000_000, day);
        assert_eq!(r.authorized_at, Some(1_000_000));
        assert_eq!(r.url_expires_at, Some(1_000_000 + 86_400_000));
        assert_eq!(
            r.url_usable("1", Some("LARGE"), 2_000_000),
            UrlState::Usable
        );
        assert_eq!(r.url_usable("1", None, 2_000_000), UrlState::Usable);
        assert_eq!(r.url_usable("2", None, 2_000_000), UrlState::None);
        assert_eq!(r.url_usable("1", Some("small"), 2_000_000), UrlState::None);
        // Within the last minute, or past: expired.
        let end = 1_000_000 + 86_400_000;
        assert_eq!(
            r.url_usable("1", None, end - 30_000),
            UrlState::Expired { at: Some(end) }
        );
        let no_expiry = PartRecord {
            url_expires_at: None,
            ..r.clone()
        };
        assert_eq!(
            no_expiry.url_usable("1", None, 0),
            UrlState::Expired { at: None }
        );
        assert_eq!(r.target().unwrap().url, "https://dl.example/x");
        let answer = PartRecord {
            total: Some(5),
            etag: Some("\"v\"".into()),
            ..PartRecord::default()
        };
        let merged = r.with_answer(&answer);
        assert_eq!(
            (merged.total, merged.url.as_deref()),
            (Some(5), Some("https://dl.example/x"))
        );
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

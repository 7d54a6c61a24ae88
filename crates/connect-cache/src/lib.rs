//! The token cache file of the Getty Images Connect clients: the I/O both clients share.
//!
//! A [`FileTokenCache`] keeps one file per [`CacheKey`] in a folder of its own: the format,
//! the file names and the judgement of what is read are `connect_auth::token::cache_file`'s;
//! this crate moves the bytes.
//!
//! - **Atomic.** A file is written to a temporary file in the same folder, flushed to disk and
//!   renamed over the old one: a reader sees the old set or the new one, never half of one.
//! - **Private.** The folder is made `0700` and the files `0600` (on Unix): the file holds a
//!   refresh token, a secret that lasts a year.
//! - **Single flight across processes.** [`FileTokenCache::lock`] takes an exclusive lock on
//!   the key's `.lock` file (flock on Unix, `LockFileEx` on Windows, through `fs4`); a client
//!   holds it while it signs in or renews, and reads the file again once it has it, so twenty
//!   processes started together make one token request and the others read its result.
//! - **Never in the way.** A damaged, unreadable or newer-format file, or one holding another
//!   key's tokens, is reported once as a warning and treated as absent; the next sign-in
//!   replaces it.
//!
//! `connect_blocking::FileTokenCache` and `connect_async::FileTokenCache` are this type; each
//! client implements its own `TokenCache` trait for it.

#![warn(missing_docs)]

use connect_auth::token::cache_file::{self, FileProblem};
use connect_auth::token::{CacheKey, SavedTokens};
use std::collections::HashSet;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long [`FileTokenCache::lock`] waits for another process's sign-in at most. The holder
/// keeps the lock for one token request, bounded by its request timeout; past this the waiter
/// goes on without the lock (at worst one more token request).
pub const LOCK_WAIT: Duration = Duration::from_secs(90);

/// What a warning handler receives: one sentence, naming the file and what happens next.
pub type WarningHandler = Arc<dyn Fn(&str) + Send + Sync>;

/// Token cache files in a folder (see the [crate docs](crate)). Cheap to clone: clones share
/// the folder and the record of warnings already given.
#[derive(Clone)]
pub struct FileTokenCache {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    /// Files already warned about (each is reported once per cache).
    warned: Mutex<HashSet<PathBuf>>,
    on_warning: Option<WarningHandler>,
    writes: AtomicU64,
}

impl fmt::Debug for FileTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTokenCache")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

/// The lock [`FileTokenCache::lock`] took; released when dropped (and by the OS if the process
/// ends while holding it).
#[derive(Debug)]
pub struct FileLock {
    // Closing the file releases the lock.
    _file: Option<File>,
}

impl FileTokenCache {
    /// A cache in `dir` (made on the first write, `0700`). Warnings go to `tracing` (target
    /// `connect_cache`) unless [`FileTokenCache::on_warning`] says otherwise.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self::build(dir.into(), None)
    }

    /// The same cache, reporting its warnings to `handler` (the command line prints them).
    pub fn on_warning(self, handler: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Self::build(self.inner.dir.clone(), Some(Arc::new(handler)))
    }

    fn build(dir: PathBuf, on_warning: Option<WarningHandler>) -> Self {
        Self {
            inner: Arc::new(Inner {
                dir,
                warned: Mutex::new(HashSet::new()),
                on_warning,
                writes: AtomicU64::new(0),
            }),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The file that holds `key`'s tokens.
    pub fn path_of(&self, key: &CacheKey) -> PathBuf {
        self.inner.dir.join(cache_file::file_name(key))
    }

    fn warn_once(&self, path: &Path, message: String) {
        let first = self
            .inner
            .warned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned());
        if !first {
            return;
        }
        match &self.inner.on_warning {
            Some(handler) => handler(&message),
            None => tracing::warn!(target: "connect_cache", "{message}"),
        }
    }

    /// `key`'s saved tokens, if a good file holds them. A file that cannot be used is reported
    /// once (see the [crate docs](crate)) and read as absent, so this never fails.
    pub fn load(&self, key: &CacheKey) -> Option<SavedTokens> {
        let path = self.path_of(key);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                self.warn_once(
                    &path,
                    format!(
                        "the token cache file {} cannot be read ({e}); signing in instead, and \
                         replacing it",
                        path.display()
                    ),
                );
                return None;
            }
        };
        match cache_file::decode(&bytes, key) {
            Ok(saved) => Some(saved),
            Err(problem) => {
                let what = match problem {
                    FileProblem::OtherKey => "it was not used",
                    _ => "it was not used and will be replaced",
                };
                self.warn_once(
                    &path,
                    format!("the token cache file {} {problem}; {what}", path.display()),
                );
                None
            }
        }
    }

    /// Writes `saved` as `key`'s file, atomically and readable by the owner only.
    pub fn store(&self, key: &CacheKey, saved: &SavedTokens) -> io::Result<()> {
        self.make_dir()?;
        let path = self.path_of(key);
        let n = self.inner.writes.fetch_add(1, Ordering::Relaxed);
        let tmp = self.inner.dir.join(format!(
            ".{}.{}.{n}.tmp",
            key.file_stem(),
            std::process::id()
        ));
        let written = (|| {
            let mut f = private_file(OpenOptions::new().write(true).create_new(true), &tmp)?;
            f.write_all(&cache_file::encode(saved))?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written?;
        #[cfg(unix)]
        if let Ok(d) = File::open(&self.inner.dir) {
            // The rename survives a crash once the folder is on disk too.
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Removes `key`'s file; returns whether there was one.
    pub fn clear(&self, key: &CacheKey) -> io::Result<bool> {
        match std::fs::remove_file(self.path_of(key)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Takes the lock on `key`'s tokens, waiting up to `wait` for another process (or another
    /// client of this one) that holds it. Past `wait` it returns a lock that holds nothing, and
    /// the caller goes on alone: a lock must never stop a call.
    pub fn lock(&self, key: &CacheKey, wait: Duration) -> io::Result<FileLock> {
        self.make_dir()?;
        let path = self.inner.dir.join(cache_file::lock_file_name(key));
        let file = private_file(
            OpenOptions::new().read(true).write(true).create(true),
            &path,
        )?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(2);
        loop {
            // Fully qualified: std's File::lock family (Rust 1.89) is newer than our MSRV.
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => return Ok(FileLock { _file: Some(file) }),
                Err(fs4::TryLockError::WouldBlock) => {}
                Err(fs4::TryLockError::Error(e)) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                self.warn_once(
                    &path,
                    format!(
                        "another process has held the token cache lock {} for over {}s; going \
                         on without it",
                        path.display(),
                        wait.as_secs()
                    ),
                );
                return Ok(FileLock { _file: None });
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(25));
        }
    }

    /// Makes the folder, owner-only; an existing folder open to others is closed to them.
    fn make_dir(&self) -> io::Result<()> {
        let dir = &self.inner.dir;
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let meta = std::fs::metadata(dir)?;
                    if meta.permissions().mode() & 0o077 != 0 {
                        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
                    }
                }
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// A held token cache lock (`TokenCache::lock` in either client): released when dropped.
pub struct CacheLock(#[allow(dead_code)] Option<Box<dyn Send + Sync>>);

impl CacheLock {
    /// A lock that is released when `guard` is dropped.
    pub fn new(guard: impl Send + Sync + 'static) -> Self {
        Self(Some(Box::new(guard)))
    }

    /// A lock that holds nothing (a cache with no one to exclude, or one that waited too long).
    pub fn none() -> Self {
        Self(None)
    }
}

impl fmt::Debug for CacheLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheLock")
    }
}

/// What a client keeps about its token cache: the cache (its `dyn TokenCache`), whose tokens
/// the client holds, and whether a failure of the cache was reported already.
pub struct Attached<C: ?Sized> {
    /// The cache.
    pub cache: Arc<C>,
    /// Whose tokens they are; `None` for credentials whose tokens are not cached.
    pub key: Option<CacheKey>,
    warned: std::sync::atomic::AtomicBool,
}

impl<C: ?Sized + fmt::Debug> fmt::Debug for Attached<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cache.fmt(f)
    }
}

impl<C: ?Sized> Attached<C> {
    /// `cache`, holding `key`'s tokens.
    pub fn new(cache: Arc<C>, key: Option<CacheKey>) -> Self {
        Self {
            cache,
            key,
            warned: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Reports a failure of the cache, the first one only: the calls go on without it.
    pub fn failed(&self, e: &io::Error) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                target: "connect_cache",
                error = %e,
                "the token cache failed; going on without it (tokens are not shared)"
            );
        }
    }
}

/// What a client's cache said before a token request.
#[derive(Debug)]
pub enum Before {
    /// The core took the cache's tokens: the request is not sent.
    Taken,
    /// Send the request, holding the cache's lock (if it could be had) until its answer is
    /// written.
    Send(Option<CacheLock>),
}

/// Saved sets by key in this process's memory: the store behind both clients'
/// `MemoryTokenCache` (each adds the lock its kind of caller can wait on).
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<std::collections::HashMap<CacheKey, SavedTokens>>,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.entries().len())
            .finish()
    }
}

impl MemoryStore {
    fn entries(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<CacheKey, SavedTokens>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `key`'s entry.
    pub fn load(&self, key: &CacheKey) -> Option<SavedTokens> {
        self.entries().get(key).cloned()
    }

    /// Replaces `key`'s entry.
    pub fn store(&self, key: &CacheKey, saved: &SavedTokens) {
        self.entries().insert(key.clone(), saved.clone());
    }

    /// Removes `key`'s entry; returns whether there was one.
    pub fn clear(&self, key: &CacheKey) -> bool {
        self.entries().remove(key).is_some()
    }
}

/// Opens `path` with `options`, mode 0600 when it is created (on Unix).
fn private_file(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options.open(path)
}

// The README's example runs as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use connect_auth::Credentials;
    use connect_auth::token::Grant;
    use std::time::SystemTime;

    fn key(user: &str) -> CacheKey {
        CacheKey::for_credentials(
            &Credentials::resource_owner("app", "s", user, "p"),
            "https://h",
        )
        .unwrap()
    }

    fn saved(user: &str) -> SavedTokens {
        SavedTokens {
            key: key(user),
            grant: Grant::Password,
            standard: "sentinel-token".into(),
            secure: "sentinel-token".into(),
            refresh_token: Some("sentinel-refresh".into()),
            acquired_at: SystemTime::now(),
            expires_in: Some(Duration::from_secs(1800)),
            refused: false,
        }
    }

    fn recording(dir: &Path) -> (FileTokenCache, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let cache = FileTokenCache::new(dir.join("cache"))
            .on_warning(move |m| sink.lock().unwrap().push(m.to_owned()));
        (cache, seen)
    }

    #[test]
    fn stores_load_back_and_clear() {
        let tmp = tempfile::tempdir().unwrap();
        let (cache, warnings) = recording(tmp.path());
        assert!(cache.load(&key("alice")).is_none());
        cache.store(&key("alice"), &saved("alice")).unwrap();
        let back = cache.load(&key("alice")).unwrap();
        assert_eq!(back.refresh_token.unwrap().expose(), "sentinel-refresh");
        assert!(cache.load(&key("bob")).is_none());
        assert!(cache.clear(&key("alice")).unwrap());
        assert!(!cache.clear(&key("alice")).unwrap());
        assert!(warnings.lock().unwrap().is_empty());
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(cache.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_0700_and_the_files_0600() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let (cache, _) = recording(tmp.path());
        std::fs::create_dir_all(cache.dir()).unwrap();
        std::fs::set_permissions(cache.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
        cache.store(&key("alice"), &saved("alice")).unwrap();
        let _lock = cache.lock(&key("alice"), Duration::ZERO).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(cache.dir()), 0o700);
        for entry in std::fs::read_dir(cache.dir()).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }

    #[test]
    fn a_damaged_file_is_reported_once_and_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let (cache, warnings) = recording(tmp.path());
        cache.store(&key("alice"), &saved("alice")).unwrap();
        let path = cache.path_of(&key("alice"));
        std::fs::write(&path, b"{\"format\": 1, \"key\": {").unwrap();
        assert!(cache.load(&key("alice")).is_none());
        assert!(cache.load(&key("alice")).is_none());
        {
            let seen = warnings.lock().unwrap();
            assert_eq!(seen.len(), 1, "{seen:?}");
            assert!(seen[0].contains("damaged") && seen[0].contains(&path.display().to_string()));
            assert!(!seen[0].contains("sentinel"));
        }
        cache.store(&key("alice"), &saved("alice")).unwrap();
        assert!(cache.load(&key("alice")).is_some());
    }

    #[test]
    fn another_keys_file_is_never_used() {
        let tmp = tempfile::tempdir().unwrap();
        let (cache, warnings) = recording(tmp.path());
        cache.store(&key("alice"), &saved("alice")).unwrap();
        // Alice's file put where bob's belongs.
        std::fs::copy(cache.path_of(&key("alice")), cache.path_of(&key("bob"))).unwrap();
        assert!(cache.load(&key("bob")).is_none());
        assert!(warnings.lock().unwrap()[0].contains("another user"));
    }

    #[test]
    fn the_lock_is_exclusive_across_opens_and_released_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, _) = recording(tmp.path());
        // A second cache on the same folder opens the lock file on its own, as another process.
        let (b, warnings) = recording(tmp.path());
        let held = a.lock(&key("alice"), Duration::ZERO).unwrap();
        assert!(held._file.is_some());
        let missed = b.lock(&key("alice"), Duration::from_millis(20)).unwrap();
        assert!(missed._file.is_none(), "the lock was taken twice");
        assert_eq!(warnings.lock().unwrap().len(), 1);
        // Another key's lock is free.
        assert!(b.lock(&key("bob"), Duration::ZERO).unwrap()._file.is_some());
        drop(held);
        assert!(
            b.lock(&key("alice"), Duration::ZERO)
                .unwrap()
                ._file
                .is_some()
        );
    }
}

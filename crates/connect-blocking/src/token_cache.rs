//! Where a [`crate::Client`] keeps its tokens: the [`TokenCache`] trait, the in-memory cache
//! every client has by default, and the file cache ([`FileTokenCache`]) that shares tokens with
//! later runs and the user's other processes.

use connect_auth::token::{CacheKey, SavedTokens};
use connect_cache::MemoryStore;
use std::collections::HashSet;
use std::fmt;
use std::io;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

pub use connect_cache::{CacheLock, FileTokenCache};

/// A store of [`SavedTokens`] by [`CacheKey`], with a lock per key.
///
/// The client takes the lock before each token request, reads the entry again (another process
/// may have signed in meanwhile, and then no request is sent), and writes the new set before
/// it lets go, so the holders of one cache sign in one at a time: that is how twenty processes
/// started together make one token request. Failures never stop a call: the client reports the
/// first one as a warning and goes on without the cache.
pub trait TokenCache: Send + Sync + fmt::Debug {
    /// The entry for `key`, if there is one.
    fn load(&self, key: &CacheKey) -> io::Result<Option<SavedTokens>>;
    /// Writes `tokens` as the entry for `key`.
    fn store(&self, key: &CacheKey, tokens: &SavedTokens) -> io::Result<()>;
    /// Removes the entry for `key`; returns whether there was one.
    fn clear(&self, key: &CacheKey) -> io::Result<bool>;
    /// Waits for, and takes, the lock on `key` (held until the [`CacheLock`] is dropped).
    fn lock(&self, key: &CacheKey) -> io::Result<CacheLock>;
}

impl TokenCache for FileTokenCache {
    fn load(&self, key: &CacheKey) -> io::Result<Option<SavedTokens>> {
        Ok(FileTokenCache::load(self, key))
    }
    fn store(&self, key: &CacheKey, tokens: &SavedTokens) -> io::Result<()> {
        FileTokenCache::store(self, key, tokens)
    }
    fn clear(&self, key: &CacheKey) -> io::Result<bool> {
        FileTokenCache::clear(self, key)
    }
    fn lock(&self, key: &CacheKey) -> io::Result<CacheLock> {
        FileTokenCache::lock(self, key, connect_cache::LOCK_WAIT).map(CacheLock::new)
    }
}

/// Tokens in this process's memory: what every client has unless the builder gives it another
/// cache. One shared by several clients (`.token_cache(cache.clone())`) lets them share tokens.
#[derive(Clone, Debug, Default)]
pub struct MemoryTokenCache {
    inner: Arc<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    store: MemoryStore,
    locked: Mutex<HashSet<CacheKey>>,
    unlocked: Condvar,
}

impl MemoryTokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Releases a [`MemoryTokenCache`] key's lock when dropped.
struct MemoryLock {
    memory: Arc<Memory>,
    key: CacheKey,
}

impl Drop for MemoryLock {
    fn drop(&mut self) {
        let mut locked = self
            .memory
            .locked
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        locked.remove(&self.key);
        drop(locked);
        self.memory.unlocked.notify_all();
    }
}

impl TokenCache for MemoryTokenCache {
    fn load(&self, key: &CacheKey) -> io::Result<Option<SavedTokens>> {
        Ok(self.inner.store.load(key))
    }
    fn store(&self, key: &CacheKey, tokens: &SavedTokens) -> io::Result<()> {
        self.inner.store.store(key, tokens);
        Ok(())
    }
    fn clear(&self, key: &CacheKey) -> io::Result<bool> {
        Ok(self.inner.store.clear(key))
    }
    fn lock(&self, key: &CacheKey) -> io::Result<CacheLock> {
        let memory = &self.inner;
        let locked = memory.locked.lock().unwrap_or_else(PoisonError::into_inner);
        // As long as the file cache waits: past it the caller goes on alone.
        let (mut locked, waited) = memory
            .unlocked
            .wait_timeout_while(locked, connect_cache::LOCK_WAIT, |l| l.contains(key))
            .unwrap_or_else(PoisonError::into_inner);
        if waited.timed_out() {
            return Ok(CacheLock::none());
        }
        locked.insert(key.clone());
        Ok(CacheLock::new(MemoryLock {
            memory: memory.clone(),
            key: key.clone(),
        }))
    }
}

//! Where a [`crate::Client`] keeps its tokens: the async [`TokenCache`] trait, the in-memory
//! cache every client has by default, and the file cache ([`FileTokenCache`]) that shares
//! tokens with later runs and the user's other processes.

use async_trait::async_trait;
use connect_auth::token::{CacheKey, SavedTokens};
use connect_cache::MemoryStore;
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};

pub use connect_cache::{CacheLock, FileTokenCache};

/// A store of [`SavedTokens`] by [`CacheKey`], with a lock per key.
///
/// The client takes the lock before each token request, reads the entry again (another process
/// may have signed in meanwhile, and then no request is sent), and writes the new set before
/// it lets go, so the holders of one cache sign in one at a time: that is how twenty processes
/// started together make one token request. Failures never stop a call: the client reports the
/// first one as a warning and goes on without the cache.
#[async_trait]
pub trait TokenCache: Send + Sync + fmt::Debug {
    /// The entry for `key`, if there is one.
    async fn load(&self, key: &CacheKey) -> io::Result<Option<SavedTokens>>;
    /// Writes `tokens` as the entry for `key`.
    async fn store(&self, key: &CacheKey, tokens: &SavedTokens) -> io::Result<()>;
    /// Removes the entry for `key`; returns whether there was one.
    async fn clear(&self, key: &CacheKey) -> io::Result<bool>;
    /// Waits for, and takes, the lock on `key` (held until the [`CacheLock`] is dropped).
    async fn lock(&self, key: &CacheKey) -> io::Result<CacheLock>;
}

/// Runs a file operation on tokio's blocking pool: file I/O, and waiting for another process's
/// lock, must not hold up the runtime's workers.
async fn blocking<T: Send + 'static>(
    cache: &FileTokenCache,
    work: impl FnOnce(&FileTokenCache) -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    let cache = cache.clone();
    tokio::task::spawn_blocking(move || work(&cache))
        .await
        .map_err(io::Error::other)?
}

#[async_trait]
impl TokenCache for FileTokenCache {
    async fn load(&self, key: &CacheKey) -> io::Result<Option<SavedTokens>> {
        let key = key.clone();
        blocking(self, move |c| Ok(c.load(&key))).await
    }
    async fn store(&self, key: &CacheKey, tokens: &SavedTokens) -> io::Result<()> {
        let (key, tokens) = (key.clone(), tokens.clone());
        blocking(self, move |c| c.store(&key, &tokens)).await
    }
    async fn clear(&self, key: &CacheKey) -> io::Result<bool> {
        let key = key.clone();
        blocking(self, move |c| c.clear(&key)).await
    }
    async fn lock(&self, key: &CacheKey) -> io::Result<CacheLock> {
        let key = key.clone();
        let held = blocking(self, move |c| c.lock(&key, connect_cache::LOCK_WAIT)).await?;
        Ok(CacheLock::new(held))
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
    /// One async lock per key, made on first use.
    locks: Mutex<HashMap<CacheKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl MemoryTokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl TokenCache for MemoryTokenCache {
    async fn load(&self, key: &CacheKey) -> io::Result<Option<SavedTokens>> {
        Ok(self.inner.store.load(key))
    }
    async fn store(&self, key: &CacheKey, tokens: &SavedTokens) -> io::Result<()> {
        self.inner.store.store(key, tokens);
        Ok(())
    }
    async fn clear(&self, key: &CacheKey) -> io::Result<bool> {
        Ok(self.inner.store.clear(key))
    }
    async fn lock(&self, key: &CacheKey) -> io::Result<CacheLock> {
        let lock = self
            .inner
            .locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone();
        // As long as the file cache waits: past it the caller goes on alone.
        match tokio::time::timeout(connect_cache::LOCK_WAIT, lock.lock_owned()).await {
            Ok(guard) => Ok(CacheLock::new(guard)),
            Err(_) => Ok(CacheLock::none()),
        }
    }
}

//! One connection's time limits. hyper parses the requests; this module decides when a
//! connection has had its chance: a header that takes too long to arrive (slowloris), a
//! keep-alive connection that sits idle, or a client that stops reading an answer. The body
//! read timeout lives with body reading in [`crate::server`].

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What a connection did last, shared by its I/O wrapper, its service and its watchdog.
#[derive(Debug)]
pub struct Activity {
    start: Instant,
    /// Milliseconds since `start` of the last byte read or written.
    last_io: AtomicU64,
    /// Milliseconds since `start` (plus one; zero means none) of the first byte of a request
    /// whose header is not complete yet.
    header_since: AtomicU64,
    /// Requests being handled (header read, answer not yet returned).
    in_request: AtomicUsize,
}

impl Activity {
    /// A connection that starts now.
    pub fn new() -> Arc<Self> {
        Arc::new(Activity {
            start: Instant::now(),
            last_io: AtomicU64::new(0),
            header_since: AtomicU64::new(0),
            in_request: AtomicUsize::new(0),
        })
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn moved_bytes(&self, read: bool) {
        let now = self.millis();
        self.last_io.store(now, Ordering::Relaxed);
        if read && self.in_request.load(Ordering::Relaxed) == 0 {
            // Bytes between requests are the start of the next request's header.
            let _ = self.header_since.compare_exchange(
                0,
                now.saturating_add(1),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    /// Marks a request as being handled until the guard drops.
    pub fn request(self: &Arc<Self>) -> RequestGuard {
        self.in_request.fetch_add(1, Ordering::Relaxed);
        self.header_since.store(0, Ordering::Relaxed);
        RequestGuard(self.clone())
    }

    /// Why the connection should be closed now, if it should.
    pub fn overdue(
        &self,
        header_timeout: Duration,
        idle_timeout: Duration,
    ) -> Option<&'static str> {
        let now = self.millis();
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let header = self.header_since.load(Ordering::Relaxed);
        if header != 0 && now.saturating_sub(header - 1) > ms(header_timeout) {
            return Some("header read timeout");
        }
        let busy = self.in_request.load(Ordering::Relaxed) > 0;
        let quiet = now.saturating_sub(self.last_io.load(Ordering::Relaxed));
        if !busy && header == 0 && quiet > ms(idle_timeout) {
            return Some("idle timeout");
        }
        None
    }
}

/// Ends a request's "being handled" time when dropped.
#[derive(Debug)]
pub struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.in_request.fetch_sub(1, Ordering::Relaxed);
        self.0.last_io.store(self.0.millis(), Ordering::Relaxed);
    }
}

/// A stream that reports its reads and writes to an [`Activity`].
#[derive(Debug)]
pub struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, activity: Arc<Activity>) -> Self {
        Watched { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.moved_bytes(true);
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.moved_bytes(false);
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.moved_bytes(false);
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// How often the watchdog looks: often enough to close within a quarter of the shortest limit.
pub fn tick(header_timeout: Duration, idle_timeout: Duration) -> Duration {
    (header_timeout.min(idle_timeout) / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

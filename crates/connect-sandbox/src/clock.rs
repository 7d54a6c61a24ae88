//! The sandbox clock: real time plus an offset that tests move forward with
//! [`crate::SandboxInfo::advance`]. Token lifetimes and download-URL expiry read it, so an
//! expiry test takes no wall time. Without `advance` it is plain real time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Real time plus an offset.
#[derive(Debug, Default)]
pub struct Clock {
    /// How far tests moved the clock, in milliseconds.
    offset_ms: AtomicU64,
}

impl Clock {
    fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by` (rounded down to whole milliseconds).
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        // Saturating: a clock moved to the end of time stays there rather than wrapping.
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(ms))
            });
    }

    /// Moves the clock just past the next UTC midnight (by its own dates); returns how far.
    pub fn advance_to_next_day(&self) -> Duration {
        const DAY_MS: i64 = 86_400_000;
        let left = DAY_MS - self.now_millis().rem_euclid(DAY_MS);
        let by = Duration::from_millis(u64::try_from(left).unwrap_or(0) + 1);
        self.advance(by);
        by
    }

    /// The monotonic now, for lifetimes.
    pub fn now(&self) -> Instant {
        let real = Instant::now();
        real.checked_add(self.offset()).unwrap_or(real)
    }

    /// Unix milliseconds now, as the API reports dates.
    pub fn now_millis(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let offset = i64::try_from(self.offset().as_millis()).unwrap_or(i64::MAX);
        real.saturating_add(offset)
    }
}

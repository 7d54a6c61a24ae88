//! Stall protection: when a download's body slows below a minimum throughput (or stops), the
//! download drops the connection and resumes with `Range` on the same URL, instead of hanging
//! until a timeout.
//!
//! The rule is a credit of time, as a leaky bucket holds water: the first byte of an answer's
//! body starts it at the grace period; time passing spends it one second per second; every
//! chunk that arrives earns `bytes / min_bytes_per_sec` seconds, up to the grace period. The
//! body has stalled when the credit runs out. So:
//!
//! - a body that stops dead is given up exactly one grace period after its last byte (the
//!   credit was full);
//! - a steady trickle above the minimum earns more than it spends and never stalls, however
//!   slow it is in absolute terms;
//! - a trickle below the minimum spends its credit slowly and stalls once it is gone.
//!
//! Nothing here reads a clock: the driver passes `now` in and sleeps (or bounds its reads) until
//! [`StallMeter::deadline`].

use std::time::{Duration, Instant};

/// The minimum a download body must keep to: `min_bytes_per_sec` averaged over `grace`.
///
/// ```
/// use connect_auth::download::StallRule;
/// use std::time::Duration;
/// let rule = StallRule::new(16 * 1024, Duration::from_secs(5));
/// assert_eq!(rule.grace, Duration::from_secs(5));
/// assert_eq!(StallRule::default().grace, Duration::from_secs(20));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StallRule {
    /// The throughput below which the body counts as stalled, in bytes per second. `0` counts
    /// only silence.
    pub min_bytes_per_sec: u64,
    /// How long the body may fall short (or say nothing at all) before it counts as stalled.
    pub grace: Duration,
}

/// The default minimum throughput: 1 KiB/s.
pub const DEFAULT_MIN_BYTES_PER_SEC: u64 = 1024;
/// The default grace period: 20 s.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(20);

impl Default for StallRule {
    fn default() -> Self {
        Self {
            min_bytes_per_sec: DEFAULT_MIN_BYTES_PER_SEC,
            grace: DEFAULT_GRACE,
        }
    }
}

impl StallRule {
    /// At least `min_bytes_per_sec`, averaged over `grace`. A zero grace is taken as 1 ms.
    pub fn new(min_bytes_per_sec: u64, grace: Duration) -> Self {
        Self {
            min_bytes_per_sec,
            grace: grace.max(Duration::from_millis(1)),
        }
    }

    /// How much credit `bytes` earn.
    fn earned(&self, bytes: u64) -> Duration {
        match self.min_bytes_per_sec {
            0 => self.grace,
            rate => {
                // Exact in nanoseconds; saturates instead of overflowing for huge chunks.
                let nanos = u128::from(bytes) * 1_000_000_000 / u128::from(rate);
                Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
            }
        }
    }
}

/// The credit of one answer's body (see the [module documentation](self)).
#[derive(Clone, Debug)]
pub struct StallMeter {
    rule: StallRule,
    /// When the credit runs out; `None` before the first byte.
    deadline: Option<Instant>,
    /// When the last chunk came.
    last_byte: Option<Instant>,
}

/// What a chunk or a read timeout says about the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// Fast enough.
    Flowing,
    /// The credit ran out: the body has been silent or too slow for this long since its last
    /// byte (for a silent body, about the grace period).
    Stalled {
        /// From the last byte to now.
        silent_for: Duration,
    },
}

impl StallMeter {
    /// A meter for one body, started by its first byte.
    pub fn new(rule: StallRule) -> Self {
        Self {
            rule,
            deadline: None,
            last_byte: None,
        }
    }

    /// The rule it applies.
    pub fn rule(&self) -> StallRule {
        self.rule
    }

    /// `bytes` arrived at `now`. The chunk counts (its bytes are good) even when it comes too
    /// late to keep the body going.
    pub fn on_bytes(&mut self, now: Instant, bytes: u64) -> Pace {
        let pace = self.pace(now);
        let left = match self.deadline {
            None => self.rule.grace,
            Some(d) => d.saturating_duration_since(now),
        };
        let credit = left
            .saturating_add(self.rule.earned(bytes))
            .min(self.rule.grace);
        self.deadline = now.checked_add(credit);
        self.last_byte = Some(now);
        pace
    }

    /// Whether the credit has run out by `now` (a read that timed out, or a deadline reached).
    pub fn pace(&self, now: Instant) -> Pace {
        match (self.deadline, self.last_byte) {
            (Some(d), Some(last)) if now >= d => Pace::Stalled {
                silent_for: now.saturating_duration_since(last),
            },
            _ => Pace::Flowing,
        }
    }

    /// When the credit runs out if nothing more arrives; `None` before the first byte.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// When the last chunk came, if one did.
    pub fn last_byte(&self) -> Option<Instant> {
        self.last_byte
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_silent_body_stalls_one_grace_period_after_its_last_byte() {
        let rule = StallRule::new(1000, Duration::from_secs(2));
        let t0 = Instant::now();
        let mut m = StallMeter::new(rule);
        assert_eq!(m.deadline(), None);
        assert_eq!(m.pace(t0 + Duration::from_secs(100)), Pace::Flowing);
        // A fast flow keeps the credit full.
        for i in 0..50 {
            assert_eq!(m.on_bytes(t0 + ms(i * 10), 64 * 1024), Pace::Flowing);
        }
        let last = t0 + ms(490);
        assert_eq!(m.deadline(), Some(last + Duration::from_secs(2)));
        assert_eq!(m.pace(last + ms(1999)), Pace::Flowing);
        assert_eq!(
            m.pace(last + ms(2000)),
            Pace::Stalled {
                silent_for: ms(2000)
            }
        );
    }

    #[test]
    fn a_steady_trickle_above_the_minimum_never_stalls() {
        // 100 bytes every 50 ms is 2,000 B/s, twice the minimum, for ten minutes.
        let rule = StallRule::new(1000, ms(500));
        let t0 = Instant::now();
        let mut m = StallMeter::new(rule);
        for i in 0..12_000 {
            assert_eq!(m.on_bytes(t0 + ms(i * 50), 100), Pace::Flowing, "chunk {i}");
        }
    }

    #[test]
    fn a_trickle_below_the_minimum_stalls_once_its_credit_is_spent() {
        // 10 bytes every 100 ms is 100 B/s against a minimum of 1,000 B/s: each step spends
        // 100 ms and earns 10 ms, so a 2 s credit lasts about 2.2 s.
        let rule = StallRule::new(1000, Duration::from_secs(2));
        let t0 = Instant::now();
        let mut m = StallMeter::new(rule);
        let mut stalled_at = None;
        for i in 0..100 {
            if let Pace::Stalled { .. } = m.on_bytes(t0 + ms(i * 100), 10) {
                stalled_at = Some(i);
                break;
            }
        }
        let step = stalled_at.expect("the trickle stalls");
        assert!((20..=24).contains(&step), "stalled at step {step}");
    }

    #[test]
    fn zero_means_silence_only_and_huge_chunks_saturate() {
        let rule = StallRule::new(0, Duration::from_secs(1));
        let t0 = Instant::now();
        let mut m = StallMeter::new(rule);
        for i in 0..100 {
            assert_eq!(m.on_bytes(t0 + ms(i * 900), 1), Pace::Flowing);
        }
        let mut big = StallMeter::new(StallRule::new(1, Duration::from_secs(1)));
        assert_eq!(big.on_bytes(t0, u64::MAX), Pace::Flowing);
        assert_eq!(big.deadline(), Some(t0 + Duration::from_secs(1)));
        assert_eq!(StallRule::new(5, Duration::ZERO).grace, ms(1));
    }
}

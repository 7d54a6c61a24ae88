//! The service's call limits per application key, as its gateway enforced them: a number of
//! calls per second and a number per day (both off unless configured,
//! [`crate::SandboxConfig::qps`] and [`crate::SandboxConfig::daily_limit`]).
//!
//! - The per-second limit is a sliding window over the sandbox clock: a request is let
//!   through when fewer than `qps` requests of its key were let through in the second before
//!   it (so a burst of `2 × qps` sees `qps` through and the rest refused, whenever it starts).
//! - The daily limit counts the requests let through in the current UTC day of the sandbox
//!   clock, so a test that moves the clock past midnight gets a fresh allowance at once.
//! - A refused request counts toward neither limit: the gateway turned it away.
//!
//! Only the keys this sandbox knows are counted (its OAuth2 client id and its SystemId), so a
//! client cannot grow the map by inventing keys; a request with an unknown key is refused by
//! the operation itself anyway.

use crate::clock::Clock;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One second, the per-second limit's window.
const WINDOW: Duration = Duration::from_secs(1);
/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// What the gateway decides for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let through.
    Allowed,
    /// Refused: over the per-second limit.
    OverQps,
    /// Refused: the day's calls are used up.
    OverDaily,
}

#[derive(Debug, Default)]
struct KeyUse {
    /// When the requests let through in the last second arrived, oldest first.
    window: VecDeque<Instant>,
    /// The UTC day (days since the epoch) `today` counts for.
    day: i64,
    /// Requests let through on `day`.
    today: u64,
}

/// The limits and what each key has used of them.
#[derive(Debug)]
pub struct CallLimits {
    qps: Option<u32>,
    daily: Option<u64>,
    clock: Arc<Clock>,
    keys: Mutex<HashMap<String, KeyUse>>,
}

impl CallLimits {
    /// Limits for the `known` keys (`None`: no limit of that kind).
    pub fn new(qps: Option<u32>, daily: Option<u64>, clock: Arc<Clock>, known: &[&str]) -> Self {
        let keys = known
            .iter()
            .map(|k| ((*k).to_owned(), KeyUse::default()))
            .collect();
        CallLimits {
            qps,
            daily,
            clock,
            keys: Mutex::new(keys),
        }
    }

    /// Whether any limit is configured (otherwise requests are not even looked at).
    pub fn enabled(&self) -> bool {
        self.qps.is_some() || self.daily.is_some()
    }

    /// Decides for one request made with `key`, counts it for the key, and hands the key and
    /// the verdict to `record` (the stats). Unknown keys (and `None`) are let through
    /// uncounted and unrecorded.
    pub fn check(&self, key: Option<&str>, record: impl FnOnce(&str, Verdict)) -> Verdict {
        let Some(key) = key.filter(|_| self.enabled()) else {
            return Verdict::Allowed;
        };
        let now = self.clock.now();
        let day = self.clock.now_millis().div_euclid(DAY_MS);
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let Some(used) = keys.get_mut(key) else {
            return Verdict::Allowed;
        };
        if used.day != day {
            used.day = day;
            used.today = 0;
        }
        while used
            .window
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            used.window.pop_front();
        }
        let verdict = if self.daily.is_some_and(|d| used.today >= d) {
            Verdict::OverDaily
        } else if self
            .qps
            .is_some_and(|q| used.window.len() >= usize::try_from(q).unwrap_or(usize::MAX))
        {
            Verdict::OverQps
        } else {
            used.today += 1;
            if self.qps.is_some() {
                used.window.push_back(now);
            }
            Verdict::Allowed
        };
        record(key, verdict);
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::StatsRecorder;

    fn limits(qps: Option<u32>, daily: Option<u64>) -> (CallLimits, Arc<Clock>, StatsRecorder) {
        let clock = Arc::new(Clock::default());
        (
            CallLimits::new(qps, daily, clock.clone(), &["app"]),
            clock,
            StatsRecorder::default(),
        )
    }

    #[test]
    fn the_window_slides_with_the_clock() {
        let (l, clock, stats) = limits(Some(3), None);
        let v: Vec<Verdict> = (0..5)
            .map(|_| l.check(Some("app"), |k, v| stats.limited(k, v)))
            .collect();
        assert_eq!(&v[..3], &[Verdict::Allowed; 3]);
        assert_eq!(&v[3..], &[Verdict::OverQps; 2]);
        clock.advance(WINDOW);
        assert_eq!(
            l.check(Some("app"), |k, v| stats.limited(k, v)),
            Verdict::Allowed
        );
        let s = stats.snapshot();
        let k = &s.app_keys["app"];
        assert_eq!(
            (k.allowed, k.throttled_per_second, k.refused_for_day),
            (4, 2, 0)
        );
        // Unknown keys and requests without one are not counted.
        assert_eq!(
            l.check(Some("other"), |k, v| stats.limited(k, v)),
            Verdict::Allowed
        );
        assert_eq!(l.check(None, |k, v| stats.limited(k, v)), Verdict::Allowed);
        assert_eq!(stats.snapshot().app_keys.len(), 1);
    }

    #[test]
    fn the_day_ends_at_utc_midnight_of_the_sandbox_clock() {
        let (l, clock, stats) = limits(None, Some(2));
        // A whole day ahead, whatever the time the test runs at.
        clock.advance_to_next_day();
        assert_eq!(
            l.check(Some("app"), |k, v| stats.limited(k, v)),
            Verdict::Allowed
        );
        assert_eq!(
            l.check(Some("app"), |k, v| stats.limited(k, v)),
            Verdict::Allowed
        );
        assert_eq!(
            l.check(Some("app"), |k, v| stats.limited(k, v)),
            Verdict::OverDaily
        );
        clock.advance_to_next_day();
        assert_eq!(
            l.check(Some("app"), |k, v| stats.limited(k, v)),
            Verdict::Allowed
        );
        assert_eq!(stats.snapshot().app_keys["app"].refused_for_day, 1);
    }

    #[test]
    fn off_means_nothing_is_counted() {
        let (l, _, stats) = limits(None, None);
        for _ in 0..10 {
            assert_eq!(
                l.check(Some("app"), |k, v| stats.limited(k, v)),
                Verdict::Allowed
            );
        }
        assert!(stats.snapshot().app_keys.is_empty());
    }
}

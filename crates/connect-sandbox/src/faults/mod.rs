//! Fault injection for client testing: which request fails, and how.
//!
//! Two sources decide. [`crate::SandboxConfig::fault_rate`] is the original seeded mix of
//! faults that strike before the request is read. [`FaultRule`]s, set at start or at any time
//! from the library or the control endpoint, pick a [`Fault`] for one operation (or every
//! one), each matching call with a probability `rate`, optionally only the next `times` calls.
//! Every random choice comes from the seed and a sequence number, so the same seed and the
//! same sequence of calls give the same faults.

mod effects;

pub use effects::{Tail, after, before, finish};

use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How a call fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Before the request is read: HTTP 503 with `Retry-After: 1`. Nothing was done.
    Unavailable,
    /// Before the request is read: an envelope with Status `Error` and `DependentServiceDown`.
    /// Nothing was done.
    ServiceDown,
    /// Before the request is read: the connection is closed without an answer. Nothing was done.
    DropBefore,
    /// After the handler ran and its effect is stored (a lightbox created, a token issued):
    /// the connection is closed without an answer. The client cannot know the work was done.
    DropAfter,
    /// The answer is sent after a delay of `millis` milliseconds (the work is done first).
    Slow {
        /// The delay.
        millis: u64,
    },
    /// The work is done, the status line, headers (with the full `Content-Length`) and half
    /// of the body are sent, then the connection is cut.
    CutMidBody,
    /// The work is done, the status line, headers and half of the body are sent, then the
    /// answer stalls for `millis` milliseconds with the connection open before the rest comes:
    /// a client caught in the middle of a download (to be killed, or to time out).
    StallMidBody {
        /// The stall.
        millis: u64,
    },
    /// Before the request is read: the gateway's per-second throttle (`403`,
    /// `X-Error-Detail: Account Over Queries Per Second Limit`), byte for byte as
    /// [`crate::SandboxConfig::qps`] answers it. Nothing was done.
    OverQps,
    /// Before the request is read: the gateway's daily limit (`403`,
    /// `X-Error-Detail: Account Over Rate Limit`). Nothing was done.
    OverDaily,
    /// For download URLs: the body comes at this steady pace, a twentieth of it every 50 ms:
    /// a slow line, not a stalled one. (Other answers are sent whole.)
    Trickle {
        /// Bytes per second.
        bytes_per_sec: u64,
    },
}

impl Fault {
    /// Whether the fault strikes before the request is read (nothing is done).
    pub fn before(self) -> bool {
        matches!(
            self,
            Fault::Unavailable
                | Fault::ServiceDown
                | Fault::DropBefore
                | Fault::OverQps
                | Fault::OverDaily
        )
    }

    /// The name used as the stats key.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Unavailable => "unavailable",
            Fault::ServiceDown => "service_down",
            Fault::DropBefore => "drop_before",
            Fault::DropAfter => "drop_after",
            Fault::Slow { .. } => "slow",
            Fault::CutMidBody => "cut_mid_body",
            Fault::StallMidBody { .. } => "stall_mid_body",
            Fault::OverQps => "over_qps",
            Fault::OverDaily => "over_daily",
            Fault::Trickle { .. } => "trickle",
        }
    }

    /// Half an answer, then a stall of `stall` before the rest.
    pub fn stall_mid_body(stall: Duration) -> Self {
        Fault::StallMidBody {
            millis: u64::try_from(stall.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// A download body sent at `bytes_per_sec`.
    pub fn trickle(bytes_per_sec: u64) -> Self {
        Fault::Trickle { bytes_per_sec }
    }

    /// A slow answer, delayed by `delay`.
    pub fn slow(delay: Duration) -> Self {
        Fault::Slow {
            millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// When a [`Fault`] strikes.
///
/// ```
/// use connect_sandbox::{Fault, FaultRule};
/// // The next CreateLightbox call creates its lightbox, then the connection dies.
/// let once = FaultRule::new(Fault::DropAfter).operation("CreateLightbox").times(1);
/// // One call in five, of any operation, answers 503.
/// let some = FaultRule::new(Fault::Unavailable).rate(0.2);
/// # let _ = (once, some);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// The fault.
    pub fault: Fault,
    /// The operation it applies to (its documented name, e.g. `CreateLightbox`;
    /// `oauth2/token` for the token endpoint, `download` for download URLs); `None`: every
    /// API call and token request.
    #[serde(default)]
    pub operation: Option<String>,
    /// Share of matching calls that fail, 0.0–1.0 (default 1.0: every one).
    #[serde(default = "one")]
    pub rate: f64,
    /// Strike at most this many times, then the rule stays inert (default: no limit).
    #[serde(default)]
    pub times: Option<u64>,
    /// Let this many matching calls go by untouched before striking (default 0): "the 13th
    /// download stalls".
    #[serde(default)]
    pub after: u64,
}

fn one() -> f64 {
    1.0
}

impl FaultRule {
    /// `fault` on every API call.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            operation: None,
            rate: 1.0,
            times: None,
            after: 0,
        }
    }
    /// Only for operation `name`.
    pub fn operation(mut self, name: impl Into<String>) -> Self {
        self.operation = Some(name.into());
        self
    }
    /// Only this share of matching calls (clamped to 0.0–1.0).
    pub fn rate(mut self, rate: f64) -> Self {
        self.rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }
    /// At most `n` times.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }
    /// Only after `n` matching calls went by untouched.
    pub fn after(mut self, n: u64) -> Self {
        self.after = n;
        self
    }

    fn matches(&self, operation: &str) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|o| o.eq_ignore_ascii_case(operation))
    }
}

#[derive(Debug)]
struct Armed {
    rule: FaultRule,
    struck: u64,
    /// Matching calls seen.
    seen: u64,
}

/// At most this many rules are kept (the oldest go first), so the control endpoint cannot
/// grow memory.
const MAX_RULES: usize = 64;

/// Decides which requests fail.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    rate: f64,
    counter: AtomicU64,
    rules: Mutex<Vec<Armed>>,
}

impl Faults {
    /// The seeded before-the-request mix at `rate` (0.0–1.0), plus `rules`.
    pub fn new(seed: u64, rate: f64, rules: Vec<FaultRule>) -> Self {
        let f = Faults {
            seed,
            rate,
            counter: AtomicU64::new(0),
            rules: Mutex::new(Vec::new()),
        };
        for r in rules {
            f.add(r);
        }
        f
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Armed>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a rule (checked after the ones already there).
    pub fn add(&self, rule: FaultRule) {
        let mut rules = self.lock();
        if rules.len() >= MAX_RULES {
            rules.remove(0);
        }
        rules.push(Armed {
            rule,
            struck: 0,
            seen: 0,
        });
    }

    /// Removes every rule (the configured `fault_rate` stays).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The rules and how often each struck.
    pub fn rules(&self) -> Vec<(FaultRule, u64)> {
        self.lock()
            .iter()
            .map(|a| (a.rule.clone(), a.struck))
            .collect()
    }

    /// The fault for the next call of `operation`, if any. Download URLs (`download`) are
    /// faulted only by rules, never by the `fault_rate` mix.
    pub fn next(&self, operation: &str) -> Option<Fault> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut r = Rng::new(self.seed ^ 0xFA17_FA17, n);
        if self.rate > 0.0 && operation != "download" && r.unit() < self.rate {
            return Some(match r.below(3) {
                0 => Fault::Unavailable,
                1 => Fault::ServiceDown,
                _ => Fault::DropBefore,
            });
        }
        let mut rules = self.lock();
        for a in rules.iter_mut() {
            if !a.rule.matches(operation) || a.rule.times.is_some_and(|t| a.struck >= t) {
                continue;
            }
            a.seen += 1;
            if a.seen <= a.rule.after {
                continue;
            }
            if a.rule.rate >= 1.0 || r.unit() < a.rule.rate {
                a.struck += 1;
                return Some(a.rule.fault);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_operation_and_run_out() {
        let f = Faults::new(
            1,
            0.0,
            vec![
                FaultRule::new(Fault::DropAfter)
                    .operation("CreateLightbox")
                    .times(2),
            ],
        );
        assert_eq!(f.next("SearchForImages"), None);
        assert_eq!(f.next("createlightbox"), Some(Fault::DropAfter));
        assert_eq!(f.next("CreateLightbox"), Some(Fault::DropAfter));
        assert_eq!(f.next("CreateLightbox"), None);
        assert_eq!(f.rules()[0].1, 2);
    }

    #[test]
    fn a_rule_can_wait_for_its_turn() {
        let f = Faults::new(
            1,
            0.0,
            vec![
                FaultRule::new(Fault::CutMidBody)
                    .operation("download")
                    .after(2)
                    .times(1),
            ],
        );
        let hits: Vec<bool> = (0..5).map(|_| f.next("download").is_some()).collect();
        assert_eq!(hits, [false, false, true, false, false]);
    }

    #[test]
    fn random_rules_are_seeded() {
        let run = |seed| {
            let f = Faults::new(seed, 0.0, vec![FaultRule::new(Fault::CutMidBody).rate(0.3)]);
            (0..200)
                .map(|_| f.next("GetLightbox").is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
        let hits = run(5).iter().filter(|h| **h).count();
        assert!((30..=90).contains(&hits), "{hits} of 200 at rate 0.3");
    }
}

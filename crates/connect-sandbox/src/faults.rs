//! Seeded fault injection for client testing: HTTP 503, `DependentServiceDown` envelopes and
//! dropped connections, in a mix decided by the seed and the request's sequence number.

use crate::rng::Rng;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fault to inject into one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer HTTP 503 with `Retry-After: 1`.
    Unavailable,
    /// Answer an envelope with Status "Error" and `DependentServiceDown`.
    ServiceDown,
    /// Close the connection without an answer.
    Drop,
}

/// Decides which requests fail.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    rate: f64,
    counter: AtomicU64,
}

impl Faults {
    /// Faults at `rate` (0.0–1.0), seeded.
    pub fn new(seed: u64, rate: f64) -> Self {
        Faults {
            seed,
            rate,
            counter: AtomicU64::new(0),
        }
    }

    /// The fault for the next request, if any.
    pub fn next(&self) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut r = Rng::new(self.seed ^ 0xFA17_FA17, n);
        if r.unit() >= self.rate {
            return None;
        }
        Some(match r.below(3) {
            0 => Fault::Unavailable,
            1 => Fault::ServiceDown,
            _ => Fault::Drop,
        })
    }
}

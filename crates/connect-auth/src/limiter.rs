//! [`RateLimiter`]: the client paces itself, so that a busy program stays under the service's
//! per-second limit instead of meeting it again and again.
//!
//! One limiter sits in the [`Core`](crate::exchange::Core), so every clone of a client and every task or
//! thread using it shares it. It is sans-IO like the rest of the core: before a request is sent,
//! [`Call`](crate::call::Call) asks [`RateLimiter::admit`], and when the request must wait its turn the
//! call answers [`Step::Wait`](crate::exchange::Step::Wait) with the deadline, as it does for a backoff.
//! The answers come back through [`RateLimiter::handle_passed`] and
//! [`RateLimiter::handle_throttled`].
//!
//! Two things set the pace, and the lower one wins:
//!
//! - a ceiling the user gives ([`RateLimit::max_per_second`]), kept always;
//! - the adaptive rate ([`RateLimit::adaptive`], on by default). It costs nothing until the
//!   service throttles: requests go out at once. On a per-second throttle it learns what the
//!   service allows (how many of its requests got through in the second before the refused
//!   one) and paces at a share ([`BETA`]) of that. From there the rate grows with the time
//!   since that slow-down along a cubic curve (as TCP CUBIC grows its window): quickly back
//!   towards what the service allowed, slowly around it, then faster past it while nothing is
//!   throttled, and never beyond twice what got through in the last second, so it rises only
//!   while requests succeed. Only a throttle of a request sent after the last slow-down slows
//!   it again, so one burst of refusals counts once.
//!
//! Requests are spaced evenly at the pace (no bursts), and no one-second window ever holds more
//! of the client's requests than the service was found to allow (or the ceiling): after a burst
//! the client waits until the window has moved past it, which is what the service's own window
//! does. Each waiting request holds a [`Ticket`] for its turn, and a slow-down re-issues the
//! tickets at the new pace.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The span the service's per-second limit counts over, and the limiter's measurements.
pub const WINDOW: Duration = Duration::from_secs(1);
/// The slowest pace, and the smallest ceiling accepted: one request every ten seconds.
pub const MIN_RATE: f64 = 0.1;
/// The share of the rate that got through which the pace drops to after a throttle.
pub const BETA: f64 = 0.95;
/// How fast the rate grows back (requests per second, per second cubed).
const CUBIC_C: f64 = 0.1;
/// Added to the wait for a full window to have room, for the trip to the service (requests
/// do not reach it in exactly the order and spacing they were sent).
const WINDOW_MARGIN: Duration = Duration::from_millis(10);
/// The most send times the measurement keeps (rates above this many per second are not paced
/// more finely).
const MAX_SAMPLES: usize = 4096;
/// The fastest pace computed; beyond it the limiter is as good as open.
const MAX_RATE: f64 = 1_000_000.0;

/// How a client paces itself. The default adapts to the service's throttle and has no ceiling.
///
/// ```
/// let limit = connect_auth::limiter::RateLimit { max_per_second: Some(20.0), ..Default::default() };
/// assert!(limit.adaptive);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimit {
    /// A ceiling in requests per second that the client never exceeds, over every request it
    /// sends to the API (token requests included). Default none; at least [`MIN_RATE`].
    pub max_per_second: Option<f64>,
    /// Slow down on each per-second throttle and speed up again as requests succeed (default
    /// on). It sends nothing later than it would without it until the service throttles.
    pub adaptive: bool,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max_per_second: None,
            adaptive: true,
        }
    }
}

impl RateLimit {
    /// Checks the ceiling: a finite number of at least [`MIN_RATE`].
    pub fn check(&self) -> Result<(), String> {
        match self.max_per_second {
            Some(r) if !(r.is_finite() && r >= MIN_RATE) => Err(format!(
                "the maximum requests per second must be a number of at least {MIN_RATE}, not {r}"
            )),
            _ => Ok(()),
        }
    }
}

/// A request's turn at the limiter, held while it waits. Only the limiter makes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    at: Instant,
    generation: u64,
    due: bool,
}

impl Ticket {
    /// When the turn comes.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// The driver slept until `now`: a turn whose time has come is taken even if the clock
    /// read at the next poll lags (a test's clock).
    pub fn handle_timeout(&mut self, now: Instant) {
        if now >= self.at {
            self.due = true;
        }
    }
}

/// What [`RateLimiter::admit`] says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Send now.
    Go,
    /// Wait until then (the ticket holds the turn), then ask again.
    Wait(Instant),
}

/// What the limiter is doing, for monitoring (`Client::pacing` in both clients).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PacingStatus {
    /// The pace now, in requests per second; `None` while requests go out unpaced.
    pub rate: Option<f64>,
    /// The user's ceiling, if any.
    pub max_per_second: Option<f64>,
    /// Per-second throttles the service answered.
    pub throttled: u64,
    /// Times the adaptive rate slowed down.
    pub slowdowns: u64,
    /// Requests that waited for their turn.
    pub held: u64,
}

/// The client's rate limiter (see the [module](self) documentation).
#[derive(Clone, Debug)]
pub struct RateLimiter {
    settings: RateLimit,
    /// Whether the adaptive rate is in force (after the first throttle).
    engaged: bool,
    /// The rate the service allowed when it last throttled, which the cubic curve returns to.
    w_max: f64,
    /// The pace when it last throttled: the estimate of `w_max` never goes above it.
    w_ceiling: f64,
    /// When the last slow-down happened (the curve's origin).
    epoch: Option<Instant>,
    /// When the request whose throttle caused the last slow-down was sent.
    trigger: Option<Instant>,
    /// The turn after the last one given.
    next_slot: Option<Instant>,
    /// Bumped on each throttle, so tickets given out at the old pace are given again.
    generation: u64,
    /// Send times of the requests sent within the last two windows and not known to have been
    /// throttled, oldest first: the client's own view of the service's window.
    sent: VecDeque<Instant>,
    /// Send times of the requests the service let through, within the last two windows,
    /// oldest first.
    passed: VecDeque<Instant>,
    throttled: u64,
    slowdowns: u64,
    held: u64,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(RateLimit::default())
    }
}

/// Inserts `t` in order (answers come back out of order) and keeps the log bounded.
fn insert_sorted(log: &mut VecDeque<Instant>, t: Instant) {
    let at = log.partition_point(|x| *x <= t);
    log.insert(at, t);
    if log.len() > MAX_SAMPLES {
        log.pop_front();
    }
}

/// Entries of `log` in the window ending at `end` (inclusive): their index range.
fn window_range(log: &VecDeque<Instant>, end: Instant) -> std::ops::Range<usize> {
    let upto = log.partition_point(|t| *t <= end);
    let from = end
        .checked_sub(WINDOW)
        .map_or(0, |start| log.partition_point(|t| *t <= start));
    from..upto.max(from)
}

impl RateLimiter {
    /// A limiter with these settings, open until a ceiling or a throttle says otherwise.
    pub fn new(settings: RateLimit) -> Self {
        Self {
            settings,
            engaged: false,
            w_max: 0.0,
            w_ceiling: f64::INFINITY,
            epoch: None,
            trigger: None,
            next_slot: None,
            generation: 0,
            sent: VecDeque::new(),
            passed: VecDeque::new(),
            throttled: 0,
            slowdowns: 0,
            held: 0,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &RateLimit {
        &self.settings
    }

    /// Drops send times older than two windows (a throttle answered late still finds the
    /// window its request met).
    fn prune(&mut self, now: Instant) {
        if let Some(cutoff) = now.checked_sub(WINDOW * 2) {
            for log in [&mut self.sent, &mut self.passed] {
                while log.front().is_some_and(|t| *t <= cutoff) {
                    log.pop_front();
                }
            }
        }
    }

    /// The adaptive rate at `now`, with `passed` requests through in the last window.
    fn adaptive_rate(&self, now: Instant, passed: usize) -> Option<f64> {
        if !self.engaged {
            return None;
        }
        let t = self
            .epoch
            .map_or(0.0, |e| now.saturating_duration_since(e).as_secs_f64());
        // The curve starts at BETA * w_max and is back at w_max after k seconds.
        let k = (self.w_max * (1.0 - BETA) / CUBIC_C).cbrt();
        let cubic = CUBIC_C * (t - k).powi(3) + self.w_max;
        #[allow(clippy::cast_precision_loss)]
        let shown = 2.0 * passed as f64;
        Some(
            cubic
                .min(shown.max(BETA * self.w_max))
                .clamp(MIN_RATE, MAX_RATE),
        )
    }

    /// The pace at `now` in requests per second, `None` when requests go out unpaced.
    pub fn rate(&mut self, now: Instant) -> Option<f64> {
        self.prune(now);
        let passed = window_range(&self.passed, now).len();
        let adaptive = self.adaptive_rate(now, passed);
        match (adaptive, self.settings.max_per_second) {
            (Some(a), Some(c)) => Some(a.min(c.max(MIN_RATE))),
            (a, c) => a.or(c.map(|c| c.max(MIN_RATE))),
        }
    }

    /// How many requests one window may hold: what the service was found to allow (or the
    /// pace, when it is probing above that), never more than the ceiling.
    fn window_allowance(&self, rate: f64) -> usize {
        let mut allowed = if self.engaged {
            rate.max(self.w_max)
        } else {
            rate
        };
        if let Some(cap) = self.settings.max_per_second {
            allowed = allowed.min(cap);
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let allowed = (allowed.floor() as usize).max(1);
        allowed
    }

    /// The earliest time from `t` on when fewer than [`Self::window_allowance`] of this
    /// client's requests fall within one window: no second ever holds more requests than that,
    /// whatever the order the turns were taken in.
    fn window_free_at(&self, t: Instant, rate: f64) -> Instant {
        let allowed = self.window_allowance(rate);
        let range = window_range(&self.sent, t);
        if range.len() < allowed {
            return t;
        }
        // Once the oldest `len - allowed + 1` of them have left the window, one more fits.
        let k = range.start + (range.len() - allowed);
        self.sent
            .get(k)
            .and_then(|e| e.checked_add(WINDOW + WINDOW_MARGIN))
            .map_or(t, |free| free.max(t))
    }

    /// Whether a request may be sent at `now`. `ticket` is the caller's turn from an earlier
    /// `Wait` (or `None`): a turn that has come is taken (when the window has room); one given
    /// out before the last throttle is given again at the current pace.
    pub fn admit(&mut self, now: Instant, ticket: &mut Option<Ticket>) -> Admission {
        let rate = self.rate(now);
        if let Some(t) = ticket.take() {
            if t.generation == self.generation {
                if !(t.due || now >= t.at) {
                    *ticket = Some(t);
                    return Admission::Wait(t.at);
                }
                // A due turn counts from its own time, so a clock that lags cannot hold it.
                let when = now.max(t.at);
                if rate.is_none_or(|r| self.window_free_at(when, r) <= when) {
                    insert_sorted(&mut self.sent, when);
                    return Admission::Go;
                }
            }
        }
        let mut at = now;
        match rate {
            Some(r) => {
                if let Some(next) = self.next_slot {
                    at = at.max(next);
                }
                at = self.window_free_at(at, r);
                // r >= MIN_RATE, so the interval is at most ten seconds.
                let interval = Duration::try_from_secs_f64(1.0 / r).unwrap_or(Duration::ZERO);
                self.next_slot = at.checked_add(interval);
            }
            None => self.next_slot = None,
        }
        if at <= now {
            insert_sorted(&mut self.sent, now);
            return Admission::Go;
        }
        self.held += 1;
        *ticket = Some(Ticket {
            at,
            generation: self.generation,
            due: false,
        });
        Admission::Wait(at)
    }

    /// The service let through a request sent at `sent_at` (any answer but a limit refusal).
    pub fn handle_passed(&mut self, now: Instant, sent_at: Instant) {
        insert_sorted(&mut self.passed, sent_at);
        self.prune(now);
        // An answer to a request of the burst that was throttled: it was in the service's
        // window too, so the estimate of what the service allows grows to include it.
        if let Some(trigger) = self.trigger {
            if self.engaged && sent_at <= trigger {
                #[allow(clippy::cast_precision_loss)]
                let through = window_range(&self.passed, trigger).len() as f64;
                self.w_max = self.w_max.max(through.min(self.w_ceiling));
            }
        }
    }

    /// A request admitted at `sent_at` was not sent after all (its token came from a cache):
    /// it leaves the client's window.
    pub fn handle_unsent(&mut self, sent_at: Instant) {
        let at = self.sent.partition_point(|t| *t < sent_at);
        if self.sent.get(at) == Some(&sent_at) {
            self.sent.remove(at);
        }
    }

    /// The service throttled a request sent at `sent_at` (the per-second limit). Returns
    /// whether the pace slowed down (it does once per burst of throttles: only for a request
    /// sent after the last slow-down).
    pub fn handle_throttled(&mut self, now: Instant, sent_at: Instant) -> bool {
        self.throttled += 1;
        // Turned away: not in the service's window.
        self.handle_unsent(sent_at);
        if !self.settings.adaptive {
            return false;
        }
        self.prune(now);
        // Tickets given at the old pace are given again at the new one.
        self.generation = self.generation.wrapping_add(1);
        self.next_slot = None;
        let fresh = self.epoch.is_none_or(|last| sent_at > last);
        if !fresh {
            return false;
        }
        // What the service let through in the window before the refused request (answers
        // still on their way add to it later, see handle_passed).
        let measured = window_range(&self.passed, sent_at).len();
        let current = self
            .adaptive_rate(now, window_range(&self.passed, now).len())
            .unwrap_or(f64::INFINITY);
        #[allow(clippy::cast_precision_loss)]
        let through = (measured as f64).max(1.0);
        self.w_ceiling = current;
        self.w_max = current.min(through).max(MIN_RATE);
        self.engaged = true;
        self.epoch = Some(now);
        self.trigger = Some(sent_at);
        self.slowdowns += 1;
        true
    }

    /// What the limiter is doing at `now`.
    pub fn status(&mut self, now: Instant) -> PacingStatus {
        PacingStatus {
            rate: self.rate(now),
            max_per_second: self.settings.max_per_second,
            throttled: self.throttled,
            slowdowns: self.slowdowns,
            held: self.held,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn open_until_a_throttle_and_then_paced() {
        let t0 = Instant::now();
        let mut l = RateLimiter::default();
        let mut ticket = None;
        for i in 0..100 {
            assert_eq!(l.admit(t0, &mut ticket), Admission::Go);
            l.handle_passed(t0 + ms(i / 10), t0);
        }
        assert_eq!(l.rate(t0), None);
        // 100 got through at t0; the 101st was throttled.
        assert!(l.handle_throttled(t0 + ms(10), t0 + ms(5)));
        let rate = l.rate(t0 + ms(10)).unwrap();
        assert!((rate - BETA * 100.0).abs() < 1e-6, "{rate}");
        // Nothing goes before the window has room again, then one every 1/rate.
        let Admission::Wait(first) = l.admit(t0 + ms(10), &mut ticket) else {
            panic!("must wait");
        };
        assert_eq!(first, t0 + WINDOW + WINDOW_MARGIN);
        let mut other = None;
        let Admission::Wait(second) = l.admit(t0 + ms(10), &mut other) else {
            panic!("must wait");
        };
        assert!(second > first);
        assert_eq!(l.admit(first, &mut ticket), Admission::Go);
        assert_eq!(l.admit(first, &mut other), Admission::Wait(second));
        assert_eq!(l.status(first).held, 2);
    }

    #[test]
    fn a_burst_of_throttles_slows_down_once() {
        let t0 = Instant::now();
        let mut l = RateLimiter::default();
        for _ in 0..50 {
            l.handle_passed(t0 + ms(1), t0);
        }
        assert!(l.handle_throttled(t0 + ms(2), t0));
        // Sent at the same time as the first: the same burst.
        for _ in 0..10 {
            assert!(!l.handle_throttled(t0 + ms(3), t0));
        }
        assert_eq!(l.status(t0 + ms(3)).slowdowns, 1);
        assert_eq!(l.status(t0 + ms(3)).throttled, 11);
        // Sent after the slow-down: slows down again.
        assert!(l.handle_throttled(t0 + ms(40), t0 + ms(30)));
    }

    #[test]
    fn a_throttle_reissues_waiting_tickets_at_the_new_pace() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(RateLimit {
            max_per_second: Some(100.0),
            adaptive: true,
        });
        let mut tickets: Vec<Option<Ticket>> = vec![None; 5];
        for t in &mut tickets {
            l.admit(t0, t);
        }
        // A throttle: the old turns are no longer good.
        for i in 0..40 {
            l.handle_passed(t0, t0 - ms(500) + ms(i));
        }
        l.handle_throttled(t0 + ms(1), t0 + ms(1));
        // A request arriving now takes the first turn at the new pace.
        let mut fresh = None;
        assert_eq!(l.admit(t0 + ms(1), &mut fresh), Admission::Go);
        let old = tickets[1].unwrap().at();
        match l.admit(old, &mut tickets[1]) {
            Admission::Wait(at) => assert!(at > old),
            Admission::Go => panic!("a ticket from before the throttle was honoured"),
        }
    }

    #[test]
    fn the_rate_grows_back_and_stays_under_twice_what_got_through() {
        let t0 = Instant::now();
        let mut l = RateLimiter::default();
        for i in 0..50 {
            l.handle_passed(t0, t0 - ms(900) + ms(i * 18));
        }
        l.handle_throttled(t0, t0);
        let start = l.rate(t0).unwrap();
        assert!((start - BETA * 50.0).abs() < 1e-6, "{start}");
        // Keep 40 a second passing: the rate approaches 50 and may not pass 80.
        let mut now = t0;
        let mut last = start;
        for step in 1..=100u64 {
            now = t0 + ms(step * 100);
            for _ in 0..4 {
                l.handle_passed(now, now);
            }
            let r = l.rate(now).unwrap();
            assert!(r >= last - 1e-9, "grows monotonically: {r} after {last}");
            assert!(r <= 80.0 + 1e-9, "{r}");
            last = r;
        }
        let r = l.rate(t0 + ms(3000)).unwrap();
        assert!(r > 45.0, "{r}");
        // Idle for a while: no growth beyond what passed.
        let idle = now + Duration::from_secs(30);
        assert!(l.rate(idle).unwrap() <= 50.0);
    }

    #[test]
    fn no_window_holds_more_than_the_service_allowed() {
        let t0 = Instant::now();
        let mut l = RateLimiter::default();
        // Sixty requests went out at once; fifty got through, the first refusal came back.
        let mut ticket = None;
        for _ in 0..60 {
            assert_eq!(l.admit(t0, &mut ticket), Admission::Go);
        }
        for _ in 0..50 {
            l.handle_passed(t0 + ms(2), t0);
        }
        assert!(l.handle_throttled(t0 + ms(2), t0 + ms(1)));
        for _ in 0..9 {
            l.handle_throttled(t0 + ms(2), t0);
        }
        // Fifty are in the window until it moves past them: nothing goes before.
        let mut next = None;
        let Admission::Wait(at) = l.admit(t0 + ms(3), &mut next) else {
            panic!("must wait");
        };
        assert!(at >= t0 + WINDOW, "{at:?}");
    }

    #[test]
    fn the_ceiling_holds_without_any_throttle() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(RateLimit {
            max_per_second: Some(4.0),
            adaptive: false,
        });
        let mut turns = Vec::new();
        for _ in 0..8 {
            let mut t = None;
            turns.push(match l.admit(t0, &mut t) {
                Admission::Go => t0,
                Admission::Wait(at) => at,
            });
        }
        for pair in turns.windows(2) {
            assert_eq!(pair[1] - pair[0], ms(250));
        }
        // Not adaptive: a throttle changes nothing.
        assert!(!l.handle_throttled(t0, t0));
        assert_eq!(l.rate(t0), Some(4.0));
        assert!(
            RateLimit {
                max_per_second: Some(0.0),
                adaptive: true
            }
            .check()
            .is_err()
        );
        assert!(
            RateLimit {
                max_per_second: Some(f64::NAN),
                adaptive: true
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn a_lagging_clock_cannot_hold_a_due_ticket() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(RateLimit {
            max_per_second: Some(1.0),
            adaptive: true,
        });
        let mut first = None;
        assert_eq!(l.admit(t0, &mut first), Admission::Go);
        let mut t = None;
        let Admission::Wait(at) = l.admit(t0, &mut t) else {
            panic!("must wait");
        };
        t.as_mut().unwrap().handle_timeout(at);
        assert_eq!(l.admit(t0, &mut t), Admission::Go);
    }
}

//! The service's call limits, met by real `Call`s under simulated time: a gateway with a
//! sliding one-second window per key, many calls at once sharing one core (as the clones and
//! tasks of one client do), the per-second throttle retried, the daily limit never, the
//! retry budget, and the rate limiter keeping the throttles rare.

use crate::fake::{ok_envelope, respond};
use connect_auth::{
    Call, CallOptions, Core, Credentials, Endpoints, ErrorKind, Outcome, RateLimit, RateLimitScope,
    RetryBudget, RetryPolicy, Step,
};
use connect_types::ops::{CreateLightboxRequest, SearchForImagesRequest};
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

fn over(detail: &str) -> Outcome {
    Outcome::Response(
        http::Response::builder()
            .status(403)
            .header("X-Error-Detail", detail)
            .body(format!(r#"{{"message": "{detail}"}}"#).into_bytes())
            .unwrap(),
    )
}

fn over_qps() -> Outcome {
    over("Account Over Queries Per Second Limit")
}

fn search_ok() -> Outcome {
    respond(
        200,
        ok_envelope(
            "SearchForImagesResult",
            r#"{"ItemTotalCount":0,"Images":[]}"#,
        ),
    )
}

fn core(policy: RetryPolicy, limit: RateLimit) -> Core {
    Core::with_settings(
        connect_auth::TokenMachine::new(
            Credentials::access_token("tok", None),
            connect_auth::AuthConfig::default(),
        ),
        Endpoints::new("https://api.example").unwrap(),
        policy,
        limit,
    )
}

/// A gateway enforcing `qps` per sliding second.
struct Gateway {
    qps: usize,
    window: VecDeque<Instant>,
    allowed: u64,
    throttled: u64,
}

impl Gateway {
    fn answer(&mut self, at: Instant) -> Outcome {
        while self
            .window
            .front()
            .is_some_and(|t| at.duration_since(*t) >= Duration::from_secs(1))
        {
            self.window.pop_front();
        }
        if self.window.len() < self.qps {
            self.window.push_back(at);

            self.allowed += 1;
            search_ok()
        } else {
            self.throttled += 1;
            over_qps()
        }
    }
}

struct Figures {
    elapsed: Duration,
    ok: u64,
    failed: u64,
    throttled: u64,
    allowed: u64,
}

/// What happens next to a caller.
enum Event {
    /// It polls its call.
    Poll,
    /// Its request reaches the gateway.
    Arrive,
    /// The answer reaches it.
    Answer(Outcome),
}

/// `workers` callers share one core and make `calls` searches between them against a
/// gateway of `qps`; the network takes between `one_way` and three times that each way
/// (seeded, so the run is the same every time).
fn simulate(workers: usize, calls: u64, qps: usize, one_way: Duration) -> Figures {
    let t0 = Instant::now();
    let mut core = core(RetryPolicy::default(), RateLimit::default());
    let mut gateway = Gateway {
        qps,
        window: VecDeque::new(),
        allowed: 0,
        throttled: 0,
    };
    let request = SearchForImagesRequest::phrase("sim");
    let mut events: BTreeMap<(Instant, u64), (usize, Event)> = BTreeMap::new();
    let mut jitter = connect_auth::SplitMix64::new(5);
    let mut trip = move || one_way.mul_f64(1.0 + 2.0 * jitter.next_f64());
    let mut seq = 0u64;
    let mut started = 0u64;
    let mut calls_of: Vec<Option<Call<SearchForImagesRequest>>> =
        (0..workers).map(|_| None).collect();
    for w in 0..workers {
        events.insert((t0, seq), (w, Event::Poll));
        seq += 1;
    }
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut end = t0;
    while let Some(((now, _), (w, event))) = events.pop_first() {
        seq += 1;
        let answer = match event {
            Event::Arrive => {
                let outcome = gateway.answer(now);
                events.insert((now + trip(), seq), (w, Event::Answer(outcome)));
                continue;
            }
            Event::Answer(outcome) => Some(outcome),
            Event::Poll => None,
        };
        if calls_of[w].is_none() {
            if started == calls {
                continue;
            }
            started += 1;
            calls_of[w] = Some(Call::new(&request, CallOptions::default(), started));
        }
        let call = calls_of[w].as_mut().unwrap();
        if let Some(outcome) = answer {
            call.handle_outcome(&mut core, now, outcome);
        } else {
            call.handle_timeout(now);
        }
        match call.poll_step(&mut core, now) {
            Step::Send(_) => {
                events.insert((now + trip(), seq), (w, Event::Arrive));
            }
            Step::Wait(until) => {
                events.insert((until.max(now), seq), (w, Event::Poll));
            }
            Step::WaitForToken => panic!("a fixed token is never waited for"),
            Step::Done(r) => {
                match r {
                    Ok(_) => ok += 1,
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
                        failed += 1;
                    }
                }
                end = end.max(now);
                calls_of[w] = None;
                events.insert((now, seq), (w, Event::Poll));
            }
        }
    }
    Figures {
        elapsed: end - t0,
        ok,
        failed,
        throttled: gateway.throttled,
        allowed: gateway.allowed,
    }
}

#[test]
fn many_callers_on_one_core_stay_near_the_limit_with_few_throttles() {
    for (workers, one_way) in [(64, 1), (16, 1), (64, 5), (16, 20)] {
        let one_way = Duration::from_millis(one_way);
        let f = simulate(workers, 3_000, 50, one_way);
        let ideal = Duration::from_secs(60);
        let throttled_share = f.throttled as f64 / (f.allowed + f.throttled) as f64;
        eprintln!(
            "{workers} callers, {one_way:?}+: {} ok, {} failed, {:?} ({:.3}x ideal), {} throttled ({:.2}%)",
            f.ok,
            f.failed,
            f.elapsed,
            f.elapsed.as_secs_f64() / ideal.as_secs_f64(),
            f.throttled,
            throttled_share * 100.0
        );
        assert_eq!(f.ok, 3_000, "every call succeeds");
        assert_eq!(f.failed, 0);
        assert!(
            f.elapsed.as_secs_f64() <= ideal.as_secs_f64() * 1.10,
            "{workers}: {:?}",
            f.elapsed
        );
        assert!(throttled_share < 0.05, "{workers}: {throttled_share}");
    }
}

#[test]
fn a_throttled_create_is_sent_again_and_the_daily_limit_never() {
    let t0 = Instant::now();
    let mut core = core(RetryPolicy::default(), RateLimit::default());
    // CreateLightbox is not idempotent, yet a per-second throttle did nothing: sent again.
    let mut call = Call::new(
        &CreateLightboxRequest::named("x"),
        CallOptions::default(),
        3,
    );
    let mut now = t0;
    let mut sent = 0;
    let result = loop {
        match call.poll_step(&mut core, now) {
            Step::Send(_) => {
                sent += 1;
                let outcome = if sent == 1 {
                    over_qps()
                } else {
                    respond(
                        200,
                        ok_envelope("CreateLightboxResult", r#"{"LightboxId":7}"#),
                    )
                };
                call.handle_outcome(&mut core, now, outcome);
            }
            Step::Wait(until) => now = until,
            Step::Done(r) => break r,
            Step::WaitForToken => unreachable!(),
        }
    };
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sent, 2);
    assert_eq!(core.limiter.status(now).throttled, 1);

    // The daily limit: one request, a typed error, no retry.
    let mut call = Call::new(
        &SearchForImagesRequest::phrase("x"),
        CallOptions::default(),
        4,
    );
    let mut sent = 0;
    let e = loop {
        match call.poll_step(&mut core, now) {
            Step::Send(_) => {
                sent += 1;
                call.handle_outcome(&mut core, now, over("Account Over Rate Limit"));
            }
            Step::Wait(until) => now = until,
            Step::Done(r) => break r.unwrap_err(),
            Step::WaitForToken => unreachable!(),
        }
    };
    assert_eq!(sent, 1);
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.rate_limit(), Some(RateLimitScope::Daily));
    assert!(e.is_daily_limit());
    assert!(e.to_string().contains("daily call limit is used up"), "{e}");
    assert!(!e.hint().contains("overloaded"), "{}", e.hint());
}

#[test]
fn the_retry_budget_runs_out_across_calls_and_comes_back_with_successes() {
    let t0 = Instant::now();
    let policy = RetryPolicy {
        budget: Some(RetryBudget {
            capacity: 10,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 5,
        }),
        ..RetryPolicy::default()
    };
    let mut core = core(policy, RateLimit::default());
    let mut now = t0;
    let run = |core: &mut Core, now: &mut Instant, answer: &dyn Fn() -> Outcome| {
        let mut call = Call::new(
            &SearchForImagesRequest::phrase("x"),
            CallOptions::default(),
            9,
        );
        let mut sent = 0;
        loop {
            match call.poll_step(core, *now) {
                Step::Send(_) => {
                    sent += 1;
                    call.handle_outcome(core, *now, answer());
                }
                Step::Wait(until) => *now = until,
                Step::Done(r) => return (r.is_ok(), sent),
                Step::WaitForToken => unreachable!(),
            }
        }
    };
    let down = || respond(503, b"down".to_vec());
    // The first call spends the whole budget on its two retries; the next one is not retried.
    assert_eq!(run(&mut core, &mut now, &down), (false, 3));
    assert_eq!(run(&mut core, &mut now, &down), (false, 1));
    assert_eq!(core.budget.available(), Some(0));
    // A success pays for one retry again.
    assert_eq!(run(&mut core, &mut now, &search_ok), (true, 1));
    assert_eq!(run(&mut core, &mut now, &down), (false, 2));
}

//! Tokens that outlive a process: machines sharing one cache (as processes do through a file),
//! under a fake clock and the scripted fake server.

use crate::fake::*;
use connect_auth::token::{CacheKey, CacheWrite, Grant, SavedTokens, TokenEvent};
use connect_auth::{Call, CallOptions, Core, Credentials, ErrorKind, Step};
use std::time::{Duration, Instant, SystemTime};

fn find() -> Find {
    Find {
        phrase: "tree".into(),
    }
}

fn alice() -> Credentials {
    Credentials::resource_owner("id", "secret", "alice", "pw")
}

/// A core whose tokens are saved under their key at `https://api.example`.
fn keyed(credentials: Credentials) -> Core {
    let key = CacheKey::for_credentials(&credentials, "https://api.example");
    let mut core = core(credentials);
    core.tokens.set_cache_key(key);
    core
}

/// One process's view of time: its own monotonic clock, the wall clock every process shares.
#[derive(Clone, Copy)]
struct Clocks {
    now: Instant,
    wall: SystemTime,
}

impl Clocks {
    fn new() -> Self {
        Self {
            now: Instant::now(),
            wall: SystemTime::now(),
        }
    }
    fn advance(&mut self, by: Duration) {
        self.now += by;
        self.wall += by;
    }
}

/// A shared cache entry, as a file holds it, and what was written to it.
#[derive(Default)]
struct Cache {
    entry: Option<SavedTokens>,
    writes: Vec<&'static str>,
}

impl Cache {
    fn apply(&mut self, core: &mut Core, c: Clocks) {
        while let Some(event) = core.tokens.poll_event(c.now, c.wall) {
            let name = match &event {
                TokenEvent::Issued(_) => "issued",
                TokenEvent::Renewed(_) => "renewed",
                TokenEvent::Refused(_) => "refused",
                TokenEvent::Dropped(_) => "dropped",
                _ => "signed out",
            };
            match event.cache_write(self.entry.as_ref()) {
                CacheWrite::Store(s) => {
                    self.entry = Some(s);
                    self.writes.push(name);
                }
                CacheWrite::Clear => {
                    self.entry = None;
                    self.writes.push(name);
                }
                CacheWrite::Keep => {}
            }
        }
    }
}

/// Runs one call the way a client with a cache does: before each token request it looks in
/// the cache, and after every answer it persists what changed.
fn run_cached(
    core: &mut Core,
    fake: &mut Fake,
    cache: &mut Cache,
    c: &mut Clocks,
) -> Result<u32, connect_auth::Error> {
    let mut call = Call::new(&find(), CallOptions::default(), 7);
    for _ in 0..50 {
        match call.poll_step(core, c.now) {
            Step::Send(out) => {
                if matches!(out.purpose, connect_auth::Purpose::Auth { .. })
                    && call.handle_cached(core, c.now, c.wall, cache.entry.as_ref())
                {
                    continue;
                }
                fake.now = c.now;
                let outcome = fake.serve(out.request, out.purpose);
                call.handle_outcome(core, c.now, outcome);
                cache.apply(core, *c);
            }
            Step::Wait(until) => c.advance(until.saturating_duration_since(c.now)),
            Step::WaitForToken => panic!("a lone call never waits"),
            Step::Done(r) => return r.map(|_| call.token_requests()),
        }
    }
    panic!("the call did not finish in 50 steps");
}

#[test]
fn a_second_process_uses_the_first_ones_tokens() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    let mut first = keyed(alice());
    assert_eq!(
        run_cached(&mut first, &mut fake, &mut cache, &mut clocks).unwrap(),
        1
    );
    assert_eq!(cache.writes, ["issued"]);
    let saved = cache.entry.clone().unwrap();
    assert_eq!(saved.grant, Grant::Password);
    assert_eq!(saved.refresh_token.as_ref().unwrap().expose(), "r1");
    assert_eq!(saved.expires_in, Some(Duration::from_secs(1800)));

    // Another process, a minute later, on a clock of its own.
    clocks.advance(mins(1));
    let mut later = Clocks {
        now: Instant::now() + mins(5),
        wall: clocks.wall,
    };
    let mut second = keyed(alice());
    let requests = run_cached(&mut second, &mut fake, &mut cache, &mut later).unwrap();
    assert_eq!(requests, 0, "the withdrawn request does not count");
    assert_eq!(fake.grants(), [Grant::Password], "one sign-in between them");
    assert_eq!(fake.calls()[1].1.as_deref(), Some("t1"));
    assert_eq!(second.tokens.grants_sent(), 0);
    // It renews on the first one's schedule (27 minutes after the sign-in), not its own.
    assert_eq!(second.tokens.poll_timeout(), Some(later.now + mins(26)));
}

#[test]
fn after_expiry_the_next_process_renews_with_the_refresh_token() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    run_cached(&mut keyed(alice()), &mut fake, &mut cache, &mut clocks).unwrap();
    clocks.advance(mins(45));
    let mut next = keyed(alice());
    run_cached(&mut next, &mut fake, &mut cache, &mut clocks).unwrap();
    assert_eq!(fake.grants(), [Grant::Password, Grant::RefreshToken]);
    assert_eq!(cache.writes, ["issued", "renewed"]);
    assert_eq!(cache.entry.as_ref().unwrap().grant, Grant::RefreshToken);
    assert_eq!(fake.calls().last().unwrap().1.as_deref(), Some("t2"));
}

#[test]
fn a_revoked_cached_token_costs_one_renewal_and_never_a_loop() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    run_cached(&mut keyed(alice()), &mut fake, &mut cache, &mut clocks).unwrap();
    // The server forgets every token (a restart, a revocation); the refresh token too.
    fake.valid.clear();
    fake.refuse_refresh = true;
    let mut next = keyed(alice());
    run_cached(&mut next, &mut fake, &mut cache, &mut clocks).unwrap();
    assert_eq!(
        fake.grants(),
        [Grant::Password, Grant::RefreshToken, Grant::Password],
        "one refused renewal, then one sign-in"
    );
    assert_eq!(fake.calls().len(), 3, "the refused call, and its one retry");
    assert_eq!(cache.writes, ["issued", "refused", "dropped", "issued"]);
    let saved = cache.entry.as_ref().unwrap();
    assert!(!saved.refused && saved.grant == Grant::Password);
    // The next process uses the new set at once.
    run_cached(&mut keyed(alice()), &mut fake, &mut cache, &mut clocks).unwrap();
    assert_eq!(fake.grants().len(), 3);
}

#[test]
fn another_keys_tokens_are_never_taken() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    run_cached(&mut keyed(alice()), &mut fake, &mut cache, &mut clocks).unwrap();
    let alices = cache.entry.clone().unwrap();
    let others = [
        Credentials::resource_owner("id", "secret", "bob", "pw"),
        Credentials::resource_owner("other-app", "secret", "alice", "pw"),
        Credentials::client_credentials("id", "secret"),
        Credentials::session("id", "syspw", "alice", "pw"),
    ];
    for creds in others {
        let mut core = keyed(creds);
        let e = core
            .tokens
            .restore(clocks.now, clocks.wall, &alices)
            .unwrap_err();
        assert!(e.to_string().contains("belong to alice"), "{e}");
        assert!(!e.to_string().contains("t1"), "{e}");
        let mut own = Cache {
            entry: Some(alices.clone()),
            ..Cache::default()
        };
        run_cached(&mut core, &mut fake, &mut own, &mut clocks).unwrap();
        assert_ne!(fake.calls().last().unwrap().1.as_deref(), Some("t1"));
    }
    // Another service: the same credentials at another base URL.
    let mut elsewhere = core(alice());
    elsewhere.tokens.set_cache_key(CacheKey::for_credentials(
        &alice(),
        "https://sandbox.example",
    ));
    assert!(
        elsewhere
            .tokens
            .restore(clocks.now, clocks.wall, &alices)
            .is_err()
    );
    // Credentials whose tokens are not cached take nothing.
    let mut refresh = core(Credentials::refresh_token("id", "secret", "r1"));
    refresh.tokens.set_cache_key(None);
    assert_eq!(
        refresh
            .tokens
            .restore(clocks.now, clocks.wall, &alices)
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
}

#[test]
fn restored_tokens_are_judged_by_their_own_age() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    run_cached(&mut keyed(alice()), &mut fake, &mut cache, &mut clocks).unwrap();
    let mut saved = cache.entry.clone().unwrap();

    // Restored 10 minutes on: used as it is.
    clocks.advance(mins(10));
    let mut core = keyed(alice());
    core.tokens
        .restore(clocks.now, clocks.wall, &saved)
        .unwrap();
    assert!(core.tokens.has_token());
    assert_eq!(core.tokens.poll_timeout(), Some(clocks.now + mins(17)));

    // Stamped in the future (a clock set back since): renewed before use.
    saved.acquired_at = clocks.wall + mins(60);
    let mut core = keyed(alice());
    core.tokens
        .restore(clocks.now, clocks.wall, &saved)
        .unwrap();
    assert!(!core.tokens.has_token());
    let mut none = Cache::default();
    run_cached(&mut core, &mut fake, &mut none, &mut clocks).unwrap();
    assert_eq!(fake.grants(), [Grant::Password, Grant::RefreshToken]);
}

#[test]
fn the_set_being_replaced_or_an_older_one_is_not_taken_back() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    let mut core = keyed(alice());
    run_cached(&mut core, &mut fake, &mut cache, &mut clocks).unwrap();
    let first = cache.entry.clone().unwrap();
    // Renewal is due: the cache still holds the very set being renewed, so the renewal goes.
    clocks.advance(mins(28));
    run_cached(&mut core, &mut fake, &mut cache, &mut clocks).unwrap();
    assert_eq!(fake.grants(), [Grant::Password, Grant::RefreshToken]);
    // Due again; someone wrote the older set back: it is not taken either.
    clocks.advance(mins(28));
    cache.entry = Some(first);
    run_cached(&mut core, &mut fake, &mut cache, &mut clocks).unwrap();
    assert_eq!(fake.grants().len(), 3);
}

#[test]
fn events_report_each_change_and_sign_out_clears() {
    let mut fake = Fake::new(1800);
    let mut cache = Cache::default();
    let mut clocks = Clocks::new();
    let mut core = keyed(alice());
    run_cached(&mut core, &mut fake, &mut cache, &mut clocks).unwrap();
    core.tokens.sign_out();
    let event = core.tokens.poll_event(clocks.now, clocks.wall).unwrap();
    assert!(matches!(event, TokenEvent::SignedOut));
    assert!(matches!(
        event.cache_write(cache.entry.as_ref()),
        CacheWrite::Clear
    ));
    assert!(!core.tokens.has_token());
    // Signed out, the next call signs in with the password again.
    let mut empty = Cache::default();
    run_cached(&mut core, &mut fake, &mut empty, &mut clocks).unwrap();
    assert_eq!(fake.grants(), [Grant::Password, Grant::Password]);
    let saved = empty.entry.unwrap();
    let shown = format!("{saved:?} {:?}", TokenEvent::Issued(saved.clone()));
    assert!(!shown.contains("t2") && !shown.contains("r1"), "{shown}");

    // Without a key nothing is reported.
    let mut unkeyed = crate::fake::core(alice());
    let mut now = clocks.now;
    run(&mut unkeyed, &mut fake, &mut now, &find()).unwrap();
    assert!(unkeyed.tokens.poll_event(now, clocks.wall).is_none());
}

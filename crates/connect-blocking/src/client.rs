//! [`Client`]: runs calls through the sans-IO core, one lock around the token state.

use crate::token_cache::{CacheLock, TokenCache};
use crate::transport::{Body, Transport};
use connect_auth::config::Clock;
use connect_auth::driver::{
    CallSeeds, MAX_RESPONSE_BYTES, TOKEN_WAIT_SAFETY, answer_capacity, answer_outcome,
};
use connect_auth::token::{CacheKey, CacheWrite, TokenEvent};
use connect_auth::{Call, CallOptions, Core, Error, Exchange, Outcome, Purpose, Step};
use connect_cache::{Attached, Before};
use connect_types::{Operation, Response};
use std::fmt;
use std::io::Read;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};
use tracing::field::Empty;

/// A blocking Connect client. Cheap to clone (the clones share tokens and connections), and
/// `Send + Sync`: threads can share one client, and when a token must be acquired or renewed
/// exactly one of them sends the token request while the others wait for it.
///
/// The "search and download" example:
///
/// ```no_run
/// use connect_blocking::{Client, ops::SearchForImagesRequest};
/// let client = Client::from_env()?;
/// let found = client.search_images(&SearchForImagesRequest::phrase("tree").count(1))?;
/// let id = found.result.images[0].image_id.clone().unwrap_or_default();
/// client.download_largest(&id)?.on_progress(|p| eprintln!("{} bytes", p.bytes)).to_file("tree.jpg")?;
/// # Ok::<(), connect_blocking::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<Shared>,
    /// Signalled each time a token request is answered (or abandoned).
    token_ready: Condvar,
    transport: Arc<dyn Transport>,
    seeds: CallSeeds,
    /// Token lifetimes are read from it (the system clock when `None`).
    clock: Option<Clock>,
    /// Where tokens are kept between token requests (and, for a file, between processes).
    cache: Attached<dyn TokenCache>,
}

struct Shared {
    core: Core,
    /// Bumped when a token request is answered, so waiters know whether they missed it.
    token_generation: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("token_cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_parts(
        core: Core,
        transport: Arc<dyn Transport>,
        clock: Option<Clock>,
        cache: Arc<dyn TokenCache>,
    ) -> Self {
        let cache = Attached::new(cache, core.tokens.cache_key().cloned());
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(Shared {
                    core,
                    token_generation: 0,
                }),
                token_ready: Condvar::new(),
                transport,
                seeds: CallSeeds::new(),
                clock,
                cache,
            }),
        }
    }

    /// Whose tokens this client holds, as its token cache knows them (`None` for credentials
    /// whose tokens are not cached: an access token or a refresh token passed in).
    pub fn token_cache_key(&self) -> Option<&CacheKey> {
        self.inner.cache.key.as_ref()
    }

    /// Forgets the tokens this client holds and removes them from its token cache (for a file
    /// cache: the file, so later runs sign in again); returns whether the cache held any. Sends
    /// nothing: the API has no call that revokes a token.
    pub fn sign_out(&self) -> std::io::Result<bool> {
        {
            let mut shared = self.lock();
            shared.core.tokens.sign_out();
            let (now, wall) = (self.now(), SystemTime::now());
            while shared.core.tokens.poll_event(now, wall).is_some() {}
        }
        let Some(key) = &self.inner.cache.key else {
            return Ok(false);
        };
        let _held = self.inner.cache.cache.lock(key)?;
        self.inner.cache.cache.clear(key)
    }

    /// Before a token request: takes the cache's lock for this key, reads the entry again and
    /// offers it to the core, which takes it when another process signed in meanwhile.
    fn before_token_request<X: Exchange>(&self, call: &mut X) -> Before {
        let attached = &self.inner.cache;
        let Some(key) = &attached.key else {
            return Before::Send(None);
        };
        let held = attached.cache.lock(key).map_err(|e| attached.failed(&e));
        let saved = attached.cache.load(key).map_err(|e| attached.failed(&e));
        let saved = saved.ok().flatten();
        let mut shared = self.lock();
        let taken = call.handle_cached(
            &mut shared.core,
            self.now(),
            SystemTime::now(),
            saved.as_ref(),
        );
        let held = held.ok();
        if !taken {
            return Before::Send(held);
        }
        shared.token_generation = shared.token_generation.wrapping_add(1);
        drop(shared);
        self.inner.token_ready.notify_all();
        Before::Taken
    }

    /// Writes what changed to the cache, under its lock (`held`, or taken here).
    fn persist(&self, events: Vec<TokenEvent>, held: Option<CacheLock>) {
        let Some(key) = &self.inner.cache.key else {
            return;
        };
        let cache = &self.inner.cache.cache;
        let _held = held.or_else(|| cache.lock(key).ok());
        let written = match TokenEvent::settle(events, cache.load(key).ok().flatten()) {
            CacheWrite::Store(s) => cache.store(key, &s),
            CacheWrite::Clear => cache.clear(key).map(drop),
            CacheWrite::Keep => Ok(()),
        };
        if let Err(e) = written {
            self.inner.cache.failed(&e);
        }
    }

    /// Now, by the configured clock.
    pub(crate) fn now(&self) -> Instant {
        self.inner
            .clock
            .as_ref()
            .map_or_else(Instant::now, Clock::now)
    }

    pub(crate) fn next_seed(&self) -> u64 {
        self.inner.seeds.next()
    }

    /// The oEmbed request for `r`, routed by the core's endpoints.
    pub(crate) fn oembed_request(
        &self,
        r: &connect_types::ops::OEmbedRequest,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        connect_auth::oembed::request(&self.lock().core.endpoints, r)
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        self.inner.transport.as_ref()
    }

    /// Whether download URLs may be plain HTTP (the base URL is).
    pub(crate) fn downloads_allow_http(&self) -> bool {
        connect_auth::download::allows_http(&self.lock().core.endpoints)
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A panic elsewhere while holding the lock leaves the core consistent (it is only ever
        // changed by whole method calls), so keep going.
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// What the client's rate limiter is doing: its pace (if it paces), the ceiling, and how
    /// many throttles, slow-downs and waits there were. Every clone of this client, and every
    /// thread using one, shares the limiter.
    ///
    /// ```no_run
    /// let client = connect_blocking::Client::from_env()?;
    /// let pacing = client.pacing();
    /// println!("{:?} requests/s, {} throttled", pacing.rate, pacing.throttled);
    /// # Ok::<(), connect_blocking::Error>(())
    /// ```
    pub fn pacing(&self) -> connect_auth::PacingStatus {
        let now = self.now();
        self.lock().core.limiter.status(now)
    }

    /// Runs any operation with default options.
    pub fn execute<O: Operation>(&self, op: &O) -> Result<Response<O::Result>, Error> {
        self.execute_with(op, CallOptions::default())
    }

    /// Runs any operation: acquires or renews tokens as needed, routes it, retries transient
    /// failures, and returns the typed result with the response header (warnings and
    /// coordination id).
    pub fn execute_with<O: Operation>(
        &self,
        op: &O,
        options: CallOptions,
    ) -> Result<Response<O::Result>, Error> {
        self.drive(Call::new(op, options, self.inner.seeds.next()))
    }

    /// Runs an exchange (an operation's call, or a SingleStepDownload) to its end.
    pub(crate) fn drive<X: Exchange>(&self, mut call: X) -> Result<Response<X::Output>, Error> {
        let span = tracing::info_span!(
            "connect_call",
            operation = call.operation(),
            coordination_id = call.coordination_id(),
            attempt = Empty,
            status = Empty,
        );
        let _entered = span.enter();
        loop {
            let (step, generation) = {
                let mut shared = self.lock();
                let step = call.poll_step(&mut shared.core, self.now());
                (step, shared.token_generation)
            };
            match step {
                Step::Send(out) => {
                    let purpose = out.purpose;
                    let auth = matches!(purpose, Purpose::Auth { .. });
                    let held = match auth.then(|| self.before_token_request(&mut call)) {
                        Some(Before::Taken) => continue,
                        Some(Before::Send(held)) => held,
                        None => None,
                    };
                    connect_auth::driver::sending(&span, purpose);
                    let outcome = self.exchange(out.request);
                    connect_auth::driver::answered(&span, purpose, &outcome);
                    let mut shared = self.lock();
                    call.handle_outcome(&mut shared.core, self.now(), outcome);
                    let (now, wall) = (self.now(), SystemTime::now());
                    let events: Vec<_> =
                        std::iter::from_fn(|| shared.core.tokens.poll_event(now, wall)).collect();
                    if auth {
                        shared.token_generation = shared.token_generation.wrapping_add(1);
                    }
                    drop(shared);
                    if auth {
                        self.inner.token_ready.notify_all();
                    }
                    if !events.is_empty() {
                        self.persist(events, held);
                    }
                }
                Step::Wait(until) => {
                    std::thread::sleep(until.saturating_duration_since(self.now()));
                    // The pause was slept in full: a clock that lags the system's (a test's
                    // custom clock) cannot hold the call in its pause.
                    call.handle_timeout(self.now().max(until));
                }
                Step::WaitForToken => {
                    let shared = self.lock();
                    // The generation was read under the same lock as the poll, so an answer
                    // that came in between is seen here and not waited for.
                    let _unused = self
                        .inner
                        .token_ready
                        .wait_timeout_while(shared, TOKEN_WAIT_SAFETY, |s| {
                            s.token_generation == generation
                        })
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Step::Done(result) => return result,
            }
        }
    }

    /// Sends a request and reads the whole (bounded) answer.
    pub(crate) fn exchange(&self, request: http::Request<Vec<u8>>) -> Outcome {
        match self.inner.transport.send(request) {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let capacity = answer_capacity(&parts.headers);
                answer_outcome(parts, read_bounded(body, capacity))
            }
            Err(failure) => Outcome::Failed(failure),
        }
    }
}

fn read_bounded(body: Body, capacity: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(capacity);
    body.take(MAX_RESPONSE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(std::io::Error::other("the answer is larger than 32 MiB"));
    }
    Ok(bytes)
}

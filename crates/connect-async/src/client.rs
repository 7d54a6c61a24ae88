//! [`Client`]: runs calls through the sans-IO core; a std mutex around the token state (never
//! held across an `.await`) and a notification when a token request is answered.

use crate::token_cache::{CacheLock, TokenCache};
use crate::transport::{Body, Transport};
use connect_auth::config::Clock;
use connect_auth::driver::{
    CallSeeds, MAX_RESPONSE_BYTES, TOKEN_WAIT_SAFETY, answer_capacity, answer_outcome,
};
use connect_auth::token::{CacheKey, CacheWrite, TokenEvent};
use connect_auth::{
    Call, CallOptions, Core, Error, Exchange, Outcome, Purpose, Step, TransportFailure,
};
use connect_cache::{Attached, Before};
use connect_types::{Operation, Response};
use futures_util::StreamExt;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};
use tokio::sync::Notify;
use tracing::Instrument;
use tracing::field::Empty;

/// An async Connect client. Cheap to clone (the clones share tokens and connections); many
/// tasks can share one client, and when a token must be acquired or renewed exactly one of them
/// sends the token request while the others wait for it (single flight). Needs a tokio runtime.
///
/// The "search and download" example:
///
/// ```no_run
/// # async fn run() -> Result<(), connect_async::Error> {
/// use connect_async::{Client, ops::SearchForImagesRequest};
/// let client = Client::from_env()?;
/// let found = client.search_images(&SearchForImagesRequest::phrase("tree").count(1)).await?;
/// let id = found.result.images[0].image_id.clone().unwrap_or_default();
/// client.download_largest(&id).await?.on_progress(|p| eprintln!("{} bytes", p.bytes)).to_file("tree.jpg").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    core: Mutex<Core>,
    /// Notified each time a token request is answered (or abandoned).
    token_ready: Notify,
    transport: Arc<dyn Transport>,
    seeds: CallSeeds,
    /// Token lifetimes are read from it (the system clock when `None`).
    clock: Option<Clock>,
    /// Where tokens are kept between token requests (and, for a file, between processes).
    cache: Attached<dyn TokenCache>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("token_cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

/// Reports a request whose future was dropped (the caller's task was cancelled) to the core,
/// so a token request in flight is released at once instead of after the abandon timeout.
struct InFlight<'a, X: Exchange> {
    client: &'a Client,
    call: Option<&'a mut X>,
    auth: bool,
}

impl<X: Exchange> InFlight<'_, X> {
    /// Hands the answer to the call; returns the token changes to persist.
    fn complete(mut self, outcome: Outcome) -> Vec<TokenEvent> {
        match self.call.take() {
            Some(call) => self.client.handle(call, outcome, self.auth),
            None => Vec::new(),
        }
    }
}

impl<X: Exchange> Drop for InFlight<'_, X> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            let cancelled = Outcome::Failed(TransportFailure::new(
                connect_auth::TransportCause::Other,
                "the call was cancelled",
            ));
            self.client.handle(call, cancelled, self.auth);
        }
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
                core: Mutex::new(core),
                token_ready: Notify::new(),
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
    pub async fn sign_out(&self) -> std::io::Result<bool> {
        {
            let mut core = self.lock();
            core.tokens.sign_out();
            let (now, wall) = (self.now(), SystemTime::now());
            while core.tokens.poll_event(now, wall).is_some() {}
        }
        let Some(key) = &self.inner.cache.key else {
            return Ok(false);
        };
        let _held = self.inner.cache.cache.lock(key).await?;
        self.inner.cache.cache.clear(key).await
    }

    /// Before a token request: takes the cache's lock for this key, reads the entry again and
    /// offers it to the core, which takes it when another process signed in meanwhile.
    async fn before_token_request<X: Exchange>(&self, call: &mut X) -> Before {
        let attached = &self.inner.cache;
        let Some(key) = &attached.key else {
            return Before::Send(None);
        };
        let held = attached
            .cache
            .lock(key)
            .await
            .map_err(|e| attached.failed(&e));
        let saved = attached
            .cache
            .load(key)
            .await
            .map_err(|e| attached.failed(&e));
        let saved = saved.ok().flatten();
        let taken = {
            let mut core = self.lock();
            call.handle_cached(&mut core, self.now(), SystemTime::now(), saved.as_ref())
        };
        if !taken {
            return Before::Send(held.ok());
        }
        self.inner.token_ready.notify_waiters();
        Before::Taken
    }

    /// Writes what changed to the cache, under its lock (`held`, or taken here).
    async fn persist(&self, events: Vec<TokenEvent>, held: Option<CacheLock>) {
        let Some(key) = &self.inner.cache.key else {
            return;
        };
        let cache = &self.inner.cache.cache;
        let _held = match held {
            Some(h) => Some(h),
            None => cache.lock(key).await.ok(),
        };
        let current = cache.load(key).await.ok().flatten();
        let written = match TokenEvent::settle(events, current) {
            CacheWrite::Store(s) => cache.store(key, &s).await,
            CacheWrite::Clear => cache.clear(key).await.map(drop),
            CacheWrite::Keep => Ok(()),
        };
        if let Err(e) = written {
            self.inner.cache.failed(&e);
        }
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        self.inner.transport.as_ref()
    }

    /// Whether download URLs may be plain HTTP (the base URL is).
    pub(crate) fn downloads_allow_http(&self) -> bool {
        connect_auth::download::allows_http(&self.lock().endpoints)
    }

    fn lock(&self) -> MutexGuard<'_, Core> {
        // A panic elsewhere while holding the lock leaves the core consistent (it is only ever
        // changed by whole method calls), so keep going.
        self.inner
            .core
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn handle<X: Exchange>(&self, call: &mut X, outcome: Outcome, auth: bool) -> Vec<TokenEvent> {
        let mut core = self.lock();
        call.handle_outcome(&mut core, self.now(), outcome);
        let (now, wall) = (self.now(), SystemTime::now());
        let events = std::iter::from_fn(|| core.tokens.poll_event(now, wall)).collect();
        drop(core);
        if auth {
            // Waiters enabled their notification under the lock before this handle ran.
            self.inner.token_ready.notify_waiters();
        }
        events
    }

    /// What the client's rate limiter is doing: its pace (if it paces), the ceiling, and how
    /// many throttles, slow-downs and waits there were. Every clone of this client, and every
    /// task using one, shares the limiter.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), connect_async::Error> {
    /// let client = connect_async::Client::from_env()?;
    /// let pacing = client.pacing();
    /// println!("{:?} requests/s, {} throttled", pacing.rate, pacing.throttled);
    /// # Ok(()) }
    /// ```
    pub fn pacing(&self) -> connect_auth::PacingStatus {
        let now = self.now();
        self.lock().limiter.status(now)
    }

    /// Runs any operation with default options.
    pub async fn execute<O: Operation + Sync>(&self, op: &O) -> Result<Response<O::Result>, Error> {
        self.execute_with(op, CallOptions::default()).await
    }

    /// Runs any operation: acquires or renews tokens as needed, routes it, retries transient
    /// failures, and returns the typed result with the response header (warnings and
    /// coordination id).
    pub async fn execute_with<O: Operation + Sync>(
        &self,
        op: &O,
        options: CallOptions,
    ) -> Result<Response<O::Result>, Error> {
        self.run(Call::new(op, options, self.inner.seeds.next()))
            .await
    }

    /// Runs an exchange (an operation's call, or a SingleStepDownload) to its end, in a
    /// `connect_call` span.
    pub(crate) async fn run<X: Exchange>(&self, call: X) -> Result<Response<X::Output>, Error> {
        let span = tracing::info_span!(
            "connect_call",
            operation = call.operation(),
            coordination_id = call.coordination_id(),
            attempt = Empty,
            status = Empty,
        );
        self.drive(call, span.clone()).instrument(span).await
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
        connect_auth::oembed::request(&self.lock().endpoints, r)
    }

    async fn drive<X: Exchange>(
        &self,
        mut call: X,
        span: tracing::Span,
    ) -> Result<Response<X::Output>, Error> {
        loop {
            let (step, waiter) = {
                let mut core = self.lock();
                let step = call.poll_step(&mut core, self.now());
                // Register for the notification before the lock is released, so an answer
                // that comes in meanwhile cannot be missed.
                let waiter = matches!(step, Step::WaitForToken).then(|| {
                    let mut notified = Box::pin(self.inner.token_ready.notified());
                    notified.as_mut().enable();
                    notified
                });
                (step, waiter)
            };
            match step {
                Step::Send(out) => {
                    let purpose = out.purpose;
                    let auth = matches!(purpose, Purpose::Auth { .. });
                    // From here a cancelled future still reports to the core (see InFlight).
                    let mut in_flight = InFlight {
                        client: self,
                        call: Some(&mut call),
                        auth,
                    };
                    let mut held = None;
                    if let (true, Some(c)) = (auth, in_flight.call.as_deref_mut()) {
                        match self.before_token_request(c).await {
                            Before::Taken => {
                                in_flight.call = None;
                                continue;
                            }
                            Before::Send(h) => held = h,
                        }
                    }
                    connect_auth::driver::sending(&span, purpose);
                    let outcome = self.exchange(out.request).await;
                    connect_auth::driver::answered(&span, purpose, &outcome);
                    let events = in_flight.complete(outcome);
                    if !events.is_empty() {
                        self.persist(events, held).await;
                    }
                }
                Step::Wait(until) => {
                    tokio::time::sleep(until.saturating_duration_since(self.now())).await;
                    // The pause was slept in full: a clock that lags the system's (a test's
                    // custom clock) cannot hold the call in its pause.
                    call.handle_timeout(self.now().max(until));
                }
                Step::WaitForToken => {
                    if let Some(waiter) = waiter {
                        // The timeout is a safety net; the notification normally comes first.
                        let _ = tokio::time::timeout(TOKEN_WAIT_SAFETY, waiter).await;
                    }
                }
                Step::Done(result) => return result,
            }
        }
    }

    /// Sends a request and reads the whole (bounded) answer.
    pub(crate) async fn exchange(&self, request: http::Request<Vec<u8>>) -> Outcome {
        match self.inner.transport.send(request).await {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let capacity = answer_capacity(&parts.headers);
                answer_outcome(parts, read_bounded(body, capacity).await)
            }
            Err(failure) => Outcome::Failed(failure),
        }
    }
}

async fn read_bounded(mut body: Body, capacity: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(capacity);
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if (bytes.len() + chunk.len()) as u64 > MAX_RESPONSE_BYTES {
            return Err(std::io::Error::other("the answer is larger than 32 MiB"));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Compile-time check that the client's futures can move between threads (`tokio::spawn`).
#[allow(dead_code)]
fn futures_are_send(
    client: &Client,
    search: &connect_types::ops::SearchForImagesRequest,
    download: crate::Download,
) {
    fn is_send<T: Send>(_: T) {}
    is_send(client.search_images(search));
    is_send(client.download_largest("1"));
    is_send(client.search_images_all(search.clone()));
    is_send(client.clone());
    is_send(download.to_file("x"));
}

//! One operation's exchange, as a state machine the driver polls: [`Call`].

use crate::attempt::{RetryAsk, observe_answer, retry_pause, wait_for_turn};
use crate::error::{Attempts, Error};
use crate::exchange::{CallOptions, Core, Exchange, Outcome, Outgoing, Purpose, Step};
use crate::failure::TransportFailure;
use crate::limiter::Ticket;
use crate::retry::{RateLimitScope, RetryRule, SplitMix64};
use crate::token::TokenStep;
use crate::trace::TARGET;
use connect_types::{DecodeError, Operation, RequestHeader, Response, Secret};
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

/// The most token requests one call sends: its first acquisition, plus one recovery (a renewal
/// and, if the server refuses that, one full sign-in). However the server answers (tokens that
/// are expired on arrival, refused at once, or refused renewals), a call never sends more.
pub const MAX_TOKEN_REQUESTS_PER_CALL: u32 = 3;

enum State<T> {
    Ready,
    AwaitAuth {
        id: u64,
    },
    AwaitCall {
        token_id: Option<u64>,
    },
    /// A pause was decided while handling an outcome; its deadline is fixed at the next poll.
    Backoff(Duration),
    /// Pausing until the deadline.
    Pausing(Instant),
    /// Waiting for the rate limiter's turn (the ticket holds it).
    Slotted,
    Finished(Option<Result<Response<T>, Error>>),
}

/// One call of operation `O`, driven by polling.
///
/// ```
/// # use connect_auth::{Call, CallOptions, Core, Credentials, Endpoints, Outcome, Step};
/// # use connect_types::ops::session::CreateSessionRequest;
/// # fn send(_: http::Request<Vec<u8>>) -> Outcome { unimplemented!() }
/// # fn run(core: &mut Core, op: &CreateSessionRequest) {
/// let mut call = Call::new(op, CallOptions::default(), 42);
/// let result = loop {
///     match call.poll_step(core, std::time::Instant::now()) {
///         Step::Send(out) => {
///             let outcome = send(out.request);
///             call.handle_outcome(core, std::time::Instant::now(), outcome);
///         }
///         Step::Wait(until) => {
///             std::thread::sleep(until.saturating_duration_since(std::time::Instant::now()))
///         }
///         Step::WaitForToken => { /* wait for the core's notification */ }
///         Step::Done(r) => break r,
///     }
/// };
/// # let _ = result;
/// # }
/// ```
pub struct Call<O: Operation> {
    body: Vec<u8>,
    detail: Option<String>,
    coordination_id: String,
    attempts: u32,
    failures: u32,
    auth_retry_used: bool,
    /// The token in use was issued by this call's own token request: when it is refused after
    /// the one recovery, the likely cause is the credentials' rights, and the error says so.
    token_issued_here: bool,
    /// Token requests this call has sent (see [`MAX_TOKEN_REQUESTS_PER_CALL`]).
    token_requests: u32,
    retry_non_idempotent: Option<bool>,
    last_status: Option<u16>,
    /// When the first request of the call was sent: failures say how long they took.
    first_sent: Option<Instant>,
    rng: SplitMix64,
    /// The turn at the rate limiter this call waits for.
    ticket: Option<Ticket>,
    /// When the request in flight was sent (the limiter measures by it).
    sent_at: Option<Instant>,
    state: State<O::Result>,
    _op: PhantomData<fn() -> O>,
}

impl<O: Operation> fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &O::NAME)
            .field("coordination_id", &self.coordination_id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl<O: Operation> Call<O> {
    /// Prepares a call. `seed` feeds the jitter and the default coordination id; drivers pass
    /// fresh randomness, tests a constant.
    pub fn new(op: &O, options: CallOptions, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let coordination_id = options
            .coordination_id
            .filter(|id| !id.trim().is_empty())
            .unwrap_or_else(|| format!("{:016x}", rng.next_u64()));
        Self {
            // Plain data structs serialize infallibly.
            body: serde_json::to_vec(op).unwrap_or_else(|_| b"{}".to_vec()),
            detail: op.header_detail().map(str::to_owned),
            coordination_id,
            attempts: 0,
            failures: 0,
            auth_retry_used: false,
            token_issued_here: false,
            token_requests: 0,
            retry_non_idempotent: options.retry_non_idempotent,
            last_status: None,
            first_sent: None,
            rng,
            ticket: None,
            sent_at: None,
            state: State::Ready,
            _op: PhantomData,
        }
    }

    /// The operation's name.
    pub fn operation(&self) -> &'static str {
        O::NAME
    }

    /// The coordination id sent with every attempt.
    pub fn coordination_id(&self) -> &str {
        &self.coordination_id
    }

    /// How many times the operation itself has been sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How many token requests this call has sent.
    pub fn token_requests(&self) -> u32 {
        self.token_requests
    }

    /// The HTTP status of the last response, if any.
    pub fn last_status(&self) -> Option<u16> {
        self.last_status
    }

    /// The next thing to do (an output: send, wait, or done).
    pub fn poll_step(&mut self, core: &mut Core, now: Instant) -> Step<O::Result> {
        match std::mem::replace(&mut self.state, State::Ready) {
            State::Finished(r) => {
                let r = r.unwrap_or_else(|| {
                    Err(Error::Config(
                        "the call was polled after it finished".into(),
                    ))
                });
                let tries = Attempts {
                    // Sends of the operation, or of its token requests when it got no further.
                    count: self.attempts.max(self.token_requests).max(1),
                    over: self
                        .first_sent
                        .map_or(Duration::ZERO, |t| now.saturating_duration_since(t)),
                };
                self.finish(r.map_err(|e| e.with_attempts(tries)))
            }
            State::Backoff(d) => {
                // A pause too long for the clock (it cannot be: delays are capped) waits no time.
                let until = now.checked_add(d).unwrap_or(now);
                self.state = State::Pausing(until);
                Step::Wait(until)
            }
            State::Pausing(until) if now < until => {
                self.state = State::Pausing(until);
                Step::Wait(until)
            }
            State::Pausing(_) => self.next_request(core, now),
            // Polled again without an answer (the driver lost the response): start over.
            State::Ready | State::AwaitAuth { .. } | State::AwaitCall { .. } | State::Slotted => {
                self.next_request(core, now)
            }
        }
    }

    fn next_request(&mut self, core: &mut Core, now: Instant) -> Step<O::Result> {
        let (url, scheme) = match core.endpoints.url(O::SECURITY, O::PATH, O::NAME) {
            Ok(r) => r,
            Err(e) => return self.finish(Err(e)),
        };
        // Session tokens follow the standard/secure split; an OAuth2 token has a rule of its own.
        let oauth = !matches!(
            core.tokens.credentials(),
            crate::credentials::Credentials::Session { .. }
        );
        if O::SECURITY.needs_token() && oauth {
            let opted_in = core.tokens.config().allow_oauth_token_over_http;
            if let Err(e) = core.endpoints.oauth_token_over(scheme, opted_in, O::NAME) {
                return self.finish(Err(e));
            }
        }
        // Whatever goes out next (a token request or the call) waits for its turn first.
        if let Some(until) = wait_for_turn(core, now, &mut self.ticket, O::NAME) {
            self.state = State::Slotted;
            return Step::Wait(until);
        }
        let mut token: Option<(Secret, u64)> = None;
        if O::SECURITY.needs_token() {
            match core
                .tokens
                .poll_token(now, &core.endpoints, scheme, Some(&self.coordination_id))
            {
                Ok(TokenStep::Use { token: t, token_id }) => token = Some((t, token_id)),
                Ok(TokenStep::Send(auth)) => {
                    if self.token_requests >= MAX_TOKEN_REQUESTS_PER_CALL {
                        core.tokens.handle_abandoned(auth.id);
                        return self.finish(Err(Error::auth(format!(
                            "{} gave up after {} token requests: the server's tokens were \
                             refused or expired as soon as they were issued; check the server's \
                             clock and token lifetimes, and that nothing else signs in with \
                             these credentials meanwhile",
                            O::NAME,
                            self.token_requests
                        ))));
                    }
                    self.token_requests += 1;
                    tracing::debug!(
                        target: TARGET,
                        operation = O::NAME,
                        coordination_id = %self.coordination_id,
                        grant = auth.grant.name(),
                        "a token request is needed"
                    );
                    self.state = State::AwaitAuth { id: auth.id };
                    self.first_sent.get_or_insert(now);
                    self.sent_at = Some(now);
                    return Step::Send(Outgoing {
                        request: auth.request,
                        purpose: Purpose::Auth { grant: auth.grant },
                    });
                }
                Ok(TokenStep::Wait) => return Step::WaitForToken,
                Err(e) => return self.finish(Err(e)),
            }
        }
        let token_id = token.as_ref().map(|t| t.1);
        let header = RequestHeader {
            token: token.map(|t| t.0),
            coordination_id: Some(self.coordination_id.clone()),
            detail: self.detail.clone(),
        };
        let body = self.envelope(&header);
        let request = http::Request::post(url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "application/json")
            .body(body);
        match request {
            Ok(request) => {
                self.attempts += 1;
                tracing::trace!(
                    target: TARGET,
                    operation = O::NAME,
                    coordination_id = %self.coordination_id,
                    attempt = self.attempts,
                    "sending"
                );
                self.state = State::AwaitCall { token_id };
                self.first_sent.get_or_insert(now);
                self.sent_at = Some(now);
                Step::Send(Outgoing {
                    request,
                    purpose: Purpose::Call {
                        attempt: self.attempts,
                    },
                })
            }
            Err(e) => self.finish(Err(Error::Config(format!("invalid base URL: {e}")))),
        }
    }

    /// `{"RequestHeader":…,"<BODY_KEY>":…}` from the body serialized once at `new` (the
    /// header alone for operations documented without a body).
    fn envelope(&self, header: &RequestHeader) -> Vec<u8> {
        let header = serde_json::to_vec(header).unwrap_or_else(|_| b"{}".to_vec());
        let mut out = Vec::with_capacity(header.len() + self.body.len() + O::BODY_KEY.len() + 24);
        out.extend_from_slice(b"{\"RequestHeader\":");
        out.extend_from_slice(&header);
        if !O::HAS_BODY {
            out.push(b'}');
            return out;
        }
        out.extend_from_slice(b",\"");
        out.extend_from_slice(O::BODY_KEY.as_bytes());
        out.extend_from_slice(b"\":");
        out.extend_from_slice(&self.body);
        out.push(b'}');
        out
    }

    /// The deadline of the pause (or the rate limiter's turn) under way, if any: the driver
    /// sleeps until then.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Pausing(until) => Some(until),
            State::Slotted => self.ticket.map(|t| t.at()),
            _ => None,
        }
    }

    /// Tells the call that time has reached `now`: a pause whose deadline has passed is over
    /// (polling does the same check; this is for drivers that keep timers).
    pub fn handle_timeout(&mut self, now: Instant) {
        if matches!(self.state, State::Pausing(until) if now >= until) {
            self.state = State::Ready;
        }
        if let Some(t) = self.ticket.as_mut() {
            t.handle_timeout(now);
        }
    }

    /// Before sending the token request of the last [`Step::Send`], the driver found `saved` in
    /// its token cache (see [`crate::token::TokenMachine::handle_cached`]). Returns `true` when the
    /// core took that set instead: do not send the request, poll again. The withdrawn request
    /// does not count against [`MAX_TOKEN_REQUESTS_PER_CALL`].
    pub fn handle_cached(
        &mut self,
        core: &mut Core,
        now: Instant,
        wall: std::time::SystemTime,
        saved: Option<&crate::token::SavedTokens>,
    ) -> bool {
        let State::AwaitAuth { id } = self.state else {
            return false;
        };
        if !core.tokens.handle_cached(now, wall, id, saved) {
            return false;
        }
        self.token_requests = self.token_requests.saturating_sub(1);
        if let Some(sent_at) = self.sent_at.take() {
            core.limiter.handle_unsent(sent_at);
        }
        self.state = State::Ready;
        true
    }

    /// Digests what came back for the last [`Step::Send`] (an input).
    pub fn handle_outcome(&mut self, core: &mut Core, now: Instant, outcome: Outcome) {
        match &outcome {
            Outcome::Response(r) => tracing::trace!(
                target: TARGET,
                operation = O::NAME,
                status = r.status().as_u16(),
                bytes = r.body().len(),
                "answer"
            ),
            Outcome::Failed(f) => tracing::trace!(
                target: TARGET,
                operation = O::NAME,
                error = %f.message,
                reached_server = f.reached_server,
                "no answer"
            ),
        }
        if let Outcome::Response(r) = &outcome {
            observe_answer(core, now, self.sent_at.take(), r, O::NAME);
        }
        match std::mem::replace(&mut self.state, State::Ready) {
            State::AwaitAuth { id } => match outcome {
                Outcome::Response(r) => {
                    self.last_status = Some(r.status().as_u16());
                    let answer = core.tokens.handle_auth_response(now, id, &r);
                    self.token_issued_here = answer.is_ok();
                    match answer {
                        // A refused renewal: the machine falls back to a full sign-in, the
                        // next token request; pause before it.
                        Ok(()) if !core.tokens.has_token() => self.pause_before_token(core),
                        Ok(()) => {}
                        Err(f) if f.retryable => {
                            let allowed = self.token_requests < MAX_TOKEN_REQUESTS_PER_CALL;
                            let rule =
                                RetryRule::for_response(&r).unwrap_or(RetryRule::TransientApiCode);
                            self.retry_or_finish(core, f.error, f.retry_after, allowed, rule);
                        }
                        Err(f) => self.state = State::Finished(Some(Err(f.error))),
                    }
                }
                Outcome::Failed(t) => {
                    core.tokens.handle_auth_transport_failure(id);
                    let Some(t) = self.unless_replayed(t) else {
                        return;
                    };
                    let rule = RetryRule::for_failure(&t);
                    let err = transport_error("the token request", t, true);
                    let allowed = self.token_requests < MAX_TOKEN_REQUESTS_PER_CALL;
                    match rule {
                        Some(rule) => self.retry_or_finish(core, err, None, allowed, rule),
                        None => self.state = State::Finished(Some(Err(err))),
                    }
                }
            },
            State::AwaitCall { token_id } => match outcome {
                Outcome::Failed(t) => {
                    let Some(t) = self.unless_replayed(t) else {
                        return;
                    };
                    let rule = RetryRule::for_failure(&t);
                    let err = transport_error(O::NAME, t, O::IDEMPOTENT);
                    match rule {
                        Some(rule) => {
                            let safe = rule.work_not_done() || self.may_repeat(core);
                            self.retry_or_finish(core, err, None, safe, rule);
                        }
                        None => self.state = State::Finished(Some(Err(err))),
                    }
                }
                Outcome::Response(r) => {
                    self.last_status = Some(r.status().as_u16());
                    self.interpret(core, token_id, &r);
                }
            },
            other => self.state = other,
        }
    }

    /// The failure, unless a replaying transport had no answer: that ends the call, since a
    /// retry would meet the same cassette.
    fn unless_replayed(&mut self, t: TransportFailure) -> Option<TransportFailure> {
        match crate::cassette::replay_error(t) {
            Ok(e) => {
                self.state = State::Finished(Some(Err(e)));
                None
            }
            Err(t) => Some(t),
        }
    }

    fn may_repeat(&self, core: &Core) -> bool {
        O::IDEMPOTENT
            || self
                .retry_non_idempotent
                .unwrap_or(core.retry.retry_non_idempotent)
    }

    fn interpret(&mut self, core: &mut Core, token_id: Option<u64>, r: &http::Response<Vec<u8>>) {
        if let Some(e) = crate::redirect::refused_redirect(O::NAME, r) {
            self.state = State::Finished(Some(Err(e)));
            return;
        }
        let status = r.status();
        let retry_after = crate::retry::retry_after(r.headers());
        if let Some(scope) = crate::retry::rate_limit_of(r) {
            let err = Error::RateLimited {
                operation: O::NAME,
                scope,
            };
            match scope {
                // The gateway did nothing: any operation may be sent again.
                RateLimitScope::PerSecond => {
                    self.retry_or_finish(core, err, None, true, RetryRule::PerSecondLimit);
                }
                _ => self.state = State::Finished(Some(Err(err))),
            }
            return;
        }
        match connect_types::decode_response::<O>(r.body()) {
            Ok(resp) => {
                core.budget.handle_success();
                self.state = State::Finished(Some(Ok(resp)));
            }
            Err(DecodeError::Api(api)) => {
                let code = api.code().cloned();
                if api.codes().any(|c| c.is_token_failure()) {
                    if let (false, Some(id)) = (self.auth_retry_used, token_id) {
                        // Drop the refused token and try once more with a fresh one, even when
                        // this call obtained it moments ago: tokens get revoked between issue
                        // and first use (another sign-in, a restart on the service's side).
                        self.auth_retry_used = true;
                        tracing::info!(
                            target: TARGET,
                            operation = O::NAME,
                            code = %api,
                            "the token was refused: renewing it and retrying the call once"
                        );
                        core.tokens.handle_token_refused(id);
                        self.pause_before_token(core);
                        return;
                    }
                    let err = if self.token_issued_here {
                        refused_fresh_token::<O>(core, api)
                    } else {
                        Error::Auth {
                            message: format!("{} was refused: {api}", O::NAME),
                            code,
                            oauth_error: None,
                        }
                    };
                    self.state = State::Finished(Some(Err(err)));
                    return;
                }
                let transient = code.as_ref().is_some_and(|c| c.is_transient());
                let err = Error::Api {
                    operation: O::NAME,
                    api,
                };
                if transient {
                    // The server says the work was not done, so even a create may be repeated.
                    let rule = RetryRule::TransientApiCode;
                    self.retry_or_finish(core, err, retry_after, rule.work_not_done(), rule);
                } else {
                    self.state = State::Finished(Some(Err(err)));
                }
            }
            Err(e) => {
                let err = if status.is_success() {
                    Error::Decode {
                        operation: O::NAME,
                        message: e.to_string(),
                    }
                } else {
                    Error::http(O::NAME, r)
                };
                match RetryRule::for_status(status) {
                    Some(rule) => {
                        let safe = rule.work_not_done() || self.may_repeat(core);
                        self.retry_or_finish(core, err, retry_after, safe, rule);
                    }
                    None => self.state = State::Finished(Some(Err(err))),
                }
            }
        }
    }

    /// Before another token request of this call, a jittered pause (none before its first):
    /// a server that refuses every token is not hammered.
    fn pause_before_token(&mut self, core: &Core) {
        self.state = if self.token_requests == 0 {
            State::Ready
        } else {
            let pause = core.retry.backoff(self.token_requests, self.rng.next_f64());
            tracing::debug!(
                target: TARGET,
                operation = O::NAME,
                pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                "pausing before another token request"
            );
            State::Backoff(pause)
        };
    }

    fn retry_or_finish(
        &mut self,
        core: &mut Core,
        err: Error,
        retry_after: Option<Duration>,
        allowed: bool,
        rule: RetryRule,
    ) {
        let pause = retry_pause(
            core,
            &mut self.failures,
            &mut self.rng,
            RetryAsk {
                operation: O::NAME,
                rule,
                allowed,
                retry_after,
                error: &err,
            },
        );
        self.state = match pause {
            Some(d) => State::Backoff(d),
            None => State::Finished(Some(Err(err))),
        };
    }

    fn finish(&mut self, r: Result<Response<O::Result>, Error>) -> Step<O::Result> {
        match &r {
            Ok(_) => tracing::info!(target: TARGET, operation = O::NAME, "call succeeded"),
            Err(e) => tracing::info!(
                target: TARGET,
                operation = O::NAME,
                error = %e,
                kind = ?e.kind(),
                "call failed"
            ),
        }
        self.state = State::Finished(None);
        Step::Done(r)
    }
}

impl<O: connect_types::Operation> Exchange for Call<O> {
    type Output = O::Result;
    fn operation(&self) -> &'static str {
        O::NAME
    }
    fn coordination_id(&self) -> &str {
        Call::coordination_id(self)
    }
    fn poll_step(&mut self, core: &mut Core, now: Instant) -> Step<O::Result> {
        Call::poll_step(self, core, now)
    }
    fn handle_outcome(&mut self, core: &mut Core, now: Instant, outcome: Outcome) {
        Call::handle_outcome(self, core, now, outcome);
    }
    fn handle_cached(
        &mut self,
        core: &mut Core,
        now: Instant,
        wall: std::time::SystemTime,
        saved: Option<&crate::token::SavedTokens>,
    ) -> bool {
        Call::handle_cached(self, core, now, wall, saved)
    }
    fn handle_timeout(&mut self, now: Instant) {
        Call::handle_timeout(self, now);
    }
}

/// A second token issued for this very call was refused too: the credentials lack the right.
fn refused_fresh_token<O: Operation>(core: &Core, api: connect_types::ApiError) -> Error {
    let why = match core.tokens.credentials() {
        crate::credentials::Credentials::ClientCredentials { .. } => {
            "an OAuth2 client-credentials token acts for no user, and this operation needs one: \
             sign in with a user (resource owner password, refresh token or a legacy session)"
        }
        _ => "these credentials are not allowed this operation",
    };
    Error::Auth {
        message: format!(
            "{} was refused twice, with tokens issued for it just now ({api}); {why}",
            O::NAME
        ),
        code: api.code().cloned(),
        oauth_error: None,
    }
}

fn transport_error(operation: &'static str, t: TransportFailure, idempotent: bool) -> Error {
    Error::transport(operation, t, idempotent)
}

//! SingleStepDownload (`POST /v2/download/{ImageId}`) as a sans-IO exchange.
//!
//! It shares the token machinery with [`Call`](crate::call::Call) but not the envelope: the token goes
//! in `Authorization: Bearer …`, the application's key in `Api-Key`, no body is sent, and the
//! answer is an HTTP status. A `302` yields a [`DownloadTarget`] whose URL the transports then
//! fetch with the same progress, resume and safety rules as every other download.
//!
//! The call spends a download of the caller's allowance, so it is never repeated once it may
//! have reached the server, with one exception: the gateway's per-second throttle, which
//! turns the request away before anything is done (retried with jittered backoff, within the
//! policy's attempts and the client's retry budget, like every call). A refused token is
//! dropped and the call tried once more with a fresh one, as for the envelope operations.

use crate::attempt::{RetryAsk, observe_answer, retry_pause, wait_for_turn};
use crate::cassette::Mismatch;
use crate::credentials::Credentials;
use crate::download::DownloadTarget;
use crate::error::Error;
use crate::exchange::{CallOptions, Core, Exchange, Outcome, Outgoing, Purpose, Step};
use crate::failure::TransportFailure;
use crate::limiter::Ticket;
use crate::retry::{RateLimitScope, RetryRule, SplitMix64};
use crate::token::TokenStep;
use connect_types::ops::{SingleStepDownloadRequest, SingleStepRefusal};
use connect_types::{
    ApiError, OverallStatus, Response, ResponseHeader, Secret, StatusEntry, StatusType,
};
use std::fmt;
use std::time::Instant;

const NAME: &str = SingleStepDownloadRequest::NAME;

/// Connection failures (nothing reached the server) retried before giving up.
const CONNECT_RETRIES: u32 = 2;

enum State {
    Ready,
    AwaitAuth {
        id: u64,
    },
    AwaitCall {
        token_id: u64,
    },
    /// A pause decided while handling an answer; its deadline is fixed at the next poll.
    Backoff(std::time::Duration),
    Pausing(Instant),
    /// Waiting for the rate limiter's turn.
    Slotted,
    // Boxed: the answer is large beside the other states.
    Finished(Option<Box<Result<Response<DownloadTarget>, Error>>>),
}

/// One SingleStepDownload, driven by polling like a [`Call`](crate::call::Call).
pub struct SingleStep {
    image_id: String,
    path: String,
    coordination_id: String,
    auth_retry_used: bool,
    token_issued_here: bool,
    connect_failures: u32,
    /// Failures retried after a pause (throttles, token-endpoint trouble).
    failures: u32,
    rng: SplitMix64,
    ticket: Option<Ticket>,
    sent_at: Option<Instant>,
    state: State,
}

impl fmt::Debug for SingleStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleStep")
            .field("image_id", &self.image_id)
            .field("coordination_id", &self.coordination_id)
            .finish_non_exhaustive()
    }
}

/// The API key SingleStepDownload sends: the OAuth2 client id of the credentials.
fn api_key(credentials: &Credentials) -> Option<&str> {
    match credentials {
        Credentials::ClientCredentials { client_id, .. }
        | Credentials::ResourceOwner { client_id, .. }
        | Credentials::RefreshToken { client_id, .. } => Some(client_id),
        _ => None,
    }
}

impl SingleStep {
    /// Prepares the download of `request`'s image. `seed` makes the default coordination id.
    pub fn new(request: &SingleStepDownloadRequest, options: CallOptions, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let coordination_id = options
            .coordination_id
            .unwrap_or_else(|| format!("{:016x}", rng.next_u64()));
        Self {
            image_id: request.image_id.clone(),
            path: request.path(),
            coordination_id,
            auth_retry_used: false,
            token_issued_here: false,
            connect_failures: 0,
            failures: 0,
            rng,
            ticket: None,
            sent_at: None,
            state: State::Ready,
        }
    }

    /// The operation's name.
    pub fn operation(&self) -> &'static str {
        NAME
    }

    /// The `GI-Coordination-Id` sent.
    pub fn coordination_id(&self) -> &str {
        &self.coordination_id
    }

    /// The next thing to do.
    pub fn poll_step(&mut self, core: &mut Core, now: Instant) -> Step<DownloadTarget> {
        match std::mem::replace(&mut self.state, State::Ready) {
            State::Finished(r) => {
                self.state = State::Finished(None);
                Step::Done(r.map_or_else(
                    || {
                        Err(Error::Config(
                            "the call was polled after it finished".into(),
                        ))
                    },
                    |r| *r,
                ))
            }
            State::Backoff(d) => {
                let until = now.checked_add(d).unwrap_or(now);
                self.state = State::Pausing(until);
                Step::Wait(until)
            }
            State::Pausing(until) if now < until => {
                self.state = State::Pausing(until);
                Step::Wait(until)
            }
            State::Pausing(_)
            | State::Slotted
            | State::Ready
            | State::AwaitAuth { .. }
            | State::AwaitCall { .. } => self.next_request(core, now),
        }
    }

    /// The driver slept until `now`: a pause (or a rate-limiter turn) that has ended is over.
    pub fn handle_timeout(&mut self, now: Instant) {
        if matches!(self.state, State::Pausing(until) if now >= until) {
            self.state = State::Ready;
        }
        if let Some(t) = self.ticket.as_mut() {
            t.handle_timeout(now);
        }
    }

    /// The deadline of the pause (or the rate limiter's turn) under way, if any.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Pausing(until) => Some(until),
            State::Slotted => self.ticket.map(|t| t.at()),
            _ => None,
        }
    }

    fn retry_or_finish(
        &mut self,
        core: &mut Core,
        err: Error,
        rule: RetryRule,
        after: Option<std::time::Duration>,
    ) {
        let pause = retry_pause(
            core,
            &mut self.failures,
            &mut self.rng,
            RetryAsk {
                operation: NAME,
                rule,
                allowed: true,
                retry_after: after,
                error: &err,
            },
        );
        self.state = match pause {
            Some(d) => State::Backoff(d),
            None => State::Finished(Some(Box::new(Err(err)))),
        };
    }

    fn finish(&mut self, r: Result<Response<DownloadTarget>, Error>) -> Step<DownloadTarget> {
        self.state = State::Finished(None);
        Step::Done(r)
    }

    fn next_request(&mut self, core: &mut Core, now: Instant) -> Step<DownloadTarget> {
        if self.image_id.trim().is_empty() {
            return self.finish(Err(Error::Config(
                "SingleStepDownload needs an image id".into(),
            )));
        }
        let Some(key) = api_key(core.tokens.credentials()).map(str::to_owned) else {
            return self.finish(Err(Error::Refused {
                operation: NAME,
                reason: "SingleStepDownload sends the application's API key, which only OAuth2 \
                         credentials (client id and secret) carry; sign in with them, or use \
                         download_largest"
                    .into(),
            }));
        };
        let (url, scheme) =
            match core
                .endpoints
                .url(SingleStepDownloadRequest::SECURITY, &self.path, NAME)
            {
                Ok(r) => r,
                Err(e) => return self.finish(Err(e)),
            };
        if let Some(until) = wait_for_turn(core, now, &mut self.ticket, NAME) {
            self.state = State::Slotted;
            return Step::Wait(until);
        }
        let (token, token_id): (Secret, u64) =
            match core
                .tokens
                .poll_token(now, &core.endpoints, scheme, Some(&self.coordination_id))
            {
                Ok(TokenStep::Use { token, token_id }) => (token, token_id),
                Ok(TokenStep::Send(auth)) => {
                    self.state = State::AwaitAuth { id: auth.id };
                    self.sent_at = Some(now);
                    return Step::Send(Outgoing {
                        request: auth.request,
                        purpose: Purpose::Auth { grant: auth.grant },
                    });
                }
                Ok(TokenStep::Wait) => return Step::WaitForToken,
                Err(e) => return self.finish(Err(e)),
            };
        let request = http::Request::post(url)
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", token.expose()),
            )
            .header(SingleStepDownloadRequest::API_KEY_HEADER, key)
            .header(
                SingleStepDownloadRequest::COORDINATION_HEADER,
                self.coordination_id.as_str(),
            )
            .header(http::header::ACCEPT, "*/*")
            .body(Vec::new());
        match request {
            Ok(request) => {
                self.state = State::AwaitCall { token_id };
                self.sent_at = Some(now);
                Step::Send(Outgoing {
                    request,
                    purpose: Purpose::Call {
                        attempt: self.connect_failures + 1,
                    },
                })
            }
            Err(e) => self.finish(Err(Error::Config(format!(
                "invalid SingleStepDownload request: {e}"
            )))),
        }
    }

    /// The driver found `saved` in its token cache before sending the token request of the
    /// last [`Step::Send`]: see [`crate::call::Call::handle_cached`].
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
        if let Some(sent_at) = self.sent_at.take() {
            core.limiter.handle_unsent(sent_at);
        }
        self.state = State::Ready;
        true
    }

    /// Digests what came back for the last [`Step::Send`].
    pub fn handle_outcome(&mut self, core: &mut Core, now: Instant, outcome: Outcome) {
        if let Outcome::Response(r) = &outcome {
            observe_answer(core, now, self.sent_at.take(), r, NAME);
        }
        match std::mem::replace(&mut self.state, State::Ready) {
            State::AwaitAuth { id } => match outcome {
                Outcome::Response(r) => match core.tokens.handle_auth_response(now, id, &r) {
                    Ok(()) => self.token_issued_here = true,
                    Err(f) if f.retryable => {
                        let rule =
                            RetryRule::for_response(&r).unwrap_or(RetryRule::TransientApiCode);
                        self.retry_or_finish(core, f.error, rule, f.retry_after);
                    }
                    Err(f) => self.state = State::Finished(Some(Box::new(Err(f.error)))),
                },
                Outcome::Failed(t) => {
                    core.tokens.handle_auth_transport_failure(id);
                    let e = crate::cassette::replay_error(t)
                        .unwrap_or_else(|t| transport("the token request", t));
                    self.state = State::Finished(Some(Box::new(Err(e))));
                }
            },
            State::AwaitCall { token_id } => match outcome {
                Outcome::Failed(t) if t.source.as_ref().is_some_and(|s| s.is::<Mismatch>()) => {
                    let e = crate::cassette::replay_error(t).unwrap_or_else(|t| transport(NAME, t));
                    self.state = State::Finished(Some(Box::new(Err(e))));
                }
                Outcome::Failed(t)
                    if !t.reached_server && self.connect_failures < CONNECT_RETRIES =>
                {
                    self.connect_failures += 1;
                }
                Outcome::Failed(t) => {
                    self.state = State::Finished(Some(Box::new(Err(transport(NAME, t)))));
                }
                Outcome::Response(r) => self.interpret(core, token_id, &r),
            },
            other => self.state = other,
        }
    }

    fn interpret(&mut self, core: &mut Core, token_id: u64, r: &http::Response<Vec<u8>>) {
        if let Some(scope) = crate::retry::rate_limit_of(r) {
            let err = Error::RateLimited {
                operation: NAME,
                scope,
            };
            match scope {
                // Turned away at the gateway: nothing was spent, so it may be sent again.
                RateLimitScope::PerSecond => {
                    self.retry_or_finish(core, err, RetryRule::PerSecondLimit, None);
                }
                _ => self.state = State::Finished(Some(Box::new(Err(err)))),
            }
            return;
        }
        let status = r.status().as_u16();
        let echoed = r
            .headers()
            .get(SingleStepDownloadRequest::COORDINATION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if r.status().is_redirection() {
            let location = r
                .headers()
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // The file is fetched like any download, which only follows https.
            let result = if location.starts_with("https://") {
                core.budget.handle_success();
                Ok(Response {
                    header: ResponseHeader {
                        status: Some(OverallStatus::Success),
                        status_list: Vec::new(),
                        coordination_id: echoed,
                    },
                    result: DownloadTarget {
                        image_id: self.image_id.clone(),
                        size_key: None,
                        url: location.to_owned(),
                        offering: None,
                    },
                })
            } else {
                Err(Error::Refused {
                    operation: NAME,
                    reason: "the service redirected to a location that is not https; the \
                             download was not started"
                        .into(),
                })
            };
            self.state = State::Finished(Some(Box::new(result)));
            return;
        }
        let text = String::from_utf8_lossy(r.body());
        let Some(refusal) = SingleStepRefusal::classify(status, &text) else {
            self.state = State::Finished(Some(Box::new(Err(Error::Decode {
                operation: NAME,
                message: format!("expected a redirect to the file, got HTTP {status}"),
            }))));
            return;
        };
        if status == 401 {
            if !self.auth_retry_used && !self.token_issued_here {
                // Drop the refused token and try once more with a fresh one.
                self.auth_retry_used = true;
                core.tokens.handle_token_refused(token_id);
                return;
            }
            self.state = State::Finished(Some(Box::new(Err(Error::Auth {
                message: format!(
                    "{NAME} was refused ({refusal}); it needs an OAuth2 access token that may \
                     serve secure operations, and the application's API key"
                ),
                code: refusal.status_code(),
                oauth_error: None,
            }))));
            return;
        }
        let err = match refusal.status_code() {
            Some(code) => Error::Api {
                operation: NAME,
                api: ApiError {
                    header: ResponseHeader {
                        status: Some(OverallStatus::Error),
                        status_list: vec![StatusEntry::new(
                            StatusType::Error,
                            code,
                            refusal.message(),
                        )],
                        coordination_id: echoed,
                    },
                },
            },
            None => Error::http(NAME, r),
        };
        self.state = State::Finished(Some(Box::new(Err(err))));
    }
}

fn transport(operation: &'static str, t: TransportFailure) -> Error {
    // SingleStepDownload spends the allowance: a broken exchange may have charged it.
    Error::transport(operation, t, false)
}

impl Exchange for SingleStep {
    type Output = DownloadTarget;
    fn operation(&self) -> &'static str {
        SingleStep::operation(self)
    }
    fn coordination_id(&self) -> &str {
        SingleStep::coordination_id(self)
    }
    fn poll_step(&mut self, core: &mut Core, now: Instant) -> Step<Self::Output> {
        SingleStep::poll_step(self, core, now)
    }
    fn handle_outcome(&mut self, core: &mut Core, now: Instant, outcome: Outcome) {
        SingleStep::handle_outcome(self, core, now, outcome);
    }
    fn handle_cached(
        &mut self,
        core: &mut Core,
        now: Instant,
        wall: std::time::SystemTime,
        saved: Option<&crate::token::SavedTokens>,
    ) -> bool {
        SingleStep::handle_cached(self, core, now, wall, saved)
    }
    fn handle_timeout(&mut self, now: Instant) {
        SingleStep::handle_timeout(self, now);
    }
}

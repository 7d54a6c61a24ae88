//! A scripted fake of the Connect API's auth behaviour, and a driver loop with a fake clock.

use connect_auth::token::Grant;
use connect_auth::{Call, CallOptions, Core, Credentials, Endpoints, Outcome, Purpose, Step};
use connect_types::{Operation, Response, Security};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A standard-class operation (like a search).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Find {
    pub phrase: String,
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Found {
    #[serde(default)]
    pub count: u32,
}

impl Operation for Find {
    type Result = Found;
    const NAME: &'static str = "Find";
    const PATH: &'static str = "/v1/search/Find";
    const BODY_KEY: &'static str = "FindRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("FindResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

/// A secure-only, non-idempotent operation (like CreateDownloadRequest).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Fetch {
    pub id: String,
}

impl Operation for Fetch {
    type Result = Found;
    const NAME: &'static str = "Fetch";
    const PATH: &'static str = "/v1/download/Fetch";
    const BODY_KEY: &'static str = "FetchRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("FetchResult");
    const SECURITY: Security = Security::SecureOnly;
    const IDEMPOTENT: bool = false;
    const CHANGES_STATE: bool = true;
}

pub fn ok_envelope(key: &str, result: &str) -> Vec<u8> {
    format!(r#"{{"ResponseHeader":{{"Status":"Success","StatusList":[]}},"{key}":{result}}}"#)
        .into_bytes()
}

pub fn error_envelope(code: &str) -> Vec<u8> {
    format!(r#"{{"ResponseHeader":{{"Status":"Error","StatusList":[{{"Type":"Error","Code":"{code}","Message":"m"}}]}}}}"#)
        .into_bytes()
}

pub fn respond(status: u16, body: Vec<u8>) -> Outcome {
    Outcome::Response(http::Response::builder().status(status).body(body).unwrap())
}

/// What the fake saw, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Grant(Grant),
    Call {
        path: String,
        token: Option<String>,
        https: bool,
    },
}

/// A fake server with tokens `t1`, `t2`, …; OAuth tokens serve both roles, session tokens are
/// `s<n>`/`S<n>` (standard/secure). Scripted failures are consumed first.
pub struct Fake {
    pub seen: Vec<Seen>,
    pub script: VecDeque<Outcome>,
    pub next: u32,
    pub expires_in: u64,
    pub valid: Vec<String>,
    /// The fake's clock, set by [`run`] before each request.
    pub now: Instant,
    pub issued: std::collections::HashMap<String, Instant>,
    /// Calls that arrived with a token past its lifetime (the SDK should never send one).
    pub expired_uses: u32,
    /// Refuses refresh grants (`invalid_grant`), as a server that forgot its refresh tokens.
    pub refuse_refresh: bool,
}

impl Fake {
    pub fn new(expires_in: u64) -> Self {
        Self {
            seen: Vec::new(),
            script: VecDeque::new(),
            next: 0,
            expires_in,
            valid: Vec::new(),
            now: Instant::now(),
            issued: std::collections::HashMap::new(),
            expired_uses: 0,
            refuse_refresh: false,
        }
    }

    pub fn grants(&self) -> Vec<Grant> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Grant(g) => Some(*g),
                Seen::Call { .. } => None,
            })
            .collect()
    }

    pub fn calls(&self) -> Vec<(String, Option<String>, bool)> {
        self.seen
            .iter()
            .filter_map(|s| match s {
                Seen::Call { path, token, https } => Some((path.clone(), token.clone(), *https)),
                Seen::Grant(_) => None,
            })
            .collect()
    }

    pub fn serve(&mut self, req: http::Request<Vec<u8>>, purpose: Purpose) -> Outcome {
        let https = req.uri().scheme_str() == Some("https");
        let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap_or_default();
        match purpose {
            Purpose::Auth { grant } => {
                self.seen.push(Seen::Grant(grant));
                if let Some(o) = self.script.pop_front() {
                    return o;
                }
                if grant == Grant::RefreshToken && self.refuse_refresh {
                    return respond(
                        400,
                        br#"{"error":"invalid_grant","error_description":"unknown"}"#.to_vec(),
                    );
                }
                self.next += 1;
                let n = self.next;
                match grant {
                    Grant::CreateSession | Grant::RenewSession => {
                        for t in [format!("s{n}"), format!("S{n}")] {
                            self.issued.insert(t.clone(), self.now);
                            self.valid.push(t);
                        }
                        let key = if grant == Grant::CreateSession {
                            "CreateSessionResult"
                        } else {
                            "RenewSessionResult"
                        };
                        respond(
                            200,
                            ok_envelope(
                                key,
                                &format!(
                                    r#"{{"Token":"s{n}","SecureToken":"S{n}","TokenDurationMinutes":"{}"}}"#,
                                    self.expires_in / 60
                                ),
                            ),
                        )
                    }
                    _ => {
                        self.valid.push(format!("t{n}"));
                        self.issued.insert(format!("t{n}"), self.now);
                        let refresh = if grant == Grant::Password {
                            r#","refresh_token":"r1""#
                        } else {
                            ""
                        };
                        respond(
                            200,
                            format!(
                                r#"{{"access_token":"t{n}","token_type":"Bearer","expires_in":{}{refresh}}}"#,
                                self.expires_in
                            )
                            .into_bytes(),
                        )
                    }
                }
            }
            Purpose::Call { .. } => {
                let token = body["RequestHeader"]["Token"].as_str().map(str::to_owned);
                self.seen.push(Seen::Call {
                    path: req.uri().path().to_owned(),
                    token: token.clone(),
                    https,
                });
                if let Some(o) = self.script.pop_front() {
                    return o;
                }
                let expired = token
                    .as_ref()
                    .and_then(|t| self.issued.get(t))
                    .is_some_and(|at| self.now >= *at + Duration::from_secs(self.expires_in));
                if expired {
                    self.expired_uses += 1;
                    return respond(200, error_envelope("AUTH-021"));
                }
                if !token.as_ref().is_some_and(|t| self.valid.contains(t)) {
                    return respond(200, error_envelope("AUTH-021"));
                }
                let key = format!(
                    "{}Result",
                    req.uri().path().rsplit('/').next().unwrap_or("")
                );
                respond(200, ok_envelope(&key, r#"{"Count":7}"#))
            }
        }
    }
}

/// A core on `https://api.example`; legacy sessions also get `http://api.example` for standard
/// operations (OAuth2 tokens do not travel over plain HTTP unless the settings opt in).
pub fn core(credentials: Credentials) -> Core {
    let endpoints = Endpoints::new("https://api.example").unwrap();
    let endpoints = match credentials {
        Credentials::Session { .. } => endpoints.with_http_base("http://api.example").unwrap(),
        _ => endpoints,
    };
    Core::new(credentials, endpoints)
}

pub fn oauth() -> Credentials {
    Credentials::client_credentials("id", "secret")
}

pub fn session() -> Credentials {
    Credentials::session("sys", "syspw", "alice", "alicepw")
}

/// A core on `https://api.example` with `http://api.example` for standard operations, and
/// OAuth2 tokens allowed over plain HTTP if `allow_oauth` says so.
pub fn core_with_http_base(credentials: Credentials, allow_oauth: bool) -> Core {
    let endpoints = Endpoints::new("https://api.example")
        .unwrap()
        .with_http_base("http://api.example")
        .unwrap();
    let auth = connect_auth::AuthConfig {
        allow_oauth_token_over_http: allow_oauth,
        ..Default::default()
    };
    Core::with_settings(
        connect_auth::TokenMachine::new(credentials, auth),
        endpoints,
        connect_auth::RetryPolicy::default(),
        connect_auth::RateLimit::default(),
    )
}

/// Runs one call to completion against the fake at time `now`; sleeps advance `now`.
pub fn run<O: Operation>(
    core: &mut Core,
    fake: &mut Fake,
    now: &mut Instant,
    op: &O,
) -> Result<Response<O::Result>, connect_auth::Error> {
    let mut call = Call::new(op, CallOptions::default(), 7);
    for _ in 0..50 {
        match call.poll_step(core, *now) {
            Step::Send(out) => {
                fake.now = *now;
                let outcome = fake.serve(out.request, out.purpose);
                call.handle_outcome(core, *now, outcome);
            }
            Step::Wait(until) => *now = until,
            Step::WaitForToken => panic!("a lone call never waits"),
            Step::Done(r) => return r,
        }
    }
    panic!("the call did not finish in 50 steps");
}

pub fn mins(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

/// Runs one call whose every operation request is refused with AUTH-021 (token requests are
/// answered normally); returns the error and how many times the operation was sent.
pub fn run_refusing_every_call<O: Operation>(
    core: &mut Core,
    fake: &mut Fake,
    mut now: Instant,
    op: &O,
) -> (connect_auth::Error, u32) {
    let mut call = Call::new(op, CallOptions::default(), 1);
    loop {
        match call.poll_step(core, now) {
            Step::Send(out) => {
                let outcome = if matches!(out.purpose, Purpose::Call { .. }) {
                    respond(200, error_envelope("AUTH-021"))
                } else {
                    fake.serve(out.request, out.purpose)
                };
                call.handle_outcome(core, now, outcome);
            }
            Step::Done(r) => return (r.expect_err("every call is refused"), call.attempts()),
            // The pause before a second token request of the call.
            Step::Wait(until) => now = until,
            other => panic!("unexpected step {other:?}"),
        }
    }
}

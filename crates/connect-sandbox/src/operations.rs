//! The engine behind the operation table: [`Op`], one emulated operation; [`Call`], what its
//! handler gets; and [`run`], which takes one API call from request bytes to response bytes (or
//! to a refusal for the call limits). The table itself, and which operation a path names, are
//! in [`crate::handlers`], beside the handlers it registers.
//!
//! Each entry is derived from the connect-types [`connect_types::Operation`] the SDK sends (name, path, body
//! key, result key, security class and whether a call changes state come from its constants),
//! so the sandbox and the SDK cannot disagree about where an operation lives, which token it
//! needs or whether a call must be saved. What the sandbox adds is its own: the handler, extra
//! body keys old clients sent, and whether the result is re-encoded through the shared model.

use crate::api::{self, Done, Fail};
use crate::security::{self, Principal, Scheme};
use crate::state::State;
use crate::store::limits::Verdict;
use crate::store::tokens::TokenKind;
use connect_types::Security;
use http::StatusCode as Http;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;

/// What a handler gets for one call of operation `O`.
#[derive(Debug)]
pub struct Call<'a, O> {
    /// The request, decoded with the shared `connect-types` model from a body whose keys were
    /// matched to the model's in any casing (old clients sent other casings).
    pub request: &'a O,
    /// The same request as the case-insensitive view reads it ([`api`]'s accessors): for the
    /// checks that name a field as sent or give an enum value its own status code.
    pub raw: &'a api::Request,
    /// Who is calling.
    pub principal: &'a Principal,
    /// The listener the call came in on.
    pub scheme: Scheme,
}

impl<'a, O> Call<'a, O> {
    /// The same call, with `request` in place of the decoded one (an older path handled as the
    /// current one).
    pub fn with<'b, P>(&'b self, request: &'b P) -> Call<'b, P> {
        Call {
            request,
            raw: self.raw,
            principal: self.principal,
            scheme: self.scheme,
        }
    }
}

/// A handler of operation `O`.
pub type Handler<O> = fn(&State, &Call<'_, O>) -> Result<Done, Fail>;

/// Re-encodes a result through the shared `connect-types` model of the operation.
type Encode = fn(&crate::wire::Json) -> Result<crate::wire::Json, serde_json::Error>;

/// Reads a value into the shared wire model `T` (lenient: numbers and booleans as strings, enum
/// values in any casing, unknown fields ignored); the error names the field.
fn model<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize::<_, T>(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            format!(": {inner}")
        } else {
            format!(".{path}: {inner}")
        }
    })
}

/// Reads a result into the shared wire model `T` and writes it back: the sandbox answers
/// exactly in the form the SDK's own models encode (documented field names and types), with
/// the service's escaping ([`crate::wire`]).
fn through<T: DeserializeOwned + serde::Serialize>(
    v: &crate::wire::Json,
) -> Result<crate::wire::Json, serde_json::Error> {
    crate::wire::to_json(&serde_json::from_str::<T>(v.get())?)
}

/// The documented spelling of every property name of a request model (and of the models it
/// holds), by its lower-case form: what a key sent in another casing is read as. A name two
/// properties share in different casings is left as sent.
fn spellings<O: connect_types::operation::Described>() -> HashMap<String, String> {
    fn walk(v: &Value, out: &mut HashMap<String, Option<String>>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    for name in props.keys() {
                        let seen = out
                            .entry(name.to_ascii_lowercase())
                            .or_insert(Some(name.clone()));
                        if seen.as_deref() != Some(name.as_str()) {
                            *seen = None;
                        }
                    }
                }
                m.values().for_each(|c| walk(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }
    let mut names = HashMap::new();
    walk(&connect_types::schema::schema_of::<O>(), &mut names);
    names
        .into_iter()
        .filter_map(|(lower, name)| Some((lower, name?)))
        .collect()
}

/// `v` with every object key in its documented spelling, where [`spellings`] knows one (a key
/// sent in its documented spelling too wins over another casing of it).
fn spelled(v: &Value, names: &HashMap<String, String>) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, c) in m {
                let key = match names.get(&k.to_ascii_lowercase()) {
                    Some(name) if name == k || !m.contains_key(name) => name.clone(),
                    _ => k.clone(),
                };
                out.insert(key, spelled(c, names));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|c| spelled(c, names)).collect()),
        other => other.clone(),
    }
}

/// An operation's handler with what decoding its request takes.
trait Handle: Send + Sync {
    /// Decodes the body with the operation's model and calls the handler.
    fn handle(
        &self,
        state: &State,
        raw: &api::Request,
        principal: &Principal,
        scheme: Scheme,
        body_key: &str,
    ) -> Result<Done, Fail>;
    /// Decodes a body with the operation's model (the fuzz target calls it).
    fn decode(&self, body: &Value) -> Result<(), String>;
}

struct Typed<O> {
    handler: Handler<O>,
    spellings: HashMap<String, String>,
}

impl<O: DeserializeOwned + Send + Sync> Handle for Typed<O> {
    fn handle(
        &self,
        state: &State,
        raw: &api::Request,
        principal: &Principal,
        scheme: Scheme,
        body_key: &str,
    ) -> Result<Done, Fail> {
        let body = spelled(&Value::Object(raw.body.clone()), &self.spellings);
        let request: O = model(&body).map_err(|e| Fail::invalid(format!("{body_key}{e}")))?;
        let call = Call {
            request: &request,
            raw,
            principal,
            scheme,
        };
        (self.handler)(state, &call)
    }

    fn decode(&self, body: &Value) -> Result<(), String> {
        model::<O>(&spelled(body, &self.spellings)).map(drop)
    }
}

/// One emulated operation.
pub struct Op {
    /// Documented name (also the stats key).
    pub name: &'static str,
    /// Documented path.
    pub path: &'static str,
    /// The documented body key.
    pub body_key: &'static str,
    /// Other body keys accepted for it (spellings older clients sent).
    pub aliases: &'static [&'static str],
    /// Result key, when the operation has a result.
    pub result_key: Option<&'static str>,
    /// Which token it needs and whether it is HTTPS only.
    pub security: Security,
    /// Whether a call can change what the state file keeps ([`connect_types::Operation::CHANGES_STATE`]).
    pub changes_state: bool,
    /// Whether the envelope must carry a body (false for the operations documented with a
    /// `RequestHeader` alone; a body sent anyway is read).
    pub body_required: bool,
    /// HTTPS only, but any token there (CreateCustomer's page asks for the standard token
    /// on an HTTPS-only path), where `security` alone would ask for the secure one.
    pub any_token_over_https: bool,
    /// Whether the body carries the application's credentials (CreateSession, RenewSession):
    /// its SystemId is the call's application key, and each call counts as a sign-in.
    pub signs_in: bool,
    handler: Box<dyn Handle>,
    encode: Option<Encode>,
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Op")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Op {
    /// Decodes a request body with the operation's shared model (the fuzz target calls it).
    pub(crate) fn decode_body(&self, body: &Value) -> Result<(), String> {
        self.handler.decode(body)
    }

    /// The operation `O`, answered by `handler` with the request decoded by `O`'s model, and
    /// results re-encoded through `O::Result`.
    pub(crate) fn of<O>(handler: Handler<O>) -> Op
    where
        O: connect_types::operation::Described + Send + Sync + 'static,
    {
        Op {
            name: O::NAME,
            path: O::PATH,
            body_key: O::BODY_KEY,
            aliases: &[],
            result_key: O::RESULT_KEY,
            security: O::SECURITY,
            changes_state: O::CHANGES_STATE,
            body_required: O::HAS_BODY,
            any_token_over_https: false,
            signs_in: false,
            handler: Box::new(Typed {
                handler,
                spellings: spellings::<O>(),
            }),
            encode: Some(through::<O::Result>),
        }
    }

    /// Also accepts the body under `keys`.
    pub(crate) fn also_accepts(mut self, keys: &'static [&'static str]) -> Op {
        self.aliases = keys;
        self
    }

    /// The body may be left out (every field of it is optional).
    pub(crate) fn body_optional(mut self) -> Op {
        self.body_required = false;
        self
    }

    /// HTTPS only, with either token.
    pub(crate) fn any_token_over_https(mut self) -> Op {
        self.any_token_over_https = true;
        self
    }

    /// The body carries the application's credentials (see [`Op::signs_in`]).
    pub(crate) fn signs_in(mut self) -> Op {
        self.signs_in = true;
        self
    }

    /// The handler already builds the result from the shared model: no second encoding.
    pub(crate) fn built_from_model(mut self) -> Op {
        self.encode = None;
        self
    }
}

/// Runs one API call behind the gateway's call limits: envelope, security rules, handler,
/// response envelope; or `Err` when the application key the request names (see [`app_key`])
/// is over one of the limits, and nothing was done.
pub fn run(
    state: &State,
    op: &Op,
    scheme: Scheme,
    body: &[u8],
) -> Result<(Http, Vec<u8>), Verdict> {
    let (cid, parsed) = api::parse_request(body, op.body_key, op.aliases, op.body_required);
    if state.limits.enabled() {
        let key = parsed.as_ref().ok().and_then(|req| app_key(state, op, req));
        match state
            .limits
            .check(key.as_deref(), |k, v| state.stats.limited(k, v))
        {
            Verdict::Allowed => {}
            refused => return Err(refused),
        }
    }
    Ok(execute(state, op, scheme, cid, parsed))
}

/// The application key an API request is made with: the SystemId in the body of
/// CreateSession and RenewSession, otherwise the application the token was issued to (the
/// sandbox has one of each kind: session tokens belong to its SystemId, OAuth2 tokens to its
/// client id). `None` without a live token.
pub fn app_key(state: &State, op: &Op, req: &api::Request) -> Option<String> {
    if op.signs_in {
        return api::get(&req.body, "SystemId")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    let info = state.tokens.lookup(req.token.as_deref()?)?;
    let c = &state.config.credentials;
    Some(match info.kind {
        TokenKind::Standard | TokenKind::Secure => c.system_id.clone(),
        TokenKind::OAuth | TokenKind::Refresh => c.client_id.clone(),
    })
}

fn execute(
    state: &State,
    op: &Op,
    scheme: Scheme,
    cid: Option<String>,
    parsed: Result<api::Request, Fail>,
) -> (Http, Vec<u8>) {
    if op.signs_in {
        state.stats.grant(op.name);
    }
    let class = match &parsed {
        Ok(req) => state.tokens.class_of(req.token.as_deref()),
        Err(_) => "none",
    };
    state.stats.call(scheme.name(), op.name, class);
    let mut outcome = parsed.and_then(|req| {
        let principal = if op.any_token_over_https {
            security::authorize(&state.tokens, scheme, Security::None, None)?;
            security::authorize(
                &state.tokens,
                scheme,
                Security::Standard,
                req.token.as_deref(),
            )?
        } else {
            security::authorize(&state.tokens, scheme, op.security, req.token.as_deref())?
        };
        op.handler
            .handle(state, &req, &principal, scheme, op.body_key)
    });
    if let (Ok(done), Some(encode)) = (&mut outcome, op.encode) {
        if let Some(result) = &done.result {
            match encode(result) {
                Ok(v) => done.result = Some(v),
                // A gap between the catalog and the shared model must not fail the call;
                // the catalog's own rendering is sent instead.
                Err(e) => {
                    tracing::warn!(op = op.name, error = %e, "result does not fit the shared model");
                }
            }
        }
    }
    if let Err(f) = &outcome {
        for e in &f.entries {
            if let Some(c) = &e.code {
                state.stats.error(c.as_str());
            }
        }
    }
    api::envelope(cid, outcome, op.result_key)
}

/// A 404-like envelope for paths that name nothing.
pub fn unknown_path(path: &str) -> (Http, Vec<u8>) {
    let f = Fail::invalid(format!("no operation at {path}")).with_http(Http::NOT_FOUND);
    api::envelope(None, Err(f), None)
}

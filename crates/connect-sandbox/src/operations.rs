//! The operation table: every emulated operation, registered in one place, and [`run`], which
//! takes one API call from request bytes to response bytes (or to a refusal for the call
//! limits).
//!
//! Each entry is derived from the connect-types [`Operation`] the SDK sends (name, path, body
//! key, result key and security class come from its constants), so the sandbox and the SDK
//! cannot disagree about where an operation lives or which token it needs. What the sandbox
//! adds is its own: the handler, extra body keys old clients sent, and whether the result is
//! re-encoded through the shared model.
//!
//! Adding an operation: write its handler in the group's file under `handlers/`, then add one
//! `Op::of::<Request>(handler)` line to [`OPS`].

use crate::api::{self, Done, Fail};
use crate::handlers::{
    account, data, details, downloads, feed, history, images, lightboxes, session, usage, videos,
};
use crate::security::{self, Principal, Scheme};
use crate::state::State;
use crate::store::limits::Verdict;
use crate::store::tokens::TokenKind;
use connect_types::{Operation, Security, ops};
use http::StatusCode as Http;
use serde_json::Value;

/// A handler: the state, the caller, the parsed request, the scheme.
type Handler = fn(&State, &Principal, &api::Request, Scheme) -> Result<Done, Fail>;

/// Re-encodes a result through the shared `connect-types` model of the operation.
type Encode = fn(&crate::wire::Json) -> Result<crate::wire::Json, serde_json::Error>;

/// Decodes a request body with the shared `connect-types` model; the error names the field.
type Decode = fn(&Value) -> Result<(), String>;

/// Reads a request body into the shared wire model `T` (lenient: numbers and booleans as
/// strings, enum values in any casing, unknown fields ignored). The handlers then read the
/// same body through [`api`]'s accessors, which also accept any key casing.
fn model<T: serde::de::DeserializeOwned>(v: &Value) -> Result<(), String> {
    serde_path_to_error::deserialize::<_, T>(v)
        .map(|_| ())
        .map_err(|e| {
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
fn through<T: serde::de::DeserializeOwned + serde::Serialize>(
    v: &crate::wire::Json,
) -> Result<crate::wire::Json, serde_json::Error> {
    crate::wire::to_json(&serde_json::from_str::<T>(v.get())?)
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
    /// Whether the envelope must carry a body (false for the operations documented with a
    /// `RequestHeader` alone; a body sent anyway is read).
    pub body_required: bool,
    /// HTTPS only, but any token there (CreateCustomer's page asks for the standard token
    /// on an HTTPS-only path), where `security` alone would ask for the secure one.
    pub any_token_over_https: bool,
    handler: Handler,
    decode: Decode,
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
    /// Decodes a request body with the operation's shared model (the fuzz targets call it).
    pub(crate) fn decode_body(&self, body: &Value) -> Result<(), String> {
        (self.decode)(body)
    }

    /// The operation `O`, answered by `handler`. Requests are checked against `O`'s body
    /// model and results re-encoded through `O::Result`.
    const fn of<O: Operation + serde::de::DeserializeOwned>(handler: Handler) -> Op {
        Op {
            name: O::NAME,
            path: O::PATH,
            body_key: O::BODY_KEY,
            aliases: &[],
            result_key: O::RESULT_KEY,
            security: O::SECURITY,
            body_required: O::HAS_BODY,
            any_token_over_https: false,
            handler,
            decode: model::<O>,
            encode: Some(through::<O::Result>),
        }
    }

    /// Also accepts the body under `keys`.
    const fn also_accepts(mut self, keys: &'static [&'static str]) -> Op {
        self.aliases = keys;
        self
    }

    /// The body may be left out (every field of it is optional).
    const fn body_optional(mut self) -> Op {
        self.body_required = false;
        self
    }

    /// HTTPS only, with either token.
    const fn any_token_over_https(mut self) -> Op {
        self.any_token_over_https = true;
        self
    }

    /// The handler already builds the result from the shared model: no second encoding.
    const fn built_from_model(mut self) -> Op {
        self.encode = None;
        self
    }
}

/// Every emulated operation.
pub static OPS: &[Op] = &[
    Op::of::<ops::CreateSessionRequest>(session::create),
    Op::of::<ops::RenewSessionRequest>(session::renew),
    Op::of::<ops::SearchForImagesRequest>(images::search)
        .also_accepts(&["SearchForImages2RequestBody"])
        .built_from_model(),
    Op::of::<ops::SearchForImagesV1Request>(images::search)
        .also_accepts(&["SearchForImagesRequestBody"])
        .built_from_model(),
    Op::of::<ops::GetImageDetailsRequest>(details::images).built_from_model(),
    Op::of::<ops::GetEventDetailsRequest>(details::events),
    Op::of::<ops::SearchForVideosRequest>(videos::search),
    Op::of::<ops::GetImageDownloadAuthorizationsRequest>(downloads::authorizations_op),
    Op::of::<ops::GetLargestImageDownloadAuthorizationsRequest>(downloads::largest),
    Op::of::<ops::CreateDownloadRequest>(downloads::create_request)
        .also_accepts(&["CreateDownloadRequestRequestBody"]),
    Op::of::<ops::CreateLightboxRequest>(lightboxes::create),
    Op::of::<ops::CreateLightboxItemsRequest>(lightboxes::add_items),
    Op::of::<ops::DeleteLightboxRequest>(lightboxes::delete),
    Op::of::<ops::DeleteLightboxItemsRequest>(lightboxes::delete_items),
    Op::of::<ops::GetLightboxRequest>(lightboxes::get),
    Op::of::<ops::GetLightboxHeadersRequest>(lightboxes::headers),
    Op::of::<ops::UpdateLightboxHeaderRequest>(lightboxes::update),
    Op::of::<ops::CreateSharedLightboxRequest>(lightboxes::share),
    Op::of::<ops::GetPreviousDownloadsRequest>(history::downloads),
    Op::of::<ops::GetPreviousPurchasesRequest>(history::purchases),
    Op::of::<ops::GetActiveProductOfferingsRequest>(data::active_offerings),
    Op::of::<ops::GetAllProductOfferingsRequest>(data::all_offerings),
    Op::of::<ops::GetCollectionsRequest>(data::collections),
    Op::of::<ops::GetCountriesRequest>(data::countries).body_optional(),
    Op::of::<ops::CreateCustomerRequest>(account::create).any_token_over_https(),
    Op::of::<ops::ReportUsageRequest>(usage::report),
    Op::of::<ops::GetAssetChangesRequest>(feed::changes),
    Op::of::<ops::ConfirmAssetChangesRequest>(feed::confirm),
];

fn same_path(a: &str, b: &str) -> bool {
    // The service was case-insensitive about paths; a trailing slash is tolerated too.
    a.trim_end_matches('/').eq_ignore_ascii_case(b)
}

/// The operation at `path`.
pub fn find(path: &str) -> Option<&'static Op> {
    OPS.iter().find(|op| same_path(path, op.path))
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
        match state.limits.check(key.as_deref(), &state.stats) {
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
    if matches!(op.name, "CreateSession" | "RenewSession") {
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
    if matches!(op.name, "CreateSession" | "RenewSession") {
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
        let body = Value::Object(req.body.clone());
        let key = op.body_key;
        (op.decode)(&body).map_err(|e| Fail::invalid(format!("{key}{e}")))?;
        (op.handler)(state, &principal, &req, scheme)
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

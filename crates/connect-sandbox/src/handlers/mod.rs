//! The operations: a table of documented paths and one handler per operation.

mod details;
mod downloads;
mod images;
mod lightboxes;
mod session;
mod videos;

use crate::api::{self, Done, Fail};
use crate::auth::{Class, Principal, Scheme};
use crate::state::State;
use axum::http::StatusCode as Http;
use connect_types::ops;
use serde_json::Value;
use serde_json::value::RawValue;

/// A handler: the state, the caller, the parsed request, the scheme.
type Handler = fn(&State, &Principal, &api::Request, Scheme) -> Result<Done, Fail>;

/// Re-encodes a result through the shared `connect-types` model of the operation.
type Encode = fn(&RawValue) -> Result<Box<RawValue>, serde_json::Error>;

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
/// exactly in the form the SDK's own models encode (documented field names and types).
fn through<T: serde::de::DeserializeOwned + serde::Serialize>(
    v: &RawValue,
) -> Result<Box<RawValue>, serde_json::Error> {
    serde_json::value::to_raw_value(&serde_json::from_str::<T>(v.get())?)
}

/// One emulated operation.
pub struct Op {
    /// Documented name (also the stats key).
    pub name: &'static str,
    /// Documented path.
    pub path: &'static str,
    /// Accepted body keys, preferred first.
    pub body_keys: &'static [&'static str],
    /// Result key, when the operation has a result.
    pub result_key: Option<&'static str>,
    /// Security class.
    pub class: Class,
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

/// Every emulated operation.
pub static OPS: &[Op] = &[
    Op {
        name: "CreateSession",
        path: "/v1/session/CreateSession",
        body_keys: &["CreateSessionRequestBody"],
        result_key: Some("CreateSessionResult"),
        class: Class::Login,
        handler: session::create,
        decode: model::<ops::CreateSessionRequest>,
        encode: Some(through::<ops::CreateSessionResult>),
    },
    Op {
        name: "RenewSession",
        path: "/v1/session/RenewSession",
        body_keys: &["RenewSessionRequestBody"],
        result_key: Some("RenewSessionResult"),
        class: Class::SecureOnly,
        handler: session::renew,
        decode: model::<ops::RenewSessionRequest>,
        encode: Some(through::<ops::RenewSessionResult>),
    },
    Op {
        name: "SearchForImages",
        path: "/v2/search/SearchForImages",
        body_keys: &["SearchForImagesRequestBody", "SearchForImages2RequestBody"],
        result_key: Some("SearchForImagesResult"),
        class: Class::Standard,
        handler: images::search,
        decode: model::<ops::SearchForImagesRequest>,
        encode: None,
    },
    Op {
        name: "SearchForImages",
        path: "/v1/search/SearchForImages",
        body_keys: &["SearchForImages2RequestBody", "SearchForImagesRequestBody"],
        result_key: Some("SearchForImagesResult"),
        class: Class::Standard,
        handler: images::search,
        decode: model::<ops::SearchForImagesRequest>,
        encode: None,
    },
    Op {
        name: "GetImageDetails",
        path: "/v1/search/GetImageDetails",
        body_keys: &["GetImageDetailsRequestBody"],
        result_key: Some("GetImageDetailsResult"),
        class: Class::Standard,
        handler: details::images,
        decode: model::<ops::GetImageDetailsRequest>,
        encode: None,
    },
    Op {
        name: "GetEventDetails",
        path: "/v1/search/GetEventDetails",
        body_keys: &["GetEventDetailsRequestBody"],
        result_key: Some("GetEventDetailsResult"),
        class: Class::Standard,
        handler: details::events,
        decode: model::<ops::GetEventDetailsRequest>,
        encode: Some(through::<ops::GetEventDetailsResult>),
    },
    Op {
        name: "SearchForVideos",
        path: "/v1/search/SearchForVideos",
        body_keys: &["SearchForVideosRequestBody"],
        result_key: Some("SearchForVideosResult"),
        class: Class::Standard,
        handler: videos::search,
        decode: model::<ops::SearchForVideosRequest>,
        encode: Some(through::<ops::SearchForVideosResult>),
    },
    Op {
        name: "GetImageDownloadAuthorizations",
        path: "/v1/download/GetImageDownloadAuthorizations",
        body_keys: &["GetImageDownloadAuthorizationsRequestBody"],
        result_key: Some("GetImageDownloadAuthorizationsResult"),
        class: Class::Standard,
        handler: downloads::authorizations_op,
        decode: model::<ops::GetImageDownloadAuthorizationsRequest>,
        encode: Some(through::<ops::GetImageDownloadAuthorizationsResult>),
    },
    Op {
        name: "GetLargestImageDownloadAuthorizations",
        path: "/v1/download/GetLargestImageDownloadAuthorizations",
        body_keys: &["GetLargestImageDownloadAuthorizationsRequestBody"],
        result_key: Some("GetLargestImageDownloadAuthorizationsResult"),
        class: Class::Standard,
        handler: downloads::largest,
        decode: model::<ops::GetLargestImageDownloadAuthorizationsRequest>,
        encode: Some(through::<ops::GetLargestImageDownloadAuthorizationsResult>),
    },
    Op {
        name: "CreateDownloadRequest",
        path: "/v1/download/CreateDownloadRequest",
        body_keys: &[
            "CreateDownloadRequestBody",
            "CreateDownloadRequestRequestBody",
        ],
        result_key: Some("CreateDownloadRequestResult"),
        class: Class::SecureOnly,
        handler: downloads::create_request,
        decode: model::<ops::CreateDownloadRequest>,
        encode: Some(through::<ops::CreateDownloadRequestResult>),
    },
    Op {
        name: "CreateLightbox",
        path: "/v1/lightbox/CreateLightbox",
        body_keys: &["CreateLightboxRequestBody"],
        result_key: Some("CreateLightboxResult"),
        class: Class::Standard,
        handler: lightboxes::create,
        decode: model::<ops::CreateLightboxRequest>,
        encode: Some(through::<ops::CreateLightboxResult>),
    },
    Op {
        name: "CreateLightboxItems",
        path: "/v1/lightbox/CreateLightboxItems",
        body_keys: &["CreateLightboxItemsRequestBody"],
        result_key: None,
        class: Class::Standard,
        handler: lightboxes::add_items,
        decode: model::<ops::CreateLightboxItemsRequest>,
        encode: None,
    },
    Op {
        name: "DeleteLightbox",
        path: "/v1/lightbox/DeleteLightbox",
        body_keys: &["DeleteLightboxRequestBody"],
        result_key: None,
        class: Class::Standard,
        handler: lightboxes::delete,
        decode: model::<ops::DeleteLightboxRequest>,
        encode: None,
    },
    Op {
        name: "DeleteLightboxItems",
        path: "/v1/lightbox/DeleteLightboxItems",
        body_keys: &["DeleteLightboxItemsRequestBody"],
        result_key: None,
        class: Class::Standard,
        handler: lightboxes::delete_items,
        decode: model::<ops::DeleteLightboxItemsRequest>,
        encode: None,
    },
    Op {
        name: "GetLightbox",
        path: "/v1/lightbox/GetLightbox",
        body_keys: &["GetLightboxRequestBody"],
        result_key: Some("GetLightboxResult"),
        class: Class::Standard,
        handler: lightboxes::get,
        decode: model::<ops::GetLightboxRequest>,
        encode: Some(through::<ops::GetLightboxResult>),
    },
    Op {
        name: "GetLightboxHeaders",
        path: "/v1/lightbox/GetLightboxHeaders",
        body_keys: &["GetLightboxHeadersRequestBody"],
        result_key: Some("GetLightboxHeadersResult"),
        class: Class::Standard,
        handler: lightboxes::headers,
        decode: model::<ops::GetLightboxHeadersRequest>,
        encode: Some(through::<ops::GetLightboxHeadersResult>),
    },
    Op {
        name: "UpdateLightboxHeader",
        path: "/v1/lightbox/UpdateLightboxHeader",
        body_keys: &["UpdateLightboxHeaderRequestBody"],
        result_key: None,
        class: Class::Standard,
        handler: lightboxes::update,
        decode: model::<ops::UpdateLightboxHeaderRequest>,
        encode: None,
    },
];

/// Documented operations the sandbox does not emulate: answered 501, honestly.
pub static NOT_EMULATED: &[&str] = &[
    "/v1/download/GetPreviousDownloads",
    "/v1/lightbox/CreateSharedLightbox",
    "/v1/data/GetActiveProductOfferings",
    "/v1/data/GetAllProductOfferings",
    "/v1/data/GetCollections",
    "/v1/data/GetCountries",
    "/v1/account/CreateCustomer",
    "/v1/purchase/GetPreviousPurchases",
    "/v1/usage/ReportUsage",
    "/v1/partnerassetingestion/ConfirmAssetChanges",
    "/v1/partnerassetingestion/GetAssetChanges",
    "/oembed",
];

fn same_path(a: &str, b: &str) -> bool {
    // The service was case-insensitive about paths; a trailing slash is tolerated too.
    a.trim_end_matches('/').eq_ignore_ascii_case(b)
}

/// The operation at `path`.
pub fn find(path: &str) -> Option<&'static Op> {
    OPS.iter().find(|op| same_path(path, op.path))
}

/// Whether `path` is a documented operation the sandbox does not emulate.
pub fn not_emulated(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    NOT_EMULATED.iter().any(|n| same_path(p, n))
        || p.len() > "/v2/download/".len()
            && p.get(.."/v2/download/".len())
                .is_some_and(|head| head.eq_ignore_ascii_case("/v2/download/"))
}

/// Runs one API call: envelope, security rules, handler, response envelope.
pub fn run(state: &State, op: &Op, scheme: Scheme, body: &[u8]) -> (Http, Vec<u8>) {
    if matches!(op.name, "CreateSession" | "RenewSession") {
        state.stats.grant(op.name);
    }
    let (cid, parsed) = api::parse_request(body, op.body_keys, true);
    let mut outcome = parsed.and_then(|req| {
        let principal = state
            .tokens
            .authorize(scheme, op.class, req.token.as_deref())?;
        let body = Value::Object(req.body.clone());
        let key = op.body_keys.first().copied().unwrap_or("the request body");
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

/// Reads the pagination pair of a view-options object (lightboxes): both must be above zero.
pub(crate) fn paging(obj: &api::Obj, path: &str) -> Result<(usize, usize), Fail> {
    use connect_types::StatusCode;
    let count = api::req_int(obj, "ItemCount", &format!("{path}.ItemCount"))?;
    let start = api::req_int(obj, "ItemStartNumber", &format!("{path}.ItemStartNumber"))?;
    if count <= 0 {
        return Err(Fail::new(
            StatusCode::InvalidItemCount,
            format!("{path}.ItemCount must be above zero"),
        ));
    }
    if start <= 0 {
        return Err(Fail::new(
            StatusCode::InvalidItemStartNumber,
            format!("{path}.ItemStartNumber must be above zero"),
        ));
    }
    Ok((start as usize, count as usize))
}

/// The user behind a call, for operations that act for one.
pub(crate) fn user<'a>(p: &'a Principal, what: &str) -> Result<&'a str, Fail> {
    p.user.as_deref().ok_or_else(|| {
        Fail::new(
            connect_types::StatusCode::Auth021,
            format!("{what} needs a user; this token was issued without one (client_credentials)"),
        )
    })
}

/// A 404-like envelope for paths that name nothing.
pub fn unknown_path(path: &str) -> (Http, Vec<u8>) {
    let f = Fail::invalid(format!("no operation at {path}")).with_http(Http::NOT_FOUND);
    api::envelope(None, Err(f), None)
}

/// A 501 envelope for documented operations the sandbox does not emulate.
pub fn not_implemented(path: &str) -> (Http, Vec<u8>) {
    let f = Fail::new(
        connect_types::StatusCode::SystemError,
        format!("{path} is a documented operation that connect-sandbox does not emulate"),
    )
    .with_http(Http::NOT_IMPLEMENTED);
    api::envelope(None, Err(f), None)
}

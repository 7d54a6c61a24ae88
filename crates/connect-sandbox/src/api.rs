//! The JSON envelope on the server side: reading `RequestHeader` and the body leniently
//! (numbers and booleans as strings, any key casing, unknown fields ignored), and writing
//! the documented `ResponseHeader` with the right status list.

use connect_types::ops::MAX_ASSET_IDS;
use connect_types::{OverallStatus, ResponseHeader, StatusCode, StatusEntry, StatusType};
use http::StatusCode as Http;
use serde::Serialize;
use serde_json::{Map, Value};

/// A JSON object.
pub type Obj = Map<String, Value>;

/// An API failure: the status entries and the HTTP status to send them with.
#[derive(Debug, Clone)]
pub struct Fail {
    /// HTTP status (200 for ordinary API errors, as the real service does).
    pub http: Http,
    /// Error entries, most important first.
    pub entries: Vec<StatusEntry>,
}

impl Fail {
    /// An error with one code, sent with HTTP 200.
    pub fn new(code: StatusCode, message: impl Into<String>) -> Self {
        Fail {
            http: Http::OK,
            entries: vec![StatusEntry::new(StatusType::Error, code, message)],
        }
    }

    /// An error reported under two synonymous codes (e.g. `OperationRequiresHttps` and
    /// `AUTH-002`), so clients matching either one recognise it.
    pub fn pair(a: StatusCode, b: StatusCode, message: &str) -> Self {
        Fail {
            http: Http::OK,
            entries: vec![
                StatusEntry::new(StatusType::Error, a, message),
                StatusEntry::new(StatusType::Error, b, message),
            ],
        }
    }

    /// `InvalidRequest` with HTTP 400: malformed JSON, a wrong type, a missing field.
    pub fn invalid(message: impl Into<String>) -> Self {
        Fail {
            http: Http::BAD_REQUEST,
            entries: vec![StatusEntry::new(
                StatusType::Error,
                StatusCode::InvalidRequest,
                message,
            )],
        }
    }

    /// Replaces the HTTP status.
    pub fn with_http(mut self, http: Http) -> Self {
        self.http = http;
        self
    }
}

/// What a handler returns on success: notices (information/warning entries) and the result.
#[derive(Debug, Default)]
pub struct Done {
    /// Information and warning entries.
    pub notices: Vec<StatusEntry>,
    /// The result object (already encoded), when the operation has one.
    pub result: Option<crate::wire::Json>,
}

/// Encodes a result object as the service wrote it ([`crate::wire`]). Serializing these plain
/// models cannot fail; if it ever did, the result would be left out rather than the server
/// panicking.
pub fn raw<T: Serialize + ?Sized>(t: &T) -> Option<crate::wire::Json> {
    crate::wire::to_json(t).ok()
}

impl Done {
    /// A success with a result.
    pub fn result<T: Serialize + ?Sized>(v: &T) -> Self {
        Done {
            notices: Vec::new(),
            result: raw(v),
        }
    }
    /// A success with no result object.
    pub fn empty() -> Self {
        Done::default()
    }
    /// Adds a warning entry.
    pub fn warn(mut self, code: StatusCode, message: &str) -> Self {
        self.notices
            .push(StatusEntry::new(StatusType::Warning, code, message));
        self
    }
}

/// Builds the response envelope: `{"ResponseHeader": …, "<ResultKey>": …}` as bytes, written
/// as the service wrote them ([`crate::wire`]).
pub fn envelope(
    coordination_id: Option<String>,
    outcome: Result<Done, Fail>,
    result_key: Option<&str>,
) -> (Http, Vec<u8>) {
    let (http, status, list, result) = match outcome {
        Ok(done) => {
            // Information alone keeps "Success"; old clients treat anything else as failure.
            let warned = done
                .notices
                .iter()
                .any(|e| e.r#type == Some(StatusType::Warning));
            let status = if warned {
                OverallStatus::Warning
            } else {
                OverallStatus::Success
            };
            (Http::OK, status, done.notices, done.result)
        }
        Err(f) => (f.http, OverallStatus::Error, f.entries, None),
    };
    let header = ResponseHeader {
        status: Some(status),
        status_list: list,
        coordination_id,
    };
    // `{"ResponseHeader":…,"<ResultKey>":…}`, the result's text copied in as it was written.
    let mut out = Vec::with_capacity(256 + result.as_ref().map_or(0, |r| r.get().len()));
    out.extend_from_slice(b"{\"ResponseHeader\":");
    // Writing plain models into memory cannot fail; an empty body would be sent if it did.
    if crate::wire::to_writer(&mut out, &header).is_err() {
        return (http, Vec::new());
    }
    if let (Some(key), Some(result)) = (result_key, &result) {
        out.push(b',');
        if crate::wire::to_writer(&mut out, key).is_err() {
            return (http, Vec::new());
        }
        out.push(b':');
        out.extend_from_slice(result.get().as_bytes());
    }
    out.push(b'}');
    (http, out)
}

/// The parsed request: header fields and the body object.
#[derive(Debug)]
pub struct Request {
    /// `RequestHeader.Token`.
    pub token: Option<String>,
    /// `RequestHeader.Detail`.
    pub detail: Option<String>,
    /// The body object (`<Op>RequestBody`), empty when the operation takes none.
    pub body: Obj,
}

/// Reads the envelope. The body key is matched case-insensitively, and any of `aliases` is
/// accepted in its place (`SearchForImagesRequestBody` and `SearchForImages2RequestBody` on v1).
///
/// The coordination id is returned even when the rest fails, so errors can echo it.
pub fn parse_request(
    bytes: &[u8],
    key: &str,
    aliases: &[&str],
    body_required: bool,
) -> (Option<String>, Result<Request, Fail>) {
    let root: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            return (
                None,
                Err(Fail::invalid(format!("the body is not valid JSON: {e}"))),
            );
        }
    };
    let Value::Object(root) = root else {
        return (
            None,
            Err(Fail::invalid(
                "the body must be a JSON object holding RequestHeader and the request body",
            )),
        );
    };
    let header = get(&root, "RequestHeader");
    let coordination_id = header
        .and_then(Value::as_object)
        .and_then(|h| get(h, "CoordinationId"))
        .and_then(scalar_string);
    let run = || -> Result<Request, Fail> {
        let header = match header {
            None => None,
            Some(Value::Object(h)) => Some(h),
            Some(_) => return Err(Fail::invalid("RequestHeader must be an object")),
        };
        let token = match header {
            Some(h) => opt_str(h, "Token", "RequestHeader.Token")?,
            None => None,
        }
        .filter(|t| !t.is_empty());
        let detail = match header {
            Some(h) => opt_str(h, "Detail", "RequestHeader.Detail")?,
            None => None,
        };
        let body = std::iter::once(&key)
            .chain(aliases)
            .find_map(|k| get(&root, k));
        let body = match body {
            Some(Value::Object(b)) => b.clone(),
            Some(_) => {
                return Err(Fail::invalid(format!("{key} must be a JSON object")));
            }
            None if body_required => {
                return Err(Fail::invalid(format!("{key} is required")));
            }
            None => Obj::new(),
        };
        Ok(Request {
            token,
            detail,
            body,
        })
    };
    let r = run();
    (coordination_id, r)
}

/// A field by name: exact match first, then any casing. `null` counts as absent.
pub fn get<'a>(obj: &'a Obj, name: &str) -> Option<&'a Value> {
    let v = obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })?;
    (!v.is_null()).then_some(v)
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An optional string (a number or boolean is read as its text).
pub fn opt_str(obj: &Obj, name: &str, path: &str) -> Result<Option<String>, Fail> {
    match get(obj, name) {
        None => Ok(None),
        Some(v) => scalar_string(v)
            .map(Some)
            .ok_or_else(|| Fail::invalid(format!("{path} must be a string"))),
    }
}

/// A required, non-empty string.
pub fn req_str(obj: &Obj, name: &str, path: &str) -> Result<String, Fail> {
    opt_str(obj, name, path)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Fail::invalid(format!("{path} is required")))
}

/// An optional integer: a number, a numeric string, or `""` (absent).
pub fn opt_int(obj: &Obj, name: &str, path: &str) -> Result<Option<i64>, Fail> {
    match get(obj, name) {
        None => Ok(None),
        Some(v) => value_int(v, path),
    }
}

/// Reads an integer value leniently.
pub fn value_int(v: &Value, path: &str) -> Result<Option<i64>, Fail> {
    let bad = || Fail::invalid(format!("{path} must be an integer"));
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15) {
                Ok(Some(f as i64))
            } else {
                Err(bad())
            }
        }
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s.trim().parse::<i64>().map(Some).map_err(|_| bad()),
        Value::Null => Ok(None),
        _ => Err(bad()),
    }
}

/// A required integer.
pub fn req_int(obj: &Obj, name: &str, path: &str) -> Result<i64, Fail> {
    opt_int(obj, name, path)?.ok_or_else(|| Fail::invalid(format!("{path} is required")))
}

/// An optional boolean: `true`, `"true"`, `"False"`, `1`/`0`, `""` (absent).
pub fn opt_bool(obj: &Obj, name: &str, path: &str) -> Result<Option<bool>, Fail> {
    let bad = || Fail::invalid(format!("{path} must be a boolean"));
    match get(obj, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            _ => Err(bad()),
        },
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.is_empty() {
                Ok(None)
            } else if t.eq_ignore_ascii_case("true") || t == "1" {
                Ok(Some(true))
            } else if t.eq_ignore_ascii_case("false") || t == "0" {
                Ok(Some(false))
            } else {
                Err(bad())
            }
        }
        Some(_) => Err(bad()),
    }
}

/// An optional object.
pub fn opt_obj<'a>(obj: &'a Obj, name: &str, path: &str) -> Result<Option<&'a Obj>, Fail> {
    match get(obj, name) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(Fail::invalid(format!("{path} must be an object"))),
    }
}

/// A required object.
pub fn req_obj<'a>(obj: &'a Obj, name: &str, path: &str) -> Result<&'a Obj, Fail> {
    opt_obj(obj, name, path)?.ok_or_else(|| Fail::invalid(format!("{path} is required")))
}

/// An optional list. A single scalar is read as a one-element list (old clients did that).
pub fn opt_list<'a>(obj: &'a Obj, name: &str, path: &str) -> Result<Vec<&'a Value>, Fail> {
    match get(obj, name) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.iter().filter(|v| !v.is_null()).collect()),
        Some(v @ (Value::String(_) | Value::Number(_))) => Ok(vec![v]),
        Some(_) => Err(Fail::invalid(format!("{path} must be an array"))),
    }
}

/// An optional list of strings (numbers read as their text, empty strings dropped).
pub fn opt_str_list(obj: &Obj, name: &str, path: &str) -> Result<Vec<String>, Fail> {
    opt_list(obj, name, path)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            scalar_string(v).ok_or_else(|| Fail::invalid(format!("{path}[{i}] must be a string")))
        })
        .filter(|r| r.as_ref().map_or(true, |s| !s.trim().is_empty()))
        .collect()
}

/// An optional list of objects.
pub fn opt_obj_list<'a>(obj: &'a Obj, name: &str, path: &str) -> Result<Vec<&'a Obj>, Fail> {
    opt_list(obj, name, path)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_object()
                .ok_or_else(|| Fail::invalid(format!("{path}[{i}] must be an object")))
        })
        .collect()
}

/// Matches `value` against documented spellings in any casing; `None` when unknown.
pub fn match_enum(value: &str, allowed: &[&str]) -> Option<usize> {
    let v = value.trim();
    allowed.iter().position(|a| a.eq_ignore_ascii_case(v))
}

/// Reads an optional enum field; an unknown value fails with `code`.
pub fn opt_enum(
    obj: &Obj,
    name: &str,
    path: &str,
    allowed: &[&str],
    code: StatusCode,
) -> Result<Option<usize>, Fail> {
    match opt_str(obj, name, path)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => match_enum(&s, allowed).map(Some).ok_or_else(|| {
            Fail::new(
                code,
                format!("{path} {s:?} is not one of {}", allowed.join(", ")),
            )
        }),
    }
}

/// Reads an optional list of enum values; an unknown value fails with `code`.
pub fn enum_list(
    obj: &Obj,
    name: &str,
    path: &str,
    allowed: &[&str],
    code: StatusCode,
) -> Result<Vec<usize>, Fail> {
    opt_str_list(obj, name, path)?
        .into_iter()
        .map(|s| {
            match_enum(&s, allowed).ok_or_else(|| {
                Fail::new(
                    code.clone(),
                    format!("{path} value {s:?} is not one of {}", allowed.join(", ")),
                )
            })
        })
        .collect()
}

/// Languages the API documents.
pub const LANGUAGES: &[&str] = &[
    "de", "en-gb", "en-us", "es", "fr", "it", "ja", "ko", "nl", "pt-pt", "ru", "sv",
];

/// Checks `Language`: missing or unsupported → `DefaultLanguageUsed` information; a value that
/// is not a language tag at all → `InvalidLanguageCode`.
pub fn language(obj: &Obj, path: &str) -> Result<Option<StatusEntry>, Fail> {
    language_of(opt_str(obj, "Language", path)?, path)
}

/// [`language`] for a value already read (a model's `Language`, as sent).
pub fn language_of(value: Option<String>, path: &str) -> Result<Option<StatusEntry>, Fail> {
    let info = |m: &str| {
        Some(StatusEntry::new(
            StatusType::Information,
            StatusCode::DefaultLanguageUsed,
            m,
        ))
    };
    match value {
        None => Ok(info("Language missing, so en-us was used")),
        Some(l) if l.trim().is_empty() => Ok(info("Language missing, so en-us was used")),
        Some(l) => {
            if match_enum(&l, LANGUAGES).is_some() {
                return Ok(None);
            }
            let tag_like = l.split('-').all(|p| {
                !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric())
            }) && l.split('-').next().is_some_and(|p| {
                (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
            });
            if tag_like {
                Ok(info(&format!(
                    "Language {l:?} is not supported, so en-us was used"
                )))
            } else {
                Err(Fail::new(
                    StatusCode::InvalidLanguageCode,
                    format!("{path} {l:?} is not a language code"),
                ))
            }
        }
    }
}

/// Checks a list that must hold between 1 and [`MAX_ASSET_IDS`] entries.
pub fn check_asset_count(len: usize, path: &str) -> Result<(), Fail> {
    if len == 0 {
        return Err(Fail::invalid(format!("{path} is required")));
    }
    if len > MAX_ASSET_IDS {
        return Err(Fail::new(
            connect_types::StatusCode::AssetIdListExceedsMaxAllowed,
            format!("{path} holds {len} entries; at most {MAX_ASSET_IDS} are allowed"),
        ));
    }
    Ok(())
}

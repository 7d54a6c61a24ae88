//! The JSON envelope around every call: `{"RequestHeader": …, "<Op>RequestBody": …}` out,
//! `{"ResponseHeader": …, "<Op>Result": …}` back.

use crate::operation::Operation;
use crate::secret::Secret;
use crate::status::{OverallStatus, StatusCode, StatusEntry, StatusType};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// `RequestHeader`: the token, the caller's coordination id, and `Detail` where an operation
/// has it. Unset fields are omitted on the wire.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct RequestHeader {
    /// The token for this call (standard or secure), absent for CreateSession.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// A value of the caller's choosing, echoed back in the response header.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub coordination_id: Option<String>,
    /// Level of detail, for the operations that take one (GetImageDetails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `ResponseHeader`: the overall status, the detailed status list, and the echoed
/// coordination id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ResponseHeader {
    /// Overall outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OverallStatus>,
    /// One entry per detailed notice; often empty.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub status_list: Vec<StatusEntry>,
    /// Echo of the request's coordination id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub coordination_id: Option<String>,
}

impl ResponseHeader {
    /// Whether the overall status is `Error` (a missing status with an `Error` entry counts too).
    pub fn is_error(&self) -> bool {
        match &self.status {
            Some(OverallStatus::Error) => true,
            Some(_) => false,
            None => self
                .status_list
                .iter()
                .any(|e| e.r#type == Some(StatusType::Error)),
        }
    }

    /// The status codes in the list, in order.
    pub fn codes(&self) -> impl Iterator<Item = &StatusCode> {
        self.status_list.iter().filter_map(|e| e.code.as_ref())
    }

    /// Entries that are warnings or information, which a successful call may carry.
    pub fn notices(&self) -> impl Iterator<Item = &StatusEntry> {
        self.status_list
            .iter()
            .filter(|e| e.r#type != Some(StatusType::Error))
    }
}

/// A decoded successful response: the header (warnings, coordination id) and the result.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Response<T> {
    /// The response header; may carry warnings and information entries.
    pub header: ResponseHeader,
    /// The operation's result (its `Default` when the response had none).
    pub result: T,
}

impl<T> Response<T> {
    /// Warnings and information entries attached to the successful call.
    pub fn warnings(&self) -> impl Iterator<Item = &StatusEntry> {
        self.header.notices()
    }

    /// The coordination id the server echoed.
    pub fn coordination_id(&self) -> Option<&str> {
        self.header.coordination_id.as_deref()
    }

    /// Drops the header.
    pub fn into_result(self) -> T {
        self.result
    }
}

/// An API-level failure: the response said `Status: "Error"`. Carries the whole status list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The response header, with every status entry.
    pub header: ResponseHeader,
}

impl ApiError {
    /// The first error entry's code (or the first code of any kind).
    pub fn code(&self) -> Option<&StatusCode> {
        self.first_entry().and_then(|e| e.code.as_ref())
    }

    /// The first error entry (or the first entry of any kind).
    pub fn first_entry(&self) -> Option<&StatusEntry> {
        let list = &self.header.status_list;
        list.iter()
            .find(|e| e.r#type == Some(StatusType::Error))
            .or_else(|| list.first())
    }

    /// Every code in the status list.
    pub fn codes(&self) -> impl Iterator<Item = &StatusCode> {
        self.header.codes()
    }

    /// Whether any entry has this code.
    pub fn has_code(&self, code: &StatusCode) -> bool {
        self.codes().any(|c| c == code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut errors = self
            .header
            .status_list
            .iter()
            .filter(|e| e.r#type != Some(StatusType::Information))
            .peekable();
        if errors.peek().is_none() {
            return f.write_str("the API reported an error without a status entry");
        }
        for (i, e) in errors.enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Why a response could not be turned into a result.
#[derive(Debug)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not a JSON envelope of the expected shape.
    Json(serde_json::Error),
    /// The envelope had no `ResponseHeader`, so its outcome is unknown.
    MissingHeader,
    /// The API answered with `Status: "Error"`.
    Api(ApiError),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Json(e) => write!(f, "the response is not a valid Connect envelope: {e}"),
            DecodeError::MissingHeader => {
                f.write_str("the response has no ResponseHeader, so its outcome is unknown")
            }
            DecodeError::Api(e) => write!(f, "the API reported an error: {e}"),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Json(e) => Some(e),
            DecodeError::Api(e) => Some(e),
            DecodeError::MissingHeader => None,
        }
    }
}

impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        DecodeError::Json(e)
    }
}

/// The request envelope, serialized without building an intermediate `Value`.
struct RequestEnvelope<'a, O> {
    header: &'a RequestHeader,
    /// The body and its key; `None` for operations documented without a body.
    body: Option<(&'static str, &'a O)>,
}

impl<O: Serialize> Serialize for RequestEnvelope<'_, O> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1 + usize::from(self.body.is_some())))?;
        m.serialize_entry("RequestHeader", self.header)?;
        if let Some((key, body)) = self.body {
            m.serialize_entry(key, body)?;
        }
        m.end()
    }
}

/// Encodes `{"RequestHeader": header, "<BODY_KEY>": body}` (the header alone for operations
/// whose [`Operation::HAS_BODY`] is false).
///
/// The header's `Detail` is filled from the operation when it has one and the header does not.
pub fn encode_request<O: Operation>(header: &RequestHeader, body: &O) -> Vec<u8> {
    let filled;
    let header = match (body.header_detail(), &header.detail) {
        (Some(d), None) => {
            filled = RequestHeader {
                detail: Some(d.to_owned()),
                ..header.clone()
            };
            &filled
        }
        _ => header,
    };
    let env = RequestEnvelope {
        header,
        body: O::HAS_BODY.then_some((O::BODY_KEY, body)),
    };
    // Serializing plain data structs with string keys into a Vec cannot fail.
    serde_json::to_vec(&env).unwrap_or_default()
}

/// Decodes a response envelope for operation `O`.
///
/// Unknown keys are ignored. A header with `Status: "Error"` gives [`DecodeError::Api`]
/// whatever the result holds; a missing or `null` result gives the result type's default.
pub fn decode_response<O: Operation>(bytes: &[u8]) -> Result<Response<O::Result>, DecodeError> {
    decode_envelope::<O::Result>(bytes, O::RESULT_KEY)
}

/// [`decode_response`] for a result type and key given at run time.
pub fn decode_envelope<T: DeserializeOwned + Default>(
    bytes: &[u8],
    result_key: Option<&str>,
) -> Result<Response<T>, DecodeError> {
    // One UTF-8 check of the whole answer, then the `str` reader, which does not check each
    // string again: serde_json's byte reader validates every string on its own, a sixth of
    // the decode of a search answer. Bytes that are not UTF-8 go to the byte reader, whose
    // error names the place.
    let raw = match std::str::from_utf8(bytes) {
        Ok(text) => read_envelope(serde_json::Deserializer::from_str(text), result_key)?,
        Err(_) => read_envelope(serde_json::Deserializer::from_slice(bytes), result_key)?,
    };
    let header = raw.header.ok_or(DecodeError::MissingHeader)?;
    if header.is_error() {
        return Err(DecodeError::Api(ApiError { header }));
    }
    let result = match raw.result {
        ResultSlot::Parsed(r) => r,
        ResultSlot::Deferred(rawv) => Option::<T>::deserialize(&*rawv)
            .map_err(DecodeError::Json)?
            .unwrap_or_default(),
        ResultSlot::Missing => T::default(),
    };
    Ok(Response { header, result })
}

/// The envelope's two members, read from `de` to its end.
fn read_envelope<'de, R: serde_json::de::Read<'de>, T: DeserializeOwned + Default>(
    mut de: serde_json::Deserializer<R>,
    result_key: Option<&str>,
) -> Result<RawEnvelope<T>, serde_json::Error> {
    let raw = de.deserialize_map(EnvelopeVisitor::<T> {
        result_key,
        _t: PhantomData,
    })?;
    de.end()?;
    Ok(raw)
}

enum ResultSlot<T> {
    Missing,
    Parsed(T),
    /// The result came before the header, so whether to parse it was not yet known.
    Deferred(Box<RawValue>),
}

struct RawEnvelope<T> {
    header: Option<ResponseHeader>,
    result: ResultSlot<T>,
}

struct EnvelopeVisitor<'k, T> {
    result_key: Option<&'k str>,
    _t: PhantomData<T>,
}

impl<'de, T: DeserializeOwned + Default> Visitor<'de> for EnvelopeVisitor<'_, T> {
    type Value = RawEnvelope<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with a ResponseHeader")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = RawEnvelope {
            header: None,
            result: ResultSlot::Missing,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "ResponseHeader" {
                out.header = Some(map.next_value()?);
            } else if Some(&*key) == self.result_key {
                out.result = match &out.header {
                    // Errors may carry a partial or odd result; it is not read.
                    Some(h) if h.is_error() => {
                        map.next_value::<IgnoredAny>()?;
                        ResultSlot::Missing
                    }
                    Some(_) => {
                        ResultSlot::Parsed(map.next_value::<Option<T>>()?.unwrap_or_default())
                    }
                    None => ResultSlot::Deferred(map.next_value()?),
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Security;

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Ping {
        word: String,
    }

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Pong {
        #[serde(default)]
        word: String,
    }

    impl Operation for Ping {
        type Result = Pong;
        const NAME: &'static str = "Ping";
        const PATH: &'static str = "/v1/test/Ping";
        const BODY_KEY: &'static str = "PingRequestBody";
        const RESULT_KEY: Option<&'static str> = Some("PingResult");
        const SECURITY: Security = Security::Standard;
        const IDEMPOTENT: bool = true;
        const CHANGES_STATE: bool = false;
    }

    #[test]
    fn encodes_envelope_without_nulls() {
        let header = RequestHeader {
            token: Some(Secret::new("tok")),
            ..Default::default()
        };
        let bytes = encode_request(&header, &Ping { word: "hi".into() });
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            r#"{"RequestHeader":{"Token":"tok"},"PingRequestBody":{"Word":"hi"}}"#
        );
    }

    #[test]
    fn decodes_success_in_either_key_order_and_ignores_unknown_keys() {
        let a = br#"{"ResponseHeader":{"Status":"Success","StatusList":[]},"Extra":1,"PingResult":{"Word":"x","New":true}}"#;
        let b = br#"{"PingResult":{"Word":"x"},"ResponseHeader":{"Status":"success","CoordinationId":"c1"}}"#;
        assert_eq!(decode_response::<Ping>(a).unwrap().result.word, "x");
        let r = decode_response::<Ping>(b).unwrap();
        assert_eq!(r.result.word, "x");
        assert_eq!(r.coordination_id(), Some("c1"));
    }

    #[test]
    fn error_status_is_an_api_error_whatever_the_result() {
        let body = br#"{"ResponseHeader":{"Status":"Error","StatusList":[{"Type":"Error","Code":"ImageNotFound","Message":"no such image"}]},"PingResult":{"Word":42}}"#;
        match decode_response::<Ping>(body) {
            Err(DecodeError::Api(e)) => {
                assert_eq!(e.code(), Some(&StatusCode::ImageNotFound));
                assert_eq!(e.to_string(), "ImageNotFound: no such image");
            }
            other => panic!("{other:?}"),
        }
        let before = br#"{"PingResult":{"Word":42},"ResponseHeader":{"Status":"Error","StatusList":[{"Type":"Error","Code":"AUTH-021"}]}}"#;
        assert!(matches!(
            decode_response::<Ping>(before),
            Err(DecodeError::Api(_))
        ));
    }

    #[test]
    fn missing_result_is_default_and_junk_is_a_clear_error() {
        let r = decode_response::<Ping>(
            br#"{"ResponseHeader":{"Status":"Success"},"PingResult":null}"#,
        )
        .unwrap();
        assert_eq!(r.result, Pong::default());
        assert!(matches!(
            decode_response::<Ping>(b"{}"),
            Err(DecodeError::MissingHeader)
        ));
        for junk in [&b""[..], b"{", b"[1]", b"<html>", b"{\"ResponseHeader\":"] {
            let e = decode_response::<Ping>(junk).unwrap_err();
            assert!(matches!(e, DecodeError::Json(_)), "{junk:?}");
            assert!(e.to_string().contains("not a valid Connect envelope"));
        }
    }

    #[test]
    fn warnings_are_visible() {
        let body = br#"{"ResponseHeader":{"Status":"Warning","StatusList":[{"Type":"Warning","Code":"NoImages","Message":"none"}]},"PingResult":{}}"#;
        let r = decode_response::<Ping>(body).unwrap();
        assert_eq!(r.warnings().count(), 1);
    }
}

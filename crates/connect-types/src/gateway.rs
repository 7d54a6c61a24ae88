//! The answers of the service's gateway when an application key is over one of its call
//! limits (Getty's "Request Throttling" and "Error Handling" pages). They are not envelopes:
//! HTTP `403 Forbidden`, a header naming the limit, and a one-field JSON body.
//!
//! ```text
//! HTTP/1.1 403 Forbidden
//! X-Error-Detail: Account Over Queries Per Second Limit
//!
//! {"message": "Account Over Queries Per Second Limit"}
//! ```
//!
//! The per-second one means the request was turned away before anything was done; the daily
//! one lasts until the service's day ends. Neither carries `Retry-After`.

/// The header the gateway names the limit in.
pub const ERROR_DETAIL_HEADER: &str = "X-Error-Detail";
/// The per-second limit's `X-Error-Detail` and `message`.
pub const OVER_QPS: &str = "Account Over Queries Per Second Limit";
/// The daily limit's `X-Error-Detail` and `message`.
pub const OVER_RATE: &str = "Account Over Rate Limit";

/// The body of a refusal: `{"message": "<detail>"}`, spaced as the documentation shows it.
///
/// ```
/// assert_eq!(
///     connect_types::gateway::body(connect_types::gateway::OVER_RATE),
///     r#"{"message": "Account Over Rate Limit"}"#
/// );
/// ```
pub fn body(detail: &str) -> String {
    format!(
        "{{\"message\": {}}}",
        serde_json::Value::String(detail.to_owned())
    )
}

/// The body's one field, for reading it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct GatewayMessage {
    /// The limit's name (as in `X-Error-Detail`).
    pub message: String,
}

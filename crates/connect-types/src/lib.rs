//! Serde models of the Getty Images Connect API (v2 era, JSON over HTTP POST).
//!
//! Every operation is a request type implementing [`Operation`], which ties it to its result
//! type, endpoint path, body and result keys, and security class. [`envelope::encode_request`]
//! and [`envelope::decode_response`] wrap and unwrap the JSON envelope that every call uses.
//!
//! This crate is pure data: no HTTP types, no I/O, no async runtime.
//!
//! Decoding is lenient where the documentation contradicts itself (numbers that arrive as
//! strings, booleans as `"true"`/`""`, enum values in any casing or unknown to the docs);
//! encoding always produces the documented form.

pub mod date;
pub mod enums;
pub mod envelope;
pub mod lenient;
pub mod operation;
pub mod ops;
#[cfg(feature = "schema")]
pub mod schema;
pub mod secret;
pub mod status;

pub use date::{MsDate, RequestDate};
pub use envelope::{
    ApiError, DecodeError, RequestHeader, Response, ResponseHeader, decode_response, encode_request,
};
pub use operation::{Operation, Security};
pub use secret::Secret;
pub use status::{OverallStatus, StatusCode, StatusEntry, StatusType};

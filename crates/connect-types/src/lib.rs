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
//!
//! ```
//! use connect_types::ops::{ImageFamily, SearchForImagesRequest};
//! use connect_types::{RequestHeader, Secret, decode_response, encode_request};
//!
//! let req = SearchForImagesRequest::phrase("dog").family(ImageFamily::Creative).count(25);
//! let header = RequestHeader { token: Some(Secret::new("token")), ..RequestHeader::default() };
//! let body = encode_request(&header, &req);
//! assert!(body.starts_with(br#"{"RequestHeader":{"Token":"token"},"SearchForImagesRequestBody":"#));
//!
//! let reply = br#"{"ResponseHeader":{"Status":"Success","StatusList":[]},
//!     "SearchForImagesResult":{"Images":[{"ImageId":"123","ImageFamily":"creative"}],
//!     "ItemTotalCount":"1"}}"#;
//! let result = decode_response::<SearchForImagesRequest>(reply)?.into_result();
//! assert_eq!(result.images[0].image_family, Some(ImageFamily::Creative));
//! assert_eq!(result.item_total_count, Some(1));
//! # Ok::<(), connect_types::DecodeError>(())
//! ```

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly: badges for feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod date;
pub mod enums;
pub mod envelope;
#[doc(hidden)]
pub mod fuzzing;
pub mod gateway;
pub mod lenient;
#[cfg(feature = "schema")]
pub mod openapi;
pub mod operation;
pub mod ops;
mod percent;
#[cfg(feature = "schema")]
pub mod schema;
pub mod secret;
mod small_string;
pub mod status;

pub use date::{IsoDateTime, MsDate, RequestDate};
pub use envelope::{
    ApiError, DecodeError, RequestHeader, Response, ResponseHeader, decode_response, encode_request,
};
pub use operation::{Operation, Security};
pub use secret::Secret;
pub use small_string::SmallString;
pub use status::{OverallStatus, StatusCode, StatusEntry, StatusType};

// The README's example runs as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

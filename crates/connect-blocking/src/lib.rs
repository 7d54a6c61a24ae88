//! A blocking client for the Getty Images Connect API, on ureq (rustls).
//!
//! Give it credentials once; it acquires and renews tokens (OAuth2 or the legacy session),
//! picks the standard or secure token per call, refuses secure-only calls over plain HTTP,
//! retries transient failures, pages through results and streams downloads. The logic lives in
//! the sans-IO core `connect-auth`; this crate only does the I/O. `connect-async` has the same
//! shape for async programs.
//!
//! ```no_run
//! use connect_blocking::{Client, ops::SearchForImagesRequest};
//! let client = Client::from_env()?;
//! let found = client.search_images(&SearchForImagesRequest::phrase("tree").count(1))?;
//! let id = found.result.images[0].image_id.clone().unwrap_or_default();
//! client.download_largest(&id)?.on_progress(|p| eprintln!("{} bytes", p.bytes)).to_file("tree.jpg")?;
//! # Ok::<(), connect_blocking::Error>(())
//! ```
//!
//! Every call returns a [`Response`]: `result` is the typed result, and
//! [`Response::warnings`] / [`Response::coordination_id`] read the response header.
//!
//! Each call runs in a `connect_call` tracing span (operation, coordination id, attempt, HTTP
//! status); tokens, passwords and request bodies are never logged.

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly: badges for feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod batch;
mod builder;
mod cassettes;
mod client;
mod download;
mod extra;
mod operations;
mod paging;
mod token_cache;
mod transport;

pub use batch::BatchBuilder;
pub use builder::ClientBuilder;
pub use cassettes::{RecordingTransport, ReplayTransport};
pub use client::Client;
pub use connect_auth::ClientConfig;
pub use connect_auth::cassette;
pub use connect_auth::config::Clock;
pub use connect_auth::download::{
    BatchEvent, BatchProgress, BatchReport, ChoiceReason, ChosenOffering, DownloadSummary,
    DownloadTarget, FileReport, OfferingChoice, PaidBy, Progress, RenewReason, StallRule, UrlUse,
};
pub use connect_auth::feed;
pub use connect_auth::paging::Paged;
pub use connect_auth::token::{CacheKey, SavedTokens};
pub use connect_auth::{
    AuthConfig, CallOptions, Credentials, Error, ErrorKind, PacingStatus, RateLimit,
    RateLimitScope, RetryBudget, RetryPolicy, TransportCause, TransportFailure,
};
pub use connect_types::{
    IsoDateTime, Operation, RequestDate, Response, Secret, SmallString, StatusCode, StatusEntry,
    ops,
};
pub use download::{Download, DownloadBuilder};
/// Re-exported: the request and response types of [`Transport`].
pub use http;
pub use paging::Pages;
pub use token_cache::{CacheLock, FileTokenCache, MemoryTokenCache, TokenCache};
pub use transport::{Body, Transport, UreqTransport};

/// The `User-Agent` sent unless the builder sets another.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "getty-connect-rs/",
    env!("CARGO_PKG_VERSION"),
    " (connect-blocking)"
);

// The README's example runs as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

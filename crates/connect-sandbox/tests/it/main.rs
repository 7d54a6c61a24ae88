//! Integration tests: plain HTTP(S) requests (ureq) against in-process sandboxes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod common;
mod contract;
mod details;
mod downloads;
mod input;
mod lightboxes;
mod limits;
mod oauth;
mod search;
mod security;
mod session;
mod stats;
mod videos;

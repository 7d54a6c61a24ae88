//! Integration tests: plain HTTP(S) requests (ureq) against in-process sandboxes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod call_limits;
mod common;
mod contract;
mod customers;
mod description;
mod details;
mod downloads;
mod faults;
mod feed;
mod histories;
mod input;
mod lightboxes;
mod limits;
mod oauth;
mod oembed;
mod offerings;
mod pictures;
mod reference;
mod replay;
mod search;
mod security;
mod session;
mod single_step;
mod site;
mod stats;
mod usage;
mod videos;
mod wire;

//! Behaviour of the sans-IO core, driven with a fake clock and a scripted fake server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calls;
mod cassettes;
mod fake;
mod lifetimes;
mod pacing;
mod requests;
mod saved;
mod tokens;

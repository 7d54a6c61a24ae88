//! Everything the handlers share.

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::index::Index;
use crate::stats::StatsRecorder;
use crate::store::downloads::Downloads;
use crate::store::lightboxes::Lightboxes;
use crate::store::tokens::TokenStore;
use std::sync::Arc;

/// The server's shared state.
#[derive(Debug)]
pub struct State {
    /// The configuration it started with.
    pub config: SandboxConfig,
    /// The catalog and its index.
    pub index: Index,
    /// Live tokens.
    pub tokens: TokenStore,
    /// Counters.
    pub stats: StatsRecorder,
    /// Per-user lightboxes.
    pub lightboxes: Lightboxes,
    /// Download tokens and URLs.
    pub downloads: Downloads,
    /// Fault injection.
    pub faults: Faults,
    /// The clock lifetimes are measured by.
    pub clock: Arc<Clock>,
    /// `https://127.0.0.1:PORT`, for download links.
    pub https_base: String,
}

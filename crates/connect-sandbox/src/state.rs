//! Everything the handlers share.

use crate::auth::TokenStore;
use crate::config::SandboxConfig;
use crate::download::Downloads;
use crate::faults::Faults;
use crate::index::Index;
use crate::lightbox::Lightboxes;
use crate::stats::StatsRecorder;

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
    /// `https://127.0.0.1:PORT`, for download links.
    pub https_base: String,
}

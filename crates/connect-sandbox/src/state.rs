//! Everything the handlers share.

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::index::Index;
use crate::stats::StatsRecorder;
use crate::store::Kept;
use crate::store::downloads::Downloads;
use crate::store::limits::CallLimits;
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
    /// What the state file keeps: lightboxes, accounts, usage reports, the feed.
    pub kept: Kept,
    /// Download tokens and URLs.
    pub downloads: Downloads,
    /// Fault injection.
    pub faults: Faults,
    /// The call limits per application key.
    pub limits: CallLimits,
    /// The clock lifetimes are measured by.
    pub clock: Arc<Clock>,
    /// `https://127.0.0.1:PORT`, for download links.
    pub https_base: String,
    /// The HTTPS listener's port, kept in the state file.
    pub https_port: u16,
    /// `http://127.0.0.1:PORT`, for picture links and the OpenAPI servers.
    pub http_base: String,
    /// `http://127.0.0.1:PORT/media`: where result URLs point for thumbnails, previews, comps.
    pub media_base: String,
    /// Encoded pictures served under [`State::media_base`].
    pub pictures: crate::picture::PictureCache,
    /// Images as search results show them, written once and kept.
    pub search_images: crate::render::SearchImages,
    /// Where the state is kept between runs, if anywhere.
    pub state_file: Option<crate::state_file::StateFile>,
    /// Why the last write of the state file failed, until a later one succeeds.
    pub state_file_error: std::sync::Mutex<Option<String>>,
    /// `--replay`: the cassette every request is answered from, instead of the catalog.
    pub replay: Option<connect_auth::cassette::SharedPlayer>,
}

impl State {
    /// Everything the state file keeps, as it is now.
    pub fn saved(&self) -> crate::state_file::Saved {
        crate::state_file::Saved {
            format: crate::state_file::FORMAT,
            written_by: concat!("connect-sandbox ", env!("CARGO_PKG_VERSION")).to_owned(),
            seed: self.config.seed,
            images: self.config.images,
            kept: self.kept.save(),
            token_key: Some(self.tokens.key_for_saving()),
            https_port: Some(self.https_port),
        }
    }

    /// After a call of an operation that `changes_state` ([`connect_types::Operation::CHANGES_STATE`]):
    /// rewrites the state file. A failed write is logged; the call itself has succeeded and is
    /// answered.
    pub fn after_call(&self, changes_state: bool) {
        if changes_state {
            self.write_state();
        }
    }

    /// Rewrites the state file, if there is one (at start, when the token key is new, so tokens
    /// issued before any change still outlive a restart). A failed write is logged and kept
    /// for [`crate::SandboxInfo::state_file_error`].
    pub fn write_state(&self) {
        let Some(file) = &self.state_file else {
            return;
        };
        let written = file.write(&self.saved());
        if let Err(e) = &written {
            tracing::error!(
                path = %file.path().display(),
                error = %e,
                "could not write the sandbox state file; this change will be lost at exit"
            );
        }
        let mut last = self
            .state_file_error
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *last = written
            .err()
            .map(|e| format!("cannot write {}: {e}", file.path().display()));
    }

    /// The user `name`/`password` signs in as: a configured user, or a customer created by
    /// CreateCustomer (user names match in any casing, as the service's did for customers).
    pub fn sign_in(&self, name: &str, password: &str) -> Option<String> {
        if self.config.credentials.user_matches(name, password) {
            return Some(name.to_owned());
        }
        self.kept.accounts.customer_login(name, password)
    }
}

//! Request counters behind `GET /_sandbox/stats` and [`crate::Sandbox::stats`].

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A snapshot of the counters.
///
/// `operations` counts every request that reached an operation's path (whatever its outcome);
/// `grants` counts every token request per grant: `client_credentials`, `password`,
/// `refresh_token`, `implicit`, `CreateSession`, `RenewSession`, or `other` (also failed ones), so a test
/// can assert that 100 concurrent calls caused exactly one token request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Stats {
    /// Requests per operation name.
    pub operations: BTreeMap<String, u64>,
    /// Token requests per grant.
    pub grants: BTreeMap<String, u64>,
    /// API answers with Status "Error", per status code.
    pub errors: BTreeMap<String, u64>,
    /// GETs of download URLs.
    pub downloads: u64,
    /// Body bytes sent by download URLs.
    pub download_bytes: u64,
    /// Faults injected (503, DependentServiceDown, dropped connections, download cuts).
    pub faults: u64,
    /// Tokens revoked through the test hook.
    pub revocations: u64,
    /// Connections closed at once because [`crate::Limits::max_connections`] were open.
    #[serde(default)]
    pub connections_refused: u64,
    /// Connections closed by a timeout of [`crate::Limits`] (header, idle or body).
    #[serde(default)]
    pub connections_timed_out: u64,
}

/// The grant names counted on their own; anything else a client sends counts as `other`, so
/// a client cannot grow the map by inventing names.
const GRANTS: &[&str] = &[
    "client_credentials",
    "password",
    "refresh_token",
    "implicit",
    "CreateSession",
    "RenewSession",
];

/// The live counters.
#[derive(Debug, Default)]
pub struct StatsRecorder(Mutex<Stats>);

impl StatsRecorder {
    fn with(&self, f: impl FnOnce(&mut Stats)) {
        // A poisoned lock only means another thread panicked mid-update; counters stay usable.
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g);
    }

    /// Counts one request to `op`.
    pub fn operation(&self, op: &str) {
        self.with(|s| *s.operations.entry(op.to_owned()).or_default() += 1);
    }

    /// Counts one token request with `grant` (an unknown or missing one as `other`).
    pub fn grant(&self, grant: &str) {
        let key = GRANTS
            .iter()
            .find(|g| **g == grant)
            .copied()
            .unwrap_or("other");
        self.with(|s| *s.grants.entry(key.to_owned()).or_default() += 1);
    }

    /// Counts one error answer with `code`.
    pub fn error(&self, code: &str) {
        self.with(|s| *s.errors.entry(code.to_owned()).or_default() += 1);
    }

    /// Counts one download GET.
    pub fn download(&self) {
        self.with(|s| s.downloads += 1);
    }

    /// Adds sent download bytes.
    pub fn download_bytes(&self, n: u64) {
        self.with(|s| s.download_bytes += n);
    }

    /// Counts one injected fault.
    pub fn fault(&self) {
        self.with(|s| s.faults += 1);
    }

    /// Counts one connection refused for the connection cap.
    pub fn connection_refused(&self) {
        self.with(|s| s.connections_refused += 1);
    }

    /// Counts one connection closed by a timeout.
    pub fn connection_timed_out(&self) {
        self.with(|s| s.connections_timed_out += 1);
    }

    /// Adds revoked tokens.
    pub fn revoked(&self, n: u64) {
        self.with(|s| s.revocations += n);
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> Stats {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        self.with(|s| *s = Stats::default());
    }
}

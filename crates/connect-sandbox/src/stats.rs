//! Request counters behind `GET /_sandbox/stats` and [`crate::SandboxInfo::stats`].

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
    /// Faults injected per kind (`unavailable`, `service_down`, `drop_before`, `drop_after`,
    /// `slow`, `cut_mid_body`, `download_cut`).
    #[serde(default)]
    pub faults_by_kind: BTreeMap<String, u64>,
    /// Calls per listener (`http`, `https`), then per operation (`oauth2/token` and
    /// `download` included), then per token class: `standard`, `secure`, `oauth`, `refresh`
    /// (the token as the sandbox knew it), `unknown` (not a live token), `none` (no token).
    /// See [`Stats::calls`].
    #[serde(default)]
    pub listeners: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>,
    /// Tokens revoked through the test hook.
    pub revocations: u64,
    /// Connections closed at once because [`crate::Limits::max_connections`] were open.
    #[serde(default)]
    pub connections_refused: u64,
    /// Connections closed by a timeout of [`crate::Limits`] (header, idle or body).
    #[serde(default)]
    pub connections_timed_out: u64,
    /// What each application key (the OAuth2 client id, the SystemId) did against the call
    /// limits, when [`crate::SandboxConfig::qps`] or [`crate::SandboxConfig::daily_limit`] is
    /// set (nothing is counted otherwise).
    #[serde(default)]
    pub app_keys: BTreeMap<String, KeyCounts>,
    /// Per asset id: the download URLs sold for it and the GETs of them (see [`AssetStats`]).
    /// At most [`MAX_ASSETS`] assets are told apart; the rest count under `other`.
    #[serde(default)]
    pub assets: BTreeMap<String, AssetStats>,
}

/// One application key's requests against the call limits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct KeyCounts {
    /// Requests let through (they count toward both limits).
    pub allowed: u64,
    /// Requests refused with `Account Over Queries Per Second Limit`.
    pub throttled_per_second: u64,
    /// Requests refused with `Account Over Rate Limit`.
    pub refused_for_day: u64,
}

/// What happened to one asset's downloads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AssetStats {
    /// Download URLs sold: CreateDownloadRequest or SingleStepDownload calls that charged an
    /// offering for it (each one spent a download of the allowance).
    pub urls_sold: u64,
    /// GETs of its download URLs without `Range` (from the first byte).
    pub whole_gets: u64,
    /// GETs of its download URLs with `Range` (resumes).
    pub range_gets: u64,
}

/// Assets [`Stats::assets`] tells apart.
pub const MAX_ASSETS: usize = 10_000;

impl Stats {
    /// Calls of `operation` over `listener` (`http` or `https`) with a token of `class`
    /// (`standard`, `secure`, `oauth`, `refresh`, `unknown`, `none`); `class` `*` counts them all.
    ///
    /// ```
    /// # let stats = connect_sandbox::Stats::default();
    /// assert_eq!(stats.calls("https", "CreateDownloadRequest", "secure"), 0);
    /// assert_eq!(stats.calls("http", "SearchForImages", "*"), 0);
    /// ```
    pub fn calls(&self, listener: &str, operation: &str, class: &str) -> u64 {
        let Some(by_class) = self
            .listeners
            .get(listener)
            .and_then(|ops| ops.get(operation))
        else {
            return 0;
        };
        if class == "*" {
            by_class.values().sum()
        } else {
            by_class.get(class).copied().unwrap_or(0)
        }
    }
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

    /// Counts one injected fault of `kind`.
    pub fn fault(&self, kind: &'static str) {
        self.with(|s| {
            s.faults += 1;
            *s.faults_by_kind.entry(kind.to_owned()).or_default() += 1;
        });
    }

    /// Counts one call of `operation` (a static name, so the map stays bounded) over
    /// `listener` with a token of `class`.
    pub fn call(&self, listener: &'static str, operation: &'static str, class: &'static str) {
        self.with(|s| {
            *s.listeners
                .entry(listener.to_owned())
                .or_default()
                .entry(operation.to_owned())
                .or_default()
                .entry(class.to_owned())
                .or_default() += 1;
        });
    }

    /// Counts one request of application key `key` (a key the sandbox knows) and its verdict.
    pub fn limited(&self, key: &str, verdict: crate::store::limits::Verdict) {
        use crate::store::limits::Verdict;
        self.with(|s| {
            let k = s.app_keys.entry(key.to_owned()).or_default();
            match verdict {
                Verdict::Allowed => k.allowed += 1,
                Verdict::OverQps => k.throttled_per_second += 1,
                Verdict::OverDaily => k.refused_for_day += 1,
            }
        });
    }

    /// Counts one download URL sold for `asset`.
    pub fn url_sold(&self, asset: &str) {
        self.asset(asset, |a| a.urls_sold += 1);
    }

    /// Counts one GET of a download URL of `asset`, with `Range` or without.
    pub fn asset_get(&self, asset: &str, ranged: bool) {
        self.asset(asset, |a| {
            if ranged {
                a.range_gets += 1;
            } else {
                a.whole_gets += 1;
            }
        });
    }

    fn asset(&self, asset: &str, f: impl FnOnce(&mut AssetStats)) {
        self.with(|s| {
            let key = if s.assets.len() < MAX_ASSETS || s.assets.contains_key(asset) {
                asset
            } else {
                "other"
            };
            f(s.assets.entry(key.to_owned()).or_default());
        });
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

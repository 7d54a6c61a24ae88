//! The download and purchase histories that spending offerings leaves.

use super::{Account, Accounts};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Entries kept per history; older ones are dropped first.
pub const MAX_HISTORY: usize = 10_000;
/// One recorded download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadRecord {
    /// The asset.
    pub asset_id: String,
    /// When (Unix milliseconds).
    pub at: i64,
    /// The offering spent.
    pub offering: &'static str,
}

/// One recorded purchase: a download that spent a paid offering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseRecord {
    /// The asset.
    pub asset_id: String,
    /// When (Unix milliseconds).
    pub at: i64,
    /// The order that holds it.
    pub order_id: String,
}

fn push_capped<T>(q: &mut VecDeque<T>, v: T) {
    if q.len() >= MAX_HISTORY {
        q.pop_front();
    }
    q.push_back(v);
}

impl Account {
    /// Records a download of `asset_id` that spent `offering`.
    pub(super) fn record_download(&mut self, asset_id: &str, at: i64, offering: &'static str) {
        let record = DownloadRecord {
            asset_id: asset_id.to_owned(),
            at,
            offering,
        };
        push_capped(&mut self.downloads, record);
    }

    /// Records a purchase of `asset_id` held by order `order_id`.
    pub(super) fn record_purchase(&mut self, asset_id: &str, at: i64, order_id: String) {
        let record = PurchaseRecord {
            asset_id: asset_id.to_owned(),
            at,
            order_id,
        };
        push_capped(&mut self.purchases, record);
    }
}

impl Accounts {
    /// The user's downloads, newest first.
    pub fn downloads(&self, user: &str, now: i64) -> Vec<DownloadRecord> {
        let mut inner = self.lock();
        let acct = Self::account(&mut inner, self.started, user, now);
        acct.downloads.iter().rev().cloned().collect()
    }

    /// The user's purchases, newest first.
    pub fn purchases(&self, user: &str, now: i64) -> Vec<PurchaseRecord> {
        let mut inner = self.lock();
        let acct = Self::account(&mut inner, self.started, user, now);
        acct.purchases.iter().rev().cloned().collect()
    }
}

//! Usage reports recorded by ReportUsage, per application.
//!
//! The sandbox has one application per signed-in user (client-credentials tokens share one),
//! so each user's `TransactionId`s are their own.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

/// Transaction ids remembered per application; the oldest are forgotten first.
pub const MAX_TRANSACTIONS: usize = 100_000;

/// One recorded usage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    /// The asset.
    pub asset_id: String,
    /// How many times.
    pub quantity: u64,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
}

#[derive(Debug, Default)]
struct App {
    seen: HashSet<String>,
    order: std::collections::VecDeque<String>,
    /// Quantity recorded per asset.
    totals: HashMap<String, u64>,
}

/// What a report did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded; the sum of the quantities.
    Usages(u64),
    /// The transaction id was seen before: nothing recorded.
    Duplicate,
}

/// Every application's usage.
#[derive(Debug, Default)]
pub struct UsageLog(Mutex<HashMap<String, App>>);

/// The usage log as a state file keeps it: per application, its transaction ids (oldest
/// first) and the quantity per asset.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Saved(BTreeMap<String, (Vec<String>, BTreeMap<String, u64>)>);

impl UsageLog {
    /// Everything, for the state file.
    pub fn save(&self) -> Saved {
        let apps = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Saved(
            apps.iter()
                .map(|(name, a)| {
                    let totals = a.totals.iter().map(|(k, v)| (k.clone(), *v)).collect();
                    (name.clone(), (a.order.iter().cloned().collect(), totals))
                })
                .collect(),
        )
    }

    /// The log a state file describes.
    pub fn restore(saved: Saved) -> Self {
        let apps = saved
            .0
            .into_iter()
            .map(|(name, (order, totals))| {
                let order: std::collections::VecDeque<String> =
                    order.into_iter().take(MAX_TRANSACTIONS).collect();
                let app = App {
                    seen: order.iter().cloned().collect(),
                    order,
                    totals: totals.into_iter().collect(),
                };
                (name, app)
            })
            .collect();
        UsageLog(Mutex::new(apps))
    }

    /// Records `usages` under `transaction_id`, all of them or (for a repeated id) none.
    /// The caller has validated every entry first.
    pub fn record(&self, app: &str, transaction_id: &str, usages: &[Usage]) -> Recorded {
        let mut apps = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let a = apps.entry(app.to_owned()).or_default();
        if a.seen.contains(transaction_id) {
            return Recorded::Duplicate;
        }
        if a.order.len() >= MAX_TRANSACTIONS {
            if let Some(old) = a.order.pop_front() {
                a.seen.remove(&old);
            }
        }
        a.seen.insert(transaction_id.to_owned());
        a.order.push_back(transaction_id.to_owned());
        let mut total = 0u64;
        for u in usages {
            let t = a.totals.entry(u.asset_id.clone()).or_default();
            *t = t.saturating_add(u.quantity);
            total = total.saturating_add(u.quantity);
        }
        Recorded::Usages(total)
    }

    /// The quantity recorded for `asset_id` by `app`.
    pub fn total(&self, app: &str, asset_id: &str) -> u64 {
        let apps = self.0.lock().unwrap_or_else(|p| p.into_inner());
        apps.get(app)
            .and_then(|a| a.totals.get(asset_id))
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_transaction_records_nothing() {
        let log = UsageLog::default();
        let u = |q| Usage {
            asset_id: "1".into(),
            quantity: q,
            date: "2013-04-02".into(),
        };
        assert_eq!(
            log.record("alice", "t1", &[u(2), u(1)]),
            Recorded::Usages(3)
        );
        assert_eq!(log.record("alice", "t1", &[u(5)]), Recorded::Duplicate);
        assert_eq!(log.total("alice", "1"), 3);
        // Another application has its own ids.
        assert_eq!(log.record("bob", "t1", &[u(5)]), Recorded::Usages(5));
        assert_eq!(log.total("alice", "1"), 3);
    }
}

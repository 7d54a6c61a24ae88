//! The accounts as a state file keeps them, and restoring them from it.

use super::offerings::seeded;
use super::{Account, Accounts, Customer, DownloadRecord, Inner, MAX_CUSTOMERS, MAX_HISTORY};
use super::{Offering, PurchaseRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The accounts as a state file keeps them. Offering names, kinds and statuses are written
/// as text and read back only when they are ones the sandbox knows.
#[derive(Debug, Serialize, Deserialize)]
pub struct Saved {
    started: i64,
    next_order: u64,
    accounts: BTreeMap<String, SavedAccount>,
    customers: Vec<Customer>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SavedAccount {
    offerings: Vec<SavedOffering>,
    downloads: Vec<(String, i64, String)>,
    purchases: Vec<PurchaseRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SavedOffering {
    instance_id: u64,
    offering: String,
    kind: String,
    name: String,
    status: String,
    limit: Option<i64>,
    remaining: Option<i64>,
    expires: i64,
    reset: Option<i64>,
}

/// The `&'static str` the sandbox uses for `text`, when it is one of the words its offerings
/// are made of; the name of the field otherwise, for the error.
fn known_word(text: &str, field: &str) -> Result<&'static str, String> {
    const STATUSES: &[&str] = &["Active", "Fulfilled", "Expired"];
    const KINDS: &[&str] = &["Subscription", "ImagePack"];
    let seeded_words = ["alice", "bob"]
        .into_iter()
        .flat_map(|u| seeded(u, false, 0));
    STATUSES
        .iter()
        .chain(KINDS)
        .copied()
        .chain(seeded_words.flat_map(|o| [o.offering, o.name]))
        .find(|w| *w == text)
        .ok_or_else(|| format!("unknown {field} {text:?}"))
}

impl Accounts {
    /// Everything, for the state file.
    pub fn save(&self) -> Saved {
        let g = self.lock();
        let accounts = g
            .accounts
            .iter()
            .map(|(user, a)| {
                let offerings = a
                    .offerings
                    .iter()
                    .map(|o| SavedOffering {
                        instance_id: o.instance_id,
                        offering: o.offering.to_owned(),
                        kind: o.kind.to_owned(),
                        name: o.name.to_owned(),
                        status: o.status.to_owned(),
                        limit: o.limit,
                        remaining: o.remaining,
                        expires: o.expires,
                        reset: o.reset,
                    })
                    .collect();
                let downloads = a
                    .downloads
                    .iter()
                    .map(|d| (d.asset_id.clone(), d.at, d.offering.to_owned()))
                    .collect();
                let purchases = a.purchases.iter().cloned().collect();
                let saved = SavedAccount {
                    offerings,
                    downloads,
                    purchases,
                };
                (user.clone(), saved)
            })
            .collect();
        Saved {
            started: self.started,
            next_order: g.next_order,
            accounts,
            customers: g.customers.values().cloned().collect(),
        }
    }

    /// The accounts a state file describes; an offering word the sandbox does not know is an
    /// error (the file is not one this version wrote).
    pub fn restore(saved: Saved) -> Result<Self, String> {
        let mut inner = Inner {
            next_order: saved.next_order,
            ..Inner::default()
        };
        for (user, a) in saved.accounts {
            let mut account = Account::default();
            for o in a.offerings {
                account.offerings.push(Offering {
                    instance_id: o.instance_id,
                    offering: known_word(&o.offering, "offering")?,
                    kind: known_word(&o.kind, "offering kind")?,
                    name: known_word(&o.name, "offering name")?,
                    status: known_word(&o.status, "offering status")?,
                    limit: o.limit,
                    remaining: o.remaining,
                    expires: o.expires,
                    reset: o.reset,
                });
            }
            for (asset_id, at, offering) in a.downloads.into_iter().take(MAX_HISTORY) {
                let offering = known_word(&offering, "offering")?;
                account.downloads.push_back(DownloadRecord {
                    asset_id,
                    at,
                    offering,
                });
            }
            account.purchases = a.purchases.into_iter().take(MAX_HISTORY).collect();
            inner.accounts.insert(user, account);
        }
        for c in saved.customers.into_iter().take(MAX_CUSTOMERS) {
            inner.customers.insert(c.user_name.to_ascii_lowercase(), c);
        }
        Ok(Accounts {
            inner: Mutex::new(inner),
            started: saved.started,
        })
    }
}

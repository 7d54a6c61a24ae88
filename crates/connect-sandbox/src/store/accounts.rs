//! Per-user account data: the product offering instances each user holds (with their download
//! quotas), the download and purchase histories that spending them leaves, and the customers
//! CreateCustomer creates.
//!
//! The seeded users differ on purpose: `alice` holds every offering type with large quotas,
//! `bob` an editorial subscription, a small Premium Access quota, a used-up image pack and an
//! expired royalty-free subscription. Other configured users get alice's set; new customers
//! start with none.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

/// Entries kept per history; older ones are dropped first.
pub const MAX_HISTORY: usize = 10_000;
/// Customers CreateCustomer may create in one run.
pub const MAX_CUSTOMERS: usize = 10_000;
/// Length of a subscription's download period.
pub const PERIOD_MILLIS: i64 = 30 * 86_400_000;

/// Offerings whose downloads cost nothing (they have no quota).
pub const FREE_OFFERINGS: &[&str] = &["EasyAccess", "EditorialSubscription"];
/// Offerings spent from a quota, in the order a download picks them.
pub const PAID_OFFERINGS: &[&str] = &["PremiumAccess", "RoyaltyFreeSubscription", "ImagePack"];

/// One product offering instance of a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offering {
    /// `ProductOfferingInstanceId`.
    pub instance_id: u64,
    /// The offering, spelled as GetCollections and the authorizations spell it.
    pub offering: &'static str,
    /// `Subscription` or `ImagePack`.
    pub kind: &'static str,
    /// `Name`.
    pub name: &'static str,
    /// `Status`.
    pub status: &'static str,
    /// Downloads allowed per period (subscriptions) or in all (packs); `None`: no limit.
    pub limit: Option<i64>,
    /// Downloads left.
    pub remaining: Option<i64>,
    /// When it expires (Unix milliseconds).
    pub expires: i64,
    /// When a subscription's quota is restored (Unix milliseconds).
    pub reset: Option<i64>,
}

impl Offering {
    /// Whether it can authorize downloads now.
    pub fn usable(&self) -> bool {
        self.status == "Active" && self.remaining.is_none_or(|r| r > 0)
    }
}

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

/// Why no offering could pay for a download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendError {
    /// The user holds offerings that cover the asset, but none may be used this way.
    NotUsable,
    /// The covering offerings' quotas are used up (or the user has no active offering).
    Exhausted,
    /// Nothing the user holds covers the asset.
    NotCovered,
}

/// A customer created by CreateCustomer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Customer {
    /// Login name, as given.
    pub user_name: String,
    /// Password (a sandbox fixture, kept in memory only).
    pub password: String,
}

#[derive(Debug, Default)]
struct Account {
    offerings: Vec<Offering>,
    downloads: VecDeque<DownloadRecord>,
    purchases: VecDeque<PurchaseRecord>,
}

#[derive(Debug, Default)]
struct Inner {
    accounts: HashMap<String, Account>,
    /// Keyed by lower-case name: user names are unique regardless of case.
    customers: HashMap<String, Customer>,
    next_order: u64,
}

/// Every user's account data.
#[derive(Debug)]
pub struct Accounts {
    inner: Mutex<Inner>,
    /// When the sandbox started: subscription periods count from here.
    started: i64,
}

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

/// How an offering instance starts: `(offering, name, status, quota, expires)`, where quota is
/// `(limit, remaining, monthly)` for offerings that have one.
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    Option<(i64, i64, bool)>,
    i64,
);

/// The offerings a user starts with.
fn seeded(user: &str, is_customer: bool, now: i64) -> Vec<Offering> {
    const YEAR: i64 = 365 * 86_400_000;
    if is_customer {
        return Vec::new();
    }
    let bob: &[Seed] = &[
        (
            "EditorialSubscription",
            "Editorial Subscription",
            "Active",
            None,
            now + YEAR,
        ),
        (
            "PremiumAccess",
            "Premium Access (10 a month)",
            "Active",
            Some((10, 10, true)),
            now + YEAR,
        ),
        (
            "ImagePack",
            "Image pack 5",
            "Fulfilled",
            Some((5, 0, false)),
            now + YEAR,
        ),
        (
            "RoyaltyFreeSubscription",
            "Royalty-free subscription",
            "Expired",
            Some((25, 0, true)),
            now - YEAR / 12,
        ),
    ];
    let others: &[Seed] = &[
        (
            "PremiumAccess",
            "Premium Access (250 a month)",
            "Active",
            Some((250, 250, true)),
            now + YEAR,
        ),
        ("EasyAccess", "Easy Access", "Active", None, now + YEAR),
        (
            "EditorialSubscription",
            "Editorial Subscription",
            "Active",
            None,
            now + YEAR,
        ),
        (
            "RoyaltyFreeSubscription",
            "Royalty-free subscription (25 a month)",
            "Active",
            Some((25, 25, true)),
            now + YEAR,
        ),
        (
            "ImagePack",
            "Image pack 10",
            "Active",
            Some((10, 10, false)),
            now + YEAR,
        ),
        (
            "ImagePack",
            "Image pack 5 (2012)",
            "Expired",
            Some((5, 2, false)),
            now - YEAR,
        ),
    ];
    let seeds = if user == "bob" { bob } else { others };
    let base = 10_046_000 + u64::from(user.bytes().fold(0u16, |a, b| a.wrapping_add(b.into())));
    seeds
        .iter()
        .zip(1..)
        .map(|(&(offering, name, status, quota, expires), n)| Offering {
            instance_id: base + n,
            offering,
            kind: if offering == "ImagePack" {
                "ImagePack"
            } else {
                "Subscription"
            },
            name,
            status,
            limit: quota.map(|q| q.0),
            remaining: quota.map(|q| q.1),
            expires,
            // Monthly quotas of active subscriptions come back at the end of each period.
            reset: quota
                .filter(|q| q.2 && status == "Active")
                .map(|_| now + PERIOD_MILLIS),
        })
        .collect()
}

fn push_capped<T>(q: &mut VecDeque<T>, v: T) {
    if q.len() >= MAX_HISTORY {
        q.pop_front();
    }
    q.push_back(v);
}

impl Accounts {
    /// Empty accounts; seeded offerings appear on a user's first use.
    pub fn new(now: i64) -> Self {
        Accounts {
            inner: Mutex::new(Inner::default()),
            started: now,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

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

    fn account<'a>(inner: &'a mut Inner, started: i64, user: &str, now: i64) -> &'a mut Account {
        let is_customer = inner.customers.contains_key(&user.to_ascii_lowercase());
        let acct = inner
            .accounts
            .entry(user.to_owned())
            .or_insert_with(|| Account {
                offerings: seeded(user, is_customer, started.max(0).min(now)),
                ..Account::default()
            });
        // Subscriptions get their quota back at the end of each period.
        for o in &mut acct.offerings {
            if let (Some(reset), Some(limit)) = (o.reset, o.limit) {
                if now >= reset {
                    let periods = (now - reset) / PERIOD_MILLIS + 1;
                    o.reset = Some(reset + periods * PERIOD_MILLIS);
                    o.remaining = Some(limit);
                }
            }
        }
        acct
    }

    /// The user's offering instances, expired and used-up ones included.
    pub fn offerings(&self, user: &str, now: i64) -> Vec<Offering> {
        let mut inner = self.lock();
        Self::account(&mut inner, self.started, user, now)
            .offerings
            .clone()
    }

    /// Picks and spends the offering that pays for one download of an asset covered by
    /// `covering` (offering names), among those `eligible` accepts: a free one first, then a
    /// paid one with quota left, which is decremented and recorded as a purchase. The
    /// download is recorded either way. Returns the offering spent.
    pub fn spend(
        &self,
        user: &str,
        asset_id: &str,
        covering: &[&str],
        eligible: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<&'static str, SpendError> {
        let mut inner = self.lock();
        let acct = Self::account(&mut inner, self.started, user, now);
        let covers = |o: &Offering| covering.iter().any(|c| c.eq_ignore_ascii_case(o.offering));
        let held: Vec<usize> = (0..acct.offerings.len())
            .filter(|&i| covers(&acct.offerings[i]))
            .collect();
        if held.is_empty() {
            return Err(SpendError::NotCovered);
        }
        let allowed: Vec<usize> = held
            .iter()
            .copied()
            .filter(|&i| eligible(acct.offerings[i].offering))
            .collect();
        let active = |i: &usize| acct.offerings[*i].status == "Active";
        if allowed.is_empty() {
            return Err(if held.iter().any(active) {
                SpendError::NotUsable
            } else {
                SpendError::Exhausted
            });
        }
        let offerings = &acct.offerings;
        let pick = FREE_OFFERINGS
            .iter()
            .chain(PAID_OFFERINGS)
            .flat_map(|name| {
                allowed
                    .iter()
                    .copied()
                    .filter(move |&i| offerings[i].offering == *name)
            })
            .find(|&i| offerings[i].usable());
        let Some(i) = pick else {
            return Err(SpendError::Exhausted);
        };
        Ok(self.charge(&mut inner, user, i, asset_id, now))
    }

    /// Spends the user's offering instance `instance_id` (the one a download token was issued
    /// for) on one download of an asset covered by `covering`: the caller's choice, so no other
    /// offering is tried. Records the download, and the purchase when the offering is paid.
    pub fn spend_instance(
        &self,
        user: &str,
        asset_id: &str,
        instance_id: u64,
        covering: &[&str],
        now: i64,
    ) -> Result<&'static str, SpendError> {
        let mut inner = self.lock();
        let acct = Self::account(&mut inner, self.started, user, now);
        let i = acct
            .offerings
            .iter()
            .position(|o| {
                o.instance_id == instance_id
                    && covering.iter().any(|c| c.eq_ignore_ascii_case(o.offering))
            })
            .ok_or(SpendError::NotCovered)?;
        if !acct.offerings[i].usable() {
            return Err(SpendError::Exhausted);
        }
        Ok(self.charge(&mut inner, user, i, asset_id, now))
    }

    /// Charges offering `i` of `user` for one download: decrements its quota (a used-up pack
    /// is fulfilled), records the download and, for a paid offering, the purchase.
    fn charge(
        &self,
        inner: &mut Inner,
        user: &str,
        i: usize,
        asset_id: &str,
        now: i64,
    ) -> &'static str {
        let acct = Self::account(inner, self.started, user, now);
        let o = &mut acct.offerings[i];
        let offering = o.offering;
        let paid = o.remaining.is_some();
        if let Some(r) = &mut o.remaining {
            *r -= 1;
            if *r == 0 && o.kind == "ImagePack" {
                o.status = "Fulfilled";
            }
        }
        push_capped(
            &mut acct.downloads,
            DownloadRecord {
                asset_id: asset_id.to_owned(),
                at: now,
                offering,
            },
        );
        if paid {
            inner.next_order += 1;
            let order_id = format!("{}", 5_512_000 + inner.next_order);
            let acct = Self::account(inner, self.started, user, now);
            push_capped(
                &mut acct.purchases,
                PurchaseRecord {
                    asset_id: asset_id.to_owned(),
                    at: now,
                    order_id,
                },
            );
        }
        offering
    }

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

    /// Whether `name` is taken by a created customer (case-insensitively).
    pub fn customer_exists(&self, name: &str) -> bool {
        self.lock()
            .customers
            .contains_key(&name.to_ascii_lowercase())
    }

    /// Adds a customer; `false` when the name is taken or the store is full.
    pub fn add_customer(&self, c: Customer) -> bool {
        let mut inner = self.lock();
        let key = c.user_name.to_ascii_lowercase();
        if inner.customers.contains_key(&key) || inner.customers.len() >= MAX_CUSTOMERS {
            return false;
        }
        inner.customers.insert(key, c);
        true
    }

    /// The created customer's exact name, when `name`/`password` sign them in.
    pub fn customer_login(&self, name: &str, password: &str) -> Option<String> {
        let inner = self.lock();
        let c = inner.customers.get(&name.to_ascii_lowercase())?;
        (c.password == password).then(|| c.user_name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn alice_and_bob_hold_different_offerings() {
        let a = Accounts::new(NOW);
        let alice: Vec<_> = a
            .offerings("alice", NOW)
            .iter()
            .map(|o| o.offering)
            .collect();
        let bob: Vec<_> = a.offerings("bob", NOW).iter().map(|o| o.offering).collect();
        assert!(alice.contains(&"EasyAccess"));
        assert!(!bob.contains(&"EasyAccess"));
        assert_ne!(alice, bob);
    }

    #[test]
    fn free_offerings_go_first_and_paid_ones_leave_a_purchase() {
        let a = Accounts::new(NOW);
        let all = |_: &str| true;
        let spent = a.spend("alice", "1", &["EasyAccess", "PremiumAccess"], all, NOW);
        assert_eq!(spent, Ok("EasyAccess"));
        assert!(a.purchases("alice", NOW).is_empty());
        let spent = a.spend("alice", "2", &["PremiumAccess"], all, NOW + 1);
        assert_eq!(spent, Ok("PremiumAccess"));
        let p = a.purchases("alice", NOW);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].asset_id, "2");
        let d = a.downloads("alice", NOW);
        assert_eq!(
            d.iter().map(|d| d.asset_id.as_str()).collect::<Vec<_>>(),
            ["2", "1"]
        );
        let premium = a
            .offerings("alice", NOW)
            .into_iter()
            .find(|o| o.offering == "PremiumAccess");
        assert_eq!(premium.unwrap().remaining, Some(249));
    }

    #[test]
    fn quotas_run_out_and_come_back_next_period() {
        let a = Accounts::new(NOW);
        let all = |_: &str| true;
        for n in 0..10 {
            assert_eq!(
                a.spend("bob", &n.to_string(), &["PremiumAccess"], all, NOW),
                Ok("PremiumAccess")
            );
        }
        assert_eq!(
            a.spend("bob", "x", &["PremiumAccess"], all, NOW),
            Err(SpendError::Exhausted)
        );
        assert_eq!(
            a.spend("bob", "x", &["EasyAccess"], all, NOW),
            Err(SpendError::NotCovered)
        );
        let later = NOW + PERIOD_MILLIS;
        assert_eq!(
            a.spend("bob", "x", &["PremiumAccess"], all, later),
            Ok("PremiumAccess")
        );
        let not_pack = |o: &str| o != "ImagePack" && o != "RoyaltyFreeSubscription";
        assert_eq!(
            a.spend("alice", "y", &["ImagePack"], not_pack, NOW),
            Err(SpendError::NotUsable)
        );
    }

    #[test]
    fn the_instance_a_token_names_is_the_one_charged() {
        let a = Accounts::new(NOW);
        let held = a.offerings("alice", NOW);
        let id = |name: &str| {
            held.iter()
                .find(|o| o.offering == name && o.status == "Active")
                .unwrap()
                .instance_id
        };
        let covering = ["EasyAccess", "ImagePack", "PremiumAccess"];
        // A paid instance is charged though a free one covers the asset too.
        let spent = a.spend_instance("alice", "1", id("ImagePack"), &covering, NOW);
        assert_eq!(spent, Ok("ImagePack"));
        let pack = |a: &Accounts| {
            a.offerings("alice", NOW)
                .into_iter()
                .find(|o| o.instance_id == id("ImagePack"))
                .unwrap()
        };
        assert_eq!(pack(&a).remaining, Some(9));
        assert_eq!(a.purchases("alice", NOW).len(), 1);
        assert_eq!(a.downloads("alice", NOW)[0].offering, "ImagePack");
        // The free one leaves no purchase.
        let spent = a.spend_instance("alice", "2", id("EasyAccess"), &covering, NOW);
        assert_eq!(spent, Ok("EasyAccess"));
        assert_eq!(a.purchases("alice", NOW).len(), 1);
        // Not covering the asset, not held, used up: refused, nothing charged.
        assert_eq!(
            a.spend_instance("alice", "3", id("ImagePack"), &["EasyAccess"], NOW),
            Err(SpendError::NotCovered)
        );
        assert_eq!(
            a.spend_instance("bob", "3", id("ImagePack"), &covering, NOW),
            Err(SpendError::NotCovered)
        );
        let expired = held
            .iter()
            .find(|o| o.offering == "ImagePack" && o.status == "Expired")
            .unwrap();
        assert_eq!(
            a.spend_instance("alice", "3", expired.instance_id, &covering, NOW),
            Err(SpendError::Exhausted)
        );
        assert_eq!(pack(&a).remaining, Some(9));
        assert_eq!(a.downloads("alice", NOW).len(), 2);
    }

    #[test]
    fn saved_accounts_come_back_with_quotas_histories_and_customers() {
        let a = Accounts::new(NOW);
        let all = |_: &str| true;
        assert_eq!(
            a.spend("bob", "x", &["PremiumAccess"], all, NOW),
            Ok("PremiumAccess")
        );
        assert!(a.add_customer(Customer {
            user_name: "Carol".into(),
            password: "pw-1234".into(),
        }));
        let json = serde_json::to_string(&a.save()).unwrap();
        let b = Accounts::restore(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(b.offerings("bob", NOW), a.offerings("bob", NOW));
        assert_eq!(b.downloads("bob", NOW), a.downloads("bob", NOW));
        assert_eq!(b.purchases("bob", NOW), a.purchases("bob", NOW));
        assert_eq!(
            b.customer_login("carol", "pw-1234").as_deref(),
            Some("Carol")
        );
        // A word the sandbox never wrote is refused, not taken.
        let odd = json.replace("PremiumAccess", "FreeForever");
        assert!(Accounts::restore(serde_json::from_str(&odd).unwrap()).is_err());
    }

    #[test]
    fn customers_are_unique_regardless_of_case_and_start_without_offerings() {
        let a = Accounts::new(NOW);
        let c = |n: &str| Customer {
            user_name: n.into(),
            password: "pw-1234".into(),
        };
        assert!(a.add_customer(c("Carol")));
        assert!(!a.add_customer(c("carol")));
        assert!(a.customer_exists("CAROL"));
        assert_eq!(
            a.customer_login("carol", "pw-1234").as_deref(),
            Some("Carol")
        );
        assert_eq!(a.customer_login("carol", "nope"), None);
        assert!(a.offerings("Carol", NOW).is_empty());
    }
}

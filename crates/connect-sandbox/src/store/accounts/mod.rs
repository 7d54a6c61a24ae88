//! Per-user account data: the product offering instances each user holds (with their download
//! quotas), the download and purchase histories that spending them leaves, and the customers
//! CreateCustomer creates.
//!
//! The seeded users differ on purpose: `alice` holds every offering type with large quotas,
//! `bob` an editorial subscription, a small Premium Access quota, a used-up image pack and an
//! expired royalty-free subscription. Other configured users get alice's set; new customers
//! start with none.

mod customers;
mod histories;
mod offerings;
mod saved;

pub use customers::{Customer, MAX_CUSTOMERS};
pub use histories::{DownloadRecord, MAX_HISTORY, PurchaseRecord};
pub use offerings::{FREE_OFFERINGS, Offering, PAID_OFFERINGS, PERIOD_MILLIS, SpendError};
pub use saved::Saved;

use offerings::seeded;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// One user's offerings and histories.
#[derive(Debug, Default)]
struct Account {
    offerings: Vec<Offering>,
    downloads: VecDeque<DownloadRecord>,
    purchases: VecDeque<PurchaseRecord>,
}

/// Everything the lock guards.
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

    /// The user's account, made on first use with the seeded offerings, with the quotas of
    /// subscriptions whose period ended restored.
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

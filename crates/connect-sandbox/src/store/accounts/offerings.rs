//! The product offering instances a user holds, the offerings each user starts with, and
//! spending them on downloads.

use super::{Accounts, Inner};

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
pub(super) fn seeded(user: &str, is_customer: bool, now: i64) -> Vec<Offering> {
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

impl Accounts {
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
        acct.record_download(asset_id, now, offering);
        if paid {
            inner.next_order += 1;
            let order_id = format!("{}", 5_512_000 + inner.next_order);
            Self::account(inner, self.started, user, now).record_purchase(asset_id, now, order_id);
        }
        offering
    }
}

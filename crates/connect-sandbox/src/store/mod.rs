//! The sandbox's mutable state, apart from the handlers that use it: live tokens, lightboxes,
//! the download signing secret, per-user accounts (offerings and histories), usage reports and
//! the partner feed's cursors, and what each application key used of its call limits. The
//! ones a state file keeps are gathered in [`Kept`].

pub mod accounts;
pub mod downloads;
pub mod feed;
pub mod lightboxes;
pub mod limits;
pub mod tokens;
pub mod usage;

use crate::secrets::Secrets;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The stores the state file keeps: what users made in the sandbox. A store added here is
/// saved, restored and started empty with the others, and [`Saved`] names it in the file.
#[derive(Debug)]
pub struct Kept {
    /// Per-user lightboxes.
    pub lightboxes: lightboxes::Lightboxes,
    /// Offerings, histories and created customers, per user.
    pub accounts: accounts::Accounts,
    /// Usage reports, per application.
    pub usage: usage::UsageLog,
    /// The partner asset-change feed.
    pub feed: feed::Feed,
}

/// The kept stores as the state file holds them (its members beside the file's own). A store
/// added later takes `#[serde(default)]`, so the files written before it still read.
#[derive(Debug, Serialize, Deserialize)]
pub struct Saved {
    /// Lightboxes and their items.
    pub lightboxes: lightboxes::Saved,
    /// Offerings with their quotas, histories, customers.
    pub accounts: accounts::Saved,
    /// Usage reports.
    pub usage: usage::Saved,
    /// Feed cursors.
    pub feed: feed::Saved,
}

impl Kept {
    /// The stores of a new sandbox.
    pub fn empty(seed: u64, images: u32, secrets: Arc<Secrets>, now: i64) -> Self {
        Kept {
            lightboxes: lightboxes::Lightboxes::default(),
            accounts: accounts::Accounts::new(now),
            usage: usage::UsageLog::default(),
            feed: feed::Feed::new(seed, images, secrets),
        }
    }

    /// The stores of a new sandbox, or (`saved`) of the one a state file kept; `Err` names what
    /// in the file this version does not know.
    pub fn start(
        saved: Option<Saved>,
        seed: u64,
        images: u32,
        secrets: Arc<Secrets>,
        now: i64,
    ) -> Result<Self, String> {
        let Some(saved) = saved else {
            return Ok(Self::empty(seed, images, secrets, now));
        };
        let feed = feed::Feed::new(seed, images, secrets);
        feed.restore(saved.feed);
        Ok(Kept {
            lightboxes: lightboxes::Lightboxes::restore(saved.lightboxes),
            accounts: accounts::Accounts::restore(saved.accounts)?,
            usage: usage::UsageLog::restore(saved.usage),
            feed,
        })
    }

    /// Everything, for the state file.
    pub fn save(&self) -> Saved {
        Saved {
            lightboxes: self.lightboxes.save(),
            accounts: self.accounts.save(),
            usage: self.usage.save(),
            feed: self.feed.save(),
        }
    }
}

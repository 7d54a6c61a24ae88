//! The partner asset-change feed behind GetAssetChanges and ConfirmAssetChanges.
//!
//! Channels 1 to [`CHANNELS`] each hold [`CHANGES_PER_CHANNEL`] changes, generated from the
//! catalog and the seed (channel 1 mixes every kind, 2 holds new assets, 3 updates, 4
//! deletions, the others mixes again). Each caller has its own cursor per channel. A batch,
//! once served, is served again (same items, same `TransactionId`) until it is confirmed; then
//! the next batch starts where it ended. A drained channel answers an empty batch.

use crate::rng::Rng;
use crate::secrets::Secrets;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

/// Channels the sandbox offers (ids 1 to this).
pub const CHANNELS: u64 = 9;
/// Changes in each channel.
pub const CHANGES_PER_CHANNEL: u64 = 120;
/// Batch size when `ItemCount` is not given.
pub const DEFAULT_BATCH: u64 = 10;
/// The largest batch.
pub const MAX_BATCH: u64 = 500;
/// Cursors kept at most (caller and channel pairs).
pub const MAX_CURSORS: usize = 10_000;
/// 2013-04-01T00:00:00Z: the first change's time.
const FIRST_CHANGE_MILLIS: i64 = 1_364_774_400_000;

/// One change, as the catalog generates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Catalog index of the image.
    pub image: u32,
    /// `New`, `Updated` or `Deleted`.
    pub lifecycle: &'static str,
    /// When it changed (Unix milliseconds).
    pub at: i64,
    /// The metadata fields an update touched.
    pub properties: &'static [&'static str],
}

/// A batch handed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Its id, to confirm.
    pub transaction_id: Option<String>,
    /// The changes.
    pub changes: Vec<Change>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Cursor {
    /// Changes confirmed so far.
    confirmed: u64,
    /// The batch served and not yet confirmed: its id and length.
    pending: Option<(String, u64)>,
    /// The last confirmed id: confirming it again is a harmless repeat.
    last_confirmed: Option<String>,
    batches: u64,
}

/// Why a feed call was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedError {
    /// Not a channel the sandbox offers.
    NoSuchChannel,
    /// A `TransactionId` this caller was never served (or too old).
    UnknownTransaction,
    /// Too many cursors.
    Full,
}

/// Every caller's cursors.
#[derive(Debug)]
pub struct Feed {
    seed: u64,
    images: u32,
    secrets: Arc<Secrets>,
    cursors: Mutex<HashMap<(String, u64), Cursor>>,
}

/// The cursors as a state file keeps them: caller, channel and cursor.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Saved(Vec<(String, u64, Cursor)>);

const UPDATED_FIELDS: &[&[&str]] = &[&["Caption"], &["Keywords"], &["Title", "Caption"], &[]];

impl Feed {
    /// The feed over a catalog of `images` images; `secrets` makes transaction ids unguessable
    /// (one caller must not confirm another's batch by guessing its id).
    pub fn new(seed: u64, images: u32, secrets: Arc<Secrets>) -> Self {
        Feed {
            seed,
            images: images.max(1),
            secrets,
            cursors: Mutex::new(HashMap::new()),
        }
    }

    /// Every cursor, for the state file.
    pub fn save(&self) -> Saved {
        let cursors = self.cursors.lock().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<_> = cursors
            .iter()
            .map(|((who, channel), c)| (who.clone(), *channel, c.clone()))
            .collect();
        all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        Saved(all)
    }

    /// Takes the cursors a state file describes (those of channels the sandbox offers).
    pub fn restore(&self, saved: Saved) {
        let mut cursors = self.cursors.lock().unwrap_or_else(|p| p.into_inner());
        for (who, channel, mut c) in saved.0.into_iter().take(MAX_CURSORS) {
            if (1..=CHANNELS).contains(&channel) {
                c.confirmed = c.confirmed.min(CHANGES_PER_CHANNEL);
                cursors.insert((who, channel), c);
            }
        }
    }

    /// Change `k` of `channel`.
    pub fn change(&self, channel: u64, k: u64) -> Change {
        let mut r = Rng::new(self.seed ^ 0xFEED, channel.wrapping_mul(1_000_003) ^ k);
        let lifecycle = match channel {
            2 => "New",
            3 => "Updated",
            4 => "Deleted",
            _ => ["New", "Updated", "Updated", "Deleted"][r.pick(4)],
        };
        let properties = if lifecycle == "Updated" {
            UPDATED_FIELDS[r.pick(UPDATED_FIELDS.len())]
        } else {
            &[]
        };
        Change {
            image: r.below(u64::from(self.images)) as u32,
            lifecycle,
            // A change every few minutes, in order.
            at: FIRST_CHANGE_MILLIS + (k as i64) * 240_000 + r.below(200_000) as i64,
            properties,
        }
    }

    /// The batch for `caller` on `channel`: the pending one again, or the next `count` changes.
    pub fn next_batch(&self, caller: &str, channel: u64, count: u64) -> Result<Batch, FeedError> {
        if !(1..=CHANNELS).contains(&channel) {
            return Err(FeedError::NoSuchChannel);
        }
        let mut cursors = self.cursors.lock().unwrap_or_else(|p| p.into_inner());
        let key = (caller.to_owned(), channel);
        if !cursors.contains_key(&key) && cursors.len() >= MAX_CURSORS {
            return Err(FeedError::Full);
        }
        let c = cursors.entry(key).or_default();
        let (id, len) = match &c.pending {
            Some((id, len)) => (id.clone(), *len),
            None => {
                let len = count.min(CHANGES_PER_CHANNEL - c.confirmed);
                if len == 0 {
                    return Ok(Batch {
                        transaction_id: None,
                        changes: Vec::new(),
                    });
                }
                c.batches += 1;
                let id = self.secrets.token(&format!("{channel}-{:06}-", c.batches));
                c.pending = Some((id.clone(), len));
                (id, len)
            }
        };
        let start = c.confirmed;
        Ok(Batch {
            transaction_id: Some(id),
            changes: (start..start + len)
                .map(|k| self.change(channel, k))
                .collect(),
        })
    }

    /// Confirms `transaction_id` for `caller`, on whichever channel served it.
    pub fn confirm(&self, caller: &str, transaction_id: &str) -> Result<(), FeedError> {
        let mut cursors = self.cursors.lock().unwrap_or_else(|p| p.into_inner());
        for ((who, _), c) in cursors.iter_mut() {
            if who != caller {
                continue;
            }
            if let Some((id, len)) = &c.pending {
                if id == transaction_id {
                    c.confirmed += len;
                    c.last_confirmed = c.pending.take().map(|p| p.0);
                    return Ok(());
                }
            }
            if c.last_confirmed.as_deref() == Some(transaction_id) {
                return Ok(());
            }
        }
        Err(FeedError::UnknownTransaction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_repeats_until_confirmed_then_the_feed_moves_on() {
        let f = Feed::new(42, 2_000, Arc::new(Secrets::from_os().unwrap()));
        let a = f.next_batch("alice", 1, 10).unwrap();
        let again = f.next_batch("alice", 1, 50).unwrap();
        assert_eq!(a, again);
        assert_eq!(a.changes.len(), 10);
        let id = a.transaction_id.clone().unwrap();
        f.confirm("alice", &id).unwrap();
        // Confirming twice is harmless; an id never served is refused.
        f.confirm("alice", &id).unwrap();
        assert_eq!(
            f.confirm("alice", "1-000009-x"),
            Err(FeedError::UnknownTransaction)
        );
        assert_eq!(f.confirm("bob", &id), Err(FeedError::UnknownTransaction));
        let b = f.next_batch("alice", 1, 10).unwrap();
        assert_ne!(b.transaction_id, a.transaction_id);
        assert_eq!(b.changes[0], f.change(1, 10));
        // Another caller starts at the beginning.
        assert_eq!(f.next_batch("bob", 1, 10).unwrap().changes, a.changes);
    }

    #[test]
    fn channels_hold_their_kind_and_drain() {
        let f = Feed::new(42, 2_000, Arc::new(Secrets::from_os().unwrap()));
        let mut total = 0;
        loop {
            let b = f.next_batch("p", 2, 500).unwrap();
            if b.changes.is_empty() {
                assert_eq!(b.transaction_id, None);
                break;
            }
            assert!(b.changes.iter().all(|c| c.lifecycle == "New"));
            total += b.changes.len() as u64;
            f.confirm("p", &b.transaction_id.unwrap()).unwrap();
        }
        assert_eq!(total, CHANGES_PER_CHANNEL);
        assert_eq!(f.next_batch("p", 0, 1), Err(FeedError::NoSuchChannel));
        assert_eq!(
            f.next_batch("p", CHANNELS + 1, 1),
            Err(FeedError::NoSuchChannel)
        );
        let times: Vec<i64> = (0..20).map(|k| f.change(1, k).at).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }
}

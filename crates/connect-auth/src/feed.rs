//! The partner asset-change feed as a sans-IO loop: fetch a batch, hand it to the caller,
//! confirm it only after the caller's handler returned `Ok`.
//!
//! That order gives at-least-once delivery: the service serves a batch again until its
//! `TransactionId` is confirmed, so a handler that fails, or a process that dies between the
//! handler and the confirmation, sees the same batch again on the next run. A handler must
//! therefore be idempotent (writing a change twice must do no harm).
//!
//! A front end loops on [`Feed::poll_step`]: send the [`FeedStep::Fetch`] request and give its
//! result to [`Feed::handle_changes`]; run the handler on a [`FeedStep::Deliver`] batch and call
//! [`Feed::handle_delivered`] if it succeeded (or stop with its error); send the
//! [`FeedStep::Confirm`] request and call [`Feed::handle_confirmed`]; sleep on [`FeedStep::Idle`];
//! stop at [`FeedStep::Done`].

use connect_types::ops::{
    ChangedAsset, ConfirmAssetChangesRequest, GetAssetChangesRequest, GetAssetChangesResult,
};
use std::fmt;
use std::time::{Duration, Instant};

/// How to follow a channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedOptions {
    /// The subscribed channel.
    pub channel_id: u64,
    /// Changes per batch (the service's default, 10, when unset; at most 500).
    pub batch_size: Option<u32>,
    /// Keep following after the channel is drained, polling every `poll_interval`; when
    /// false, an empty batch ends the loop.
    pub watch: bool,
    /// The pause between polls of a drained channel in `watch` mode.
    pub poll_interval: Duration,
    /// Stop after this many confirmed batches.
    pub max_batches: Option<u64>,
}

impl FeedOptions {
    /// Follows `channel_id` until it is drained, in batches of the service's default size.
    pub fn channel(channel_id: u64) -> Self {
        Self {
            channel_id,
            batch_size: None,
            watch: false,
            poll_interval: Duration::from_secs(30),
            max_batches: None,
        }
    }

    /// Sets the batch size.
    #[must_use]
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = Some(n);
        self
    }

    /// Keeps following a drained channel, polling every `interval`.
    #[must_use]
    pub fn watch(mut self, interval: Duration) -> Self {
        self.watch = true;
        self.poll_interval = interval;
        self
    }

    /// Stops after `n` confirmed batches.
    #[must_use]
    pub fn max_batches(mut self, n: u64) -> Self {
        self.max_batches = Some(n);
        self
    }
}

/// One batch of changes, as handed to the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeBatch {
    /// The channel it came from.
    pub channel_id: u64,
    /// Its id, confirmed once the handler succeeds.
    pub transaction_id: String,
    /// The changes, in the service's order.
    pub changes: Vec<ChangedAsset>,
}

/// What a feed run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeedSummary {
    /// Batches handled and confirmed.
    pub batches: u64,
    /// Changes in those batches.
    pub changes: u64,
}

/// What the front end does next.
#[derive(Debug)]
pub enum FeedStep {
    /// Send this request; pass its result to [`Feed::handle_changes`].
    Fetch(GetAssetChangesRequest),
    /// Run the handler on this batch; call [`Feed::handle_delivered`] when it succeeded.
    Deliver(ChangeBatch),
    /// Send this request; call [`Feed::handle_confirmed`] when it succeeded.
    Confirm(ConfirmAssetChangesRequest),
    /// The channel is drained (watch mode): sleep until this deadline, call
    /// [`Feed::handle_timeout`], then poll again. Polled earlier, the feed stays idle.
    Idle(Instant),
    /// The loop is over.
    Done(FeedSummary),
}

enum State {
    Fetch,
    Deliver(ChangeBatch),
    AwaitHandler {
        transaction_id: String,
        changes: u64,
    },
    Confirm {
        transaction_id: String,
        changes: u64,
    },
    AwaitConfirm {
        changes: u64,
    },
    /// Drained in watch mode; the pause's deadline is fixed at the next poll.
    Idle,
    /// Pausing until the deadline before fetching again.
    Resting(Instant),
    Done,
}

/// The state of one feed run.
pub struct Feed {
    options: FeedOptions,
    state: State,
    summary: FeedSummary,
}

impl fmt::Debug for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Feed")
            .field("channel_id", &self.options.channel_id)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl Feed {
    /// A run following `options`.
    pub fn new(options: FeedOptions) -> Self {
        Self {
            options,
            state: State::Fetch,
            summary: FeedSummary::default(),
        }
    }

    /// What has been confirmed so far.
    pub fn summary(&self) -> FeedSummary {
        self.summary
    }

    /// The next thing to do (an output), at `now`.
    pub fn poll_step(&mut self, now: Instant) -> FeedStep {
        match std::mem::replace(&mut self.state, State::Fetch) {
            State::Fetch => {
                if self
                    .options
                    .max_batches
                    .is_some_and(|m| self.summary.batches >= m)
                {
                    self.state = State::Done;
                    return FeedStep::Done(self.summary);
                }
                let mut req = GetAssetChangesRequest::channel(self.options.channel_id);
                req.item_count = self.options.batch_size;
                FeedStep::Fetch(req)
            }
            State::Deliver(batch) => {
                self.state = State::AwaitHandler {
                    transaction_id: batch.transaction_id.clone(),
                    changes: batch.changes.len() as u64,
                };
                FeedStep::Deliver(batch)
            }
            State::Confirm {
                transaction_id,
                changes,
            } => {
                self.state = State::AwaitConfirm { changes };
                FeedStep::Confirm(ConfirmAssetChangesRequest::new(transaction_id))
            }
            State::Idle => {
                let until = now.checked_add(self.options.poll_interval).unwrap_or(now);
                self.state = State::Resting(until);
                FeedStep::Idle(until)
            }
            State::Resting(until) if now < until => {
                self.state = State::Resting(until);
                FeedStep::Idle(until)
            }
            State::Resting(_) => self.poll_step(now),
            State::Done => {
                self.state = State::Done;
                FeedStep::Done(self.summary)
            }
            // Stepped again without reporting: the batch was not handled or not confirmed,
            // so it is fetched again (the service serves it again).
            State::AwaitHandler { .. } | State::AwaitConfirm { .. } => {
                self.state = State::Fetch;
                self.poll_step(now)
            }
        }
    }

    /// The deadline of the idle pause under way, if any.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Resting(until) => Some(until),
            _ => None,
        }
    }

    /// Time has reached `now`: an idle pause whose deadline has passed is over.
    pub fn handle_timeout(&mut self, now: Instant) {
        if matches!(self.state, State::Resting(until) if now >= until) {
            self.state = State::Fetch;
        }
    }

    /// Digests the result of the last [`FeedStep::Fetch`].
    pub fn handle_changes(&mut self, result: GetAssetChangesResult) {
        let tx = result.transaction_id.filter(|t| !t.trim().is_empty());
        self.state = match tx {
            Some(transaction_id) if !result.changed_assets.is_empty() => {
                State::Deliver(ChangeBatch {
                    channel_id: self.options.channel_id,
                    transaction_id,
                    changes: result.changed_assets,
                })
            }
            // An empty batch (or one without an id to confirm): the channel is drained.
            _ if self.options.watch => State::Idle,
            _ => State::Done,
        };
    }

    /// The handler succeeded on the last [`FeedStep::Deliver`] batch: confirm it next.
    pub fn handle_delivered(&mut self) {
        if let State::AwaitHandler {
            transaction_id,
            changes,
        } = std::mem::replace(&mut self.state, State::Fetch)
        {
            self.state = State::Confirm {
                transaction_id,
                changes,
            };
        }
    }

    /// The last [`FeedStep::Confirm`] succeeded: the next batch is fetched.
    pub fn handle_confirmed(&mut self) {
        if let State::AwaitConfirm { changes } = std::mem::replace(&mut self.state, State::Fetch) {
            self.summary.batches += 1;
            self.summary.changes += changes;
        }
    }
}

/// Why a feed run stopped early: the API failed, or the caller's handler did (its batch stays
/// unconfirmed and comes again).
#[derive(Debug)]
pub enum FeedError<E> {
    /// A GetAssetChanges or ConfirmAssetChanges call failed.
    Api(crate::error::Error),
    /// The handler returned this error; its batch was not confirmed.
    Handler(E),
}

impl<E: fmt::Display> fmt::Display for FeedError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedError::Api(e) => write!(f, "{e}"),
            FeedError::Handler(e) => write!(
                f,
                "the change handler failed ({e}); its batch was not confirmed and will be served again"
            ),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for FeedError<E> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(tx: &str, n: usize) -> GetAssetChangesResult {
        GetAssetChangesResult {
            changed_assets: (0..n)
                .map(|i| ChangedAsset {
                    asset_id: Some(i.to_string()),
                    ..ChangedAsset::default()
                })
                .collect(),
            transaction_id: Some(tx.into()),
        }
    }

    #[test]
    fn confirms_only_after_delivery_and_stops_at_an_empty_batch() {
        let mut f = Feed::new(FeedOptions::channel(7).batch_size(2));
        let FeedStep::Fetch(req) = f.poll_step(Instant::now()) else {
            panic!()
        };
        assert_eq!((req.channel_id, req.item_count), (7, Some(2)));
        f.handle_changes(batch("t1", 2));
        let FeedStep::Deliver(b) = f.poll_step(Instant::now()) else {
            panic!()
        };
        assert_eq!(b.transaction_id, "t1");
        f.handle_delivered();
        let FeedStep::Confirm(c) = f.poll_step(Instant::now()) else {
            panic!()
        };
        assert_eq!(c.transaction_id, "t1");
        f.handle_confirmed();
        assert!(matches!(f.poll_step(Instant::now()), FeedStep::Fetch(_)));
        f.handle_changes(GetAssetChangesResult::default());
        let FeedStep::Done(s) = f.poll_step(Instant::now()) else {
            panic!()
        };
        assert_eq!(
            s,
            FeedSummary {
                batches: 1,
                changes: 2
            }
        );
    }

    #[test]
    fn an_unreported_delivery_is_never_confirmed() {
        let mut f = Feed::new(FeedOptions::channel(1));
        f.poll_step(Instant::now());
        f.handle_changes(batch("t1", 1));
        assert!(matches!(f.poll_step(Instant::now()), FeedStep::Deliver(_)));
        // The handler failed: no handle_delivered(); the next poll fetches the batch again.
        assert!(matches!(f.poll_step(Instant::now()), FeedStep::Fetch(_)));
        assert_eq!(f.summary().batches, 0);
    }

    #[test]
    fn watch_mode_idles_on_a_drained_channel_and_max_batches_ends_it() {
        let mut f = Feed::new(
            FeedOptions::channel(1)
                .watch(Duration::from_millis(5))
                .max_batches(1),
        );
        let t0 = Instant::now();
        f.poll_step(t0);
        f.handle_changes(GetAssetChangesResult::default());
        let until = t0 + Duration::from_millis(5);
        assert!(matches!(f.poll_step(t0), FeedStep::Idle(u) if u == until));
        // Polled before the deadline, it stays idle; the pause cannot be cut short.
        assert!(
            matches!(f.poll_step(t0 + Duration::from_millis(4)), FeedStep::Idle(u) if u == until)
        );
        assert_eq!(f.poll_timeout(), Some(until));
        f.handle_timeout(until);
        assert_eq!(f.poll_timeout(), None);
        assert!(matches!(f.poll_step(until), FeedStep::Fetch(_)));
        f.handle_changes(batch("t2", 3));
        f.poll_step(Instant::now());
        f.handle_delivered();
        f.poll_step(Instant::now());
        f.handle_confirmed();
        assert!(matches!(f.poll_step(Instant::now()), FeedStep::Done(s) if s.changes == 3));
    }
}

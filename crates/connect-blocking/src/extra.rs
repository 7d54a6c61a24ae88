//! The operations outside the envelope and the loops over them: SingleStepDownload, oEmbed,
//! and the partner asset-change feed.

use crate::Download;
use crate::client::Client;
use connect_auth::Error;
use connect_auth::feed::{ChangeBatch, Feed, FeedError, FeedOptions, FeedStep, FeedSummary};
use connect_types::ops::{OEmbedRequest, OEmbedResponse};

impl Client {
    /// SingleStepDownload (`POST /v2/download/{ImageId}`, secure-only): the largest size the
    /// caller may have, in one call that spends one download of the periodic allowance. The
    /// returned [`Download`] writes the file with the same progress, resume and safety rules as
    /// every other download. Needs OAuth2 credentials (their client id is the `Api-Key`); it is
    /// refused locally over a plain-HTTP base URL and never repeated once it may have reached
    /// the service.
    ///
    /// ```no_run
    /// # let client = connect_blocking::Client::from_env()?;
    /// client.single_step_download("100000001")?.to_file("100000001.jpg")?;
    /// # Ok::<(), connect_blocking::Error>(())
    /// ```
    pub fn single_step_download(&self, image_id: &str) -> Result<Download, Error> {
        self.download_builder(image_id).single_step().authorize()
    }

    /// oEmbed: the embed code of an image (`OEmbedRequest::for_asset(id)`). No token is sent.
    pub fn oembed(&self, request: &OEmbedRequest) -> Result<OEmbedResponse, Error> {
        let http_request = self.oembed_request(request)?;
        match self.exchange(http_request) {
            connect_auth::Outcome::Response(r) => connect_auth::oembed::answer(&r),
            connect_auth::Outcome::Failed(t) => Err(connect_auth::oembed::failed(t)),
        }
    }

    /// Follows a partner feed channel: fetches a batch, hands it to `handler`, and confirms it
    /// only after `handler` returned `Ok`, then fetches the next one; stops at an empty batch
    /// (or keeps polling, with [`FeedOptions::watch`]).
    ///
    /// Delivery is at least once: when `handler` fails, or the process dies before the
    /// confirmation, the batch is not confirmed and the service serves it again on the next
    /// run. Make the handler idempotent.
    ///
    /// ```no_run
    /// # use connect_blocking::feed::FeedOptions;
    /// # let client = connect_blocking::Client::from_env()?;
    /// let summary = client.follow_changes(FeedOptions::channel(7), |batch| {
    ///     for change in &batch.changes {
    ///         println!("{:?} {:?}", change.asset_lifecycle, change.asset_id);
    ///     }
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// println!("{} changes in {} batches", summary.changes, summary.batches);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn follow_changes<E, F>(
        &self,
        options: FeedOptions,
        mut handler: F,
    ) -> Result<FeedSummary, FeedError<E>>
    where
        F: FnMut(ChangeBatch) -> Result<(), E>,
    {
        let mut feed = Feed::new(options);
        loop {
            match feed.poll_step(self.now()) {
                FeedStep::Fetch(request) => {
                    let page = self.execute(&request).map_err(FeedError::Api)?;
                    feed.handle_changes(page.result);
                }
                FeedStep::Deliver(batch) => {
                    handler(batch).map_err(FeedError::Handler)?;
                    feed.handle_delivered();
                }
                FeedStep::Confirm(request) => {
                    self.execute(&request).map_err(FeedError::Api)?;
                    feed.handle_confirmed();
                }
                FeedStep::Idle(until) => {
                    std::thread::sleep(until.saturating_duration_since(self.now()));
                    feed.handle_timeout(self.now().max(until));
                }
                FeedStep::Done(summary) => return Ok(summary),
            }
        }
    }
}

//! The operations outside the envelope and the loops over them: SingleStepDownload, oEmbed,
//! and the partner asset-change feed.

use crate::Download;
use crate::client::Client;
use connect_auth::Error;
use connect_auth::feed::{ChangeBatch, Feed, FeedError, FeedOptions, FeedStep, FeedSummary};
use connect_types::ops::{OEmbedRequest, OEmbedResponse};
use std::future::Future;

impl Client {
    /// SingleStepDownload (`POST /v2/download/{ImageId}`, secure-only): the largest size the
    /// caller may have, in one call that spends one download of the periodic allowance. The
    /// returned [`Download`] writes the file with the same progress, resume and safety rules as
    /// every other download. Needs OAuth2 credentials (their client id is the `Api-Key`); it is
    /// refused locally over a plain-HTTP base URL and never repeated once it may have reached
    /// the service.
    pub async fn single_step_download(&self, image_id: &str) -> Result<Download, Error> {
        self.download_builder(image_id)
            .single_step()
            .authorize()
            .await
    }

    /// oEmbed: the embed code of an image (`OEmbedRequest::for_asset(id)`). No token is sent.
    pub async fn oembed(&self, request: &OEmbedRequest) -> Result<OEmbedResponse, Error> {
        let http_request = self.oembed_request(request)?;
        match self.exchange(http_request).await {
            connect_auth::Outcome::Response(r) => connect_auth::oembed::answer(&r),
            connect_auth::Outcome::Failed(t) => Err(connect_auth::oembed::failed(t)),
        }
    }

    /// Follows a partner feed channel: fetches a batch, hands it to `handler`, and confirms it
    /// only after the handler's future resolved to `Ok`, then fetches the next one; stops at an
    /// empty batch (or keeps polling, with [`FeedOptions::watch`]).
    ///
    /// Delivery is at least once: when the handler fails, or the task is cancelled or the
    /// process dies before the confirmation, the batch is not confirmed and the service serves
    /// it again on the next run. Make the handler idempotent.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use connect_async::feed::FeedOptions;
    /// # let client = connect_async::Client::from_env()?;
    /// let summary = client
    ///     .follow_changes(FeedOptions::channel(7), |batch| async move {
    ///         println!("{} changes", batch.changes.len());
    ///         Ok::<(), std::io::Error>(())
    ///     })
    ///     .await?;
    /// println!("{} batches", summary.batches);
    /// # Ok(()) }
    /// ```
    pub async fn follow_changes<E, F, Fut>(
        &self,
        options: FeedOptions,
        mut handler: F,
    ) -> Result<FeedSummary, FeedError<E>>
    where
        F: FnMut(ChangeBatch) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let mut feed = Feed::new(options);
        loop {
            match feed.poll_step(self.now()) {
                FeedStep::Fetch(request) => {
                    let page = self.execute(&request).await.map_err(FeedError::Api)?;
                    feed.handle_changes(page.result);
                }
                FeedStep::Deliver(batch) => {
                    handler(batch).await.map_err(FeedError::Handler)?;
                    feed.handle_delivered();
                }
                FeedStep::Confirm(request) => {
                    self.execute(&request).await.map_err(FeedError::Api)?;
                    feed.handle_confirmed();
                }
                FeedStep::Idle(until) => {
                    tokio::time::sleep(until.saturating_duration_since(self.now())).await;
                    feed.handle_timeout(self.now().max(until));
                }
                FeedStep::Done(summary) => return Ok(summary),
            }
        }
    }
}

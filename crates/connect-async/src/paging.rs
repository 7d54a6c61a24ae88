//! Lazy listings: a `Stream` over every item of a paged operation.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::paging::{Next, Paged, Pager};
use futures_core::Stream;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Every item of a paged listing, fetched a page at a time as the stream is polled.
///
/// A failed page fetch yields one `Err` and ends the stream.
///
/// ```no_run
/// # async fn run() -> Result<(), connect_async::Error> {
/// use connect_async::{Client, ops::SearchForImagesRequest};
/// use futures_util::StreamExt;
/// let client = Client::from_env()?;
/// let mut images = client.search_images_all(SearchForImagesRequest::phrase("beach")).take(200);
/// while let Some(image) = images.next().await {
///     println!("{:?}", image?.image_id);
/// }
/// # Ok(()) }
/// ```
pub struct Pages<O: Paged> {
    inner: Pin<Box<dyn Stream<Item = Result<O::Item, Error>> + Send>>,
    _op: PhantomData<fn() -> O>,
}

impl<O: Paged> fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &O::NAME)
            .finish_non_exhaustive()
    }
}

impl<O: Paged> Stream for Pages<O> {
    type Item = Result<O::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl Client {
    /// Every item of any paged operation, starting at the request's start number.
    pub fn pages<O>(&self, request: O) -> Pages<O>
    where
        O: Paged + Send + Sync + 'static,
        O::Item: Send,
        O::Result: Send,
    {
        let start = Some((self.clone(), Pager::new(request)));
        let stream = futures_util::stream::unfold(start, |state| async move {
            let (client, mut pager) = state?;
            loop {
                match pager.poll_request() {
                    Next::Item(item) => return Some((Ok(item), Some((client, pager)))),
                    Next::End => return None,
                    Next::Fetch(request) => match client.execute(&request).await {
                        Ok(page) => pager.handle_page(page.result),
                        Err(e) => {
                            pager.handle_failure();
                            return Some((Err(e), Some((client, pager))));
                        }
                    },
                }
            }
        });
        Pages {
            inner: Box::pin(stream),
            _op: PhantomData,
        }
    }
}

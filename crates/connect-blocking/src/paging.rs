//! Lazy listings: an `Iterator` over every item of a paged operation.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::paging::{Next, Paged, Pager};
use std::fmt;

/// Every item of a paged listing, fetched a page at a time as the iteration goes.
///
/// A failed page fetch yields one `Err` and ends the iteration.
///
/// ```no_run
/// # use connect_blocking::{Client, ops::SearchForImagesRequest};
/// # let client = Client::from_env()?;
/// for image in client.search_images_all(SearchForImagesRequest::phrase("beach")).take(200) {
///     println!("{:?}", image?.image_id);
/// }
/// # Ok::<(), connect_blocking::Error>(())
/// ```
pub struct Pages<O: Paged> {
    client: Client,
    pager: Pager<O>,
}

impl<O: Paged> fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &O::NAME)
            .field("pages_fetched", &self.pager.pages_fetched())
            .field("total", &self.pager.total())
            .finish()
    }
}

impl<O: Paged> Pages<O> {
    /// The total the server reported, once the first page is in.
    pub fn total(&self) -> Option<u64> {
        self.pager.total()
    }
}

impl<O: Paged> Iterator for Pages<O> {
    type Item = Result<O::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.pager.poll_request() {
                Next::Item(item) => return Some(Ok(item)),
                Next::End => return None,
                Next::Fetch(request) => match self.client.execute(&request) {
                    Ok(page) => self.pager.handle_page(page.result),
                    Err(e) => {
                        self.pager.handle_failure();
                        return Some(Err(e));
                    }
                },
            }
        }
    }
}

impl Client {
    /// Every item of any paged operation, starting at the request's start number.
    pub fn pages<O: Paged>(&self, request: O) -> Pages<O> {
        Pages {
            client: self.clone(),
            pager: Pager::new(request),
        }
    }
}

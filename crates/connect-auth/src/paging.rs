//! Pagination shared by the blocking `Iterator` and the async `Stream`.
//!
//! A [`Pager`] holds the request of a paged operation and the items of the page in hand. The
//! front ends loop on [`Pager::poll_request`]: hand out an [`Next::Item`], send the [`Next::Fetch`]
//! request and give its result to [`Pager::handle_page`], or stop at [`Next::End`]. Pages are
//! fetched lazily, one when the previous one is used up, and paging stops at the total the
//! server reports (ItemTotalCount and kin), at an empty page, or, when no total is reported, at
//! a short page.

use connect_types::Operation;
use connect_types::ops::{
    GetLightboxHeadersRequest, GetLightboxHeadersResult, GetLightboxRequest, GetLightboxResult,
    GetPreviousDownloadsRequest, GetPreviousDownloadsResult, GetPreviousPurchasesRequest,
    GetPreviousPurchasesResult, LightboxHeader, LightboxItem, PreviousDownload, PreviousPurchase,
    SearchForImagesRequest, SearchForImagesResult,
};

/// One page of a paged result: its items and the total the server reports, if any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page<T> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// How many items there are in all (from the first, not from this page's start).
    pub total: Option<u64>,
}

/// A request whose results come in pages selected by a 1-based start number and a count.
pub trait Paged: Operation + Clone {
    /// What the pages hold.
    type Item;
    /// The page size used when the request sets none (the largest the API allows).
    const DEFAULT_PAGE_SIZE: u32;
    /// The request's `(ItemStartNumber, ItemCount)`; 0 means unset.
    fn window(&self) -> (u32, u32);
    /// Sets `ItemStartNumber` and `ItemCount`.
    fn set_window(&mut self, start: u32, count: u32);
    /// Takes the page out of a result.
    fn into_page(result: Self::Result) -> Page<Self::Item>;
}

/// What a front end does next.
#[derive(Debug)]
pub enum Next<O: Paged> {
    /// Hand out this item.
    Item(O::Item),
    /// Send this request and pass its result to [`Pager::handle_page`] (or call
    /// [`Pager::handle_failure`] if the call failed).
    Fetch(O),
    /// Every item has been handed out.
    End,
}

/// The paging state of one listing.
#[derive(Debug)]
pub struct Pager<O: Paged> {
    request: O,
    next_start: u32,
    page_size: u32,
    total: Option<u64>,
    buffer: std::vec::IntoIter<O::Item>,
    fetched_pages: u32,
    done: bool,
}

impl<O: Paged> Pager<O> {
    /// Pages through `request`, starting at its `ItemStartNumber` (1 when unset) with its
    /// `ItemCount` as the page size ([`Paged::DEFAULT_PAGE_SIZE`] when unset).
    pub fn new(request: O) -> Self {
        let (start, count) = request.window();
        let page_size = if count == 0 {
            O::DEFAULT_PAGE_SIZE
        } else {
            count
        };
        Self {
            request,
            next_start: start.max(1),
            page_size,
            total: None,
            buffer: Vec::new().into_iter(),
            fetched_pages: 0,
            done: false,
        }
    }

    /// The next thing to do.
    pub fn poll_request(&mut self) -> Next<O> {
        if let Some(item) = self.buffer.next() {
            return Next::Item(item);
        }
        if self.done {
            return Next::End;
        }
        let mut request = self.request.clone();
        request.set_window(self.next_start, self.page_size);
        Next::Fetch(request)
    }

    /// Digests the result of the last [`Next::Fetch`].
    pub fn handle_page(&mut self, result: O::Result) {
        let page = O::into_page(result);
        self.fetched_pages = self.fetched_pages.saturating_add(1);
        if page.total.is_some() {
            self.total = page.total;
        }
        let n = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
        self.next_start = self.next_start.saturating_add(n);
        let past_total = self
            .total
            .is_some_and(|t| u64::from(self.next_start.saturating_sub(1)) >= t);
        let short_without_total = self.total.is_none() && n < self.page_size;
        self.done = n == 0 || past_total || short_without_total || self.next_start == u32::MAX;
        self.buffer = page.items.into_iter();
    }

    /// The last fetch failed: end the listing after the error is reported.
    pub fn handle_failure(&mut self) {
        self.done = true;
        self.buffer = Vec::new().into_iter();
    }

    /// The total reported by the last page, if any.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// How many pages have been fetched.
    pub fn pages_fetched(&self) -> u32 {
        self.fetched_pages
    }
}

impl Paged for SearchForImagesRequest {
    type Item = connect_types::ops::Image;
    const DEFAULT_PAGE_SIZE: u32 = 75;

    fn window(&self) -> (u32, u32) {
        (
            self.result_options.item_start_number,
            self.result_options.item_count,
        )
    }

    fn set_window(&mut self, start: u32, count: u32) {
        self.result_options.item_start_number = start;
        self.result_options.item_count = count;
    }

    fn into_page(result: SearchForImagesResult) -> Page<Self::Item> {
        Page {
            items: result.images,
            total: result.item_total_count,
        }
    }
}

impl Paged for GetLightboxRequest {
    type Item = LightboxItem;
    const DEFAULT_PAGE_SIZE: u32 = 100;

    fn window(&self) -> (u32, u32) {
        let o = &self.lightbox_items_view_options;
        (o.item_start_number, o.item_count)
    }

    fn set_window(&mut self, start: u32, count: u32) {
        self.lightbox_items_view_options.item_start_number = start;
        self.lightbox_items_view_options.item_count = count;
    }

    /// The total is the header's `LightboxItemCount`.
    fn into_page(result: GetLightboxResult) -> Page<LightboxItem> {
        let lightbox = result.lightbox.unwrap_or_default();
        Page {
            total: lightbox
                .lightbox_header
                .and_then(|h| h.lightbox_item_count)
                .map(u64::from),
            items: lightbox.lightbox_items,
        }
    }
}

impl Paged for GetPreviousDownloadsRequest {
    type Item = PreviousDownload;
    const DEFAULT_PAGE_SIZE: u32 = 25;

    fn window(&self) -> (u32, u32) {
        (self.item_start_number, self.item_count)
    }

    fn set_window(&mut self, start: u32, count: u32) {
        self.item_start_number = start;
        self.item_count = count;
    }

    fn into_page(result: GetPreviousDownloadsResult) -> Page<PreviousDownload> {
        Page {
            items: result.previous_downloads,
            total: result.item_total_count,
        }
    }
}

impl Paged for GetPreviousPurchasesRequest {
    type Item = PreviousPurchase;
    const DEFAULT_PAGE_SIZE: u32 = 25;

    fn window(&self) -> (u32, u32) {
        (self.item_start_number, self.item_count)
    }

    fn set_window(&mut self, start: u32, count: u32) {
        self.item_start_number = start;
        self.item_count = count;
    }

    fn into_page(result: GetPreviousPurchasesResult) -> Page<PreviousPurchase> {
        Page {
            items: result.previous_purchases,
            total: result.item_total_count,
        }
    }
}

impl Paged for GetLightboxHeadersRequest {
    type Item = LightboxHeader;
    const DEFAULT_PAGE_SIZE: u32 = 100;

    fn window(&self) -> (u32, u32) {
        let o = &self.results_view_options;
        (o.item_start_number, o.item_count)
    }

    fn set_window(&mut self, start: u32, count: u32) {
        self.results_view_options.item_start_number = start;
        self.results_view_options.item_count = count;
    }

    /// The total is `TotalLightboxHeaderCount` (only in the documentation's example).
    fn into_page(result: GetLightboxHeadersResult) -> Page<LightboxHeader> {
        Page {
            items: result.lightbox_headers,
            total: result.total_lightbox_header_count.map(u64::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_types::ops::Image;

    fn image(n: u32) -> Image {
        Image {
            image_id: Some(n.to_string().into()),
            ..Image::default()
        }
    }

    /// A fake server over `total` images, reporting the total or not.
    fn serve(req: &SearchForImagesRequest, total: u32, report: bool) -> SearchForImagesResult {
        let (start, count) = req.window();
        let first = start.max(1);
        let last = (first + count - 1).min(total);
        SearchForImagesResult {
            images: (first..=last).map(image).collect(),
            item_total_count: report.then_some(u64::from(total)),
            ..SearchForImagesResult::default()
        }
    }

    fn drain(
        mut pager: Pager<SearchForImagesRequest>,
        total: u32,
        report: bool,
    ) -> (Vec<String>, Vec<(u32, u32)>) {
        let mut items = Vec::new();
        let mut windows = Vec::new();
        loop {
            match pager.poll_request() {
                Next::Item(i) => items.push(i.image_id.unwrap_or_default().into_string()),
                Next::Fetch(req) => {
                    windows.push(req.window());
                    let r = serve(&req, total, report);
                    pager.handle_page(r);
                }
                Next::End => return (items, windows),
            }
        }
    }

    #[test]
    fn pages_until_the_total_without_an_extra_fetch() {
        let pager = Pager::new(SearchForImagesRequest::phrase("tree").count(10));
        let (items, windows) = drain(pager, 25, true);
        assert_eq!(items.len(), 25);
        assert_eq!(items[24], "25");
        assert_eq!(windows, [(1, 10), (11, 10), (21, 10)]);
        // Exactly at a page boundary: no empty trailing fetch.
        let (items, windows) = drain(
            Pager::new(SearchForImagesRequest::phrase("x").count(5)),
            10,
            true,
        );
        assert_eq!(items.len(), 10);
        assert_eq!(windows.len(), 2);
    }

    #[test]
    fn defaults_and_start_offsets() {
        let mut unset = SearchForImagesRequest::phrase("x");
        unset.set_window(0, 0);
        let (items, windows) = drain(Pager::new(unset), 100, true);
        assert_eq!(items.len(), 100);
        assert_eq!(windows, [(1, 75), (76, 75)]);
        let (items, windows) = drain(
            Pager::new(SearchForImagesRequest::phrase("x").count(20).start(91)),
            100,
            true,
        );
        assert_eq!(items.first().map(String::as_str), Some("91"));
        assert_eq!(windows, [(91, 20)]);
    }

    #[test]
    fn without_a_total_stops_at_a_short_or_empty_page() {
        let (items, windows) = drain(
            Pager::new(SearchForImagesRequest::phrase("x").count(10)),
            23,
            false,
        );
        assert_eq!(items.len(), 23);
        assert_eq!(windows.len(), 3);
        let (items, windows) = drain(
            Pager::new(SearchForImagesRequest::phrase("x").count(10)),
            20,
            false,
        );
        assert_eq!(items.len(), 20);
        assert_eq!(windows.len(), 3, "the empty third page ends it");
        let (items, _) = drain(Pager::new(SearchForImagesRequest::phrase("x")), 0, true);
        assert!(items.is_empty());
    }

    #[test]
    fn lightbox_items_and_headers_use_their_totals() {
        use connect_types::ops::Lightbox;
        let mut pager = Pager::new(GetLightboxRequest::new(7).items(1, 2));
        let mut got = Vec::new();
        loop {
            match pager.poll_request() {
                Next::Item(i) => got.push(i.asset_id.unwrap_or_default()),
                Next::Fetch(req) => {
                    assert_eq!(req.lightbox_id, 7);
                    let (start, count) = req.window();
                    let items = (start..(start + count).min(4))
                        .map(|n| LightboxItem {
                            asset_id: Some(n.to_string()),
                            ..LightboxItem::default()
                        })
                        .collect();
                    pager.handle_page(GetLightboxResult {
                        lightbox: Some(Lightbox {
                            lightbox_header: Some(LightboxHeader {
                                lightbox_item_count: Some(3),
                                ..LightboxHeader::default()
                            }),
                            lightbox_items: items,
                        }),
                    });
                }
                Next::End => break,
            }
        }
        assert_eq!(got, ["1", "2", "3"]);
        assert_eq!(pager.pages_fetched(), 2);

        let mut pager = Pager::new(GetLightboxHeadersRequest::page(0, 0));
        let Next::Fetch(req) = pager.poll_request() else {
            panic!("expected a fetch")
        };
        assert_eq!(req.window(), (1, 100));
        pager.handle_page(GetLightboxHeadersResult {
            lightbox_headers: vec![LightboxHeader::default()],
            total_lightbox_header_count: Some(1),
        });
        assert!(matches!(pager.poll_request(), Next::Item(_)));
        assert!(matches!(pager.poll_request(), Next::End));
        assert_eq!(pager.total(), Some(1));
    }

    #[test]
    fn a_failure_ends_the_listing() {
        let mut pager = Pager::new(SearchForImagesRequest::phrase("x").count(10));
        assert!(matches!(pager.poll_request(), Next::Fetch(_)));
        pager.handle_failure();
        assert!(matches!(pager.poll_request(), Next::End));
    }

    #[test]
    fn a_server_that_lies_about_the_total_cannot_loop_forever() {
        // The total says 1000 but pages come back empty: the empty page ends it.
        let mut pager = Pager::new(SearchForImagesRequest::phrase("x").count(10));
        let mut fetches = 0;
        loop {
            match pager.poll_request() {
                Next::Fetch(_) => {
                    fetches += 1;
                    pager.handle_page(SearchForImagesResult {
                        item_total_count: Some(1000),
                        ..SearchForImagesResult::default()
                    });
                }
                Next::Item(_) => {}
                Next::End => break,
            }
        }
        assert_eq!(fetches, 1);
    }
}

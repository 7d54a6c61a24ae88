//! One method per Connect operation, each a thin, typed wrapper over [`Client::execute`].
//!
//! The list matches `connect-blocking`'s method for method; the shared behaviour suite calls every
//! one of them on both clients, so a method missing from either fails to compile.

use crate::client::Client;
use connect_auth::Error;
use connect_types::Response;
use connect_types::ops::{
    CreateDownloadRequest, CreateDownloadRequestResult, CreateLightboxItemsRequest,
    CreateLightboxRequest, CreateLightboxResult, DeleteLightboxItemsRequest, DeleteLightboxRequest,
    Empty, GetEventDetailsRequest, GetEventDetailsResult, GetImageDetailsRequest,
    GetImageDetailsResult, GetImageDownloadAuthorizationsRequest,
    GetImageDownloadAuthorizationsResult, GetLargestImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsResult, GetLightboxHeadersRequest,
    GetLightboxHeadersResult, GetLightboxRequest, GetLightboxResult, SearchForImagesRequest,
    SearchForImagesResult, SearchForVideosRequest, SearchForVideosResult,
    UpdateLightboxHeaderRequest,
};

impl Client {
    /// SearchForImages: one page of images matching a query.
    ///
    /// For every page, lazily, use [`Client::search_images_all`].
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::SearchForImagesRequest;
    /// let found = client.search_images(&SearchForImagesRequest::phrase("beach").count(10)).await?;
    /// println!("{} images in all", found.result.item_total_count.unwrap_or(0));
    /// # Ok(()) }
    /// ```
    pub async fn search_images(
        &self,
        request: &SearchForImagesRequest,
    ) -> Result<Response<SearchForImagesResult>, Error> {
        self.execute(request).await
    }

    /// GetImageDetails: metadata of up to 90 images, by id.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::GetImageDetailsRequest;
    /// let details = client.image_details(&GetImageDetailsRequest::ids(["100000001"])).await?;
    /// println!("{} images", details.result.images.len());
    /// # Ok(()) }
    /// ```
    pub async fn image_details(
        &self,
        request: &GetImageDetailsRequest,
    ) -> Result<Response<GetImageDetailsResult>, Error> {
        self.execute(request).await
    }

    /// GetEventDetails: metadata of events, by id.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::GetEventDetailsRequest;
    /// let events = client.event_details(&GetEventDetailsRequest::ids([100009884])).await?;
    /// println!("{} events", events.result.event_result.len());
    /// # Ok(()) }
    /// ```
    pub async fn event_details(
        &self,
        request: &GetEventDetailsRequest,
    ) -> Result<Response<GetEventDetailsResult>, Error> {
        self.execute(request).await
    }

    /// SearchForVideos: one page of videos matching a query.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::SearchForVideosRequest;
    /// let found = client.search_videos(&SearchForVideosRequest::phrase("ocean")).await?;
    /// println!("{} videos", found.result.videos.len());
    /// # Ok(()) }
    /// ```
    pub async fn search_videos(
        &self,
        request: &SearchForVideosRequest,
    ) -> Result<Response<SearchForVideosResult>, Error> {
        self.execute(request).await
    }

    /// GetImageDownloadAuthorizations: download tokens for (image, size) pairs.
    ///
    /// To fetch the file too, [`Client::download`] does this call, CreateDownloadRequest and the
    /// transfer in one go.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::GetImageDownloadAuthorizationsRequest;
    /// let request = GetImageDownloadAuthorizationsRequest::for_sizes([("100000001", "large")]);
    /// let auths = client.image_download_authorizations(&request).await?;
    /// println!("{} images authorized", auths.result.images.len());
    /// # Ok(()) }
    /// ```
    pub async fn image_download_authorizations(
        &self,
        request: &GetImageDownloadAuthorizationsRequest,
    ) -> Result<Response<GetImageDownloadAuthorizationsResult>, Error> {
        self.execute(request).await
    }

    /// GetLargestImageDownloadAuthorizations: download tokens for the largest size of each image
    /// the caller may download ([`Client::download_largest`] also fetches the file).
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::GetLargestImageDownloadAuthorizationsRequest;
    /// let request = GetLargestImageDownloadAuthorizationsRequest::ids(["100000001"]);
    /// let auths = client.largest_image_download_authorizations(&request).await?;
    /// println!("{} images authorized", auths.result.images.len());
    /// # Ok(()) }
    /// ```
    pub async fn largest_image_download_authorizations(
        &self,
        request: &GetLargestImageDownloadAuthorizationsRequest,
    ) -> Result<Response<GetLargestImageDownloadAuthorizationsResult>, Error> {
        self.execute(request).await
    }

    /// CreateDownloadRequest: spends download tokens for download URLs. Secure-only (HTTPS), and
    /// never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::CreateDownloadRequest;
    /// let urls = client.create_download_request(&CreateDownloadRequest::for_tokens(["a-download-token"])).await?;
    /// println!("{} download URLs", urls.result.download_urls.len());
    /// # Ok(()) }
    /// ```
    pub async fn create_download_request(
        &self,
        request: &CreateDownloadRequest,
    ) -> Result<Response<CreateDownloadRequestResult>, Error> {
        self.execute(request).await
    }

    /// CreateLightbox: a new, empty lightbox of the signed-in user. Not retried once it may have
    /// reached the server, so a failure never leaves two lightboxes.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::CreateLightboxRequest;
    /// let created = client.create_lightbox(&CreateLightboxRequest::named("Beach ideas")).await?;
    /// println!("lightbox {:?}", created.result.lightbox_id);
    /// # Ok(()) }
    /// ```
    pub async fn create_lightbox(
        &self,
        request: &CreateLightboxRequest,
    ) -> Result<Response<CreateLightboxResult>, Error> {
        self.execute(request).await
    }

    /// GetLightbox: a lightbox's header and one page of its items (every item, lazily:
    /// [`Client::lightbox_items_all`]).
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::GetLightboxRequest;
    /// let lightbox = client.lightbox(&GetLightboxRequest::new(1001).items(1, 50)).await?;
    /// println!("{} items on this page", lightbox.result.lightbox.map_or(0, |l| l.lightbox_items.len()));
    /// # Ok(()) }
    /// ```
    pub async fn lightbox(
        &self,
        request: &GetLightboxRequest,
    ) -> Result<Response<GetLightboxResult>, Error> {
        self.execute(request).await
    }

    /// CreateLightboxItems: adds assets to a lightbox.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::CreateLightboxItemsRequest;
    /// client.add_lightbox_items(&CreateLightboxItemsRequest::new(1001, ["100000001", "100000002"])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_lightbox_items(
        &self,
        request: &CreateLightboxItemsRequest,
    ) -> Result<Response<Empty>, Error> {
        self.execute(request).await
    }

    /// DeleteLightboxItems: removes assets from a lightbox.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::DeleteLightboxItemsRequest;
    /// client.remove_lightbox_items(&DeleteLightboxItemsRequest::new(1001, ["100000001"])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_lightbox_items(
        &self,
        request: &DeleteLightboxItemsRequest,
    ) -> Result<Response<Empty>, Error> {
        self.execute(request).await
    }

    /// DeleteLightbox: deletes a lightbox and its items.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::DeleteLightboxRequest;
    /// client.delete_lightbox(&DeleteLightboxRequest::new(1001)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_lightbox(
        &self,
        request: &DeleteLightboxRequest,
    ) -> Result<Response<Empty>, Error> {
        self.execute(request).await
    }

    /// GetLightboxHeaders: one page of the signed-in user's lightbox headers (every header,
    /// lazily: [`Client::lightbox_headers_all`]).
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::GetLightboxHeadersRequest;
    /// let headers = client.lightbox_headers(&GetLightboxHeadersRequest::page(1, 20)).await?;
    /// println!("{:?} lightboxes", headers.result.total_lightbox_header_count);
    /// # Ok(()) }
    /// ```
    pub async fn lightbox_headers(
        &self,
        request: &GetLightboxHeadersRequest,
    ) -> Result<Response<GetLightboxHeadersResult>, Error> {
        self.execute(request).await
    }

    /// UpdateLightboxHeader: renames a lightbox or changes its client, project or notes.
    ///
    /// ```no_run
    /// # async fn run(client: connect_async::Client) -> Result<(), connect_async::Error> {
    /// use connect_async::ops::UpdateLightboxHeaderRequest;
    /// client.update_lightbox_header(&UpdateLightboxHeaderRequest::new(1001, "Beach, final").notes("picked")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_lightbox_header(
        &self,
        request: &UpdateLightboxHeaderRequest,
    ) -> Result<Response<Empty>, Error> {
        self.execute(request).await
    }
}

/// The operations beyond the seed set.
impl Client {
    /// CreateSharedLightbox: a read-only copy of a lightbox the caller owns. The service offers it
    /// to Thinkstock applications only; the SDK cannot tell, so it passes the answer through.
    pub async fn create_shared_lightbox(
        &self,
        request: &connect_types::ops::CreateSharedLightboxRequest,
    ) -> Result<Response<connect_types::ops::CreateSharedLightboxResult>, Error> {
        self.execute(request).await
    }

    /// GetPreviousDownloads (secure-only): one page of the caller's downloads, newest first.
    ///
    /// For every page, lazily, use [`Client::previous_downloads_all`].
    pub async fn previous_downloads(
        &self,
        request: &connect_types::ops::GetPreviousDownloadsRequest,
    ) -> Result<Response<connect_types::ops::GetPreviousDownloadsResult>, Error> {
        self.execute(request).await
    }

    /// GetPreviousPurchases (secure-only): one page of the caller's purchases.
    ///
    /// For every page, lazily, use [`Client::previous_purchases_all`].
    pub async fn previous_purchases(
        &self,
        request: &connect_types::ops::GetPreviousPurchasesRequest,
    ) -> Result<Response<connect_types::ops::GetPreviousPurchasesResult>, Error> {
        self.execute(request).await
    }

    /// GetActiveProductOfferings: the offering types the user may download under (no body is sent).
    pub async fn active_product_offerings(
        &self,
        request: &connect_types::ops::GetActiveProductOfferingsRequest,
    ) -> Result<Response<connect_types::ops::GetActiveProductOfferingsResult>, Error> {
        self.execute(request).await
    }

    /// GetAllProductOfferings: every offering instance of the user, with its quota (no body is
    /// sent).
    pub async fn all_product_offerings(
        &self,
        request: &connect_types::ops::GetAllProductOfferingsRequest,
    ) -> Result<Response<connect_types::ops::GetAllProductOfferingsResult>, Error> {
        self.execute(request).await
    }

    /// GetCollections: the collections configured for the caller (no body is sent).
    pub async fn collections(
        &self,
        request: &connect_types::ops::GetCollectionsRequest,
    ) -> Result<Response<connect_types::ops::GetCollectionsResult>, Error> {
        self.execute(request).await
    }

    /// GetCountries: the country list; its three-letter codes are what CreateCustomer takes.
    pub async fn countries(
        &self,
        request: &connect_types::ops::GetCountriesRequest,
    ) -> Result<Response<connect_types::ops::GetCountriesResult>, Error> {
        self.execute(request).await
    }

    /// CreateCustomer (HTTPS only; never retried once it may have reached the server): a new
    /// customer who can then sign in.
    pub async fn create_customer(
        &self,
        request: &connect_types::ops::CreateCustomerRequest,
    ) -> Result<Response<connect_types::ops::Empty>, Error> {
        self.execute(request).await
    }

    /// ReportUsage: how often assets were used, under one TransactionId. A repeated id records
    /// nothing and comes back with a `TransactionIdDuplicate` warning, so a retry is safe.
    pub async fn report_usage(
        &self,
        request: &connect_types::ops::ReportUsageRequest,
    ) -> Result<Response<connect_types::ops::ReportUsageResult>, Error> {
        self.execute(request).await
    }

    /// GetAssetChanges: the channel's current batch; the same batch comes back until it is
    /// confirmed. [`Client::follow_changes`] runs the at-least-once loop.
    pub async fn asset_changes(
        &self,
        request: &connect_types::ops::GetAssetChangesRequest,
    ) -> Result<Response<connect_types::ops::GetAssetChangesResult>, Error> {
        self.execute(request).await
    }

    /// ConfirmAssetChanges: acknowledges a batch so the next one is served.
    pub async fn confirm_asset_changes(
        &self,
        request: &connect_types::ops::ConfirmAssetChangesRequest,
    ) -> Result<Response<connect_types::ops::Empty>, Error> {
        self.execute(request).await
    }
}

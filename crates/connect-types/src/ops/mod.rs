//! Request and result models, one module per API group. Every request and result type is
//! re-exported here, so `connect_types::ops::SearchForImagesRequest` works.

pub mod account;
pub mod changes;
pub mod common;
pub mod data;
mod display;
pub mod download;
pub mod events;
pub mod history;
pub mod images;
pub mod lightbox;
pub mod oauth2;
pub mod oembed;
pub mod search;
pub mod session;
pub mod single_step;
pub mod usage;
pub mod videos;

pub use crate::operation::Empty;
pub use account::*;
pub use changes::*;
pub use common::*;
pub use data::*;
pub use download::*;
pub use events::*;
pub use history::*;
pub use images::*;
pub use lightbox::*;
pub use oauth2::{OAuthErrorResponse, TokenRequest, TokenResponse};
pub use oembed::*;
pub use search::*;
pub use session::*;
pub use single_step::*;
pub use usage::*;
pub use videos::*;

use crate::operation::Visit;

/// The image the operations' examples ([`crate::operation::Described::example`]) use: an image
/// of the sandbox's default catalog (seed 42) that may be embedded.
pub const EXAMPLE_IMAGE_ID: &str = "100000002";

/// Walks every envelope operation, in the documented groups' order: the one list of them.
///
/// The JSON Schema files and the OpenAPI document ([`crate::schema::operations`]), the
/// `envelope` fuzz target, the clients' generated methods (`cargo xtask codegen`) and the
/// sandbox's checks all read it, so an operation added here appears everywhere it must, and
/// one left out of a place that needs it fails that place's test. The two operations outside
/// the envelope (SingleStepDownload, oEmbed) have plain request types and are not listed.
pub fn visit<V: Visit>(v: &mut V) {
    v.operation::<CreateSessionRequest>();
    v.operation::<RenewSessionRequest>();
    v.operation::<SearchForImagesRequest>();
    v.alias::<SearchForImagesV1Request>();
    v.operation::<GetImageDetailsRequest>();
    v.operation::<GetEventDetailsRequest>();
    v.operation::<SearchForVideosRequest>();
    v.operation::<GetImageDownloadAuthorizationsRequest>();
    v.operation::<GetLargestImageDownloadAuthorizationsRequest>();
    v.operation::<CreateDownloadRequest>();
    v.operation::<CreateLightboxRequest>();
    v.operation::<GetLightboxRequest>();
    v.operation::<CreateLightboxItemsRequest>();
    v.operation::<DeleteLightboxItemsRequest>();
    v.operation::<DeleteLightboxRequest>();
    v.operation::<GetLightboxHeadersRequest>();
    v.operation::<UpdateLightboxHeaderRequest>();
    v.operation::<CreateSharedLightboxRequest>();
    v.operation::<GetPreviousDownloadsRequest>();
    v.operation::<GetActiveProductOfferingsRequest>();
    v.operation::<GetAllProductOfferingsRequest>();
    v.operation::<GetCollectionsRequest>();
    v.operation::<GetCountriesRequest>();
    v.operation::<CreateCustomerRequest>();
    v.operation::<GetPreviousPurchasesRequest>();
    v.operation::<ReportUsageRequest>();
    v.operation::<GetAssetChangesRequest>();
    v.operation::<ConfirmAssetChangesRequest>();
}

//! Request and result models, one module per API group. Every request and result type is
//! re-exported here, so `connect_types::ops::SearchForImagesRequest` works.

pub mod common;
pub mod download;
pub mod events;
pub mod images;
pub mod lightbox;
pub mod oauth2;
pub mod search;
pub mod session;
pub mod videos;

pub use crate::operation::Empty;
pub use common::*;
pub use download::*;
pub use events::*;
pub use images::*;
pub use lightbox::*;
pub use oauth2::{OAuthErrorResponse, TokenRequest, TokenResponse};
pub use search::*;
pub use session::*;
pub use videos::*;

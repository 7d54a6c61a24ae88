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

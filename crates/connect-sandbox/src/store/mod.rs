//! The sandbox's mutable state, apart from the handlers that use it: live tokens, lightboxes,
//! and the download signing secret.

pub mod downloads;
pub mod lightboxes;
pub mod tokens;

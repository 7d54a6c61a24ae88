//! The sandbox's mutable state, apart from the handlers that use it: live tokens, lightboxes,
//! the download signing secret, per-user accounts (offerings and histories), usage reports and
//! the partner feed's cursors.

pub mod accounts;
pub mod downloads;
pub mod feed;
pub mod lightboxes;
pub mod tokens;
pub mod usage;

//! The sandbox's mutable state, apart from the handlers that use it: live tokens, lightboxes,
//! the download signing secret, per-user accounts (offerings and histories), usage reports and
//! the partner feed's cursors, and what each application key used of its call limits.

pub mod accounts;
pub mod downloads;
pub mod feed;
pub mod lightboxes;
pub mod limits;
pub mod tokens;
pub mod usage;

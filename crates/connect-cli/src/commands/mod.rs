//! One module per subcommand.

pub mod account;
pub mod changes;
pub mod details;
pub mod download;
pub mod events;
pub mod lightbox;
pub mod search;
pub mod usage;
pub mod videos;

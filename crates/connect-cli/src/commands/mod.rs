//! One module per subcommand.

pub mod details;
pub mod download;
pub mod events;
pub mod lightbox;
pub mod search;
pub mod videos;

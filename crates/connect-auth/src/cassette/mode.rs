//! [`CassetteMode`]: how a client's settings ask it to use a cassette.

use super::format::Cassette;
use super::player::ReplayOptions;
use super::record::RecordOptions;

/// How a client uses a cassette: set by [`crate::builder::ClientBuilder::record`] and
/// [`crate::builder::ClientBuilder::replay`], carried out by the client crate's transports.
#[derive(Clone)]
#[non_exhaustive]
pub enum CassetteMode {
    /// Send through the transport and write every exchange to this file (replaced).
    Record {
        /// The cassette file.
        path: std::path::PathBuf,
        /// How to record.
        options: RecordOptions,
    },
    /// Send nothing: answer from this cassette file.
    Replay {
        /// The cassette file.
        path: std::path::PathBuf,
        /// How to replay.
        options: ReplayOptions,
    },
    /// Send nothing: answer from this cassette, already read.
    ReplayCassette {
        /// The cassette.
        cassette: Box<Cassette>,
        /// How to replay.
        options: ReplayOptions,
    },
}

impl std::fmt::Debug for CassetteMode {
    // A cassette read into memory is shown by its size, not exchange by exchange.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CassetteMode::Record { path, options } => f
                .debug_struct("Record")
                .field("path", path)
                .field("options", options)
                .finish(),
            CassetteMode::Replay { path, options } => f
                .debug_struct("Replay")
                .field("path", path)
                .field("options", options)
                .finish(),
            CassetteMode::ReplayCassette { cassette, options } => f
                .debug_struct("ReplayCassette")
                .field("exchanges", &cassette.exchanges.len())
                .field("options", options)
                .finish(),
        }
    }
}

//! Cassettes: a session's real exchanges recorded once, with every secret replaced by a
//! placeholder, and replayed offline as often as needed.
//!
//! A cassette is a text file of JSON lines (`docs/cassettes.md` describes every member): a
//! header line with the format's version, then one exchange a line, each with the operation,
//! the request (an envelope or a token form, decoded; the headers that matter) and the answer
//! (status, the headers a client reads, and the body: JSON as JSON, a download by length and
//! SHA-256, its bytes only below a size limit). A changed answer shows in a diff as a changed
//! member.
//!
//! This module holds everything both clients need, and no I/O:
//!
//! - [`Recorder`] redacts each exchange as it is recorded ([`RecordOptions`] adds fields and
//!   values of one's own) and returns its line; the recording transport writes the lines.
//!   Passwords, client secrets, client and system ids, user names, every token, the
//!   `Authorization` and `Api-Key` headers and the signed part of download URLs become
//!   `<secret-1>`, `<token-2>`, `<key-1>`, `<user-1>`, `<signature-1>`: the same value always
//!   the same placeholder, so a replayed token flow lines up.
//! - [`Cassette`] reads and writes the text; a line that is not valid fails with its number.
//! - [`Player`] answers requests from a cassette, matching each by its operation and body with
//!   the volatile members ignored, in the recorded order by default ([`Order`]). A request it
//!   has no answer for gets a [`Mismatch`] naming the nearest recorded request and where they
//!   first differ; the client ends the call with [`crate::error::Error::Replay`].
//!
//! The clients' `RecordingTransport` and `ReplayTransport` (chosen with
//! [`crate::builder::ClientBuilder::record`] and [`crate::builder::ClientBuilder::replay`]), `getty-connect
//! --record` / `--replay` and `connect-sandbox --replay` are built on these pieces.

mod content;
mod format;
mod matcher;
pub(crate) mod mode;
pub(crate) mod player;
mod record;
mod redact;
mod request;

pub use content::{BodyDigest, Content, sha256_hex};
pub use format::{
    Cassette, Exchange, FORMAT, ReadError, RecordedFailure, RecordedOutcome, RecordedRequest,
    RecordedResponse, VERSION, header_line, origin,
};
pub use matcher::{Difference, VOLATILE};
pub use mode::CassetteMode;
pub use player::{
    Expected, Mismatch, Nearest, Order, Player, ReplayBody, ReplayCut, ReplayOptions, Replayed,
    ReplayedResponse, SharedPlayer,
};
pub use record::{DEFAULT_BODY_LIMIT, RecordOptions, Recorder, Recording, Take};
pub use request::{REQUEST_HEADERS, RESPONSE_HEADERS, operation_of};

use crate::config::ClientConfig;
use crate::error::Error;
use crate::failure::TransportFailure;
use std::path::Path;

/// The transport the settings ask for, of the client crate's kind `T`: `make` makes its
/// transport (called only when one is needed), `record` wraps it in a recording into a file,
/// `replay` answers from a cassette in its place. A replay never falls back to the network: one
/// whose file [`load`] did not read is an error.
pub fn transport<T: ?Sized>(
    config: &ClientConfig,
    make: impl FnOnce() -> Result<std::sync::Arc<T>, Error>,
    record: impl FnOnce(&Path, &RecordOptions, std::sync::Arc<T>) -> Result<std::sync::Arc<T>, Error>,
    replay: impl FnOnce(&Cassette, &ReplayOptions) -> std::sync::Arc<T>,
) -> Result<std::sync::Arc<T>, Error> {
    match &config.cassette {
        None => make(),
        Some(CassetteMode::Record { path, options }) => record(path, options, make()?),
        Some(CassetteMode::ReplayCassette { cassette, options }) => Ok(replay(cassette, options)),
        Some(CassetteMode::Replay { path, .. }) => Err(Error::Config(format!(
            "internal: the cassette {} was not read before the client was built",
            path.display()
        ))),
    }
}

/// Whether `config` answers from a cassette.
pub fn replays(config: &ClientConfig) -> bool {
    matches!(
        config.cassette,
        Some(CassetteMode::Replay { .. } | CassetteMode::ReplayCassette { .. })
    )
}

/// Prepares a replay for the client crates' `build_client`: reads the cassette file with
/// `read` (the client passes `std::fs::read`) so that `config` holds the cassette itself, and
/// gives a config without credentials the cassette's placeholders. The errors name the file,
/// and the line that could not be read.
pub fn load(
    config: &mut ClientConfig,
    read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<(), Error> {
    if let Some(CassetteMode::Replay { path, options }) = &config.cassette {
        let bytes = read(path).map_err(|e| {
            Error::Config(format!("cannot read the cassette {}: {e}", path.display()))
        })?;
        let cassette = Cassette::from_slice(&bytes).map_err(|e| {
            Error::Config(format!("the cassette {} is not valid: {e}", path.display()))
        })?;
        config.cassette = Some(CassetteMode::ReplayCassette {
            cassette: Box::new(cassette),
            options: options.clone(),
        });
    }
    if let (Some(CassetteMode::ReplayCassette { cassette, .. }), None) =
        (&config.cassette, &config.credentials)
    {
        config.credentials = Some(cassette.placeholder_credentials());
    }
    Ok(())
}

/// The [`Error::Replay`] a transport failure stands for, when a replaying transport reported
/// a [`Mismatch`]; otherwise the failure, untouched. A mismatch is final: every retry would
/// meet the same cassette.
pub(crate) fn replay_error(failure: TransportFailure) -> Result<Error, TransportFailure> {
    match failure.source {
        Some(source) => match source.downcast::<Mismatch>() {
            Ok(m) => Ok(Error::Replay(m)),
            Err(source) => Err(TransportFailure {
                source: Some(source),
                ..failure
            }),
        },
        None => Err(failure),
    }
}

#[cfg(test)]
mod tests;

//! One module per subcommand.

pub mod account;
pub mod changes;
pub mod details;
pub mod download;
pub mod events;
pub mod history;
pub mod lightbox;
pub mod logout;
pub mod pages;
pub mod search;
pub mod usage;
pub mod videos;

use crate::args::Command;
use crate::errors::CliError;

/// GetImageDetails' limit, which `details` keeps (`download` takes any number, in chunks).
pub const MAX_IMAGE_IDS: usize = 90;

/// The checks that need no network, run before anything connects: flag combinations the API
/// would ignore or refuse, and lists longer than an operation takes.
pub fn check(command: &Command) -> Result<(), CliError> {
    let too_many = |what: &str, n: usize| {
        CliError::usage(
            format!("{what} takes at most {MAX_IMAGE_IDS} image ids at a time, not {n}"),
            "split them over several commands",
        )
    };
    // The service refuses an empty phrase in terms of its request fields; say it in flags.
    let empty = |phrase: String| {
        phrase.trim().is_empty().then(|| {
            CliError::usage(
                "the search phrase is empty",
                "give words to look for, e.g. `search beach` or `search \"city skyline\"`",
            )
        })
    };
    match command {
        Command::Search(a) => empty(a.phrase()).map_or_else(|| search::check_sort(a), Err),
        Command::Videos(a) => empty(a.phrase()).map_or_else(|| videos::check_sort(a), Err),
        Command::Details(a) if a.ids.len() > MAX_IMAGE_IDS => Err(too_many("details", a.ids.len())),
        _ => Ok(()),
    }
}

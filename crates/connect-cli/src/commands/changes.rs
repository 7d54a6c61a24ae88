//! `changes follow CHANNEL`: the partner feed as JSON lines, each batch confirmed after it is
//! written (at least once: an interrupted run gets its last batch again).

use crate::args::ChangesCommand;
use crate::client::Ctx;
use crate::errors::CliError;
use connect_auth::feed::{FeedError, FeedOptions};
use std::io::Write;
use std::time::Duration;

/// Runs `changes follow`.
pub fn run(ctx: &Ctx, cmd: &ChangesCommand) -> Result<(), CliError> {
    let ChangesCommand::Follow {
        channel,
        batch_size,
        watch,
        output,
        max_batches,
    } = cmd;
    let mut options = FeedOptions::channel(*channel);
    options.batch_size = *batch_size;
    if let Some(secs) = watch {
        options = options.watch(Duration::from_secs((*secs).max(1)));
    }
    if let Some(n) = max_batches {
        options = options.max_batches(*n);
    }
    let mut sink: Box<dyn Write> = match output {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| CliError::io(format!("opening {}", path.display()), e))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let summary = ctx
        .api
        .client()
        .follow_changes(options, |batch| {
            for change in &batch.changes {
                let line = serde_json::to_string(change).map_err(std::io::Error::other)?;
                writeln!(sink, "{line}")?;
            }
            // Written out before the batch is confirmed.
            sink.flush()
        })
        .map_err(|e| match e {
            FeedError::Api(e) => CliError::sdk(format!("following channel {channel}"), e),
            FeedError::Handler(e) => CliError::io(
                format!("writing the changes of channel {channel} (the batch stays unconfirmed)"),
                e,
            ),
        })?;
    // Stdout holds the changes alone; the summary goes to stderr.
    crate::output::note!(
        "{} in {} written and confirmed",
        crate::output::counted(summary.changes, "change"),
        crate::output::counted(summary.batches, "batch")
    );
    Ok(())
}

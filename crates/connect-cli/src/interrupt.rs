//! Ctrl-C during a download: the progress bars are cleared, the partial file is named with
//! how to resume it, and the process exits with 130 (128 + SIGINT, as shells report it).
//!
//! The signal is taken on a thread of its own (tokio's signal handling, which the embedded
//! sandbox already brings in), so the download's thread needs no polling. What is on disk is
//! consistent at any moment: the SDK appends to `NAME.part` and records what it is beside it,
//! so the next run of the same command resumes from the bytes already there.

use indicatif::MultiProgress;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// Exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// The download in flight, if any.
#[derive(Debug)]
struct InFlight {
    bars: MultiProgress,
    dest: PathBuf,
}

static IN_FLIGHT: Mutex<Option<InFlight>> = Mutex::new(None);

fn in_flight() -> std::sync::MutexGuard<'static, Option<InFlight>> {
    IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner())
}

/// Takes Ctrl-C from now on (once per process; later calls do nothing).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let spawned = std::thread::Builder::new().name("ctrl-c".into()).spawn(|| {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            else {
                return;
            };
            if rt.block_on(tokio::signal::ctrl_c()).is_ok() {
                interrupted();
            }
        });
        if let Err(e) = spawned {
            tracing::debug!(error = %e, "Ctrl-C is left to the default handling");
        }
    });
}

/// Marks the download of `dest` (drawn on `bars`) as the one in flight until the guard drops.
pub fn downloading(bars: &MultiProgress, dest: &Path) -> Guard {
    *in_flight() = Some(InFlight {
        bars: bars.clone(),
        dest: dest.to_owned(),
    });
    Guard
}

/// Clears the in-flight download when dropped.
#[derive(Debug)]
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        *in_flight() = None;
    }
}

/// The message printed after Ctrl-C during the download of `dest`.
pub fn message(dest: &Path) -> String {
    let part = connect_auth::download::part_path(dest);
    format!(
        "interrupted: the partial file {} is kept; run the same command again to resume it \
         from where it stopped",
        part.display()
    )
}

fn interrupted() {
    let flight = in_flight().take();
    match flight {
        Some(f) => {
            let _ = f.bars.clear();
            // The total bar's ticker must not draw again before the process ends.
            f.bars
                .set_draw_target(indicatif::ProgressDrawTarget::hidden());
            // The lock beside the .part is this process's: release it for the next run.
            let _ = std::fs::remove_file(connect_auth::download::part::lock_path(&f.dest));
            crate::output::note!("{}", message(&f.dest));
        }
        None => crate::output::note!("interrupted"),
    }
    std::process::exit(i32::from(EXIT_INTERRUPTED));
}

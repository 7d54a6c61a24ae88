//! Ctrl-C during a download: the progress bars are cleared, what is kept is named with how to
//! resume it, and the process exits with 130 (128 + SIGINT, as shells report it).
//!
//! The signal is taken on a thread of its own (tokio's signal handling, which the embedded
//! sandbox already brings in), so the download threads need no polling. What is on disk is
//! consistent at any moment: the SDK appends to each `NAME.part`, and the folder's manifest,
//! which records what each download paid for before its first byte, is only ever replaced
//! whole (written aside, flushed, renamed), so the next run of the same command resumes from
//! the bytes already there on the URLs already paid for.

use indicatif::MultiProgress;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// Exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// The download in flight, if any: its bars, the lock this process holds, its manifest, and
/// the partial files being written.
#[derive(Debug)]
struct InFlight {
    bars: MultiProgress,
    lock: PathBuf,
    manifest: PathBuf,
    parts: Vec<PathBuf>,
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

/// Marks the batch writing the manifest `manifest` (drawn on `bars`) as the one in flight
/// until the guard drops.
pub fn downloading(bars: &MultiProgress, manifest: &Path, lock: &Path) -> Guard {
    *in_flight() = Some(InFlight {
        bars: bars.clone(),
        lock: lock.to_owned(),
        manifest: manifest.to_owned(),
        parts: Vec::new(),
    });
    Guard
}

/// The download of `dest` has started (its `.part` is being written).
pub fn file_started(dest: &Path) {
    if let Some(f) = in_flight().as_mut() {
        f.parts.push(connect_auth::download::part_path(dest));
    }
}

/// The download of `dest` has ended.
pub fn file_ended(dest: &Path) {
    let part = connect_auth::download::part_path(dest);
    if let Some(f) = in_flight().as_mut() {
        f.parts.retain(|p| *p != part);
    }
}

/// Clears the in-flight download when dropped.
#[derive(Debug)]
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        *in_flight() = None;
    }
}

/// The message printed after Ctrl-C during a batch writing the manifest `manifest`, while the
/// partial files `parts` were being written.
pub fn message(manifest: &Path, parts: &[PathBuf]) -> String {
    let kept = match parts {
        [] => "complete files are kept".to_owned(),
        [one] => format!("the partial file {} is kept", one.display()),
        [first, rest @ ..] => format!(
            "{} partial files are kept ({} and {} more)",
            parts.len(),
            first.display(),
            rest.len()
        ),
    };
    format!(
        "interrupted: {kept}, and {} records what was paid for; run the same command again to \
         resume from where it stopped: nothing is paid for twice",
        manifest.display()
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
            // The folder's lock is this process's: release it for the next run.
            let _ = std::fs::remove_file(&f.lock);
            crate::output::note!("{}", message(&f.manifest, &f.parts));
        }
        None => crate::output::note!("interrupted"),
    }
    std::process::exit(i32::from(EXIT_INTERRUPTED));
}

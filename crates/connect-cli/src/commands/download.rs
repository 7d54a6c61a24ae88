//! `download <image-id>...`: authorize, request the URL, stream to a file with progress bars,
//! resume a partial file, skip a complete one.

use crate::args::DownloadArgs;
use crate::client::Ctx;
use crate::errors::CliError;
use crate::output;
use connect_auth::download::{ChoiceReason, ChosenOffering, OfferingChoice};
use connect_types::Secret;
use connect_types::ops::{
    GetImageDetailsRequest, GetLargestImageDownloadAuthorizationsRequest, Image, ImageSize,
};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Downloaded from the first byte.
    Downloaded,
    /// Continued from a partial file left by an earlier run.
    Resumed,
    /// Already complete on disk; nothing fetched.
    Skipped,
}

/// One file's report (also the `--json` output, as an array).
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    /// The image.
    pub image_id: String,
    /// The size downloaded.
    pub size_key: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its size on disk.
    pub bytes: u64,
    /// What was done.
    pub outcome: Outcome,
    /// Bytes already on disk from an earlier run, for resumed files.
    pub resumed_from: u64,
    /// The product offering charged and why it was chosen; absent for skipped files.
    pub offering: Option<OfferingReport>,
}

/// Which product offering paid for a file, as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OfferingReport {
    /// `ProductOfferingType`, e.g. `EasyAccess`.
    pub name: String,
    /// `ProductOfferingInstanceId`, when the service gave one.
    pub instance_id: Option<String>,
    /// Whether the download was free (`DownloadIsFree`).
    pub free: bool,
    /// Downloads the offering had left before this one, where the service said.
    pub downloads_remaining: Option<i64>,
    /// Why it was chosen: `asked_for` (--offering), `free`, `most_downloads_left` or
    /// `first_listed`.
    pub reason: &'static str,
    /// The same as one phrase: `EasyAccess (free)`.
    #[serde(skip)]
    pub text: String,
}

impl From<&ChosenOffering> for OfferingReport {
    fn from(c: &ChosenOffering) -> Self {
        Self {
            name: c.name().to_owned(),
            instance_id: c.instance_id.clone(),
            free: c.free,
            downloads_remaining: c.downloads_remaining,
            reason: match c.reason {
                ChoiceReason::Named => "asked_for",
                ChoiceReason::Free => "free",
                ChoiceReason::MostRemaining => "most_downloads_left",
                ChoiceReason::FirstListed => "first_listed",
                _ => "other",
            },
            text: c.to_string(),
        }
    }
}

/// A file to fetch: which size, where, how big.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The image.
    pub image_id: String,
    /// The size key.
    pub size_key: String,
    /// The destination.
    pub dest: PathBuf,
    /// The size the catalog announces, when it does. The file served may differ (the service
    /// embeds metadata): the HTTP answer decides, this only sizes the bars until it comes.
    pub expected: Option<u64>,
    /// The download token of the largest-size authorization, spent without authorizing again.
    pub token: Option<Secret>,
    /// The offering that token charges (the choice was made when it was picked).
    pub paid_by: Option<ChosenOffering>,
    /// How to pick the offering when the download is authorized later (a size key).
    pub offering: OfferingChoice,
}

/// Which size to fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeChoice {
    /// This size key.
    Key(String),
    /// The largest size the account is authorized for.
    Largest,
}

/// Runs `download`.
pub fn run(ctx: &Ctx, args: &DownloadArgs) -> Result<(), CliError> {
    if args.single_step {
        return single_step(ctx, args);
    }
    let choice = match &args.size {
        Some(k) => SizeChoice::Key(k.clone()),
        None => SizeChoice::Largest,
    };
    std::fs::create_dir_all(&args.output).map_err(|e| {
        CliError::io(
            format!("creating the output directory {}", args.output.display()),
            e,
        )
    })?;
    let offering = OfferingChoice::from_name(args.offering.as_deref());
    let plans = plan(ctx, &args.ids, &choice, &offering, &args.output)?;
    crate::interrupt::install();
    let show_bars = !ctx.quiet && !ctx.json;
    let bars = Bars::new(show_bars, &plans);
    let started = Instant::now();
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    let mut kept = Vec::new();
    for p in &plans {
        match fetch(ctx, p, &bars) {
            Ok(r) => {
                if show_bars {
                    bars.println(&file_line(&r));
                }
                reports.push(r);
            }
            Err(e) => {
                // A single file's error is the command's: printed once, at the end.
                if plans.len() > 1 {
                    bars.println_err(&format!("error: {}", e.line()));
                }
                let part = connect_auth::download::part_path(&p.dest);
                if part.exists() {
                    kept.push(part);
                }
                failures.push(e);
            }
        }
    }
    bars.finish();
    if ctx.json {
        output::print_json(&reports)?;
    } else if !ctx.quiet {
        let done = Done {
            reports: &reports,
            failed: failures.len(),
            kept: &kept,
        };
        output::print_text(&format!("{}\n", summary(&done, started.elapsed())))?;
    }
    match failures.len() {
        0 => Ok(()),
        1 if plans.len() == 1 => Err(failures.remove(0)),
        n => Err(CliError::failed(
            format!("{n} of {} downloads failed (see above)", plans.len()),
            "fix what the lines above say and run the same command again: complete files are \
             skipped and partial ones resumed",
        )),
    }
}

/// Works out size, destination and expected length of every file, with two calls in all; for
/// the largest size, also the token to spend, of the offering `offering` picks.
pub fn plan(
    ctx: &Ctx,
    ids: &[String],
    choice: &SizeChoice,
    offering: &OfferingChoice,
    dir: &Path,
) -> Result<Vec<Plan>, CliError> {
    let details = ctx.api.call(
        &GetImageDetailsRequest::ids(ids.iter().cloned()),
        &format!("looking up image {}", ids.join(", ")),
    );
    // A video id is not an image's: say what this command does instead of only "not found".
    const VIDEOS: &str = "check the id; `download` fetches images only: for a video, `videos \
                          PHRASE --json` lists its download tokens (DownloadSizes), which the \
                          SDK's download_authorized spends";
    let details = details.map_err(|e| match e.exit_code() {
        crate::errors::EXIT_NOT_FOUND => e.with_hint(VIDEOS),
        _ => e,
    })?;
    crate::commands::details::missing(ids, details.images.iter().map(|i| i.image_id.as_deref()))
        .map_err(|e| match e {
            CliError::NotFound { message, .. } => CliError::not_found(message, VIDEOS),
            other => other,
        })?;
    let largest = match choice {
        SizeChoice::Largest => Some(ctx.api.call(
            &GetLargestImageDownloadAuthorizationsRequest::ids(ids.iter().cloned()),
            &format!("authorizing the largest size of image {}", ids.join(", ")),
        )?),
        SizeChoice::Key(_) => None,
    };
    let mut plans = Vec::with_capacity(ids.len());
    for id in ids {
        let image = details
            .images
            .iter()
            .find(|i| i.image_id.as_deref() == Some(id.as_str()))
            .cloned()
            .unwrap_or_default();
        let (key, token, paid_by) = match choice {
            SizeChoice::Key(k) => (k.clone(), None, None),
            SizeChoice::Largest => {
                let answer = largest.as_ref().ok_or_else(|| {
                    CliError::Internal("the largest-size authorizations were not asked for".into())
                })?;
                let picked = connect_auth::download::token_from_largest(answer, id, offering)
                    .map_err(|e| CliError::sdk(format!("authorizing image {id}"), e))?;
                let key = picked
                    .size_key
                    .or_else(|| biggest(&image).and_then(|s| s.size_key.clone()))
                    .ok_or_else(|| {
                        CliError::failed(
                            format!("the largest-size authorization of image {id} names no size"),
                            "use --size with one of the sizes `details` lists",
                        )
                    })?;
                (key, Some(picked.token), Some(picked.offering))
            }
        };
        let size = find_size(&image, &key)?;
        plans.push(Plan {
            image_id: id.clone(),
            dest: dir.join(file_name(id, &key, size.mime_type.as_deref())),
            size_key: key,
            expected: size.file_size_in_bytes,
            token,
            paid_by,
            offering: offering.clone(),
        });
    }
    Ok(plans)
}

fn biggest(image: &Image) -> Option<&ImageSize> {
    image
        .sizes_downloadable_images
        .iter()
        .max_by_key(|s| s.file_size_in_bytes.unwrap_or(0))
}

fn find_size<'a>(image: &'a Image, key: &str) -> Result<&'a ImageSize, CliError> {
    image
        .sizes_downloadable_images
        .iter()
        .find(|s| {
            s.size_key
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        })
        .ok_or_else(|| {
            let offered: Vec<&str> = image
                .sizes_downloadable_images
                .iter()
                .filter_map(|s| s.size_key.as_deref())
                .collect();
            CliError::failed(
                format!(
                    "image {} has no size {key:?}",
                    image.image_id.as_deref().unwrap_or("?")
                ),
                format!("use --size with one of: {}", offered.join(", ")),
            )
        })
}

/// `<id>-<size>.<ext>`, safe on every file system (ids and keys are checked to be plain).
pub fn file_name(id: &str, key: &str, mime: Option<&str>) -> String {
    let ext = match mime.map(str::to_ascii_lowercase).as_deref() {
        Some("image/jpeg" | "image/jpg") | None => "jpg",
        Some("image/png") => "png",
        Some("image/tiff") => "tif",
        Some("application/postscript" | "image/eps") => "eps",
        Some(_) => "bin",
    };
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("{}-{}.{ext}", safe(id), safe(key))
}

/// Fetches one planned file: skip it if complete, resume it if partial.
pub fn fetch(ctx: &Ctx, p: &Plan, bars: &Bars) -> Result<FileReport, CliError> {
    let report = |bytes, outcome, resumed_from, offering: Option<&ChosenOffering>| FileReport {
        image_id: p.image_id.clone(),
        size_key: p.size_key.clone(),
        path: p.dest.clone(),
        bytes,
        outcome,
        resumed_from,
        offering: offering.map(OfferingReport::from),
    };
    if let (Ok(meta), Some(expected)) = (std::fs::metadata(&p.dest), p.expected) {
        if meta.is_file() && meta.len() == expected {
            bars.skip(expected);
            return Ok(report(expected, Outcome::Skipped, 0, None));
        }
    }
    let part = connect_auth::download::part_path(&p.dest);
    let on_disk = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let bar = bars.file(p, on_disk);
    let in_flight = crate::interrupt::downloading(&bars.multi, &p.dest);
    let done = ctx.api.download_file(
        &p.image_id,
        &p.size_key,
        p.token.as_ref(),
        &p.offering,
        &p.dest,
        bars.sink(&bar, p.expected),
    );
    drop(in_flight);
    bar.finish_and_clear();
    let summary = done?;
    let len = std::fs::metadata(&p.dest)
        .map_err(|e| CliError::io(format!("checking {}", p.dest.display()), e))?
        .len();
    if let Some(expected) = p.expected.filter(|&e| e != len) {
        // The service embeds metadata into what it serves: the HTTP answer is authoritative.
        tracing::debug!(
            image_id = %p.image_id,
            size_key = %p.size_key,
            catalog_bytes = expected,
            served_bytes = len,
            "the file served differs in size from the catalog's FileSizeInBytes"
        );
    }
    let resumed_from = summary.resumed_from.min(len);
    let outcome = if resumed_from > 0 {
        Outcome::Resumed
    } else {
        Outcome::Downloaded
    };
    let paid_by = p.paid_by.as_ref().or(summary.offering.as_ref());
    Ok(report(len, outcome, resumed_from, paid_by))
}

fn file_line(r: &FileReport) -> String {
    let what = match r.outcome {
        Outcome::Downloaded => "downloaded".to_owned(),
        Outcome::Resumed => format!("resumed at {}", output::bytes(r.resumed_from)),
        Outcome::Skipped => "already complete, skipped".to_owned(),
    };
    match &r.offering {
        Some(o) => format!(
            "{}  {}  {what}, paid by {}",
            r.path.display(),
            output::bytes(r.bytes),
            o.text
        ),
        None => format!("{}  {}  {what}", r.path.display(), output::bytes(r.bytes)),
    }
}

/// The summary line.
/// What a run did, for its summary.
#[derive(Debug)]
pub struct Done<'a> {
    /// The files downloaded, resumed or skipped.
    pub reports: &'a [FileReport],
    /// How many failed.
    pub failed: usize,
    /// The partial files the failures left, kept for the next run.
    pub kept: &'a [PathBuf],
}

impl<'a> Done<'a> {
    /// A run in which nothing failed.
    pub fn all(reports: &'a [FileReport]) -> Self {
        Self {
            reports,
            failed: 0,
            kept: &[],
        }
    }
}

/// The last line of a run: what was fetched, skipped and failed, and what was kept.
pub fn summary(done: &Done<'_>, elapsed: Duration) -> String {
    let reports = done.reports;
    let fetched: Vec<&FileReport> = reports
        .iter()
        .filter(|r| r.outcome != Outcome::Skipped)
        .collect();
    let skipped = reports.len() - fetched.len();
    let mut s = if fetched.is_empty() && done.failed == 0 {
        format!(
            "Nothing to download: {} already complete",
            output::counted(skipped as u64, "file")
        )
    } else if fetched.is_empty() {
        format!(
            "Downloaded nothing: {} failed",
            output::counted(done.failed as u64, "file")
        )
    } else {
        let bytes = fetched.iter().fold(0u64, |sum, r| {
            sum.saturating_add(r.bytes.saturating_sub(r.resumed_from))
        });
        let secs = elapsed.as_secs_f64().max(0.001);
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let rate = (bytes as f64 / secs) as u64;
        let mut s = format!(
            "Downloaded {} ({}) in {} ({}/s)",
            output::counted(fetched.len() as u64, "file"),
            output::bytes(bytes),
            output::duration(elapsed),
            output::bytes(rate)
        );
        let resumed = fetched
            .iter()
            .filter(|r| r.outcome == Outcome::Resumed)
            .count();
        if resumed > 0 {
            s.push_str(&format!(", {resumed} resumed"));
        }
        if done.failed > 0 {
            s.push_str(&format!(", {} failed", done.failed));
        }
        s
    };
    if skipped > 0 && !(fetched.is_empty() && done.failed == 0) {
        s.push_str(&format!(", {skipped} already complete"));
    }
    match done.kept {
        [] => {}
        [one] => s.push_str(&format!(
            "; the partial file {} is kept: the same command resumes it",
            one.display()
        )),
        many => s.push_str(&format!(
            "; {} partial files are kept: the same command resumes them",
            many.len()
        )),
    }
    s
}

/// The progress bars: one per file and one in total, on stderr when it is a terminal.
#[derive(Debug)]
pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    // With one file the total bar would only repeat the file's; it is then kept but not drawn.
    total_drawn: bool,
}

impl Bars {
    /// Bars for these files; hidden unless `show` and stderr is a terminal (indicatif checks).
    pub fn new(show: bool, plans: &[Plan]) -> Self {
        let target = if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        // Catalog sizes come from the server: summed without overflow, whatever they say.
        let total_bytes = plans
            .iter()
            .filter_map(|p| p.expected)
            .fold(0u64, u64::saturating_add);
        let total_drawn = plans.len() > 1;
        let total = if total_drawn {
            let total = multi.add(ProgressBar::new(total_bytes));
            total.set_style(style(
                "{prefix:>11} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
            ));
            total.set_prefix("total");
            total.enable_steady_tick(Duration::from_millis(200));
            total
        } else {
            ProgressBar::hidden()
        };
        Self {
            multi,
            total,
            total_drawn,
        }
    }

    /// A bar for one file, starting at what is on disk already.
    pub fn file(&self, p: &Plan, start: u64) -> ProgressBar {
        let bar = ProgressBar::new(p.expected.unwrap_or(0));
        let bar = if self.total_drawn {
            self.multi.insert_before(&self.total, bar)
        } else {
            self.multi.add(bar)
        };
        bar.set_style(style(
            "{prefix:>11} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec}",
        ));
        bar.set_prefix(p.image_id.clone());
        bar.set_position(start);
        self.total.inc(start);
        bar
    }

    /// A file that was complete already.
    pub fn skip(&self, bytes: u64) {
        self.total.inc(bytes);
    }

    /// The progress callback of one file's bar (it also moves the total). Totals come from
    /// the HTTP answer: when it differs from the catalog's `expected`, both bars follow it.
    pub fn sink(&self, bar: &ProgressBar, expected: Option<u64>) -> crate::client::ProgressSink {
        let (bar, all) = (bar.clone(), self.total.clone());
        let mut counted = expected.unwrap_or(0);
        Box::new(move |bytes, total| {
            if let Some(t) = total {
                if bar.length() != Some(t) {
                    bar.set_length(t);
                }
                if t != counted {
                    let length = all.length().unwrap_or(0);
                    all.set_length(length.saturating_sub(counted).saturating_add(t));
                    counted = t;
                }
            }
            let before = bar.position();
            bar.set_position(bytes);
            all.inc(bytes.saturating_sub(before));
        })
    }

    /// A line on stdout that does not tear the bars.
    pub fn println(&self, line: &str) {
        self.multi.suspend(|| {
            let _ = output::print_text(&format!("{line}\n"));
        });
    }

    /// A line on stderr that does not tear the bars.
    pub fn println_err(&self, line: &str) {
        self.multi.suspend(|| crate::output::note!("{line}"));
    }

    /// Removes the bars.
    pub fn finish(&self) {
        self.total.finish_and_clear();
        let _ = self.multi.clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// `download --single-step`: one SingleStepDownload per image, the largest size, written to
/// `<dir>/<id>.jpg` (resuming a `.part` file like every download).
fn single_step(ctx: &Ctx, args: &DownloadArgs) -> Result<(), CliError> {
    std::fs::create_dir_all(&args.output).map_err(|e| {
        CliError::io(
            format!("creating the output directory {}", args.output.display()),
            e,
        )
    })?;
    let mut written = Vec::new();
    crate::interrupt::install();
    let no_bars = MultiProgress::with_draw_target(ProgressDrawTarget::hidden());
    for id in &args.ids {
        let dest = args.output.join(format!("{id}.jpg"));
        let in_flight = crate::interrupt::downloading(&no_bars, &dest);
        let bytes = ctx.api.single_step_file(id, &dest)?;
        drop(in_flight);
        if !ctx.json && !ctx.quiet {
            output::print_text(&format!("{}  {}\n", dest.display(), output::bytes(bytes)))?;
        }
        written.push(serde_json::json!({"image_id": id, "path": dest, "bytes": bytes}));
    }
    if ctx.json {
        output::print_json(&written)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            file_name("100000001", "large", Some("image/jpeg")),
            "100000001-large.jpg"
        );
        assert_eq!(file_name("1/..", "x y", None), "1___-x_y.jpg");
    }

    #[test]
    fn absurd_catalog_sizes_do_not_overflow() {
        let plan = |expected| Plan {
            image_id: "1".into(),
            size_key: "large".into(),
            dest: PathBuf::from("1-large.jpg"),
            expected: Some(expected),
            token: Some(Secret::new("sentinel-token")),
            paid_by: None,
            offering: OfferingChoice::Default,
        };
        let plans = [plan(u64::MAX), plan(u64::MAX), plan(1)];
        let bars = Bars::new(false, &plans);
        assert_eq!(bars.total.length(), Some(u64::MAX));
        // The HTTP total replaces the catalog's, in the file's bar and in the total.
        let bar = bars.file(&plans[2], 0);
        let mut sink = bars.sink(&bar, Some(1));
        sink(5, Some(10));
        assert_eq!((bar.length(), bar.position()), (Some(10), 5));
        assert!(!format!("{:?}", plans[0]).contains("sentinel"));
        let r = FileReport {
            image_id: "1".into(),
            size_key: "large".into(),
            path: PathBuf::from("1-large.jpg"),
            bytes: u64::MAX,
            outcome: Outcome::Downloaded,
            resumed_from: 0,
            offering: None,
        };
        let odd = FileReport {
            bytes: 1,
            resumed_from: 5,
            ..r.clone()
        };
        let s = summary(&Done::all(&[r.clone(), r, odd]), Duration::from_secs(1));
        assert!(s.starts_with("Downloaded 3 files"), "{s}");
    }

    #[test]
    fn summary_counts_what_was_fetched() {
        let r = |outcome, bytes, resumed_from| FileReport {
            image_id: "1".into(),
            size_key: "large".into(),
            path: PathBuf::from("1-large.jpg"),
            bytes,
            outcome,
            resumed_from,
            offering: None,
        };
        let all = [
            r(Outcome::Downloaded, 1024 * 1024, 0),
            r(Outcome::Resumed, 2 * 1024 * 1024, 1024 * 1024),
            r(Outcome::Skipped, 5, 0),
        ];
        let done = |reports, failed, kept| Done {
            reports,
            failed,
            kept,
        };
        let s = summary(&done(&all, 0, &[]), Duration::from_secs(2));
        let skipped = [r(Outcome::Skipped, 5, 0)];
        assert_eq!(
            summary(&done(&skipped, 0, &[]), Duration::ZERO),
            "Nothing to download: 1 file already complete"
        );
        assert!(
            s.starts_with("Downloaded 2 files (2.0 MiB) in 2.0 s (1.0 MiB/s)"),
            "{s}"
        );
        // A failure is never "nothing to download", and a kept partial file is named.
        let part = [PathBuf::from("1-large.jpg.part")];
        let failed = summary(&done(&[], 1, &part), Duration::ZERO);
        assert_eq!(
            failed,
            "Downloaded nothing: 1 file failed; the partial file 1-large.jpg.part is kept: the \
             same command resumes it"
        );
        let mixed = summary(&done(&all, 2, &[]), Duration::from_secs(2));
        assert!(
            mixed.ends_with(", 1 resumed, 2 failed, 1 already complete"),
            "{mixed}"
        );
        assert!(s.ends_with(", 1 resumed, 1 already complete"), "{s}");
    }
}

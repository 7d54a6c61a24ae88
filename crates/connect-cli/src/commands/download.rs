//! `download` and `lightbox download`: images into a folder as one batch (connect-blocking's
//! `download_many`), with a bar for the whole batch and one per file in flight, a line per
//! file, a `--json` report, a summary, and the folder's manifest, so that the same command run
//! again resumes without paying twice.

use crate::args::{BatchArgs, DownloadArgs};
use crate::client::Ctx;
use crate::errors::CliError;
use crate::output;
use connect_auth::download::manifest::MANIFEST_FILE;
use connect_auth::download::{ChoiceReason, ChosenOffering, OfferingChoice, RenewReason, UrlUse};
use connect_blocking::{BatchEvent, BatchProgress, DownloadSummary, StallRule};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read as _;
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
    /// Not downloaded: `error` says why.
    Failed,
}

/// One file's report (also the `--json` output, as an array).
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    /// The image.
    pub image_id: String,
    /// The size downloaded, when known.
    pub size_key: Option<String>,
    /// Where it is (or would have been).
    pub path: Option<PathBuf>,
    /// Its size on disk.
    pub bytes: u64,
    /// What was done.
    pub outcome: Outcome,
    /// Bytes already on disk from an earlier run, for resumed files.
    pub resumed_from: u64,
    /// Where the download URL came from: `bought` (now), `reused` (paid for by an earlier
    /// run: nothing was spent), `bought_again` (the earlier one had expired or was refused),
    /// `not_needed` (skipped).
    pub url: &'static str,
    /// Why a URL was bought again, for `bought_again`.
    pub bought_again_because: Option<String>,
    /// The product offering charged now, and why it was chosen.
    pub offering: Option<OfferingReport>,
    /// The offering an earlier run's URL was charged to, for `reused`.
    pub paid_earlier_by: Option<String>,
    /// Times the download stalled and resumed.
    pub stalls: u32,
    /// Why it failed, for `failed`.
    pub error: Option<String>,
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

impl FileReport {
    /// The report of a file that was downloaded or skipped.
    pub fn done(
        image_id: &str,
        size_key: Option<&str>,
        path: Option<&Path>,
        s: &DownloadSummary,
    ) -> Self {
        let (url, because) = match &s.url {
            UrlUse::Bought | UrlUse::Given => ("bought", None),
            UrlUse::Reused { .. } => ("reused", None),
            UrlUse::Renewed(why) => ("bought_again", Some(renew_text(why))),
            _ => ("not_needed", None),
        };
        let resumed_from = s.resumed_from.min(s.bytes);
        Self {
            image_id: image_id.to_owned(),
            size_key: size_key.map(str::to_owned),
            path: s.path.clone().or_else(|| path.map(Path::to_path_buf)),
            bytes: s.bytes,
            outcome: match (s.skipped, resumed_from) {
                (true, _) => Outcome::Skipped,
                (false, 0) => Outcome::Downloaded,
                (false, _) => Outcome::Resumed,
            },
            resumed_from,
            url,
            bought_again_because: because,
            offering: s.offering.as_ref().map(OfferingReport::from),
            paid_earlier_by: s.paid_by.as_ref().map(ToString::to_string),
            stalls: s.stalls,
            error: None,
        }
    }

    /// The report of a file that failed.
    pub fn failed(
        image_id: &str,
        size_key: Option<&str>,
        path: Option<&Path>,
        error: &CliError,
    ) -> Self {
        Self {
            image_id: image_id.to_owned(),
            size_key: size_key.map(str::to_owned),
            path: path.map(Path::to_path_buf),
            bytes: 0,
            outcome: Outcome::Failed,
            resumed_from: 0,
            url: "not_needed",
            bought_again_because: None,
            offering: None,
            paid_earlier_by: None,
            stalls: 0,
            error: Some(error.line()),
        }
    }
}

fn renew_text(why: &RenewReason) -> String {
    match why {
        RenewReason::Expired { .. } => "the URL paid for earlier had expired".into(),
        RenewReason::Refused { status } => {
            format!("the download server refused the URL paid for earlier (HTTP {status})")
        }
        _ => why.to_string(),
    }
}

/// Which images.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// These ids.
    Ids(Vec<String>),
    /// The items of this lightbox.
    Lightbox(u64),
}

/// Runs `download`.
pub fn run(ctx: &Ctx, args: &DownloadArgs) -> Result<(), CliError> {
    let mut ids = args.ids.clone();
    if let Some(from) = &args.from {
        ids.extend(read_ids(from)?);
    }
    if ids.is_empty() {
        return Err(CliError::usage(
            "there are no image ids to download",
            "give ids as arguments, or with --from FILE one a line",
        ));
    }
    run_batch(ctx, Source::Ids(ids), &args.batch)
}

/// Runs `lightbox download`.
pub fn run_lightbox(ctx: &Ctx, id: u64, args: &BatchArgs) -> Result<(), CliError> {
    run_batch(ctx, Source::Lightbox(id), args)
}

/// The ids of `--from FILE` (`-`: standard input): one a line, blank lines and `#` comments
/// skipped, each checked as an id on the command line is.
pub fn read_ids(from: &Path) -> Result<Vec<String>, CliError> {
    let text = if from == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::io("reading image ids from standard input", e))?;
        s
    } else {
        std::fs::read_to_string(from)
            .map_err(|e| CliError::io(format!("reading image ids from {}", from.display()), e))?
    };
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let id = crate::args::asset_id(line).map_err(|why| {
            CliError::usage(
                format!("line {} of {}: {why}", n + 1, from.display()),
                "put one image id on each line (blank lines and lines starting with # are skipped)",
            )
        })?;
        ids.push(id);
    }
    Ok(ids)
}

/// What a batch run did, for its lines, report and summary.
#[derive(Debug)]
pub struct Ran {
    /// One per image, in the batch's order.
    pub reports: Vec<FileReport>,
    /// The errors of the failed ones, in the same order.
    pub errors: Vec<CliError>,
    /// The partial files the failures left, kept for the next run.
    pub kept: Vec<PathBuf>,
    /// Why the batch stopped asking for download URLs, if it did.
    pub stopped: Option<String>,
    /// How long it took.
    pub elapsed: Duration,
}

/// Downloads `source` as `args` say, showing bars and per-file lines unless `quiet`.
pub fn execute(ctx: &Ctx, source: &Source, args: &BatchArgs, quiet: bool) -> Result<Ran, CliError> {
    let client = ctx.api.client();
    let builder = match source {
        Source::Ids(ids) => client.download_many(ids.iter().cloned()),
        Source::Lightbox(id) => client.download_lightbox(*id),
    };
    let mut builder = builder
        .to(&args.output)
        .parallel(usize::from(args.parallel))
        .offering_choice(OfferingChoice::from_name(args.offering.as_deref()))
        .stall(
            (!args.no_stall_check).then(|| StallRule::new(args.stall_min_rate, args.stall_grace)),
        );
    builder = match (&args.size, args.single_step) {
        (_, true) => builder.single_step(),
        (Some(k), false) => builder.size(k.clone()),
        (None, false) => builder.largest(),
    };
    let (tx, rx) = std::sync::mpsc::channel::<Heard>();
    let events = tx.clone();
    let builder = builder
        .on_progress(move |p| {
            let _ = tx.send(Heard::Overall(p));
        })
        .on_event(move |e| {
            let _ = events.send(Heard::from(e));
        });
    let manifest = args.output.join(MANIFEST_FILE);
    let lock = connect_auth::download::manifest::lock_path(&manifest);
    let mut bars = Bars::new(!quiet);
    crate::interrupt::install();
    let in_flight = crate::interrupt::downloading(&bars.multi, &manifest, &lock);
    let started = Instant::now();
    let single = matches!(source, Source::Ids(ids) if ids.len() == 1);
    let report = std::thread::scope(|scope| {
        let batch = scope.spawn(move || builder.run());
        for heard in rx {
            bars.hear(ctx, heard, single);
        }
        batch.join()
    });
    drop(in_flight);
    bars.finish();
    let report = report
        .map_err(|_| CliError::Internal("the download batch ended abnormally".into()))?
        .map_err(|e| {
            ctx.api
                .fail(&format!("downloading into {}", args.output.display()), e)
        })?;
    let elapsed = started.elapsed();
    let mut ran = Ran {
        reports: Vec::new(),
        errors: Vec::new(),
        kept: Vec::new(),
        stopped: report.stopped.clone(),
        elapsed,
    };
    for file in report.files {
        let key = file.size_key.as_deref();
        match file.result {
            Ok(s) => ran.reports.push(FileReport::done(
                &file.image_id,
                key,
                file.path.as_deref(),
                &s,
            )),
            Err(e) => {
                let error = failure(ctx, &file.image_id, e);
                if let Some(part) = file
                    .path
                    .as_deref()
                    .map(connect_auth::download::part_path)
                    .filter(|p| p.exists())
                {
                    ran.kept.push(part);
                }
                ran.reports.push(FileReport::failed(
                    &file.image_id,
                    key,
                    file.path.as_deref(),
                    &error,
                ));
                ran.errors.push(error);
            }
        }
    }
    Ok(ran)
}

/// An image's failure as the command reports it: what was being done, where, and what to do
/// (an id the service does not know may be a video's: `download` fetches images only).
fn failure(ctx: &Ctx, image_id: &str, e: connect_auth::Error) -> CliError {
    const VIDEOS: &str = "check the id; `download` fetches images only: for a video, `videos \
                          PHRASE --json` lists its download tokens (DownloadSizes), which the \
                          SDK's download_authorized spends";
    let error = ctx.api.fail(&format!("downloading image {image_id}"), e);
    match error.exit_code() {
        crate::errors::EXIT_NOT_FOUND => error.with_hint(VIDEOS),
        _ => error,
    }
}

fn run_batch(ctx: &Ctx, source: Source, args: &BatchArgs) -> Result<(), CliError> {
    let mut ran = execute(ctx, &source, args, ctx.quiet || ctx.json)?;
    if ctx.json {
        output::print_json(&ran.reports)?;
    } else if !ctx.quiet {
        output::print_text(&format!("{}\n", summary(&Done::of(&ran))))?;
        if let Some(why) = &ran.stopped {
            crate::output::note!(
                "note: no more download URLs were asked for after {why}; the same command \
                 later downloads the rest"
            );
        }
    }
    let files = ran.reports.len();
    match ran.errors.len() {
        0 => Ok(()),
        1 if files == 1 => Err(ran.errors.remove(0)),
        n => Err(CliError::failed(
            format!(
                "{n} of {files} downloads failed ({})",
                if ctx.json {
                    "the report says why"
                } else {
                    "see above"
                }
            ),
            "fix what the lines above say and run the same command again: complete files are \
             skipped, partial ones resumed, and nothing is paid for twice",
        )),
    }
}

/// A file's line: where, how big, what was done, and what was paid.
pub fn file_line(r: &FileReport) -> String {
    let path = r
        .path
        .as_deref()
        .map_or_else(|| r.image_id.clone(), |p| p.display().to_string());
    let what = match r.outcome {
        Outcome::Downloaded => "downloaded".to_owned(),
        Outcome::Resumed => format!("resumed at {}", output::bytes(r.resumed_from)),
        Outcome::Skipped => "already complete, skipped".to_owned(),
        Outcome::Failed => "failed".to_owned(),
    };
    let paid = match (r.url, &r.offering, &r.paid_earlier_by) {
        ("reused", _, Some(by)) => format!(", on the URL paid for earlier by {by}"),
        ("reused", _, None) => ", on the URL paid for earlier".to_owned(),
        ("bought_again", Some(o), _) => format!(
            ", paid again by {} ({})",
            o.text,
            r.bought_again_because
                .as_deref()
                .unwrap_or("the earlier URL could not be used")
        ),
        ("bought", Some(o), _) => format!(", paid by {}", o.text),
        _ => String::new(),
    };
    let stalls = match r.stalls {
        0 => String::new(),
        1 => ", resumed after a stall".to_owned(),
        n => format!(", resumed after {n} stalls"),
    };
    format!("{path}  {}  {what}{paid}{stalls}", output::bytes(r.bytes))
}

/// What a run did, for its summary.
#[derive(Debug)]
pub struct Done<'a> {
    /// Every file's report (failed ones included).
    pub reports: &'a [FileReport],
    /// The partial files the failures left, kept for the next run.
    pub kept: &'a [PathBuf],
    /// How long it took.
    pub elapsed: Duration,
}

impl<'a> Done<'a> {
    /// The summary's view of a run.
    pub fn of(ran: &'a Ran) -> Self {
        Self {
            reports: &ran.reports,
            kept: &ran.kept,
            elapsed: ran.elapsed,
        }
    }
}

/// The last line of a run: what was fetched, resumed, skipped and failed, how many bytes in how
/// long, what was bought, and what was kept.
pub fn summary(done: &Done<'_>) -> String {
    let count = |o: Outcome| done.reports.iter().filter(|r| r.outcome == o).count();
    let fetched: Vec<&FileReport> = done
        .reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Downloaded | Outcome::Resumed))
        .collect();
    let (skipped, failed) = (count(Outcome::Skipped), count(Outcome::Failed));
    let mut s = if fetched.is_empty() && failed == 0 {
        format!(
            "Nothing to download: {} already complete",
            output::counted(skipped as u64, "file")
        )
    } else if fetched.is_empty() {
        format!(
            "Downloaded nothing: {} failed",
            output::counted(failed as u64, "file")
        )
    } else {
        let bytes = fetched.iter().fold(0u64, |sum, r| {
            sum.saturating_add(r.bytes.saturating_sub(r.resumed_from))
        });
        let secs = done.elapsed.as_secs_f64().max(0.001);
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
            output::duration(done.elapsed),
            output::bytes(rate)
        );
        let resumed = count(Outcome::Resumed);
        if resumed > 0 {
            s.push_str(&format!(", {resumed} resumed"));
        }
        if failed > 0 {
            s.push_str(&format!(", {failed} failed"));
        }
        s
    };
    if skipped > 0 && !(fetched.is_empty() && failed == 0) {
        s.push_str(&format!(", {skipped} already complete"));
    }
    let bought = done
        .reports
        .iter()
        .filter(|r| matches!(r.url, "bought" | "bought_again"))
        .count();
    let reused = done.reports.iter().filter(|r| r.url == "reused").count();
    match (bought, reused) {
        (0, 0) => {}
        (b, 0) => s.push_str(&format!(
            "; {} bought",
            output::counted(b as u64, "download URL")
        )),
        (0, r) => s.push_str(&format!(
            "; nothing bought ({} paid for earlier)",
            output::counted(r as u64, "URL")
        )),
        (b, r) => s.push_str(&format!(
            "; {} bought, {r} paid for earlier",
            output::counted(b as u64, "download URL")
        )),
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

/// What the batch's callbacks heard, sent to the thread that draws.
#[derive(Debug)]
pub enum Heard {
    /// The batch as a whole.
    Overall(BatchProgress),
    /// A file started.
    Started {
        /// The image.
        image_id: String,
        /// Its file.
        path: PathBuf,
        /// Bytes already there.
        held: u64,
        /// Its size, as far as known.
        total: Option<u64>,
    },
    /// A file went this far.
    Progress {
        /// The image.
        image_id: String,
        /// Bytes on disk.
        bytes: u64,
        /// Its size, once known.
        total: Option<u64>,
    },
    /// A file has its report.
    Finished {
        /// The image.
        image_id: String,
        /// Its size key.
        size_key: Option<String>,
        /// Its path.
        path: Option<PathBuf>,
        /// How it ended (boxed: the rest of what is heard is small).
        result: Box<Result<DownloadSummary, connect_auth::Error>>,
    },
}

impl From<&BatchEvent<'_>> for Heard {
    fn from(e: &BatchEvent<'_>) -> Self {
        match e {
            BatchEvent::Started {
                image_id,
                path,
                held,
                total,
                ..
            } => Heard::Started {
                image_id: (*image_id).to_owned(),
                path: path.to_path_buf(),
                held: *held,
                total: *total,
            },
            BatchEvent::Progress { image_id, progress } => Heard::Progress {
                image_id: (*image_id).to_owned(),
                bytes: progress.bytes,
                total: progress.total,
            },
            BatchEvent::Finished(r) => Heard::Finished {
                image_id: r.image_id.clone(),
                size_key: r.size_key.clone(),
                path: r.path.clone(),
                result: Box::new(
                    r.result
                        .as_ref()
                        .map(Clone::clone)
                        .map_err(|e| e.duplicate()),
                ),
            },
            // Events this version does not know draw nothing.
            _ => Heard::Overall(BatchProgress::default()),
        }
    }
}

/// The progress display: a bar for the whole batch (of more than one image) and one per file
/// in flight, on stderr when it is a terminal; the per-file lines printed as files end.
#[derive(Debug)]
pub struct Bars {
    multi: MultiProgress,
    total: Option<ProgressBar>,
    files: HashMap<String, ProgressBar>,
    show: bool,
}

impl Bars {
    /// Bars, hidden unless `show` and stderr is a terminal (indicatif checks).
    pub fn new(show: bool) -> Self {
        let target = if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Self {
            multi: MultiProgress::with_draw_target(target),
            total: None,
            files: HashMap::new(),
            show,
        }
    }

    /// Draws what was heard; prints a file's line when it ends (its error too, unless the
    /// batch is of one image, whose error is the command's and printed once at the end).
    pub fn hear(&mut self, ctx: &Ctx, heard: Heard, single: bool) {
        match heard {
            Heard::Overall(p) => {
                if self.total.is_none() && p.files > 1 {
                    let total = self.multi.add(ProgressBar::new(0));
                    total.set_style(style(
                        "{prefix:>11} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} \
                         {msg} eta {eta}",
                    ));
                    total.set_prefix("total");
                    total.enable_steady_tick(Duration::from_millis(200));
                    self.total = Some(total);
                }
                if let Some(total) = &self.total {
                    total.set_length(p.total.max(p.bytes));
                    total.set_position(p.bytes);
                    total.set_message(format!("{}/{} files", p.finished, p.files));
                }
            }
            Heard::Started {
                image_id,
                path,
                held,
                total,
            } => {
                crate::interrupt::file_started(&path);
                let bar = ProgressBar::new(total.unwrap_or(0));
                let bar = match &self.total {
                    Some(t) => self.multi.insert_before(t, bar),
                    None => self.multi.add(bar),
                };
                bar.set_style(style(
                    "{prefix:>11} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec}",
                ));
                bar.set_prefix(image_id.clone());
                bar.set_position(held);
                self.files.insert(image_id, bar);
            }
            Heard::Progress {
                image_id,
                bytes,
                total,
            } => {
                if let Some(bar) = self.files.get(&image_id) {
                    if let Some(t) = total.filter(|&t| bar.length() != Some(t)) {
                        bar.set_length(t);
                    }
                    bar.set_position(bytes);
                }
            }
            Heard::Finished {
                image_id,
                size_key,
                path,
                result,
            } => {
                if let Some(bar) = self.files.remove(&image_id) {
                    bar.finish_and_clear();
                    self.multi.remove(&bar);
                }
                if let Some(p) = &path {
                    crate::interrupt::file_ended(p);
                }
                if !self.show {
                    return;
                }
                let key = size_key.as_deref();
                match *result {
                    Ok(s) => {
                        let line =
                            file_line(&FileReport::done(&image_id, key, path.as_deref(), &s));
                        self.println(&line);
                    }
                    Err(_) if single => {}
                    Err(e) => {
                        let e = failure(ctx, &image_id, e);
                        self.println_err(&format!("error: {}", e.line()));
                    }
                }
            }
        }
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
        for bar in self.files.values().chain(self.total.as_ref()) {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcome: Outcome, bytes: u64, resumed_from: u64, url: &'static str) -> FileReport {
        FileReport {
            image_id: "1".into(),
            size_key: Some("large".into()),
            path: Some(PathBuf::from("1-large.jpg")),
            bytes,
            outcome,
            resumed_from,
            url,
            bought_again_because: None,
            offering: None,
            paid_earlier_by: None,
            stalls: 0,
            error: None,
        }
    }

    fn done<'a>(reports: &'a [FileReport], kept: &'a [PathBuf], secs: u64) -> Done<'a> {
        Done {
            reports,
            kept,
            elapsed: Duration::from_secs(secs),
        }
    }

    #[test]
    fn summary_counts_what_was_fetched_and_what_was_bought() {
        let all = [
            report(Outcome::Downloaded, 1024 * 1024, 0, "bought"),
            report(Outcome::Resumed, 2 * 1024 * 1024, 1024 * 1024, "reused"),
            report(Outcome::Skipped, 5, 0, "not_needed"),
        ];
        let s = summary(&done(&all, &[], 2));
        assert!(
            s.starts_with("Downloaded 2 files (2.0 MiB) in 2.0 s (1.0 MiB/s), 1 resumed"),
            "{s}"
        );
        assert!(
            s.ends_with(", 1 already complete; 1 download URL bought, 1 paid for earlier"),
            "{s}"
        );
        let skipped = [report(Outcome::Skipped, 5, 0, "not_needed")];
        assert_eq!(
            summary(&done(&skipped, &[], 0)),
            "Nothing to download: 1 file already complete"
        );
        // A failure is never "nothing to download", and a kept partial file is named.
        let failed = [report(Outcome::Failed, 0, 0, "not_needed")];
        let part = [PathBuf::from("1-large.jpg.part")];
        assert_eq!(
            summary(&done(&failed, &part, 0)),
            "Downloaded nothing: 1 file failed; the partial file 1-large.jpg.part is kept: the \
             same command resumes it"
        );
        let mut mixed = all.to_vec();
        mixed.push(report(Outcome::Failed, 0, 0, "not_needed"));
        let s = summary(&done(&mixed, &[], 2));
        assert!(
            s.contains(", 1 resumed, 1 failed, 1 already complete"),
            "{s}"
        );
        let resumed_only = [report(Outcome::Resumed, 10, 5, "reused")];
        let s = summary(&done(&resumed_only, &[], 1));
        assert!(
            s.ends_with("; nothing bought (1 URL paid for earlier)"),
            "{s}"
        );
    }

    #[test]
    fn absurd_sizes_do_not_overflow_and_lines_say_what_was_paid() {
        let r = report(Outcome::Downloaded, u64::MAX, 0, "bought");
        let odd = FileReport {
            bytes: 1,
            resumed_from: 5,
            ..r.clone()
        };
        let s = summary(&done(&[r.clone(), r, odd], &[], 1));
        assert!(s.starts_with("Downloaded 3 files"), "{s}");
        let reused = FileReport {
            paid_earlier_by: Some("PremiumAccess".into()),
            stalls: 1,
            ..report(Outcome::Resumed, 2048, 1024, "reused")
        };
        assert_eq!(
            file_line(&reused),
            "1-large.jpg  2.0 KiB  resumed at 1.0 KiB, on the URL paid for earlier by \
             PremiumAccess, resumed after a stall"
        );
    }

    #[test]
    fn ids_from_a_file_skip_blanks_and_comments_and_name_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ids.txt");
        std::fs::write(&f, "# a layout\n100000001\n\n  0100000002 \n").unwrap();
        assert_eq!(read_ids(&f).unwrap(), ["100000001", "100000002"]);
        std::fs::write(&f, "100000001\nnot an id!\n").unwrap();
        let e = read_ids(&f).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = read_ids(&dir.path().join("missing.txt")).unwrap_err();
        assert_eq!(e.exit_code(), crate::errors::EXIT_LOCAL);
    }
}

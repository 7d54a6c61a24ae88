//! `cargo xtask fuzz [SECONDS]`: every cargo-fuzz target in turn, with a summary.
//!
//! The harness in `fuzz/` needs nightly and cargo-fuzz; CI never runs this. New inputs go to a
//! scratch corpus under `fuzz/target/`, the committed corpus (`fuzz/corpus/<target>/`) is only
//! read, so a run leaves the repository as it was. Minimise before committing new inputs:
//! `cargo +nightly fuzz cmin <target> fuzz/corpus/<target>`.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// Seconds per target when none are given.
pub const DEFAULT_SECONDS: u64 = 60;

/// The targets, in the order they run (names of `fuzz/fuzz_targets/*.rs`).
pub const TARGETS: &[&str] = &[
    "envelope",
    "ms_date",
    "lenient",
    "token_answer",
    "implicit_redirect",
    "download_answer",
    "error_answer",
    "cassette",
    "sandbox_range",
    "sandbox_request",
];

/// What one target's run produced.
struct Outcome {
    target: &'static str,
    executions: Option<u64>,
    crash: Option<String>,
}

/// Runs each target for `seconds`, one at a time, and prints executions and crashes.
pub fn run(seconds: u64, root: &Path) -> std::io::Result<ExitCode> {
    let probe = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!(
            "xtask: fuzzing needs a nightly toolchain and cargo-fuzz:\n  \
             rustup toolchain install nightly && cargo install cargo-fuzz --locked"
        );
        return Ok(ExitCode::FAILURE);
    }
    let fuzz_dir = root.join("fuzz");
    let mut outcomes = Vec::new();
    for &target in TARGETS {
        println!("== {target} ({seconds} s)");
        let scratch = fuzz_dir.join("target").join("corpus").join(target);
        std::fs::create_dir_all(&scratch)?;
        let committed = fuzz_dir.join("corpus").join(target);
        let artifacts = fuzz_dir.join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts)?;
        let output = Command::new("cargo")
            .current_dir(&fuzz_dir)
            // The sources are safe Rust; panics are what we look for, so no sanitizer (faster).
            .args(["+nightly", "fuzz", "run", "--sanitizer", "none", target])
            .arg(&scratch)
            .arg(&committed)
            .args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-print_final_stats=1",
                &format!(
                    "-artifact_prefix={}/",
                    fuzz_dir.join("artifacts").join(target).display()
                ),
            ])
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped())
            .output();
        let output = output?;
        let log = String::from_utf8_lossy(&output.stderr);
        let outcome = Outcome {
            target,
            executions: executions(&log),
            crash: (!output.status.success()).then(|| crash_summary(&log)),
        };
        match &outcome.crash {
            None => println!("   ok"),
            Some(c) => println!("   CRASH: {c}"),
        }
        outcomes.push(outcome);
    }
    println!("\n{:<20} {:>14}  result", "target", "executions");
    for o in &outcomes {
        let execs = o
            .executions
            .map_or_else(|| "?".to_owned(), |n| n.to_string());
        let result = o.crash.as_deref().unwrap_or("no crash");
        println!("{:<20} {execs:>14}  {result}", o.target);
    }
    let crashed = outcomes.iter().any(|o| o.crash.is_some());
    Ok(if crashed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The `stat::number_of_executed_units` line libFuzzer prints with `-print_final_stats=1`.
fn executions(log: &str) -> Option<u64> {
    log.lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
}

/// The panic message and the saved input, or the tail of the log when neither is there.
fn crash_summary(log: &str) -> String {
    let panic = log
        .lines()
        .find(|l| l.contains("panicked at"))
        .map(str::trim);
    let input = log
        .lines()
        .find_map(|l| l.split_once("Test unit written to ").map(|(_, p)| p.trim()));
    match (panic, input) {
        (Some(p), Some(i)) => format!("{p} (input saved to {i})"),
        (Some(p), None) => p.to_owned(),
        (None, Some(i)) => format!("input saved to {i}"),
        (None, None) => log
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("the fuzzer failed without a message")
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_executions_and_crashes_from_a_libfuzzer_log() {
        let log = "#1024 pulse\nthread '<unnamed>' panicked at src/x.rs:3:5:\nboom\n\
                   ==1== ERROR: libFuzzer: deadly signal\n\
                   Test unit written to fuzz/artifacts/t/crash-abc\n\
                   stat::number_of_executed_units: 20480\n";
        assert_eq!(executions(log), Some(20480));
        assert_eq!(
            crash_summary(log),
            "thread '<unnamed>' panicked at src/x.rs:3:5: (input saved to fuzz/artifacts/t/crash-abc)"
        );
        assert_eq!(executions("no stats"), None);
        assert_eq!(crash_summary("a\nlast words\n\n"), "last words");
    }

    #[test]
    fn every_target_has_a_harness_and_a_committed_corpus() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
        for t in TARGETS {
            assert!(
                fuzz.join("fuzz_targets").join(format!("{t}.rs")).is_file(),
                "{t}"
            );
            assert!(fuzz.join("corpus").join(t).is_dir(), "{t} has no corpus");
        }
        let harnesses = std::fs::read_dir(fuzz.join("fuzz_targets"))
            .unwrap()
            .count();
        assert_eq!(harnesses, TARGETS.len(), "a harness missing from TARGETS");
    }
}

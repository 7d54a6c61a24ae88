//! Figure lines every benchmark prints for `cargo xtask bench` to gather (included with
//! `#[path]`): one tab-separated line a figure, after the benchmark's own words.
//!
//! `figure <TAB> name <TAB> goal <TAB> median <TAB> min <TAB> max <TAB> rounds <TAB> unit`, where
//! goal is `<= 1.10`, `>= 3.0`, `< 8`, `== 1` or `-` (printed for information, no goal).

/// What a figure must reach.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)]
pub enum Goal {
    /// At most this.
    AtMost(f64),
    /// At least this.
    AtLeast(f64),
    /// Below this.
    Below(f64),
    /// Exactly this (counts).
    Exactly(f64),
    /// No goal: printed so the summary shows it.
    None,
}

impl Goal {
    fn text(self) -> String {
        match self {
            Goal::AtMost(g) => format!("<= {g}"),
            Goal::AtLeast(g) => format!(">= {g}"),
            Goal::Below(g) => format!("< {g}"),
            Goal::Exactly(g) => format!("== {g}"),
            Goal::None => "-".to_owned(),
        }
    }
}

/// The median of some values (the upper one of an even count), and their least and greatest.
pub fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// Prints one figure line: the median of `rounds` (one value a round) with its spread.
pub fn figure(name: &str, goal: Goal, unit: &str, rounds: &[f64]) {
    let (median, min, max) = spread(rounds);
    println!(
        "figure\t{name}\t{}\t{median:.4}\t{min:.4}\t{max:.4}\t{}\t{unit}",
        goal.text(),
        rounds.len()
    );
}

/// The process's resident set now and its peak, in KiB, from `/proc/self/status` (0 where
/// that is not there).
#[allow(dead_code)]
pub fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Starts the peak resident set again from the current one (Linux: `5` to `clear_refs`), so a
/// later [`rss_kib`] peak is the peak since now; false where that is refused.
#[allow(dead_code)]
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

//! The summary table `cargo xtask bench` ends with: every figure line the benchmarks printed
//! (`figure <TAB> name <TAB> goal <TAB> median <TAB> min <TAB> max <TAB> rounds <TAB> unit`, see
//! crates/connect-blocking/examples/support/figure.rs), its goal, and whether it is met.

use std::fmt::Write as _;

/// One figure a benchmark printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub name: String,
    /// `<= 1.1`, `>= 3`, `== 1` or `-` (no goal).
    pub goal: String,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub rounds: u32,
    pub unit: String,
}

impl Figure {
    /// The figure on a line of a benchmark's output, if the line is one.
    pub fn parse(line: &str) -> Option<Self> {
        let mut parts = line.strip_prefix("figure\t")?.split('\t');
        let mut next = || parts.next().map(str::trim);
        let (name, goal) = (next()?.to_owned(), next()?.to_owned());
        let (median, min, max) = (
            next()?.parse().ok()?,
            next()?.parse().ok()?,
            next()?.parse().ok()?,
        );
        let rounds = next()?.parse().ok()?;
        let unit = next().unwrap_or("").to_owned();
        Some(Self {
            name,
            goal,
            median,
            min,
            max,
            rounds,
            unit,
        })
    }

    /// Whether the median meets the goal; `None` without one (or one that does not read).
    pub fn met(&self) -> Option<bool> {
        let (op, value) = self.goal.split_once(' ')?;
        let value: f64 = value.trim().parse().ok()?;
        match op {
            "<=" => Some(self.median <= value),
            ">=" => Some(self.median >= value),
            "<" => Some(self.median < value),
            ">" => Some(self.median > value),
            "==" => Some((self.median - value).abs() < 1e-9),
            _ => None,
        }
    }
}

/// A number as the table shows it: integers bare, others to three significant places.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else if v.abs() >= 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The table: one row a figure, then how many goals are met.
pub fn table(figures: &[Figure]) -> String {
    let mut out =
        String::from("\n== summary: every figure is the median of its rounds (spread min..max)\n");
    if figures.is_empty() {
        out.push_str("  (no figures were printed)\n");
        return out;
    }
    let rows: Vec<[String; 4]> = figures
        .iter()
        .map(|f| {
            let unit = if f.unit.is_empty() || f.unit == "x" {
                String::new()
            } else {
                format!(" {}", f.unit)
            };
            let now = if f.rounds > 1 {
                format!(
                    "{}{unit} ({}..{}, {} rounds)",
                    num(f.median),
                    num(f.min),
                    num(f.max),
                    f.rounds
                )
            } else {
                format!("{}{unit}", num(f.median))
            };
            let met = match f.met() {
                Some(true) => "met",
                Some(false) => "NOT MET",
                None => "-",
            };
            [f.name.clone(), f.goal.clone(), now, met.to_owned()]
        })
        .collect();
    let header = ["figure", "goal", "now", "met"];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let _ = writeln!(
        out,
        "{:<w0$}  {:<w1$}  {:<w2$}  {}",
        header[0], header[1], header[2], header[3]
    );
    for r in &rows {
        let _ = writeln!(out, "{:<w0$}  {:<w1$}  {:<w2$}  {}", r[0], r[1], r[2], r[3]);
    }
    let with_goal: Vec<bool> = figures.iter().filter_map(Figure::met).collect();
    let _ = writeln!(
        out,
        "{} of {} goals met",
        with_goal.iter().filter(|m| **m).count(),
        with_goal.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_figure_lines_and_nothing_else() {
        let f = Figure::parse("figure\tasync: decode\t>= 3\t2.6100\t2.5\t2.7\t9\tx").unwrap();
        assert_eq!(f.name, "async: decode");
        assert_eq!((f.median, f.min, f.max, f.rounds), (2.61, 2.5, 2.7, 9));
        assert_eq!(f.met(), Some(false));
        assert_eq!(Figure::parse("decode (146 KB): typed 300 MB/s"), None);
        assert_eq!(Figure::parse("figure\tshort\t>= 3"), None);
    }

    #[test]
    fn goals_of_every_kind() {
        let f = |goal: &str, median: f64| Figure {
            name: "n".into(),
            goal: goal.into(),
            median,
            min: median,
            max: median,
            rounds: 1,
            unit: String::new(),
        };
        assert_eq!(f("<= 1.1", 1.1).met(), Some(true));
        assert_eq!(f("<= 1.1", 1.11).met(), Some(false));
        assert_eq!(f(">= 1.2", 1.19).met(), Some(false));
        assert_eq!(f("< 8", 8.0).met(), Some(false));
        assert_eq!(f("== 1", 1.0).met(), Some(true));
        assert_eq!(f("== 1", 2.0).met(), Some(false));
        assert_eq!(f("-", 2.0).met(), None);
        let t = table(&[f("== 1", 1.0), f(">= 3", 2.0), f("-", 5.0)]);
        assert!(t.contains("NOT MET"), "{t}");
        assert!(t.ends_with("1 of 2 goals met\n"), "{t}");
    }
}

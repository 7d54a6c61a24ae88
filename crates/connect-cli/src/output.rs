//! What goes to stdout: readable tables by default, one JSON document with `--json`.

use crate::errors::CliError;
pub(crate) use crate::terminal::note;
use crate::terminal::{is_unsafe, terminal_safe};
use connect_types::MsDate;
use serde::Serialize;
use std::io::{self, Write};

/// Writes `value` as one pretty JSON document and a newline on stdout, with every id of
/// [`NUMERIC_IDS`] as a number (see [`one_type_per_id`]).
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Internal(format!("could not encode the result as JSON: {e}")))?;
    print_text(&format!("{}\n", one_type_per_id(&text)))
}

/// Ids the API documents as integers where it defines them (CreateLightbox's `LightboxId`,
/// CreateSharedLightbox's `SharedLightboxId`, every request's `LightboxId`) but writes as
/// strings elsewhere (GetLightbox's and GetLightboxHeaders' `LightboxHeader.LightboxId`).
pub const NUMERIC_IDS: &[&str] = &["LightboxId", "SharedLightboxId", "LightboxItemId"];

/// Pretty JSON with each id of [`NUMERIC_IDS`] written as a number where it was a numeric
/// string, so one id has one type in everything the CLI prints (`lightbox create --json` and
/// `lightbox show --json` agree). Image, video, event and order ids stay strings, as the API
/// writes them. Works on the pretty text, where every key starts its own line (a key inside a
/// string value would have its quotes escaped), so the documents keep their key order.
pub fn one_type_per_id(pretty: &str) -> String {
    let mut out = String::with_capacity(pretty.len());
    for line in pretty.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        let numeric = NUMERIC_IDS.iter().find_map(|key| {
            let value = rest.strip_prefix(&format!("\"{key}\": \""))?;
            let (digits, tail) = value.split_once('"')?;
            let plain = !digits.is_empty() && digits.len() < 20;
            (plain && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| format!("\"{key}\": {digits}{tail}"))
        });
        match numeric {
            Some(fixed) => {
                out.push_str(&line[..indent]);
                out.push_str(&fixed);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Writes text on stdout, through [`terminal_safe`]: nothing a server sent reaches the
/// terminal raw. A closed pipe (`| head`) ends the command quietly
/// ([`CliError::StdoutClosed`]).
pub fn print_text(text: &str) -> Result<(), CliError> {
    let text = terminal_safe(text);
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed stdout (`| head`) ends the command quietly.
        Err(e) => Err(CliError::io("writing to stdout", e)),
    }
}

/// A plain-text table with left-aligned columns, each capped to a width.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<&'static str>,
    max: Vec<usize>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns; `(name, max width)`.
    pub fn new(columns: &[(&'static str, usize)]) -> Self {
        Self {
            headers: columns.iter().map(|c| c.0).collect(),
            max: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are blank, extra ones dropped.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut row: Vec<String> = cells
            .into_iter()
            .take(self.headers.len())
            .map(|c| clean(&c.into()))
            .collect();
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// The table as text, one line per row, ending with a newline.
    pub fn render(&self) -> String {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&self.max)
                    .map(|(c, &m)| truncate(c, m))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        let header: Vec<String> = self.headers.iter().map(|h| (*h).to_owned()).collect();
        push_line(&mut out, &header, &widths);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        push_line(&mut out, &rule, &widths);
        for row in &cells {
            push_line(&mut out, row, &widths);
        }
        out
    }
}

fn push_line(out: &mut String, cells: &[String], widths: &[usize]) {
    let last = cells.len().saturating_sub(1);
    let mut line = String::new();
    for (i, (c, &w)) in cells.iter().zip(widths).enumerate() {
        line.push_str(c);
        if i < last {
            let pad = w.saturating_sub(c.chars().count()) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Control characters from the server would garble the terminal (and break the columns):
/// show them as spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if is_unsafe(c) { ' ' } else { c })
        .collect()
}

/// Cuts `s` to `max` characters, marking the cut with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// `Some(v)` as text, `None` as a dash.
pub fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// A date as `YYYY-MM-DD` (UTC), or a dash.
pub fn date(d: Option<&MsDate>) -> String {
    let Some(d) = d else {
        return "-".to_owned();
    };
    // Straight from the milliseconds: SystemTime arithmetic could overflow on odd input.
    let millis = d.millis;
    let (y, m, day) = connect_types::date::civil_from_days(millis.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{day:02}")
}

/// A byte count for people: `512 B`, `3.4 KiB`, `12.0 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    #[allow(clippy::cast_precision_loss)] // display only
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// A duration for people: `850 ms`, `2.4 s`.
pub fn duration(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A whole number with thousands separators: `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 image`, `2 images`, `1,250 images`, `2 batches`: a count and its noun, in the
/// singular for one (nouns ending in `s`, `x`, `ch` or `sh` take `es`).
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let es = ["s", "x", "ch", "sh"].iter().any(|e| noun.ends_with(e));
    format!("{} {noun}{}", thousands(n), if es { "es" } else { "s" })
}

/// [`counted`] for a count the server gave, which may be missing (`-`).
pub fn counted_opt(n: Option<u64>, noun: &str) -> String {
    match n {
        Some(n) => counted(n, noun),
        None => format!("- {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(1, "image"), "1 image");
        assert_eq!(counted(0, "image"), "0 images");
        assert_eq!(counted(1250, "image"), "1,250 images");
        assert_eq!(counted(2, "batch"), "2 batches");
        assert_eq!(counted_opt(Some(1), "purchase"), "1 purchase");
    }

    #[test]
    fn lightbox_ids_are_numbers_and_other_ids_stay_strings() {
        let doc = serde_json::json!({
            "Lightbox": {"LightboxHeader": {"LightboxId": "1001", "LightboxName": "\"LightboxId\": \"7\""}},
            "ImageId": "100000001",
            "Items": [{"LightboxId": "12", "LightboxItemId": 5}],
            "LightboxId": "not a number",
        });
        let text = one_type_per_id(&serde_json::to_string_pretty(&doc).unwrap());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["Lightbox"]["LightboxHeader"]["LightboxId"], 1001);
        assert_eq!(
            v["Lightbox"]["LightboxHeader"]["LightboxName"],
            "\"LightboxId\": \"7\""
        );
        assert_eq!(v["ImageId"], "100000001");
        assert_eq!(v["Items"][0]["LightboxId"], 12);
        assert_eq!(v["LightboxId"], "not a number");
    }

    #[test]
    fn renders_aligned_columns() {
        let mut t = Table::new(&[("ID", 12), ("TITLE", 10)]);
        t.row(["1", "A very long title indeed"]);
        t.row(["12345", "Short"]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "ID     TITLE");
        assert_eq!(lines[1], "-----  ----------");
        assert_eq!(lines[2], "1      A very lo…");
        assert_eq!(lines[3], "12345  Short");
    }

    #[test]
    fn control_characters_are_blanked() {
        let mut t = Table::new(&[("X", 20)]);
        t.row(["a\nb\u{1b}[31m"]);
        assert!(t.render().lines().nth(2).unwrap().starts_with("a b [31m"));
    }

    #[test]
    fn formats_numbers_and_dates() {
        assert_eq!(bytes(10), "10 B");
        assert_eq!(bytes(3 * 1024 * 1024 + 1), "3.0 MiB");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        let d = MsDate::from_millis(1_294_868_991_374);
        assert_eq!(date(Some(&d)), "2011-01-12");
        assert_eq!(date(None), "-");
        assert_eq!(date(Some(&MsDate::from_millis(-86_400_000))), "1969-12-31");
        // Absurd dates from a server print something rather than panic.
        let _ = date(Some(&MsDate::from_millis(i64::MAX)));
        let _ = date(Some(&MsDate::from_millis(i64::MIN)));
    }
}

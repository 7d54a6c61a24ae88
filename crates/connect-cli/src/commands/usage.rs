//! `usage report FILE`: ReportUsage from a CSV or JSON file of asset id, quantity and date.

use crate::args::UsageCommand;
use crate::client::Ctx;
use crate::errors::CliError;
use crate::output;
use connect_types::RequestDate;
use connect_types::ops::{MAX_ASSET_USAGES, ReportUsageRequest};
use std::path::Path;

/// One line of the file.
#[derive(Debug, serde::Deserialize)]
struct Line {
    #[serde(alias = "AssetId", alias = "asset_id", alias = "asset")]
    asset_id: serde_json::Value,
    #[serde(alias = "Quantity", alias = "quantity")]
    quantity: u32,
    #[serde(alias = "UsageDate", alias = "usage_date", alias = "date")]
    date: String,
}

/// Reads `asset id, quantity, date` rows: a JSON array of objects, or CSV (a header row of
/// letters is skipped).
fn read(path: &Path) -> Result<Vec<(String, u32, RequestDate)>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::io(format!("reading {}", path.display()), e))?;
    let bad = |n: usize, why: String| {
        CliError::usage(
            format!("{} line {n}: {why}", path.display()),
            "each entry is: asset id, quantity (1 or more), date as YYYY-MM-DD",
        )
    };
    let mut out = Vec::new();
    if text.trim_start().starts_with('[') {
        let lines: Vec<Line> = serde_json::from_str(&text)
            .map_err(|e| bad(e.line(), format!("not a JSON list of usages: {e}")))?;
        for (n, l) in lines.into_iter().enumerate() {
            let id = match l.asset_id {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let date = RequestDate::parse(&l.date).map_err(|e| bad(n + 1, e.to_string()))?;
            out.push((id, l.quantity, date));
        }
        return Ok(out);
    }
    for (n, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if line.trim().is_empty() || (n == 0 && cells[0].chars().any(|c| c.is_ascii_alphabetic())) {
            continue;
        }
        let [id, q, d] = cells[..] else {
            return Err(bad(
                n + 1,
                format!("expected 3 comma-separated values, found {}", cells.len()),
            ));
        };
        let q: u32 = q
            .parse()
            .map_err(|_| bad(n + 1, format!("{q:?} is not a quantity")))?;
        let d = RequestDate::parse(d).map_err(|e| bad(n + 1, e.to_string()))?;
        out.push((id.to_owned(), q, d));
    }
    Ok(out)
}

/// Runs `usage report`.
pub fn run(ctx: &Ctx, cmd: &UsageCommand) -> Result<(), CliError> {
    let UsageCommand::Report {
        file,
        transaction_id,
    } = cmd;
    let rows = read(file)?;
    if rows.is_empty() {
        return Err(CliError::usage(
            format!("{} holds no usage", file.display()),
            "write one line per usage: asset id, quantity, date (YYYY-MM-DD)",
        ));
    }
    if rows.len() > MAX_ASSET_USAGES {
        return Err(CliError::usage(
            format!(
                "{} holds {} usages; one report takes at most {MAX_ASSET_USAGES}",
                file.display(),
                rows.len()
            ),
            "split the file and report each part (each gets its own transaction id)",
        ));
    }
    // A fresh id per report unless one is given (to resend a report that may have been lost).
    let tx = transaction_id.clone().unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("getty-connect-{}-{nanos:x}", std::process::id())
    });
    let mut req = ReportUsageRequest::new(&tx);
    for (id, q, d) in rows {
        req = req.usage(id, q, d);
    }
    let r = ctx.api.call_full(&req, "reporting usage")?;
    let duplicate = r
        .warnings()
        .any(|w| w.code == Some(connect_types::StatusCode::TransactionIdDuplicate));
    if ctx.json {
        return output::print_json(&r.result);
    }
    if duplicate {
        return output::print_text(&format!(
            "Transaction {tx} was reported before: nothing recorded this time\n"
        ));
    }
    output::print_text(&format!(
        "Reported {} under transaction {tx}\n",
        output::counted_opt(r.result.total_asset_usages_processed, "usage")
    ))
}

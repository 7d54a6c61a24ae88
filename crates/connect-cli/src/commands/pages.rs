//! Page numbers: the line under a page of results, and `--page` past the last page.

use crate::errors::{CliError, find_auth_error};
use crate::output;
use connect_types::StatusCode;

/// How many pages of `count` hold `total` items (at least one).
pub fn last_page(total: u64, count: u32) -> u64 {
    total.div_ceil(u64::from(count.max(1))).max(1)
}

/// `Page 2 of 5: 1,234 images in all`, and on any page but the last how to see more.
pub fn footer(page: u32, count: u32, total: u64, noun: &str, more: &str) -> String {
    let last = last_page(total, count);
    let mut line = format!(
        "Page {page} of {}: {} in all",
        output::thousands(last),
        output::counted(total, noun)
    );
    if u64::from(page) < last {
        line.push_str(&format!(" ({more})"));
    }
    line.push('\n');
    line
}

/// Whether the API refused the page because it starts past the last item.
fn is_past_the_end(e: &CliError) -> bool {
    let CliError::Sdk { source, .. } = e else {
        return false;
    };
    find_auth_error(source.as_ref())
        .and_then(connect_auth::Error::status_code)
        .is_some_and(|c| *c == StatusCode::StartPastTotal)
}

/// `result`, unless the API refused the page as past the end: then the error names the last
/// page, from the total `total` reads (from the first page, say).
pub fn or_past_the_end<T>(
    result: Result<T, CliError>,
    page: u32,
    count: u32,
    noun: &str,
    total: impl FnOnce() -> Option<u64>,
) -> Result<T, CliError> {
    match result {
        Err(e) if is_past_the_end(&e) => Err(past_the_end(page, count, total(), noun)),
        other => other,
    }
}

/// `--page N` past the last page: names the last page, from `total` (the first page's count,
/// when it could be read).
fn past_the_end(page: u32, count: u32, total: Option<u64>, noun: &str) -> CliError {
    match total {
        Some(total) => {
            let last = last_page(total, count);
            CliError::usage(
                format!(
                    "there is no page {page}: the last page is {} ({}, {count} a page)",
                    output::thousands(last),
                    output::counted(total, noun)
                ),
                format!("use --page {} or lower", output::thousands(last)),
            )
        }
        None => CliError::usage(
            format!("there is no page {page}: it starts past the last {noun}"),
            "use a lower --page",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_page_offers_no_more() {
        assert_eq!(
            footer(1, 25, 26, "image", "--page N for more"),
            "Page 1 of 2: 26 images in all (--page N for more)\n"
        );
        assert_eq!(
            footer(2, 25, 26, "image", "--page N for more"),
            "Page 2 of 2: 26 images in all\n"
        );
        assert_eq!(
            footer(1, 25, 1, "image", "x"),
            "Page 1 of 1: 1 image in all\n"
        );
        let e = past_the_end(9, 25, Some(60), "image").line();
        assert!(
            e.contains("no page 9") && e.contains("last page is 3"),
            "{e}"
        );
    }
}

//! Dates as the catalog stores them: minutes since 2000-01-01, written with one offset.

use connect_types::date::civil_from_days;

/// 2000-01-01T00:00:00Z in Unix seconds: dates are stored as minutes since then.
pub const EPOCH_2000: i64 = 946_684_800;
/// Time zone offset of every generated date (the documentation's examples use -0800).
pub const DATE_OFFSET_MINUTES: i16 = -480;

pub(crate) const MINUTES_PER_YEAR: u64 = 525_960;

/// The civil year of a minutes-since-2000 value.
pub fn year_of(minutes: u32) -> i64 {
    let days = i64::from(minutes) / 1440 + (EPOCH_2000 / 86_400);
    civil_from_days(days).0
}

/// Unix milliseconds of a minutes-since-2000 value.
pub fn minutes_to_millis(m: u32) -> i64 {
    (EPOCH_2000 + i64::from(m) * 60) * 1000
}

/// An MS JSON date string for a minutes-since-2000 value.
pub fn ms_date(m: u32) -> connect_types::MsDate {
    connect_types::MsDate {
        millis: minutes_to_millis(m),
        offset_minutes: Some(DATE_OFFSET_MINUTES),
    }
}

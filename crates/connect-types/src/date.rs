//! Dates: Microsoft JSON dates in responses, `YYYY-MM-DD` in requests.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A Microsoft JSON date as the API returns it: `"\/Date(1294868991374-0800)\/"`.
///
/// Milliseconds since the Unix epoch (UTC; may be negative), plus the optional offset the server
/// attached, in minutes east of UTC. The offset does not change the instant; it is kept so the
/// value re-encodes exactly as it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsDate {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub millis: i64,
    /// Offset from UTC in minutes (`-0800` is `-480`), when the server gave one.
    pub offset_minutes: Option<i16>,
}

/// Why a string is not a Microsoft JSON date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateParseError(String);

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateParseError {}

impl MsDate {
    /// A date at `millis` since the epoch, with no offset.
    pub fn from_millis(millis: i64) -> Self {
        Self {
            millis,
            offset_minutes: None,
        }
    }

    /// Parses `/Date(ms)/`, `/Date(ms+hhmm)/` or `/Date(ms-hhmm)/` (the JSON escape `\/` is
    /// already gone once the JSON string is decoded, but a literal `\/` is accepted too).
    pub fn parse(s: &str) -> Result<Self, DateParseError> {
        // The form every answer uses, read byte by byte; anything else takes the general path.
        match Self::parse_plain(s.as_bytes()) {
            Some(date) => Ok(date),
            None => Self::parse_general(s),
        }
    }

    /// [`Self::parse`] for every form it accepts.
    fn parse_general(s: &str) -> Result<Self, DateParseError> {
        let err = || DateParseError(format!("not a /Date(milliseconds[+-hhmm])/ value: {s:?}"));
        let inner = s
            .trim()
            .trim_start_matches('\\')
            .strip_prefix("/Date(")
            .and_then(|r| r.strip_suffix(")/").or_else(|| r.strip_suffix(")\\/")))
            .ok_or_else(err)?;
        // The millis may carry a leading '-'; an offset sign can only come after a digit.
        let split = inner
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '+' || c == '-')
            .map(|(i, _)| i);
        let (ms, off) = match split {
            Some(i) => (&inner[..i], Some(&inner[i..])),
            None => (inner, None),
        };
        let millis: i64 = ms.parse().map_err(|_| err())?;
        let offset_minutes = match off {
            None => None,
            Some(o) => {
                let (sign, digits) = o.split_at(1);
                if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err());
                }
                let hh: i16 = digits[..2].parse().map_err(|_| err())?;
                let mm: i16 = digits[2..].parse().map_err(|_| err())?;
                if mm >= 60 || hh > 23 {
                    return Err(err());
                }
                let total = hh * 60 + mm;
                Some(if sign == "-" { -total } else { total })
            }
        };
        Ok(Self {
            millis,
            offset_minutes,
        })
    }

    /// `/Date(` 1 to 18 digits, optionally `+hhmm` or `-hhmm`, then `)/`; `None` for any
    /// other form (a sign on the millis, spaces, a literal `\/`), which [`Self::parse`] reads
    /// the long way. Eighteen digits cannot overflow an `i64`.
    fn parse_plain(b: &[u8]) -> Option<Self> {
        let rest = b.strip_prefix(b"/Date(")?.strip_suffix(b")/")?;
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 18 {
            return None;
        }
        let millis = rest[..digits]
            .iter()
            .fold(0i64, |n, &c| n * 10 + i64::from(c - b'0'));
        let offset_minutes = match &rest[digits..] {
            [] => None,
            [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
                let d = |c: u8| c.is_ascii_digit().then(|| i16::from(c - b'0'));
                let (hh, mm) = (d(*h1)? * 10 + d(*h2)?, d(*m1)? * 10 + d(*m2)?);
                if mm >= 60 || hh > 23 {
                    return None;
                }
                let total = hh * 60 + mm;
                Some(if *sign == b'-' { -total } else { total })
            }
            _ => return None,
        };
        Some(Self {
            millis,
            offset_minutes,
        })
    }

    /// The instant as a `SystemTime` (the offset does not move it), or `None` when the
    /// platform's clock cannot represent it (the range of `SystemTime` differs per platform,
    /// and a server may send any 64-bit value).
    pub fn to_system_time(self) -> Option<SystemTime> {
        let magnitude = Duration::from_millis(self.millis.unsigned_abs());
        if self.millis >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// The date for a `SystemTime`, with no offset. Saturates far outside ±292 million years.
    pub fn from_system_time(t: SystemTime) -> Self {
        let millis = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        Self::from_millis(millis)
    }
}

impl fmt::Display for MsDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/Date({}", self.millis)?;
        if let Some(o) = self.offset_minutes {
            let sign = if o < 0 { '-' } else { '+' };
            let a = o.unsigned_abs();
            write!(f, "{sign}{:02}{:02}", a / 60, a % 60)?;
        }
        f.write_str(")/")
    }
}

impl std::str::FromStr for MsDate {
    type Err = DateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for MsDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MsDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = MsDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a \"/Date(milliseconds[+-hhmm])/\" string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MsDate, E> {
                MsDate::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A calendar date sent in requests as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestDate {
    year: u16,
    month: u8,
    day: u8,
}

impl RequestDate {
    /// A date, if it exists in the proleptic Gregorian calendar (years 1 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Self {
            year,
            month,
            day,
        })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD`. A time part after the date (`2011-01-12T00:00:00`), which old
    /// clients sent, is accepted and dropped.
    pub fn parse(s: &str) -> Result<Self, DateParseError> {
        let err = || DateParseError(format!("not a YYYY-MM-DD date: {s:?}"));
        let s = s.trim();
        let date = s.split(['T', ' ']).next().unwrap_or(s);
        let mut parts = date.splitn(3, '-');
        let (y, m, d) = (parts.next(), parts.next(), parts.next());
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(err());
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return Err(err());
        }
        let y = y.parse().map_err(|_| err())?;
        let m = m.parse().map_err(|_| err())?;
        let d = d.parse().map_err(|_| err())?;
        Self::new(y, m, d).ok_or_else(err)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Midnight UTC at the start of this date, as milliseconds since the epoch.
    pub fn start_millis(self) -> i64 {
        self.days_since_epoch() * 86_400_000
    }
}

impl fmt::Display for RequestDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for RequestDate {
    type Err = DateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for RequestDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RequestDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RequestDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a YYYY-MM-DD string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RequestDate, E> {
                RequestDate::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A date and time written ISO 8601, `YYYY-MM-DDThh:mm:ssTZD`, as the history operations
/// (GetPreviousDownloads, GetPreviousPurchases) use it in requests and responses.
///
/// Milliseconds since the epoch plus the zone offset the text carried, so the value re-encodes
/// as it arrived. A missing zone, or `Z`, means UTC and is written `Z`. Decoding also accepts a
/// bare date (midnight UTC) and the Microsoft `/Date(ms)/` form other operations use.
///
/// ```
/// use connect_types::IsoDateTime;
/// let t: IsoDateTime = "2013-04-02T10:31:41-07:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2013-04-02T10:31:41-07:00");
/// assert_eq!(IsoDateTime::from_millis(0).to_string(), "1970-01-01T00:00:00Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoDateTime {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub millis: i64,
    /// Offset from UTC in minutes that the text carried (`None` for `Z` or no zone).
    pub offset_minutes: Option<i16>,
}

impl IsoDateTime {
    /// The instant at `millis` since the epoch, written in UTC.
    pub fn from_millis(millis: i64) -> Self {
        Self {
            millis,
            offset_minutes: None,
        }
    }

    /// Midnight UTC at the start of `date`.
    pub fn start_of(date: RequestDate) -> Self {
        Self::from_millis(date.start_millis())
    }

    /// The instant as a `SystemTime`, or `None` beyond the platform clock's range.
    pub fn to_system_time(self) -> Option<SystemTime> {
        MsDate::from_millis(self.millis).to_system_time()
    }

    /// The instant of a `SystemTime`, written in UTC.
    pub fn from_system_time(t: SystemTime) -> Self {
        Self::from_millis(MsDate::from_system_time(t).millis)
    }

    /// Parses ISO 8601 (`YYYY-MM-DD[Thh:mm[:ss[.fff]]][Z|±hh:mm]`) or `/Date(ms[±hhmm])/`.
    pub fn parse(s: &str) -> Result<Self, DateParseError> {
        let t = s.trim();
        if let Some(d) = parse_iso(t) {
            return Ok(Self {
                millis: d.millis,
                offset_minutes: d.offset_minutes,
            });
        }
        MsDate::parse(t)
            .map(|d| Self {
                millis: d.millis,
                offset_minutes: d.offset_minutes,
            })
            .map_err(|_| DateParseError(format!("not an ISO 8601 date-time: {s:?}")))
    }
}

/// `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]` as an [`MsDate`] (offset kept in minutes).
pub(crate) fn parse_iso(s: &str) -> Option<MsDate> {
    let (date, rest) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let day = RequestDate::parse(date).ok()?;
    let mut millis = day.start_millis();
    let mut offset = None;
    if !rest.is_empty() {
        let (time, zone) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let mut parts = time.split(':');
        let h: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let sec: f64 = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0.0,
        };
        if parts.next().is_some() || !(0..24).contains(&h) || !(0..60).contains(&m) {
            return None;
        }
        if !(0.0..61.0).contains(&sec) {
            return None;
        }
        #[allow(clippy::cast_possible_truncation)]
        let sec_ms = (sec * 1000.0).round() as i64;
        millis += (h * 60 + m) * 60_000 + sec_ms;
        if !zone.is_empty() && !zone.eq_ignore_ascii_case("z") {
            let (sign, hm) = zone.split_at(1);
            let hm = hm.replace(':', "");
            if hm.len() != 4 || !hm.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let oh: i16 = hm[..2].parse().ok()?;
            let om: i16 = hm[2..].parse().ok()?;
            // The same bounds as `MsDate::parse`, so every date read here re-encodes.
            if oh > 23 || om >= 60 {
                return None;
            }
            let total = oh * 60 + om;
            let total = if sign == "-" { -total } else { total };
            millis -= i64::from(total) * 60_000;
            offset = Some(total);
        }
    }
    Some(MsDate {
        millis,
        offset_minutes: offset,
    })
}

/// Year, month and day (proleptic Gregorian) of a day count since 1970-01-01, after Howard
/// Hinnant's `civil_from_days`: the one calendar conversion the workspace uses (the dates
/// written here, the sandbox's catalog, the command line's tables).
///
/// ```
/// use connect_types::date::civil_from_days;
/// assert_eq!(civil_from_days(0), (1970, 1, 1));
/// assert_eq!(civil_from_days(11_016), (2000, 2, 29));
/// assert_eq!(civil_from_days(-1), (1969, 12, 31));
/// ```
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // d is 1..=31 and m 1..=12 by construction.
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

impl fmt::Display for IsoDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset_ms = i64::from(self.offset_minutes.unwrap_or(0)) * 60_000;
        let local = self.millis.saturating_add(offset_ms);
        let (days, ms_of_day) = (local.div_euclid(86_400_000), local.rem_euclid(86_400_000));
        let (y, mo, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        write!(
            f,
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if ms_of_day % 1000 != 0 {
            write!(f, ".{:03}", ms_of_day % 1000)?;
        }
        match self.offset_minutes {
            None => f.write_str("Z"),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                let a = o.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 60, a % 60)
            }
        }
    }
}

impl std::str::FromStr for IsoDateTime {
    type Err = DateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for IsoDateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IsoDateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 date-time string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IsoDateTime, E> {
                IsoDateTime::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(feature = "schema")]
mod schema {
    use super::{IsoDateTime, MsDate, RequestDate};
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use std::borrow::Cow;

    impl JsonSchema for MsDate {
        fn schema_name() -> Cow<'static, str> {
            "MsDate".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "description": "Microsoft JSON date: /Date(milliseconds since the epoch[+-hhmm])/",
                "pattern": "^/Date\\(-?[0-9]+([+-][0-9]{4})?\\)/$"
            })
        }
    }

    impl JsonSchema for IsoDateTime {
        fn schema_name() -> Cow<'static, str> {
            "IsoDateTime".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "format": "date-time",
                "description": "ISO 8601 date and time, YYYY-MM-DDThh:mm:ssTZD"
            })
        }
    }

    impl JsonSchema for RequestDate {
        fn schema_name() -> Cow<'static, str> {
            "RequestDate".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte-by-byte reader gives what the general one gives, wherever it answers.
        #[test]
        fn plain_reader_agrees_with_the_general_one(
            s in r"(/Date\()?-?[0-9]{0,20}([+-][0-9]{3,5})?(\)/)?",
        ) {
            if let Some(plain) = MsDate::parse_plain(s.as_bytes()) {
                proptest::prop_assert_eq!(Ok(plain), MsDate::parse_general(&s));
            }
        }
    }

    #[test]
    fn plain_reader_takes_the_common_form_only() {
        assert_eq!(
            MsDate::parse_plain(b"/Date(1294868991374-0800)/"),
            Some(MsDate {
                millis: 1_294_868_991_374,
                offset_minutes: Some(-480)
            })
        );
        for other in [
            "/Date(-1)/",
            " /Date(1)/",
            "\\/Date(1)\\/",
            "/Date(1+2400)/",
            "/Date(1+0060)/",
        ] {
            assert_eq!(MsDate::parse_plain(other.as_bytes()), None, "{other}");
        }
        assert_eq!(MsDate::parse("/Date(1+2400)/").ok(), None);
        assert_eq!(MsDate::parse("/Date(-1)/").map(|d| d.millis), Ok(-1));
    }

    #[test]
    fn parses_documented_forms() {
        let d: MsDate = serde_json::from_str(r#""\/Date(1294868991374-0800)\/""#).unwrap();
        assert_eq!(d.millis, 1_294_868_991_374);
        assert_eq!(d.offset_minutes, Some(-480));
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#""/Date(1294868991374-0800)/""#
        );

        let d = MsDate::parse("/Date(1294868991374)/").unwrap();
        assert_eq!(d.offset_minutes, None);
        assert_eq!(d.to_string(), "/Date(1294868991374)/");

        let d = MsDate::parse("/Date(-86400000+0530)/").unwrap();
        assert_eq!(d.millis, -86_400_000);
        assert_eq!(d.offset_minutes, Some(330));
        assert_eq!(d.to_string(), "/Date(-86400000+0530)/");
        assert_eq!(
            d.to_system_time(),
            Some(UNIX_EPOCH - Duration::from_secs(86_400))
        );
    }

    #[test]
    fn dates_beyond_the_clock_give_none_or_the_same_instant() {
        // SystemTime's range is platform-specific (Windows counts 100 ns ticks from 1601); a
        // server may send any i64. Either the instant converts exactly, or there is none.
        for millis in [
            i64::MIN,
            i64::MIN + 1,
            -62_135_596_800_001,
            0,
            i64::MAX - 1,
            i64::MAX,
        ] {
            let d = MsDate::parse(&format!("/Date({millis})/")).unwrap();
            if let Some(t) = d.to_system_time() {
                assert_eq!(MsDate::from_system_time(t).millis, millis);
            }
        }
        assert_eq!(
            MsDate::from_millis(1_500).to_system_time(),
            Some(UNIX_EPOCH + Duration::from_millis(1_500))
        );
    }

    #[test]
    fn rejects_junk() {
        for s in [
            "",
            "/Date()/",
            "/Date(abc)/",
            "Date(1)",
            "/Date(1-08)/",
            "/Date(1+2460)/",
        ] {
            assert!(MsDate::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn iso_date_times_keep_their_zone() {
        let t = IsoDateTime::parse("2013-04-02T10:31:41-07:00").unwrap();
        assert_eq!(t.millis, 1_364_923_901_000);
        assert_eq!(t.offset_minutes, Some(-420));
        assert_eq!(t.to_string(), "2013-04-02T10:31:41-07:00");
        let z = IsoDateTime::parse("2013-04-02T17:31:41.5Z").unwrap();
        assert_eq!(z.millis, 1_364_923_901_500);
        assert_eq!(z.to_string(), "2013-04-02T17:31:41.500Z");
        assert_eq!(
            IsoDateTime::parse("/Date(1364923901000)/").unwrap().millis,
            t.millis
        );
        assert_eq!(
            IsoDateTime::parse("1969-12-31").unwrap().to_string(),
            "1969-12-31T00:00:00Z"
        );
        assert!(IsoDateTime::parse("last tuesday").is_err());
        assert!(IsoDateTime::parse("2013-04-02T25:00:00Z").is_err());
    }

    #[test]
    fn request_dates() {
        let d = RequestDate::parse("2011-01-12").unwrap();
        assert_eq!(d.to_string(), "2011-01-12");
        assert_eq!(RequestDate::parse("2011-01-12T00:00:00").unwrap(), d);
        assert_eq!(
            RequestDate::new(1970, 1, 2).unwrap().start_millis(),
            86_400_000
        );
        assert!(RequestDate::parse("2011-02-30").is_err());
        assert!(RequestDate::parse("2011-13-01").is_err());
        assert!(RequestDate::parse("11-01-01").is_err());
        assert!(RequestDate::new(2000, 2, 29).is_some());
        assert!(RequestDate::new(1900, 2, 29).is_none());
    }
}

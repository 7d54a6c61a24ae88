//! Lenient decoders for fields the documentation types inconsistently.
//!
//! Use with `#[serde(default, deserialize_with = "...")]`; encoding stays the documented type.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

use crate::date::{MsDate, RequestDate};

/// An integer type that [`opt_int`] can produce.
pub trait LenientInt: Sized + Copy {
    /// Converts from a signed value, if it fits.
    fn from_i64(v: i64) -> Option<Self>;
    /// Converts from an unsigned value, if it fits.
    fn from_u64(v: u64) -> Option<Self>;
}

macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl LenientInt for $t {
            fn from_i64(v: i64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_u64(v: u64) -> Option<Self> { <$t>::try_from(v).ok() }
        }
    )*};
}
lenient_int!(i32, i64, u8, u16, u32, u64, usize);

struct IntVisitor<T>(PhantomData<T>);

impl<'de, T: LenientInt> Visitor<'de> for IntVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, a string holding an integer, or null")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("integer {v} out of range")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("integer {v} out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // 30.0 is an integer written oddly; 30.5 is not an integer at all.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            #[allow(clippy::cast_possible_truncation)]
            return self.visit_i64(v as i64);
        }
        Err(E::custom(format!("expected an integer, found {v}")))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if let Ok(n) = t.parse::<i64>() {
            return self.visit_i64(n);
        }
        if let Ok(n) = t.parse::<u64>() {
            return self.visit_u64(n);
        }
        Err(E::custom(format!(
            "expected an integer, found the string {v:?}"
        )))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// An optional integer that may arrive as a number, a numeric string, `""` or `null`.
pub fn opt_int<'de, D: Deserializer<'de>, T: LenientInt>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(IntVisitor(PhantomData))
}

/// A required integer that may arrive as a number or a numeric string (`""`/`null` read as 0).
pub fn int<'de, D: Deserializer<'de>, T: LenientInt + Default>(d: D) -> Result<T, D::Error> {
    opt_int(d).map(Option::unwrap_or_default)
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, \"true\"/\"false\", \"\" or null")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::custom(format!("expected a boolean, found {v}"))),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        #[allow(clippy::cast_possible_wrap)]
        self.visit_i64(v.min(2) as i64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            Ok(None)
        } else if t.eq_ignore_ascii_case("true") || t == "1" {
            Ok(Some(true))
        } else if t.eq_ignore_ascii_case("false") || t == "0" {
            Ok(Some(false))
        } else {
            Err(E::custom(format!(
                "expected a boolean, found the string {v:?}"
            )))
        }
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// An optional boolean that may arrive as `true`, `"true"`, `"False"`, `""`, `1`/`0` or `null`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_option(BoolVisitor)
}

/// A boolean that may arrive in any of the forms [`opt_bool`] reads; missing reads as `false`.
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d).map(Option::unwrap_or_default)
}

/// A string that may arrive as a number (ids documented as strings but sent bare), into a
/// `String` or a [`SmallString`](crate::SmallString) (whichever the field is).
pub fn opt_string<'de, D, S>(d: D) -> Result<Option<S>, D::Error>
where
    D: Deserializer<'de>,
    S: From<String> + for<'a> From<&'a str>,
{
    struct V<S>(PhantomData<S>);
    impl<'de, S: From<String> + for<'a> From<&'a str>> Visitor<'de> for V<S> {
        type Value = Option<S>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(S::from(v)))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(S::from(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(S::from(v.to_string())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(S::from(v.to_string())))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(S::from(v.to_string())))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(S::from(if v { "true" } else { "false" })))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_option(V(PhantomData))
}

/// A list that may arrive as `null` (read as empty).
pub fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
}

/// A list read with a first reservation of `first` entries (made when the first entry
/// arrives, so an empty list allocates nothing), and shrunk afterwards if `shrink` and it came
/// out less than half full. JSON gives no length ahead, so a plain `Vec` grows 4, 8, 16, ...
/// and copies what it holds each time: for the 75 images of a search page (920 bytes each)
/// that is six allocations and 114 KB copied a decode.
fn vec_reserving<'de, D, T>(d: D, first: usize, shrink: bool) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct V<T> {
        first: usize,
        shrink: bool,
        _t: PhantomData<T>,
    }
    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or null")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                if out.capacity() == 0 {
                    out.reserve_exact(seq.size_hint().unwrap_or(0).max(self.first));
                }
                out.push(item);
            }
            if self.shrink && out.len() < out.capacity() / 2 {
                out.shrink_to_fit();
            }
            Ok(out)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
    }
    d.deserialize_option(V {
        first,
        shrink,
        _t: PhantomData,
    })
}

/// The largest page a search serves (`ItemCount` 75).
const LARGEST_PAGE: usize = 75;

/// The items of a result page (images of a search), as [`vec()`] reads them: room for the
/// largest page the API serves (75) is made at the first item, and given back after if the
/// page came out smaller, so a page is read with one allocation, not seven.
pub fn page<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    vec_reserving(d, LARGEST_PAGE, true)
}

/// An image's keywords, as [`vec()`] reads them, with room for 16 made at the first (a search
/// answer carries a dozen or so an image: one allocation instead of three).
pub fn keywords<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    vec_reserving(d, 16, false)
}

/// A list of integers whose entries may arrive as numbers or numeric strings; `null` reads as
/// empty and `""`/`null` entries are dropped.
pub fn vec_int<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: LenientInt,
{
    struct Item<T>(Option<T>);
    impl<'de, T: LenientInt> Deserialize<'de> for Item<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            opt_int(d).map(Item)
        }
    }
    let items = Option::<Vec<Item<T>>>::deserialize(d)?.unwrap_or_default();
    Ok(items.into_iter().filter_map(|i| i.0).collect())
}

/// A list of strings whose entries may arrive as strings, bare numbers, or objects wrapping
/// one id (`{"AssetId": "123"}`, a form some pages type as "Object"); `null` reads as empty
/// and `null` entries are dropped.
pub fn vec_string<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    use serde_json::Value;
    fn scalar(v: Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }
    let items = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::Null => {}
            Value::Object(map) => match map.into_iter().find_map(|(_, v)| scalar(v)) {
                Some(s) => out.push(s),
                None => {
                    return Err(de::Error::custom(
                        "expected an id, found an object without one",
                    ));
                }
            },
            Value::Array(_) => return Err(de::Error::custom("expected an id, found a list")),
            other => out.extend(scalar(other)),
        }
    }
    Ok(out)
}

/// One value that may arrive as a single value or as a list of them (the first is kept).
/// `null` and `[]` read as `None`.
pub fn one_or_first<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde_json::Value;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => match items.into_iter().find(|v| !v.is_null()) {
            Some(v) => T::deserialize(v).map(Some).map_err(de::Error::custom),
            None => Ok(None),
        },
        Some(v) => T::deserialize(v).map(Some).map_err(de::Error::custom),
    }
}

/// Reads an optional string-like value (a string, or a number or boolean written out as one)
/// and hands it to `parse` as a `&str` without copying it: a date field of a search answer is
/// read in place, with no `String` built for it. `null` (and `parse` returning `None`) read as
/// `None`.
fn with_str<'de, D, T, F>(d: D, parse: F) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<Option<T>, String>,
{
    struct V<F>(F);
    impl<'de, T, F: FnOnce(&str) -> Result<Option<T>, String>> Visitor<'de> for V<F> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            (self.0)(v).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.visit_str(if v { "true" } else { "false" })
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_option(V(parse))
}

/// An optional date: a Microsoft JSON date, an ISO 8601 date or date-time (converted to
/// milliseconds; a missing zone means UTC), `""` or `null`.
pub fn opt_ms_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MsDate>, D::Error> {
    with_str(d, |s| {
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        MsDate::parse(t)
            .or_else(|e| crate::date::parse_iso(t).ok_or(e))
            .map(Some)
            .map_err(|e| e.to_string())
    })
}

/// An optional ISO 8601 date-time (a Microsoft JSON date or a bare date also reads), `""` or
/// `null`.
pub fn opt_iso_date_time<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::date::IsoDateTime>, D::Error> {
    with_str(d, |s| {
        if s.trim().is_empty() {
            return Ok(None);
        }
        crate::date::IsoDateTime::parse(s)
            .map(Some)
            .map_err(|e| e.to_string())
    })
}

/// An optional request date: `YYYY-MM-DD` (a time part is dropped), `""` or `null`.
pub fn opt_request_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RequestDate>, D::Error> {
    with_str(d, |s| {
        if s.trim().is_empty() {
            return Ok(None);
        }
        RequestDate::parse(s).map(Some).map_err(|e| e.to_string())
    })
}

/// Writes an optional integer as the string the documentation shows (`"42"`), for fields
/// typed string in the docs but numeric in practice. Only called when the value is set.
pub fn opt_int_as_string<S, T>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: fmt::Display,
{
    match v {
        Some(n) => s.collect_str(n),
        None => s.serialize_none(),
    }
}

/// Schema of an integer written as a string of digits (see [`opt_int_as_string`]).
#[cfg(feature = "schema")]
pub fn numeric_string_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "pattern": "^[0-9]+$" })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_int")]
        n: Option<u32>,
        #[serde(default, deserialize_with = "super::opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "super::vec")]
        v: Vec<u8>,
        #[serde(default, deserialize_with = "super::opt_string")]
        s: Option<String>,
    }

    fn t(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn numbers_as_numbers_strings_empty_or_null() {
        assert_eq!(t(r#"{"n":30}"#).unwrap().n, Some(30));
        assert_eq!(t(r#"{"n":"30"}"#).unwrap().n, Some(30));
        assert_eq!(t(r#"{"n":" 30 "}"#).unwrap().n, Some(30));
        assert_eq!(t(r#"{"n":30.0}"#).unwrap().n, Some(30));
        assert_eq!(t(r#"{"n":""}"#).unwrap().n, None);
        assert_eq!(t(r#"{"n":null}"#).unwrap().n, None);
        assert_eq!(t(r#"{}"#).unwrap().n, None);
        assert!(t(r#"{"n":"thirty"}"#).is_err());
        assert!(t(r#"{"n":-1}"#).is_err());
        assert!(t(r#"{"n":30.5}"#).is_err());
    }

    #[test]
    fn booleans_in_every_documented_form() {
        assert_eq!(t(r#"{"b":true}"#).unwrap().b, Some(true));
        assert_eq!(t(r#"{"b":"true"}"#).unwrap().b, Some(true));
        assert_eq!(t(r#"{"b":"False"}"#).unwrap().b, Some(false));
        assert_eq!(t(r#"{"b":""}"#).unwrap().b, None);
        assert_eq!(t(r#"{"b":1}"#).unwrap().b, Some(true));
        assert!(t(r#"{"b":"maybe"}"#).is_err());
    }

    #[test]
    fn null_list_is_empty_and_numeric_id_is_string() {
        assert_eq!(t(r#"{"v":null}"#).unwrap().v, Vec::<u8>::new());
        assert_eq!(t(r#"{"s":12345}"#).unwrap().s.as_deref(), Some("12345"));
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct L {
        #[serde(default, deserialize_with = "super::vec_int")]
        ints: Vec<u64>,
        #[serde(default, deserialize_with = "super::vec_string")]
        strs: Vec<String>,
        #[serde(default, deserialize_with = "super::one_or_first")]
        one: Option<String>,
        #[serde(default, deserialize_with = "super::opt_ms_date")]
        date: Option<crate::MsDate>,
    }

    fn l(json: &str) -> Result<L, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn lists_of_mixed_numbers_strings_and_wrapped_ids() {
        assert_eq!(l(r#"{"ints":[1,"2",null,""]}"#).unwrap().ints, vec![1, 2]);
        assert_eq!(l(r#"{"ints":null}"#).unwrap().ints, Vec::<u64>::new());
        assert!(l(r#"{"ints":["x"]}"#).is_err());
        assert_eq!(
            l(r#"{"strs":["a",7,{"AssetId":"b"},null]}"#).unwrap().strs,
            vec!["a", "7", "b"]
        );
        assert!(l(r#"{"strs":[{}]}"#).is_err());
    }

    #[test]
    fn single_value_or_list() {
        assert_eq!(l(r#"{"one":"Raw"}"#).unwrap().one.as_deref(), Some("Raw"));
        assert_eq!(
            l(r#"{"one":["Raw","Produced"]}"#).unwrap().one.as_deref(),
            Some("Raw")
        );
        assert_eq!(l(r#"{"one":[]}"#).unwrap().one, None);
        assert_eq!(l(r#"{"one":null}"#).unwrap().one, None);
    }

    #[test]
    fn dates_in_ms_or_iso_form() {
        let d = l(r#"{"date":"\/Date(1294868991374-0800)\/"}"#)
            .unwrap()
            .date
            .unwrap();
        assert_eq!(d.millis, 1_294_868_991_374);
        assert_eq!(l(r#"{"date":""}"#).unwrap().date, None);
        let d = l(r#"{"date":"1970-01-02"}"#).unwrap().date.unwrap();
        assert_eq!(d.millis, 86_400_000);
        let d = l(r#"{"date":"1970-01-01T01:00:00.5+01:00"}"#)
            .unwrap()
            .date
            .unwrap();
        assert_eq!(d.millis, 500);
        assert_eq!(d.offset_minutes, Some(60));
        assert!(l(r#"{"date":"yesterday"}"#).is_err());
        // An offset MsDate cannot carry (found by the `lenient` fuzz target).
        assert!(l(r#"{"date":"2020-02-29T23:59:59-75:00"}"#).is_err());
        assert!(l(r#"{"date":"2020-02-29T23:59:59+12:60"}"#).is_err());
        let d = l(r#"{"date":"2020-02-29T23:59:59-23:59"}"#)
            .unwrap()
            .date
            .unwrap();
        assert_eq!(d.offset_minutes, Some(-(23 * 60 + 59)));
    }
}

//! Lenient decoders for fields the documentation types inconsistently.
//!
//! Use with `#[serde(default, deserialize_with = "...")]`; encoding stays the documented type.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

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

/// A string that may arrive as a number (ids documented as strings but sent bare).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
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
    d.deserialize_option(V)
}

/// A list that may arrive as `null` (read as empty).
pub fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
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
}

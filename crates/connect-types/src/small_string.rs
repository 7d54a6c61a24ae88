//! [`SmallString`]: the string type of ids and keywords, which keeps up to 24 bytes inline.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

/// A string that stores up to 24 bytes (on 64-bit targets) inline, without a heap
/// allocation, and longer text on the heap like a `String`.
///
/// The answers of the API are full of short strings: image ids (`"100005395"`), collection ids,
/// keyword ids and keyword texts (`"60034"`, `"winter"`). A 75-image search with keywords holds
/// about two thousand of them, and allocating each one was most of the cost of decoding it;
/// as `SmallString`s they cost none. On the wire, in JSON Schemas and in `Debug` output a
/// `SmallString` is exactly a string.
///
/// It dereferences to `str`, so string methods, `&id` where a `&str` is expected, and
/// `Option::as_deref` work as with a `String`:
///
/// ```
/// use connect_types::SmallString;
/// let id = SmallString::from("100005395");
/// assert_eq!(id, "100005395");
/// assert!(id.starts_with("1000"));
/// fn takes(s: &str) -> usize { s.len() }
/// assert_eq!(takes(&id), 9);
/// let owned: String = id.into();
/// assert_eq!(owned, "100005395");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SmallString(compact_str::CompactString);

impl SmallString {
    /// An empty string.
    pub const fn new() -> Self {
        Self(compact_str::CompactString::const_new(""))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The text as a `String` (no copy when it is on the heap already).
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

impl Deref for SmallString {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for SmallString {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SmallString {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for SmallString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SmallString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for SmallString {
    fn from(s: &str) -> Self {
        Self(s.into())
    }
}

impl From<&String> for SmallString {
    fn from(s: &String) -> Self {
        Self(s.as_str().into())
    }
}

impl From<String> for SmallString {
    fn from(s: String) -> Self {
        Self(s.into())
    }
}

impl From<Cow<'_, str>> for SmallString {
    fn from(s: Cow<'_, str>) -> Self {
        Self(s.into())
    }
}

impl From<SmallString> for String {
    fn from(s: SmallString) -> Self {
        s.into_string()
    }
}

impl std::str::FromStr for SmallString {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(s.into())
    }
}

impl PartialEq<str> for SmallString {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SmallString {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SmallString {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SmallString> for str {
    fn eq(&self, other: &SmallString) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SmallString> for &str {
    fn eq(&self, other: &SmallString) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SmallString> for String {
    fn eq(&self, other: &SmallString) -> bool {
        self.as_str() == other.as_str()
    }
}

impl serde::Serialize for SmallString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SmallString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SmallString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SmallString, E> {
                Ok(v.into())
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<SmallString, E> {
                Ok(v.into())
            }
        }
        d.deserialize_str(V)
    }
}

/// The schema of a `String`, under the same name: generated schemas do not change.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for SmallString {
    fn inline_schema() -> bool {
        <String as schemars::JsonSchema>::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        <String as schemars::JsonSchema>::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        <String as schemars::JsonSchema>::schema_id()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <String as schemars::JsonSchema>::json_schema(g)
    }
}

#[cfg(test)]
mod tests {
    use super::SmallString;

    #[test]
    fn short_and_long_text_read_back_alike() {
        let long = "https://www.gettyimages.connect-sandbox.invalid/detail/100005395";
        for text in ["", "60034", "exactly twenty-four byte", long] {
            let s = SmallString::from(text);
            assert_eq!(s, text);
            assert_eq!(s.len(), text.len());
            assert_eq!(String::from(s.clone()), text);
            assert_eq!(format!("{s}"), text);
            assert_eq!(format!("{s:?}"), format!("{text:?}"));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            assert_eq!(serde_json::from_str::<SmallString>(&json).unwrap(), s);
        }
    }

    #[test]
    fn escaped_text_decodes_and_non_strings_are_refused() {
        let s: SmallString = serde_json::from_str(r#""a\/b\u00e9""#).unwrap();
        assert_eq!(s, "a/bé");
        assert!(serde_json::from_str::<SmallString>("12").is_err());
        assert!(serde_json::from_str::<SmallString>("null").is_err());
    }

    #[test]
    fn orders_and_hashes_as_its_text() {
        use std::collections::HashSet;
        let mut v = vec![SmallString::from("b"), SmallString::from("a")];
        v.sort();
        assert_eq!(v, ["a", "b"]);
        let set: HashSet<SmallString> = v.into_iter().collect();
        assert!(set.contains("a"));
    }

    #[cfg(feature = "schema")]
    #[test]
    fn schema_is_a_strings() {
        let a = schemars::schema_for!(SmallString);
        let b = schemars::schema_for!(String);
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::to_value(&b).unwrap()
        );
    }
}

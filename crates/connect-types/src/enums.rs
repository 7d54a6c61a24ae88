//! String-valued enums that keep the documented spelling on the wire, read any casing, and
//! keep values the documentation does not list in an `Other` variant.
//!
//! [`string_enum!`](crate::string_enum) generates such a type; the enums used by the operation
//! models live next to those models.

/// Declares a string enum with an `Other(String)` fallback.
///
/// ```
/// connect_types::string_enum! {
///     /// Orientation of an image.
///     pub enum Shape {
///         /// Wider than tall.
///         Wide = "Wide",
///         /// Taller than wide.
///         Tall = "Tall",
///     }
/// }
/// let s: Shape = serde_json::from_str("\"wIDE\"").unwrap();
/// assert_eq!(s, Shape::Wide);
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"Wide\"");
/// let o: Shape = serde_json::from_str("\"Round\"").unwrap();
/// assert_eq!(o, Shape::Other("Round".into()));
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the documentation does not list, kept as it arrived.
            Other(::std::string::String),
        }

        impl $name {
            /// Every documented value, in documentation order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Parses a value in any casing; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                // The documented spelling, as servers send it, is one comparison per length
                // that matches; other casings take the slower case-blind pass.
                match s {
                    $( $wire => return $name::$variant, )+
                    _ => {}
                }
                $( if s.eq_ignore_ascii_case($wire) { return $name::$variant; } )+
                $name::Other(s.to_owned())
            }

            /// Whether this is a documented value (not `Other`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                d.deserialize_str($crate::enums::EnumVisitor(::std::marker::PhantomData::<$name>, $name::parse))
            }
        }

        #[cfg(feature = "schema")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let known: ::std::vec::Vec<&'static str> = vec![$($wire),+];
                ::schemars::json_schema!({
                    "description": "One of the documented values (any casing is accepted), or another string the server may add.",
                    "anyOf": [ { "type": "string", "enum": known }, { "type": "string" } ]
                })
            }
        }
    };
}

/// Visitor behind [`string_enum!`](crate::string_enum): reads a string (borrowed or owned) and
/// maps it with the enum's `parse`. Public only so the macro can name it.
#[doc(hidden)]
#[allow(missing_debug_implementations)]
pub struct EnumVisitor<T>(pub std::marker::PhantomData<T>, pub fn(&str) -> T);

impl<T> serde::de::Visitor<'_> for EnumVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.1)(v))
    }
}

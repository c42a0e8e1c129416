//! Reading JSON into Rust values the way JSON Schema reads it, where serde's
//! defaults differ: `1.0` is the integer 1; a `date-time`, `date` or `uuid`
//! must be in exactly the form its format names (chrono and uuid accept
//! more: a space for the `T`, braced or unhyphenated UUIDs); a string enum
//! is a string, never serde's `{"variant": null}` form.
//!
//! Generated code reads such members with `#[serde(deserialize_with =
//! "eventbind_runtime::wire::read")]` (or `read_some` for optional ones).

use crate::format::{is_hyphenated_uuid, rfc3339};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// A value read as its schema says, not as serde's default reads it.
/// Implemented for the scalars concerned and the containers generated code
/// wraps them in.
pub trait Wire: Sized {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error>;
}

/// `deserialize_with` for a member whose type holds such values.
pub fn read<'de, D: Deserializer<'de>, T: Wire>(de: D) -> Result<T, D::Error> {
    T::read(de)
}

/// `deserialize_with` for an optional member (with `default`): present is `Some`.
pub fn read_some<'de, D: Deserializer<'de>, T: Wire>(de: D) -> Result<Option<T>, D::Error> {
    T::read(de).map(Some)
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                de.deserialize_any(IntegerVisitor::<$t>(PhantomData))
            }
        }
    )*};
}
integer!(i32, i64);

struct IntegerVisitor<T>(PhantomData<T>);

impl<'de, T: TryFrom<i64> + TryFrom<u64>> Visitor<'de> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // 2^63 as f64; integral values inside the i64 range are integers.
        if v.fract() == 0.0 && v.abs() < 9_223_372_036_854_775_808.0 {
            self.visit_i64(v as i64)
        } else {
            Err(E::invalid_type(Unexpected::Float(v), &self))
        }
    }
}

/// Reads a string (borrowed where the input allows) and converts it.
struct StrVisitor<F> {
    expecting: &'static str,
    convert: F,
}

impl<'de, T, F: FnOnce(&str) -> Option<T>> Visitor<'de> for StrVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        let expecting = self.expecting;
        (self.convert)(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &expecting))
    }
}

fn string<'de, D: Deserializer<'de>, T>(
    de: D,
    expecting: &'static str,
    convert: impl FnOnce(&str) -> Option<T>,
) -> Result<T, D::Error> {
    de.deserialize_str(StrVisitor { expecting, convert })
}

impl Wire for chrono::DateTime<chrono::FixedOffset> {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        string(de, "an RFC 3339 date-time", |s| {
            rfc3339::date_time(s)
                .then(|| chrono::DateTime::parse_from_rfc3339(s).ok())
                .flatten()
        })
    }
}

impl Wire for chrono::NaiveDate {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        string(de, "an RFC 3339 full-date (YYYY-MM-DD)", rfc3339::full_date)
    }
}

impl Wire for uuid::Uuid {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        string(de, "a UUID in 8-4-4-4-12 form", |s| {
            is_hyphenated_uuid(s)
                .then(|| uuid::Uuid::parse_str(s).ok())
                .flatten()
        })
    }
}

impl<T: Wire> Wire for Option<T> {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Option::<Read<T>>::deserialize(de).map(|o| o.map(|v| v.0))
    }
}

impl<T: Wire> Wire for Box<T> {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        T::read(de).map(Box::new)
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Vec::<Read<T>>::deserialize(de).map(|v| v.into_iter().map(|x| x.0).collect())
    }
}

impl<T: Wire> Wire for std::collections::BTreeMap<String, T> {
    fn read<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        std::collections::BTreeMap::<String, Read<T>>::deserialize(de)
            .map(|m| m.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

/// A value read with [`Wire`] inside a container.
struct Read<T>(T);

impl<'de, T: Wire> Deserialize<'de> for Read<T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        T::read(de).map(Read)
    }
}

/// A string that is not one of a string enum's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    pub found: String,
    pub expected: &'static [&'static str],
}

impl UnknownValue {
    pub fn new(found: &str, expected: &'static [&'static str]) -> Self {
        UnknownValue {
            found: found.to_string(),
            expected,
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.expected.iter().map(|v| format!("`{v}`")).collect();
        write!(
            f,
            "unknown value `{}`, expected one of {}",
            self.found,
            list.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

/// `Deserialize` for a generated string enum: a JSON string, then `FromStr`.
pub fn string_enum<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = UnknownValue>,
{
    struct EnumVisitor<T>(PhantomData<T>);

    impl<T: FromStr<Err = UnknownValue>> Visitor<'_> for EnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            v.parse()
                .map_err(|e: UnknownValue| E::unknown_variant(&e.found, e.expected))
        }
    }

    de.deserialize_str(EnumVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "read")]
        n: i64,
        #[serde(default, deserialize_with = "read_some")]
        m: Option<Option<Vec<i32>>>,
        #[serde(default, deserialize_with = "read_some")]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[serde(default, deserialize_with = "read_some")]
        id: Option<uuid::Uuid>,
        #[serde(default, deserialize_with = "read_some")]
        day: Option<chrono::NaiveDate>,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn integral_floats_are_integers() {
        let s = parse(r#"{"n": 1.0, "m": [2.0, 3]}"#).unwrap();
        assert_eq!((s.n, s.m), (1, Some(Some(vec![2, 3]))));
        assert_eq!(parse(r#"{"n": -4, "m": null}"#).unwrap().m, Some(None));
        for bad in [r#"{"n": 1.5}"#, r#"{"n": "1"}"#, r#"{"n": 1e300}"#] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(r#"{"n": 1, "m": [3000000000]}"#).is_err());
    }

    #[test]
    fn formats_are_read_strictly() {
        let ok = parse(
            r#"{"n": 0, "at": "1998-12-31T23:59:60Z", "id": "c86fcc87-a137-4c37-8d19-17edc7199fef", "day": "2024-02-29"}"#,
        )
        .unwrap();
        assert!(ok.at.is_some() && ok.id.is_some() && ok.day.is_some());
        for bad in [
            r#"{"n": 0, "at": "2016-05-23 05:25:36Z"}"#,
            r#"{"n": 0, "at": "2016-05-23T05:25:36 +0000"}"#,
            r#"{"n": 0, "at": "2016-05-23T22:59:60Z"}"#,
            r#"{"n": 0, "id": "{c86fcc87-a137-4c37-8d19-17edc7199fef}"}"#,
            r#"{"n": 0, "id": "c86fcc87a1374c378d1917edc7199fef"}"#,
            r#"{"n": 0, "day": "2023-02-29"}"#,
            r#"{"n": 0, "day": "2023-2-28"}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[derive(Debug, PartialEq)]
    enum Action {
        Add,
    }

    impl FromStr for Action {
        type Err = UnknownValue;
        fn from_str(s: &str) -> Result<Self, UnknownValue> {
            match s {
                "add" => Ok(Action::Add),
                _ => Err(UnknownValue {
                    found: s.to_string(),
                    expected: &["add"],
                }),
            }
        }
    }

    #[test]
    fn string_enums_are_strings_only() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            string_enum::<_, Action>(&mut de)
        };
        assert_eq!(read(r#""add""#).unwrap(), Action::Add);
        assert!(read(r#"{"add": null}"#).is_err());
        let error = read(r#""drop""#).unwrap_err().to_string();
        assert!(error.contains("unknown variant `drop`"), "{error}");
    }
}

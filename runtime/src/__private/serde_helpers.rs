//! Field adapters that keep "absent" and "null" apart, as JSON Schema does.

use serde::{Deserialize, Deserializer};

/// For a required field that may be `null`: with `deserialize_with`, serde no
/// longer treats a missing `Option` field as `None`, so absence is an error.
pub fn required_nullable<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de)
}

/// For an optional field that may not be `null` (use with `#[serde(default)]`):
/// absent is `None`; `null` is an error unless `T` itself holds null. (Serde
/// alone would read `null` as absent.)
pub fn present<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(de).map(Some)
}

/// For an optional field that may be `null`: absent is `None`, `null` is
/// `Some(None)` (use with `#[serde(default)]`).
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct S {
        #[serde(deserialize_with = "required_nullable")]
        a: Option<i64>,
        #[serde(default, deserialize_with = "present")]
        b: Option<i64>,
        #[serde(default, deserialize_with = "double_option")]
        c: Option<Option<i64>>,
    }

    #[test]
    fn absent_and_null_stay_apart() {
        let s: S = serde_json::from_str(r#"{"a": null, "c": null}"#).unwrap();
        assert_eq!((s.a, s.b, s.c), (None, None, Some(None)));
        let s: S = serde_json::from_str(r#"{"a": 1, "b": 2}"#).unwrap();
        assert_eq!((s.a, s.b, s.c), (Some(1), Some(2), None));
        assert!(serde_json::from_str::<S>(r#"{}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"a": 1, "b": null}"#).is_err());
    }
}

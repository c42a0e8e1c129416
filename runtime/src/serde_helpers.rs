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

/// For an optional field that may be `null`: absent is `None`, `null` is
/// `Some(None)` (use with `#[serde(default)]`).
pub fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

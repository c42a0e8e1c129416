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

/// Deserialisation that accepts what JSON Schema calls an integer: `1.0` is
/// the integer 1 (serde alone rejects it for an `i64`). Implemented for the
/// integer types and the containers generated code wraps them in.
pub trait Lenient: Sized {
    fn lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error>;
}

macro_rules! lenient_integer {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                de.deserialize_any(IntegerVisitor::<$t>(std::marker::PhantomData))
            }
        }
    )*};
}
lenient_integer!(i32, i64);

struct IntegerVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: TryFrom<i64> + TryFrom<u64>> serde::de::Visitor<'de> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
        // 2^63 as f64; integral values inside the i64 range are integers.
        if v.fract() == 0.0 && v.abs() < 9_223_372_036_854_775_808.0 {
            self.visit_i64(v as i64)
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
        }
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Option::<LenientValue<T>>::deserialize(de).map(|o| o.map(|v| v.0))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Vec::<LenientValue<T>>::deserialize(de).map(|v| v.into_iter().map(|x| x.0).collect())
    }
}

impl<T: Lenient> Lenient for std::collections::BTreeMap<String, T> {
    fn lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        std::collections::BTreeMap::<String, LenientValue<T>>::deserialize(de)
            .map(|m| m.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

/// A value read with [`Lenient`] inside a container.
struct LenientValue<T>(T);

impl<'de, T: Lenient> Deserialize<'de> for LenientValue<T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        T::lenient(de).map(LenientValue)
    }
}

/// `deserialize_with` for a member whose type holds integers.
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(de: D) -> Result<T, D::Error> {
    T::lenient(de)
}

/// `deserialize_with` for an optional member (with `default`): present is `Some`.
pub fn lenient_some<'de, D: Deserializer<'de>, T: Lenient>(de: D) -> Result<Option<T>, D::Error> {
    T::lenient(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct S {
        #[serde(deserialize_with = "lenient")]
        n: i64,
        #[serde(default, deserialize_with = "lenient_some")]
        m: Option<Option<Vec<i32>>>,
    }

    #[test]
    fn integral_floats_are_integers() {
        let s: S = serde_json::from_str(r#"{"n": 1.0, "m": [2.0, 3]}"#).unwrap();
        assert_eq!(
            s,
            S {
                n: 1,
                m: Some(Some(vec![2, 3]))
            }
        );
        let s: S = serde_json::from_str(r#"{"n": -4, "m": null}"#).unwrap();
        assert_eq!(s.m, Some(None));
        assert!(serde_json::from_str::<S>(r#"{"n": 1.5}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"n": "1"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"n": 1e300}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"n": 1, "m": [3000000000]}"#).is_err());
    }
}

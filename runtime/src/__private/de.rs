//! What `#[derive(DeserializeObject)]` calls: reading a member name without a
//! copy, the adapters behind the runtime's `deserialize_with` helpers as
//! seeds (so a member read through one needs no wrapper type of its own), and
//! serde's rules for a member that is missing or given twice.
//!
//! The derived `Deserialize` reads a JSON object member by member, as serde's
//! derive does, so every outcome (value, error message, error position) stays
//! what serde's derive gives; it only writes much less code per struct.

use super::{serde_helpers, wire};
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

pub use serde::de::{IgnoredAny, MapAccess};

/// A member name, borrowed from the input where the input allows (serde_json
/// does for a name without escapes).
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Key<'de> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (for a map of undeclared members).
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(name)))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name)))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, name: &'de [u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_borrowed_str(name),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(name), &self)),
        }
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(name), &self)),
        }
    }
}

/// Serde's error for a member given twice, raised before its second value is
/// read (where serde's derive raises it).
fn vacant<T, E: de::Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
    match slot {
        Some(_) => Err(E::duplicate_field(name)),
        None => Ok(()),
    }
}

/// Reads member `name`'s value into its slot (one call per member keeps the
/// derived code, and so its compile time, small).
pub fn next<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    vacant(slot, name)?;
    *slot = Some(map.next_value()?);
    Ok(())
}

/// [`next`], reading the value with adapter `R`.
pub fn next_with<'de, R: Adapter<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<R::Value>,
    name: &'static str,
) -> Result<(), A::Error> {
    vacant(slot, name)?;
    *slot = Some(map.next_value_seed(With::<R>::new())?);
    Ok(())
}

/// The value of a member without a default: its slot, or [`missing`].
pub fn take<'de, T: Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => missing(name),
    }
}

/// The value of a member read with `deserialize_with` and without a
/// default: serde's derive reports it missing even for an `Option`.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The value of a member that is absent and has no default: `None` for an
/// `Option`, else serde's "missing field" error (serde's derive reads it the
/// same way, through a deserializer that holds nothing).
pub fn missing<'de, T: Deserialize<'de>, E: de::Error>(name: &'static str) -> Result<T, E> {
    T::deserialize(Missing(name, PhantomData))
}

struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// How a member's value is read: the runtime function its `deserialize_with`
/// names, as a type, keyed by the member's type.
pub trait Adapter<'de> {
    /// The member's type.
    type Value;
    /// Reads the value.
    fn read<D: Deserializer<'de>>(de: D) -> Result<Self::Value, D::Error>;
}

/// Reads a member's value with adapter `A`.
pub struct With<A>(PhantomData<A>);

impl<A> With<A> {
    /// The seed.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        With(PhantomData)
    }
}

impl<'de, A: Adapter<'de>> DeserializeSeed<'de> for With<A> {
    type Value = A::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<A::Value, D::Error> {
        A::read(de)
    }
}

/// The adapters, one per `deserialize_with` helper of the runtime; the derive
/// finds them by the helper's name.
pub mod adapters {
    use super::*;

    /// `serde_helpers::present`, for a member of type `Option<T>`.
    pub struct Present<F>(PhantomData<F>);
    /// `serde_helpers::required_nullable`, for `Option<T>`.
    pub struct RequiredNullable<F>(PhantomData<F>);
    /// `serde_helpers::double_option`, for `Option<Option<T>>`.
    pub struct DoubleOption<F>(PhantomData<F>);
    /// `wire::read`, for any [`wire::Wire`] type.
    pub struct Read<F>(PhantomData<F>);
    /// `wire::read_some`, for `Option<T>` of a [`wire::Wire`] `T`.
    pub struct ReadSome<F>(PhantomData<F>);

    impl<'de, T: Deserialize<'de>> Adapter<'de> for Present<Option<T>> {
        type Value = Option<T>;
        fn read<D: Deserializer<'de>>(de: D) -> Result<Option<T>, D::Error> {
            serde_helpers::present(de)
        }
    }

    impl<'de, T: Deserialize<'de>> Adapter<'de> for RequiredNullable<Option<T>> {
        type Value = Option<T>;
        fn read<D: Deserializer<'de>>(de: D) -> Result<Option<T>, D::Error> {
            serde_helpers::required_nullable(de)
        }
    }

    impl<'de, T: Deserialize<'de>> Adapter<'de> for DoubleOption<Option<Option<T>>> {
        type Value = Option<Option<T>>;
        fn read<D: Deserializer<'de>>(de: D) -> Result<Option<Option<T>>, D::Error> {
            serde_helpers::double_option(de)
        }
    }

    impl<'de, T: wire::Wire> Adapter<'de> for Read<T> {
        type Value = T;
        fn read<D: Deserializer<'de>>(de: D) -> Result<T, D::Error> {
            wire::read(de)
        }
    }

    impl<'de, T: wire::Wire> Adapter<'de> for ReadSome<Option<T>> {
        type Value = Option<T>;
        fn read<D: Deserializer<'de>>(de: D) -> Result<Option<T>, D::Error> {
            wire::read_some(de)
        }
    }
}

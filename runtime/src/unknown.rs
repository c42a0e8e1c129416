//! An event the spec does not know, kept whole.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// serde_json's recursion limit: the deepest nesting it reads into a value.
const SERDE_JSON_DEPTH: usize = 128;

/// A delivery whose routing key names no message of the spec.
///
/// Nothing is lost: the JSON is kept byte for byte (serialising it writes the
/// same bytes back), with the routing key that was seen.
#[derive(Clone)]
pub struct UnknownEvent {
    key: Option<String>,
    raw: Box<RawValue>,
}

impl UnknownEvent {
    /// Wraps JSON already read as a [`RawValue`], with the routing key seen.
    pub fn new(key: Option<String>, raw: Box<RawValue>) -> Self {
        UnknownEvent { key, raw }
    }

    /// Keeps `bytes`, which must be one well-formed JSON document nesting at
    /// most as deep as serde_json reads a typed payload (128 levels).
    ///
    /// serde_json reads a [`RawValue`] without its recursion limit; the limit
    /// is held here too, so that an unknown event is refused where a known
    /// one would be, and [`UnknownEvent::to_value`] reads what was kept.
    pub fn from_slice(key: Option<String>, bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let raw: Box<RawValue> = crate::parse::deserialize(bytes)?;
        if crate::peek::scan::nests_deeper_than(raw.get().as_bytes(), SERDE_JSON_DEPTH) {
            // serde_json's own error for it ("recursion limit exceeded", located).
            serde_json::from_str::<serde_json::Value>(raw.get())?;
        }
        Ok(UnknownEvent { key, raw })
    }

    /// The routing key seen (e.g. a Commenda topic), or given from outside.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The JSON text exactly as received (without surrounding whitespace).
    pub fn raw(&self) -> &str {
        self.raw.get()
    }

    /// The payload as a JSON value, for inspection.
    pub fn to_value(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_str(self.raw.get())
    }
}

/// An unknown event holds whatever was sent: nothing in it to check.
impl crate::validate::Validate for UnknownEvent {
    #[inline]
    fn validate_at(&self, _at: &crate::path::Path<'_>, _errors: &mut crate::validate::Errors) {}
}

impl fmt::Debug for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownEvent")
            .field("key", &self.key)
            .field("raw", &self.raw.get())
            .finish()
    }
}

impl PartialEq for UnknownEvent {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.raw.get() == other.raw.get()
    }
}

impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

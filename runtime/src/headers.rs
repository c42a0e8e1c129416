//! Typed message headers from HTTP header pairs.

use crate::error::ParseError;
use crate::validate::Validate;
use serde::de::DeserializeOwned;

/// Builds a headers type from name/value pairs. Names are matched
/// case-insensitively (the spec's names are lower-cased); repeated headers are
/// joined with ", " as HTTP allows.
pub fn from_pairs<T, I, K, V>(pairs: I) -> Result<T, ParseError>
where
    T: DeserializeOwned + Validate,
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut object = serde_json::Map::new();
    for (name, value) in pairs {
        let name = name.as_ref().to_ascii_lowercase();
        let value = value.as_ref();
        match object.get_mut(&name) {
            Some(serde_json::Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(value);
            }
            _ => {
                object.insert(name, serde_json::Value::String(value.to_owned()));
            }
        }
    }
    crate::parse::from_value(&serde_json::Value::Object(object))
}

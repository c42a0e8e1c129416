//! What the SQL backends share: the columns, and how headers and classes are
//! written as text.

use super::StoreError;
use crate::delivery::Class;

/// The columns of a stored delivery, in the order rows are read.
pub const COLUMNS: &str = "dedup_key, body_hash, body, headers, transport, spec, name, message, \
     routing_key, class, received_at, state, attempts, last_error";

/// Headers as a JSON array of `[name, value]` pairs (order and repeats kept).
pub fn headers_to_text(headers: &[(String, String)]) -> String {
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".to_owned())
}

/// The headers of [`headers_to_text`].
pub fn headers_from_text(text: &str) -> Result<Vec<(String, String)>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError(format!("stored headers unreadable: {e}")))
}

/// The class of a stored name.
pub fn class_from_text(text: &str) -> Result<Class, StoreError> {
    Class::parse(text).ok_or_else(|| StoreError(format!("stored class `{text}` unknown")))
}

/// The state of a stored name.
pub fn state_from_text(text: &str) -> Result<super::State, StoreError> {
    super::State::parse(text).ok_or_else(|| StoreError(format!("stored state `{text}` unknown")))
}

//! Bytes to a typed, validated value. Validation is part of parsing: a value
//! that comes back `Ok` satisfies its schema.

use crate::error::{ErrorKind, ParseError, PointerError};
// Its home is `path` (which `faults` uses, and `faults` is used here); kept
// at this path too, where it was public first.
pub use crate::path::path_to_pointer;
use crate::validate::Validate;
use serde::de::{Deserialize, DeserializeOwned};

/// Parses and validates one JSON document as `T`.
///
/// The fast path is a plain `serde_json::from_slice`; only when it fails is
/// the document parsed again with path tracking, to report the JSON Pointer
/// of the fault. Valid payloads pay nothing for error reporting.
pub fn from_slice<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ParseError> {
    let value = match deserialize::<T>(bytes) {
        Ok(value) => value,
        Err(error) => return Err(every_fault::<T>(bytes, error)),
    };
    validated(value)
}

/// [`locate_error`], then every further fault of the payload (see
/// [`crate::faults`]): what a JSON Schema validator would list.
fn every_fault<T: DeserializeOwned + Validate>(
    bytes: &[u8],
    error: serde_json::Error,
) -> ParseError {
    let located = locate_error::<T>(bytes, error);
    if located.kind() != ErrorKind::InvalidPayload {
        return located;
    }
    let value = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => value,
        // The typed reading met a fault in the data before the document's
        // syntax error, and stopped there; a document that is not JSON is
        // malformed, whatever else is wrong with it.
        Err(syntax) if syntax.classify() != serde_json::error::Category::Data => {
            return locate_error::<T>(bytes, syntax)
        }
        Err(_) => return located,
    };
    let Some(first) = located.errors().first().cloned() else {
        return located;
    };
    ParseError::new(
        ErrorKind::InvalidPayload,
        crate::faults::every_fault::<T>(value, first),
    )
}

/// Parses and validates without locating faults: `None` on any failure. For
/// trying candidates whose errors would be thrown away.
pub fn try_from_slice<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Option<T> {
    let value = deserialize::<T>(bytes).ok()?;
    value.validate().is_ok().then_some(value)
}

/// `serde_json::from_slice`, faster: read from bytes, serde_json checks the
/// UTF-8 of each string it reads, paying a call per string; checking the
/// whole document at once and reading it as `&str` is the same parse
/// (serde_json's `StrRead` is its `SliceRead` without those checks), with the
/// same result and errors. A document that is not UTF-8 throughout is read
/// from bytes as before (only the strings serde reads need to be UTF-8).
pub fn deserialize<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// Like [`from_slice`], from an already parsed JSON value.
pub fn from_value<T: DeserializeOwned + Validate>(
    value: &serde_json::Value,
) -> Result<T, ParseError> {
    let typed = match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(typed) => typed,
        Err(error) => {
            let first = PointerError::new(
                path_to_pointer(error.path()),
                strip_position(&error.inner().to_string()),
            );
            return Err(ParseError::new(
                ErrorKind::InvalidPayload,
                crate::faults::every_fault::<T>(value.clone(), first),
            ));
        }
    };
    validated(typed)
}

fn validated<T: Validate>(value: T) -> Result<T, ParseError> {
    match value.validate() {
        Ok(()) => Ok(value),
        Err(errors) => Err(ParseError::new(ErrorKind::InvalidPayload, errors)),
    }
}

/// Turns a serde error into a located [`ParseError`]: syntax faults are
/// malformed JSON, data faults are an invalid payload at a pointer.
pub fn locate_error<T: DeserializeOwned>(bytes: &[u8], error: serde_json::Error) -> ParseError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => ParseError::single(
            ErrorKind::MalformedJson,
            "",
            format!(
                "line {} column {}: {}",
                error.line(),
                error.column(),
                strip_position(&error.to_string())
            ),
        ),
        Category::Data => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let located = serde_path_to_error::deserialize::<_, T>(&mut de);
            let (pointer, message) = match located {
                Err(e) => (
                    path_to_pointer(e.path()),
                    strip_position(&e.inner().to_string()),
                ),
                // Unreachable in practice: the same bytes failed a moment ago.
                Ok(_) => (String::new(), strip_position(&error.to_string())),
            };
            ParseError::new(
                ErrorKind::InvalidPayload,
                vec![PointerError::new(pointer, message)],
            )
        }
    }
}

/// serde_json appends " at line L column C"; the pointer says where instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Path;
    use crate::validate::Errors;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Point {
        x: i64,
        y: i64,
    }

    impl Validate for Point {
        fn validate_at(&self, _: &Path<'_>, _: &mut Errors) {}
    }

    #[test]
    fn a_document_that_is_not_json_is_malformed_even_after_a_data_fault() {
        // `x` has the wrong type, and the document breaks off after it.
        let error = from_slice::<Point>(br#"{"x": "1"}"y": 2}"#).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedJson, "{error:?}");
        // Well-formed with the same data fault: invalid, at its pointer.
        let error = from_slice::<Point>(br#"{"x": "1", "y": 2}"#).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(error.errors()[0].pointer, "/x");
    }
}

//! Bytes to a typed, validated value. Validation is part of parsing: a value
//! that comes back `Ok` satisfies its schema.

use crate::error::{ErrorKind, ParseError, PointerError};
// Its home is `path` (which `faults` uses, and `faults` is used here); kept
// at this path too, where it was public first.
pub use crate::path::path_to_pointer;
use crate::validate::Validate;
use serde::de::{Deserialize, DeserializeOwned, IgnoredAny};
use serde_json::error::Category;

/// Parses and validates one JSON document as `T`.
///
/// The fast path is a plain `serde_json::from_slice`; only when it fails is
/// the document read again: once to tell malformed JSON from an invalid
/// payload, and once more with path tracking to locate the first fault
/// unless the position serde_json gives already names it. The faults
/// after the first are listed when the error is asked for them
/// ([`ParseError::errors`]). Valid payloads pay nothing for error reporting.
pub fn from_slice<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ParseError> {
    // As `deserialize` reads it; the text, once checked, is passed on to
    // what reads a refused document again.
    let (read, text) = match std::str::from_utf8(bytes) {
        Ok(text) => (serde_json::from_str(text), Some(text)),
        Err(_) => (serde_json::from_slice(bytes), None),
    };
    match read {
        Ok(value) => validated(value),
        Err(error) => Err(unreadable::<T>(bytes, text, error)),
    }
}

/// The error for a document serde could not read as `T`: malformed JSON, or
/// an invalid payload located at its first fault.
fn unreadable<T: DeserializeOwned + Validate>(
    bytes: &[u8],
    text: Option<&str>,
    error: serde_json::Error,
) -> ParseError {
    if error.classify() != Category::Data {
        return locate_error::<T>(bytes, error);
    }
    // The typed reading met a fault in the data and stopped there; a document
    // that is not JSON further on is malformed, whatever else is wrong with it.
    // Mostly, the walk that locates the fault reads the rest to check that.
    if let Some(first) = text.and_then(|text| located_in_json::<T>(text, &error)) {
        return ParseError::listed_later(first, bytes, every_fault::<T>);
    }
    if let Err(syntax) = well_formed(bytes) {
        return locate_error::<T>(bytes, syntax);
    }
    ParseError::listed_later(located::<T>(bytes, &error), bytes, every_fault::<T>)
}

/// The first fault of a well-formed document serde refused as `T` (with
/// `error`): where serde_json stopped, when that names the value (see
/// [`crate::peek::locate`]), else by reading it again with path tracking.
fn located<T: DeserializeOwned>(bytes: &[u8], error: &serde_json::Error) -> PointerError {
    let message = message_of(error);
    let pointer = crate::peek::locate::fault_pointer(bytes, &message, error.line(), error.column());
    let Some(pointer) = pointer else {
        return first_fault::<T>(bytes, error);
    };
    let fault = PointerError::new(pointer, message);
    // The two must agree; every test run in a debug build checks it on
    // every invalid document it reads.
    debug_assert_eq!(
        fault,
        first_fault::<T>(bytes, error),
        "fault located by position"
    );
    fault
}

/// The first fault of a document serde refused as `T` (with `error`), read
/// off serde_json's position as [`located`] reads it, where the text from
/// the fault on is then checked to end the document as JSON: serde_json
/// read the text before the fault without fault, so the document is well
/// formed, and the malformed-or-invalid question is settled without
/// reading it all again. `None` where either step cannot tell; the caller
/// then checks the whole document and locates the fault as before.
fn located_in_json<T: DeserializeOwned>(
    text: &str,
    error: &serde_json::Error,
) -> Option<PointerError> {
    let bytes = text.as_bytes();
    let message = message_of(error);
    let (pointer, place) =
        crate::peek::locate::fault_place(bytes, &message, error.line(), error.column())?;
    if !crate::peek::syntax::rest_is_json(text, &place) {
        return None;
    }
    let fault = PointerError::new(pointer, message);
    // As in `located`: every test run in a debug build checks that the
    // position and a reading with path tracking agree, and that the
    // document is what serde_json reads as well formed.
    debug_assert_eq!(
        fault,
        first_fault::<T>(bytes, error),
        "fault located by position"
    );
    debug_assert!(
        serde_json::from_str::<IgnoredAny>(text).is_ok(),
        "rest read as JSON"
    );
    Some(fault)
}

/// Whether `bytes` are one JSON document, read without building anything.
/// JSON is UTF-8: a document that is not is read as a value, which refuses
/// it where serde_json says (skipping a string does not check its UTF-8).
/// The quick check (`peek::syntax`) answers for most documents; where it
/// does not accept one, serde_json reads it, for its own error.
fn well_formed(bytes: &[u8]) -> serde_json::Result<()> {
    match std::str::from_utf8(bytes) {
        Ok(text) if crate::peek::syntax::is_json(text) => Ok(()),
        Ok(text) => serde_json::from_str::<IgnoredAny>(text).map(drop),
        Err(_) => serde_json::from_slice::<serde_json::Value>(bytes).map(drop),
    }
}

/// The first fault of a well-formed document serde refused as `T` (with
/// `error`), located by reading it again with path tracking.
fn first_fault<T: DeserializeOwned>(bytes: &[u8], error: &serde_json::Error) -> PointerError {
    let located = match std::str::from_utf8(bytes) {
        Ok(text) => {
            serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_str(text))
        }
        Err(_) => serde_path_to_error::deserialize::<_, T>(
            &mut serde_json::Deserializer::from_slice(bytes),
        ),
    };
    match located {
        Err(e) => PointerError::new(path_to_pointer(e.path()), message_of(e.inner())),
        // Unreachable in practice: the same bytes failed a moment ago.
        Ok(_) => PointerError::new("", message_of(error)),
    }
}

/// Every fault of a well-formed `bytes` read as `T`, from the first, already
/// found (see [`crate::faults`]): what a JSON Schema validator would list.
fn every_fault<T: DeserializeOwned + Validate>(
    bytes: &[u8],
    first: &PointerError,
) -> Vec<PointerError> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => crate::faults::every_fault::<T>(value, first.clone()),
        // A number serde_json's values cannot hold (`1e400`): the first fault
        // is what there is.
        Err(_) => vec![first.clone()],
    }
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
            let first = PointerError::new(path_to_pointer(error.path()), message_of(error.inner()));
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
/// malformed JSON, data faults are an invalid payload at a pointer (the
/// first; reading `bytes` again as `T` finds it).
pub fn locate_error<T: DeserializeOwned>(bytes: &[u8], error: serde_json::Error) -> ParseError {
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            let malformed =
                ParseError::single(ErrorKind::MalformedJson, "", malformed_message(&error));
            // Where the reading stopped, for the router (see `route::quick`).
            match crate::peek::locate::offset(bytes, error.line(), error.column()) {
                Some(offset) => malformed.stopped_at_offset(offset),
                None => malformed,
            }
        }
        Category::Data => {
            ParseError::new(ErrorKind::InvalidPayload, vec![located::<T>(bytes, &error)])
        }
    }
}

/// serde_json appends " at line L column C"; the pointer says where instead.
/// (Cut off in place: this runs for every invalid delivery.)
fn strip_position(mut message: String) -> String {
    if let Some(index) = message.rfind(" at line ") {
        message.truncate(index);
    }
    message
}

/// `error`'s text, written once into a string sized for most (growing one
/// costs more than writing it), and where its " at line L column C" suffix
/// starts (`None` when it has none: at line 0 serde_json writes none).
fn written(error: &serde_json::Error) -> (String, Option<usize>) {
    use std::fmt::Write;
    let mut text = String::with_capacity(128);
    // Writing to a `String` cannot fail.
    let _ = write!(text, "{error}");
    if error.line() == 0 {
        return (text, None);
    }
    let digits = |n: usize| n.checked_ilog10().map_or(1, |log| log as usize + 1);
    let suffix =
        " at line ".len() + digits(error.line()) + " column ".len() + digits(error.column());
    let start = text.len().checked_sub(suffix).filter(|&start| {
        text.get(start..)
            .is_some_and(|s| s.starts_with(" at line "))
    });
    (text, start)
}

/// [`strip_position`] of `error`'s text. The suffix serde_json appends is
/// the last " at line " in it, so cutting at its known length is the same
/// (and spares searching the text).
fn message_of(error: &serde_json::Error) -> String {
    match written(error) {
        (mut text, Some(start)) => {
            text.truncate(start);
            text
        }
        (text, None) => strip_position(text),
    }
}

/// The message of a malformed document: "line L column C: " and serde_json's
/// message, the position moved to the front from the end of its text.
fn malformed_message(error: &serde_json::Error) -> String {
    match written(error) {
        (text, Some(start)) => {
            let mut message = String::with_capacity(text.len() + 2);
            message.push_str(&text[start + " at ".len()..]);
            message.push_str(": ");
            message.push_str(&text[..start]);
            message
        }
        (text, None) => format!(
            "line {} column {}: {}",
            error.line(),
            error.column(),
            strip_position(text)
        ),
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

    #[test]
    fn messages_are_cut_and_moved_as_the_position_is_written() {
        let long = format!("{{\"a\": [{}1,]}}", "1, ".repeat(40));
        let deep = format!("{}\n\n{{\"x\" 1}}", "\n".repeat(11));
        let docs = [
            "",
            "{",
            "{\"a\" 1}",
            "[1,]",
            "{\"a\":tru}",
            "\"\\x\"",
            "1 2",
            &long,
            &deep,
        ];
        let mut errors: Vec<serde_json::Error> = docs
            .iter()
            .map(|doc| serde_json::from_str::<IgnoredAny>(doc).unwrap_err())
            .collect();
        // Data errors, one naming a position in its own text, one with none.
        errors.push(serde_json::from_str::<Point>(r#"{"x": "at line 3", "y": 1}"#).unwrap_err());
        errors.push(serde::de::Error::custom("bad at line 3 column 4"));
        for error in &errors {
            assert_eq!(message_of(error), strip_position(error.to_string()));
            let old = format!(
                "line {} column {}: {}",
                error.line(),
                error.column(),
                strip_position(error.to_string())
            );
            assert_eq!(malformed_message(error), old);
        }
    }

    #[test]
    fn the_faults_after_the_first_are_listed_when_asked_for() {
        let error = from_slice::<Point>(br#"{"x": "1", "y": true}"#).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(error.pointer(), "/x");
        let copy = error.clone();
        let pointers: Vec<&str> = error.errors().iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/x", "/y"]);
        assert_eq!(copy, error);
        assert!(copy.to_string().contains("/y: invalid type"), "{copy}");
        let json = serde_json::to_value(&copy).unwrap();
        assert_eq!(json["errors"][1]["pointer"], "/y");
    }
}

//! Helpers shared by the derive tests: parse through the runtime's entry
//! points and collect the faults as `(pointer, message)`.
#![allow(dead_code)]

use eventbind_runtime::{from_slice, from_value, ErrorKind, Validate};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// Parses `value` as `T`, which must succeed.
#[track_caller]
pub fn accepts<T: DeserializeOwned + Validate>(value: &Value) -> T {
    match from_slice::<T>(&bytes(value)) {
        Ok(typed) => typed,
        Err(error) => panic!("rejected a valid document: {error}\n{value:#}"),
    }
}

/// Every fault reported for `value` as `T`, as `(pointer, message)`; parsing
/// must fail with an invalid payload, and `from_value` must agree.
#[track_caller]
pub fn faults<T: DeserializeOwned + Validate + std::fmt::Debug>(
    value: &Value,
) -> Vec<(String, String)> {
    let error = match from_slice::<T>(&bytes(value)) {
        Ok(typed) => panic!("accepted an invalid document as {typed:?}\n{value:#}"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
    let from_value =
        from_value::<T>(value).expect_err("from_value accepted what from_slice did not");
    assert_eq!(from_value.errors(), error.errors());
    error
        .errors()
        .iter()
        .map(|e| (e.pointer.clone(), e.message.clone()))
        .collect()
}

/// The one fault reported for `value` as `T`.
#[track_caller]
pub fn fault<T: DeserializeOwned + Validate + std::fmt::Debug>(value: &Value) -> (String, String) {
    let mut all = faults::<T>(value);
    assert_eq!(all.len(), 1, "expected one fault, got {all:#?}");
    all.pop().unwrap()
}

/// `base` with the member at `pointer` replaced by `new` (or removed, for `None`).
pub fn with(base: &Value, pointer: &str, new: Option<Value>) -> Value {
    let mut value = base.clone();
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let parent = value
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match (parent, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(last.replace("~1", "/").replace("~0", "~"), new);
        }
        (Value::Object(map), None) => {
            map.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        (Value::Array(items), Some(new)) => items[last.parse::<usize>().unwrap()] = new,
        (other, _) => panic!("cannot change {pointer} in {other}"),
    }
    value
}

pub fn pair(pointer: &str, message: &str) -> (String, String) {
    (pointer.to_string(), message.to_string())
}

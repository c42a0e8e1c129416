//! Every fault of an invalid payload, not only the first.
//!
//! serde stops at the first value it cannot read. To report the rest (as a
//! JSON Schema validator does), the document is read again as a JSON value:
//! each fault found is recorded, and the faulty value is replaced by a stand-in
//! of another JSON type (or a missing member is filled in) so that reading
//! gets past it. The stand-ins are never reported: constraint errors at or
//! under a patched place are dropped. Only invalid payloads take this path,
//! and it is bounded: at most [`MAX_FAULTS`] faults, a few readings each.

use crate::error::PointerError;
use crate::path::path_to_pointer;
use crate::validate::Validate;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The most faults reported for one payload.
pub const MAX_FAULTS: usize = 32;

/// Values tried in turn in place of a faulty one: one of each JSON type,
/// strings in the formats generated types read (UUID, date-time, date,
/// time), and the first value an enum's message lists.
fn stand_ins(message: &str) -> Vec<Value> {
    let mut values = vec![
        Value::from(0),
        Value::from(""),
        Value::Bool(false),
        Value::Array(Vec::new()),
        Value::Object(serde_json::Map::new()),
        Value::from(0.5),
        Value::Null,
        Value::from("00000000-0000-0000-0000-000000000000"),
        Value::from("1970-01-01T00:00:00Z"),
        Value::from("1970-01-01"),
        Value::from("00:00:00Z"),
    ];
    // serde's and the generated enums' wording: "expected one of `a`, `b`".
    if let Some(listed) = message.split("one of `").nth(1) {
        if let Some(first) = listed.split('`').next() {
            values.push(Value::from(first));
        }
    }
    values
}

/// One reading of `value` as `T`: the fault's pointer and message, or the
/// value when it reads.
fn read<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map_err(|e| (path_to_pointer(e.path()), e.inner().to_string()))
}

/// The member a "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// Every fault of `value` read as `T`, starting from the first, already
/// found (`first`): reading faults, then the constraint faults of what reads.
pub fn every_fault<T: DeserializeOwned + Validate>(
    mut value: Value,
    first: PointerError,
) -> Vec<PointerError> {
    let mut faults = vec![first.clone()];
    let mut patched: Vec<String> = Vec::new();
    let mut fault = (first.pointer, first.message);
    loop {
        let place = match missing_field(&fault.1) {
            Some(member) => {
                let mut place = fault.0.clone();
                place.push('/');
                crate::path::push_escaped(&mut place, member);
                place
            }
            None => fault.0.clone(),
        };
        let Some(next) = patch::<T>(&mut value, &place, &fault) else {
            return faults;
        };
        patched.push(place);
        match next {
            Ok(typed) => {
                if let Err(errors) = typed.validate() {
                    faults.extend(
                        errors
                            .into_iter()
                            .filter(|error| !patched.iter().any(|p| within(&error.pointer, p))),
                    );
                }
                return faults;
            }
            Err(found) => {
                if faults.len() >= MAX_FAULTS {
                    return faults;
                }
                faults.push(PointerError::new(found.0.clone(), found.1.clone()));
                fault = found;
            }
        }
    }
}

/// Puts a stand-in at `place` such that reading gets past `fault` (another
/// fault, not at or under `place`, counts as past: a second missing member of
/// the same object is); the reading that follows, or `None` if none does.
fn patch<T: DeserializeOwned>(
    value: &mut Value,
    place: &str,
    fault: &(String, String),
) -> Option<Result<T, (String, String)>> {
    let original = value.pointer(place).cloned();
    for stand_in in stand_ins(&fault.1) {
        if !put(value, place, stand_in) {
            return None;
        }
        match read::<T>(value) {
            Ok(typed) => return Some(Ok(typed)),
            Err(found) if found != *fault && !within(&found.0, place) => return Some(Err(found)),
            Err(_) => {}
        }
    }
    // Nothing got past: leave the document as it was.
    match original {
        Some(original) => {
            put(value, place, original);
        }
        None => remove(value, place),
    }
    None
}

/// Sets the value at `place` (its parent must exist); `false` if it cannot.
fn put(value: &mut Value, place: &str, new: Value) -> bool {
    if place.is_empty() {
        *value = new;
        return true;
    }
    let Some((parent, token)) = place.rsplit_once('/') else {
        return false;
    };
    let token = token.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(token, new);
            true
        }
        Some(Value::Array(items)) => match token.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items[index] = new;
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn remove(value: &mut Value, place: &str) {
    if let Some((parent, token)) = place.rsplit_once('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        if let Some(Value::Object(map)) = value.pointer_mut(parent) {
            map.remove(&token);
        }
    }
}

/// Whether `pointer` is `place` or below it.
fn within(pointer: &str, place: &str) -> bool {
    pointer == place
        || (pointer.starts_with(place) && pointer.as_bytes().get(place.len()) == Some(&b'/'))
}

//! Checks on values held as JSON, called by the code `#[validate(schema = "...")]`
//! compiles a schema fragment into. As in JSON Schema, each keyword applies
//! only to the kind of value it constrains: `minLength` lets a number through,
//! `required` lets an array through; `type` is what restricts the kind.

use super::{json_equal, Pattern};
use crate::format::Format;
use crate::path::Path;
use crate::validate::{Errors, Validate};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A JSON type name of the `type` keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Boolean,
    /// A number with no fractional part (`1.0` is an integer, as in draft 7).
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }

    pub fn holds(self, value: &Value) -> bool {
        match (self, value) {
            (Kind::Null, Value::Null)
            | (Kind::Boolean, Value::Bool(_))
            | (Kind::Number, Value::Number(_))
            | (Kind::String, Value::String(_))
            | (Kind::Array, Value::Array(_))
            | (Kind::Object, Value::Object(_)) => true,
            (Kind::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        }
    }
}

/// `type`: the value is of one of `kinds`.
pub fn types(value: &Value, kinds: &[Kind], at: &Path<'_>, errors: &mut Errors) {
    if !kinds.iter().any(|kind| kind.holds(value)) {
        let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
        errors.push(
            at,
            format!(
                "must be of type {}, found {}",
                names.join(" or "),
                kind_of(value)
            ),
        );
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A JSON literal of the generated code (an `enum` list or a `const`),
/// parsed once, on first use.
pub struct Literal {
    source: &'static str,
    parsed: OnceLock<Option<Value>>,
}

impl Literal {
    pub const fn new(source: &'static str) -> Self {
        Literal {
            source,
            parsed: OnceLock::new(),
        }
    }

    /// The value; `None` only if the generated literal is not JSON.
    pub fn get(&self) -> Option<&Value> {
        self.parsed
            .get_or_init(|| serde_json::from_str(self.source).ok())
            .as_ref()
    }
}

/// `const`: the value equals `expected` (JSON equality: `1` is `1.0`).
pub fn equals(value: &Value, expected: &Literal, at: &Path<'_>, errors: &mut Errors) {
    match expected.get() {
        Some(expected) if json_equal(value, expected) => {}
        Some(expected) => errors.push(at, format!("must be {expected}")),
        None => errors.push(at, format!("const {} does not parse", expected.source)),
    }
}

/// `enum`: the value equals one of the array `allowed`.
pub fn one_of_values(value: &Value, allowed: &Literal, at: &Path<'_>, errors: &mut Errors) {
    match allowed.get() {
        Some(Value::Array(list)) if list.iter().any(|a| json_equal(value, a)) => {}
        Some(list) => errors.push(at, format!("must be one of {list}")),
        None => errors.push(at, format!("enum {} does not parse", allowed.source)),
    }
}

pub fn min_length(value: &Value, min: usize, at: &Path<'_>, errors: &mut Errors) {
    if let Value::String(s) = value {
        super::min_length(s, min, at, errors);
    }
}

pub fn max_length(value: &Value, max: usize, at: &Path<'_>, errors: &mut Errors) {
    if let Value::String(s) = value {
        super::max_length(s, max, at, errors);
    }
}

pub fn pattern(value: &Value, pattern: &Pattern, at: &Path<'_>, errors: &mut Errors) {
    if let Value::String(s) = value {
        super::pattern(s, pattern, at, errors);
    }
}

pub fn format(value: &Value, format: Format, at: &Path<'_>, errors: &mut Errors) {
    if let Value::String(s) = value {
        super::format(s, format, at, errors);
    }
}

/// Applies a numeric check to a JSON number, exactly where it is an integer.
fn number(value: &Value, check: impl FnOnce(Number)) {
    if let Value::Number(n) = value {
        if let Some(int) = n.as_i64() {
            check(Number::Int(int));
        } else if let Some(float) = n.as_f64() {
            check(Number::Float(float));
        }
    }
}

#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Float(f64),
}

macro_rules! numeric_check {
    ($($name:ident),*) => {$(
        pub fn $name(value: &Value, bound: f64, at: &Path<'_>, errors: &mut Errors) {
            number(value, |n| match n {
                Number::Int(int) => super::$name(int, bound, at, errors),
                Number::Float(float) => super::$name(float, bound, at, errors),
            });
        }
    )*};
}
numeric_check!(
    minimum,
    maximum,
    exclusive_minimum,
    exclusive_maximum,
    multiple_of
);

pub fn min_items(value: &Value, min: usize, at: &Path<'_>, errors: &mut Errors) {
    if let Value::Array(items) = value {
        super::min_items(items.len(), min, at, errors);
    }
}

pub fn max_items(value: &Value, max: usize, at: &Path<'_>, errors: &mut Errors) {
    if let Value::Array(items) = value {
        super::max_items(items.len(), max, at, errors);
    }
}

pub fn unique_items(value: &Value, at: &Path<'_>, errors: &mut Errors) {
    if let Value::Array(items) = value {
        super::unique_items(items, at, errors);
    }
}

pub fn min_properties(value: &Value, min: usize, at: &Path<'_>, errors: &mut Errors) {
    if let Value::Object(map) = value {
        super::min_properties(map.len(), min, at, errors);
    }
}

pub fn max_properties(value: &Value, max: usize, at: &Path<'_>, errors: &mut Errors) {
    if let Value::Object(map) = value {
        super::max_properties(map.len(), max, at, errors);
    }
}

/// `required` on an object.
pub fn required(map: &Map<String, Value>, names: &[&str], at: &Path<'_>, errors: &mut Errors) {
    for name in names {
        if !map.contains_key(*name) {
            errors.push(at, format!("missing required member {name:?}"));
        }
    }
}

/// Whether the checks `f` records nothing: a subschema tried, not enforced
/// (`anyOf`, `oneOf`, `not`, `if`, `contains`).
pub fn matches(f: impl FnOnce(&mut Errors)) -> bool {
    let mut scratch = Errors::new();
    f(&mut scratch);
    scratch.is_empty()
}

/// A `$ref` to a generated type: the value reads as `T` and `T` validates.
pub fn conforms<T: DeserializeOwned + Validate>(value: &Value, at: &Path<'_>, errors: &mut Errors) {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(typed) => typed.validate_at(at, errors),
        Err(error) => {
            let inner = crate::path::path_to_pointer(error.path());
            errors.push_pointer(
                format!("{}{inner}", at.to_pointer()),
                error.inner().to_string(),
            );
        }
    }
}

/// The JSON form of a typed value, for fragment checks on it: borrowed when
/// the value already is JSON, serialised otherwise.
pub fn as_json<T: Serialize + 'static>(value: &T) -> Option<Cow<'_, Value>> {
    if let Some(json) = (value as &dyn std::any::Any).downcast_ref::<Value>() {
        return Some(Cow::Borrowed(json));
    }
    serde_json::to_value(value).ok().map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn faults(f: impl FnOnce(&Path<'_>, &mut Errors)) -> usize {
        let mut errors = Errors::new();
        f(&Path::Root, &mut errors);
        errors.len()
    }

    #[test]
    fn keywords_apply_to_their_kind_only() {
        assert_eq!(faults(|at, e| min_length(&json!(1), 3, at, e)), 0);
        assert_eq!(faults(|at, e| min_length(&json!("ab"), 3, at, e)), 1);
        assert_eq!(faults(|at, e| minimum(&json!("0"), 3.0, at, e)), 0);
        assert_eq!(faults(|at, e| minimum(&json!(2.5), 3.0, at, e)), 1);
        assert_eq!(faults(|at, e| min_items(&json!({}), 1, at, e)), 0);
        assert_eq!(
            faults(|at, e| max_properties(&json!({"a": 1}), 0, at, e)),
            1
        );
    }

    #[test]
    fn integers_include_integral_floats() {
        assert!(Kind::Integer.holds(&json!(1.0)));
        assert!(!Kind::Integer.holds(&json!(1.5)));
        assert!(Kind::Number.holds(&json!(1)));
        assert_eq!(
            faults(|at, e| types(&json!("1"), &[Kind::Integer], at, e)),
            1
        );
    }

    #[test]
    fn literals_compare_as_json() {
        static ALLOWED: Literal = Literal::new("[1, \"a\", {\"b\": [false]}]");
        assert_eq!(
            faults(|at, e| one_of_values(&json!(1.0), &ALLOWED, at, e)),
            0
        );
        assert_eq!(
            faults(|at, e| one_of_values(&json!({"b": [false]}), &ALLOWED, at, e)),
            0
        );
        assert_eq!(
            faults(|at, e| one_of_values(&json!(true), &ALLOWED, at, e)),
            1
        );
        static BROKEN: Literal = Literal::new("[");
        assert_eq!(faults(|at, e| equals(&json!(1), &BROKEN, at, e)), 1);
    }

    #[test]
    fn conforming_to_a_type_locates_faults() {
        let mut errors = Errors::new();
        conforms::<Vec<i64>>(&json!([1, "x"]), &Path::Root.key("list"), &mut errors);
        let list = errors.into_vec();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].pointer, "/list/1");
    }
}

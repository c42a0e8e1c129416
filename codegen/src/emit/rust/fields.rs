//! Type expressions and `#[validate(...)]` arguments for model types.

use super::code::{lit_float, lit_str, Arg, Meta};
use crate::model::{Ty, TyKind};
use serde_json::Value;

/// External crates the emitted code names, so Cargo.toml lists only those.
#[derive(Default, Clone, Copy)]
pub struct Uses {
    pub chrono: bool,
    pub uuid: bool,
    /// `serde_json` in a type (maps, values, undeclared members).
    pub serde_json: bool,
    /// serde's `Deserialize`: its derive (newtypes) or the trait (string enums).
    pub deserialize: bool,
    /// The runtime's `DeserializeObject` derive (structs with named fields).
    pub deserialize_object: bool,
    /// The `OneOf` / `AnyOf` derives of `eventbind_runtime`.
    pub one_of: bool,
    pub any_of: bool,
    /// Event enums (`Route`, `UnknownEvent`).
    pub events: bool,
}

/// `serde_json::Map<String, serde_json::Value>`, the type of undeclared members.
pub const JSON_MAP: &str = "serde_json::Map<String, serde_json::Value>";

/// The Rust type of `ty`, not counting its own nullability (callers wrap in
/// `Option` knowing whether the member is required).
pub fn rust_type(ty: &Ty, boxed: bool, uses: &mut Uses) -> String {
    match &ty.kind {
        TyKind::Named { name } if boxed => format!("Box<{name}>"),
        TyKind::Named { name } => name.clone(),
        TyKind::String { format } => match format.as_deref() {
            Some("date-time") => {
                uses.chrono = true;
                "chrono::DateTime<chrono::FixedOffset>".into()
            }
            Some("date") => {
                uses.chrono = true;
                "chrono::NaiveDate".into()
            }
            Some("uuid") => {
                uses.uuid = true;
                "uuid::Uuid".into()
            }
            _ => "String".into(),
        },
        TyKind::Integer { format } => match format.as_deref() {
            Some("int32") => "i32".into(),
            _ => "i64".into(),
        },
        TyKind::Number { .. } => "f64".into(),
        TyKind::Boolean => "bool".into(),
        TyKind::Null => "()".into(),
        TyKind::Array { items } => format!("Vec<{}>", value_type(items, false, uses)),
        TyKind::Map { values } => {
            if matches!(values.kind, TyKind::Any) && !values.nullable {
                uses.serde_json = true;
                JSON_MAP.into()
            } else {
                let value = value_type(values, false, uses);
                format!("std::collections::BTreeMap<String, {value}>")
            }
        }
        TyKind::Any => {
            uses.serde_json = true;
            "serde_json::Value".into()
        }
    }
}

/// A value that may be `null` is an `Option` (an array item, a map value, a
/// union variant's or newtype's value, a payload), unless `null` is already
/// its value.
pub fn value_type(ty: &Ty, boxed: bool, uses: &mut Uses) -> String {
    let inner = rust_type(ty, boxed, uses);
    if ty.nullable && !matches!(ty.kind, TyKind::Any | TyKind::Null) {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

/// Whether `ty` is held as a Rust `String` (where string checks apply).
fn is_plain_string(ty: &Ty) -> bool {
    matches!(&ty.kind, TyKind::String { format } if !matches!(format.as_deref(), Some("date-time" | "date" | "uuid")))
}

fn is_number(ty: &Ty) -> bool {
    matches!(ty.kind, TyKind::Integer { .. } | TyKind::Number { .. })
}

/// The `#[validate(...)]` arguments for a value of type `ty`, or nothing
/// when there is no constraint to check.
pub fn validate_list(ty: &Ty) -> Vec<Arg> {
    let c = &ty.constraints;
    let mut out = Vec::new();
    let word = |text: String| Arg::Word(text);
    let mut fallback = match &c.fallback {
        Some(Value::Object(map)) => map.clone(),
        Some(other) => {
            // A boolean schema (`false`): checked as `allOf: [false]`.
            let mut map = serde_json::Map::new();
            map.insert("allOf".into(), Value::Array(vec![other.clone()]));
            map
        }
        None => serde_json::Map::new(),
    };
    if is_plain_string(ty) {
        if let Some(n) = c.min_length {
            out.push(word(format!("min_length = {n}")));
        }
        if let Some(n) = c.max_length {
            out.push(word(format!("max_length = {n}")));
        }
        if let Some(p) = &c.pattern {
            out.push(word(format!("pattern = {}", lit_str(p))));
        }
        if let TyKind::String {
            format: Some(format),
        } = &ty.kind
        {
            if crate::model::formats::is_checked(format) {
                out.push(word(format!("format = {}", lit_str(format))));
            }
        }
    } else if matches!(ty.kind, TyKind::Any) {
        // No Rust type to check against: every keyword goes to the embedded schema.
        for (key, value) in c.keywords() {
            fallback.insert(key.to_string(), value);
        }
    }
    if is_number(ty) {
        for (bound, name) in [
            (c.minimum, "minimum"),
            (c.maximum, "maximum"),
            (c.exclusive_minimum, "exclusive_minimum"),
            (c.exclusive_maximum, "exclusive_maximum"),
            (c.multiple_of, "multiple_of"),
        ] {
            if let Some(bound) = bound {
                out.push(word(format!("{name} = {}", lit_float(bound))));
            }
        }
    }
    if let TyKind::Array { items } = &ty.kind {
        if let Some(n) = c.min_items {
            out.push(word(format!("min_items = {n}")));
        }
        if let Some(n) = c.max_items {
            out.push(word(format!("max_items = {n}")));
        }
        if c.unique_items {
            out.push(word("unique_items".into()));
        }
        let inner = validate_list(items);
        if !inner.is_empty() {
            out.push(Arg::List(Meta {
                path: "items".into(),
                args: inner,
            }));
        }
    }
    if let TyKind::Map { values } = &ty.kind {
        if let Some(n) = c.min_properties {
            out.push(word(format!("min_properties = {n}")));
        }
        if let Some(n) = c.max_properties {
            out.push(word(format!("max_properties = {n}")));
        }
        let inner = validate_list(values);
        if !inner.is_empty() {
            out.push(Arg::List(Meta {
                path: "values".into(),
                args: inner,
            }));
        }
    }
    if let Some(allowed) = &c.allowed {
        if !matches!(ty.kind, TyKind::Any) {
            let strings: Option<Vec<&str>> = allowed.iter().map(Value::as_str).collect();
            match strings {
                Some(values) if is_plain_string(ty) => {
                    out.push(Arg::List(Meta::new(
                        "enum_values",
                        values.into_iter().map(lit_str),
                    )));
                }
                _ => {
                    let literal = Value::Array(allowed.clone()).to_string();
                    out.push(word(format!("json_enum = {}", lit_str(&literal))));
                }
            }
        }
    }
    if !fallback.is_empty() {
        let literal = Value::Object(fallback).to_string();
        out.push(word(format!("schema = {}", lit_str(&literal))));
    }
    out
}

/// Whether a value of `ty` holds, directly or in arrays and maps, values that
/// serde alone reads differently from JSON Schema (see `eventbind_runtime::__private::wire`):
/// integers (`1.0` is one), `date-time`, `date` and `uuid` strings (only their
/// exact form).
pub fn reads_by_wire(ty: &Ty) -> bool {
    match &ty.kind {
        TyKind::Integer { .. } => true,
        TyKind::String { format } => {
            matches!(format.as_deref(), Some("date-time" | "date" | "uuid"))
        }
        TyKind::Array { items } => reads_by_wire(items),
        TyKind::Map { values } => !matches!(values.kind, TyKind::Any) && reads_by_wire(values),
        _ => false,
    }
}

//! Reading a schema node's keywords: its declared `type`s, the type its
//! keywords imply without one, and its constraints as model constraints.

use super::patterns::Checked;
use crate::error::Result;
use crate::model::Constraints;
use crate::spec::Location;
use serde_json::{Map, Value};

/// The `type`s a schema declares, and whether `null` is among them.
pub(crate) fn declared_types(
    schema: &Map<String, Value>,
    location: &Location,
) -> Result<(Vec<String>, bool)> {
    let mut nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let mut types = Vec::new();
    match schema.get("type") {
        None => {}
        Some(Value::String(t)) => types.push(t.clone()),
        Some(Value::Array(list)) => {
            for t in list {
                match t.as_str() {
                    Some(t) => types.push(t.to_string()),
                    None => return Err(location.join("type").error("type names must be strings")),
                }
            }
        }
        Some(_) => {
            return Err(location
                .join("type")
                .error("type must be a string or an array of strings"))
        }
    }
    if types.len() > 1 || types.iter().any(|t| t == "null") && types.len() > 1 {
        if let Some(i) = types.iter().position(|t| t == "null") {
            types.remove(i);
            nullable = true;
        }
    }
    // `integer` inside `number` adds nothing: `number` already allows integers.
    if types.len() > 1 && types.iter().any(|t| t == "number") {
        types.retain(|t| t != "integer");
    }
    Ok((types, nullable))
}

/// The type the keywords imply when `type` is absent.
pub(crate) fn implied_type(schema: &Map<String, Value>) -> Option<&'static str> {
    if schema.contains_key("properties")
        || schema.contains_key("additionalProperties")
        || schema.contains_key("required")
    {
        return Some("object");
    }
    if schema.contains_key("items") {
        return Some("array");
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if !values.is_empty() && values.iter().all(Value::is_string) {
            return Some("string");
        }
    }
    if let Some(value) = schema.get("const") {
        return match value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
    }
    None
}

/// The validation keywords of a schema node as model constraints.
/// A `pattern` is checked to be one the generated code can run.
pub(crate) fn constraints(
    location: &Location,
    schema: &Map<String, Value>,
    patterns: &mut Checked,
) -> Result<Constraints> {
    let count = |key: &str| -> Result<Option<u64>> {
        match schema.get(key) {
            None => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) => Ok(Some(n)),
                None => match v.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0) {
                    // 2^64 and above: `as` would clamp to u64::MAX, changing the bound unseen.
                    Some(f) if f >= 18_446_744_073_709_551_616.0 => {
                        Err(location.join(key).error(format!(
                            "{key} {v} is larger than the largest count eventbind holds \
                             ({}); no value can reach it: remove the keyword or state a \
                             real bound",
                            u64::MAX
                        )))
                    }
                    Some(f) => Ok(Some(f as u64)),
                    None => Err(location
                        .join(key)
                        .error(format!("{key} must be a non-negative integer"))),
                },
            },
        }
    };
    let number = |key: &str| -> Result<Option<f64>> {
        match schema.get(key) {
            None | Some(Value::Bool(_)) => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| location.join(key).error(format!("{key} must be a number"))),
        }
    };
    let mut c = Constraints {
        min_length: count("minLength")?,
        max_length: count("maxLength")?,
        pattern: match schema.get("pattern") {
            None => None,
            Some(Value::String(p)) => {
                patterns.check(p, &location.join("pattern"))?;
                Some(p.clone())
            }
            Some(_) => return Err(location.join("pattern").error("pattern must be a string")),
        },
        minimum: number("minimum")?,
        maximum: number("maximum")?,
        exclusive_minimum: number("exclusiveMinimum")?,
        exclusive_maximum: number("exclusiveMaximum")?,
        multiple_of: number("multipleOf")?,
        min_items: count("minItems")?,
        max_items: count("maxItems")?,
        unique_items: schema.get("uniqueItems") == Some(&Value::Bool(true)),
        min_properties: count("minProperties")?,
        max_properties: count("maxProperties")?,
        allowed: None,
        fallback: None,
    };
    // Draft 4 / OpenAPI style: a boolean flag turning the bound exclusive.
    if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
        c.exclusive_minimum = c.minimum.take();
    }
    if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
        c.exclusive_maximum = c.maximum.take();
    }
    if let Some(divisor) = c.multiple_of {
        if divisor <= 0.0 {
            return Err(location
                .join("multipleOf")
                .error("multipleOf must be greater than 0"));
        }
    }
    if let Some(value) = schema.get("const") {
        c.allowed = Some(vec![value.clone()]);
    } else if let Some(values) = schema.get("enum") {
        match values {
            Value::Array(list) => c.allowed = Some(list.clone()),
            _ => return Err(location.join("enum").error("enum must be an array")),
        }
    }
    Ok(c)
}

/// Adds `extra` to `into`; an embedded schema is combined with `allOf`.
pub(crate) fn merge_constraints(into: &mut Constraints, extra: Constraints) {
    let fallback = match (into.fallback.take(), extra.fallback.clone()) {
        (Some(a), Some(b)) => Some(serde_json::json!({ "allOf": [a, b] })),
        (a, b) => a.or(b),
    };
    let keep = std::mem::take(into);
    *into = Constraints {
        min_length: keep.min_length.or(extra.min_length),
        max_length: keep.max_length.or(extra.max_length),
        pattern: keep.pattern.or(extra.pattern),
        minimum: keep.minimum.or(extra.minimum),
        maximum: keep.maximum.or(extra.maximum),
        exclusive_minimum: keep.exclusive_minimum.or(extra.exclusive_minimum),
        exclusive_maximum: keep.exclusive_maximum.or(extra.exclusive_maximum),
        multiple_of: keep.multiple_of.or(extra.multiple_of),
        min_items: keep.min_items.or(extra.min_items),
        max_items: keep.max_items.or(extra.max_items),
        unique_items: keep.unique_items || extra.unique_items,
        min_properties: keep.min_properties.or(extra.min_properties),
        max_properties: keep.max_properties.or(extra.max_properties),
        allowed: keep.allowed.or(extra.allowed),
        fallback,
    };
}

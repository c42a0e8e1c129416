//! A merged [`Shape`] written as a draft-07 JSON Schema.

use super::shape::{Shape, Strings};
use super::Options;
use serde_json::{json, Map, Value};

/// The schema of everything seen at one place; `root` is the body itself
/// (where the one-element-array rule applies).
pub fn schema(shape: &Shape, options: &Options, root: bool) -> Map<String, Value> {
    let mut parts: Vec<Map<String, Value>> = Vec::new();
    if let Some(objects) = &shape.objects {
        let mut part = typed("object");
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (name, member) in &objects.members {
            properties.insert(name.clone(), Value::Object(schema(member, options, false)));
            // Optional (absent from some objects) is decided here, apart from
            // nullable (seen as `null`), which the member's own type says.
            if member.seen == objects.count {
                required.push(Value::String(name.clone()));
            }
        }
        if !properties.is_empty() {
            part.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            part.insert("required".into(), Value::Array(required));
        }
        // Open unless asked: samples show what a vendor sent, not all it may send.
        if options.closed {
            part.insert("additionalProperties".into(), Value::Bool(false));
        }
        parts.push(part);
    }
    if let Some(arrays) = &shape.arrays {
        let mut part = typed("array");
        // Only empty arrays seen: nothing is known of the items.
        if arrays.items.seen > 0 {
            part.insert(
                "items".into(),
                Value::Object(schema(&arrays.items, options, false)),
            );
        }
        // A body that is always `[ {…} ]` (Avaza's one-entity arrays) is
        // stated as such; elsewhere array lengths in samples are happenstance.
        let items = &arrays.items;
        let single_object_body = root
            && shape.kinds() == 1
            && shape.nulls == 0
            && arrays.min_len == 1
            && arrays.max_len == 1
            && items.objects.is_some()
            && items.kinds() == 1
            && items.nulls == 0;
        if single_object_body {
            part.insert("minItems".into(), json!(1));
            part.insert("maxItems".into(), json!(1));
        }
        parts.push(part);
    }
    if let Some(strings) = &shape.strings {
        let mut part = typed("string");
        let format = strings.formats.first();
        if let Some(format) = format {
            part.insert("format".into(), Value::String(format.to_string()));
        }
        if let Some(values) = enum_values(strings, options).filter(|_| format.is_none()) {
            part.insert("enum".into(), Value::Array(values));
        }
        parts.push(part);
    }
    if shape.integers + shape.numbers > 0 {
        // An integer is a number: one literal with a fraction makes it `number`.
        parts.push(typed(if shape.numbers > 0 {
            "number"
        } else {
            "integer"
        }));
    }
    if shape.booleans > 0 {
        parts.push(typed("boolean"));
    }
    combine(parts, shape.nulls > 0)
}

fn typed(name: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("type".into(), Value::String(name.to_string()));
    map
}

/// The string enum, if the evidence is enough: at least `enum_threshold`
/// strings seen here, at most `enum_max` distinct values, each seen at least
/// twice (a value seen once says nothing about the set being closed).
fn enum_values(strings: &Strings, options: &Options) -> Option<Vec<Value>> {
    if options.enum_threshold == 0 || strings.count < options.enum_threshold {
        return None;
    }
    let values = strings.values.as_ref()?;
    if values.is_empty() || values.len() > options.enum_max || values.iter().any(|(_, n)| *n < 2) {
        return None;
    }
    Some(
        values
            .iter()
            .map(|(v, _)| Value::String(v.clone()))
            .collect(),
    )
}

/// One schema for the types seen: the single type's schema; a type array
/// when only scalars occurred (their keywords, e.g. `format`, apply to their
/// own type only); `oneOf` of disjoint single-type branches when an object,
/// an array or a string enum is among several types (`enum` would otherwise
/// reject the other types). `null` joins as `"null"` in `type` (and in `enum`)
/// or as a `{"type": "null"}` branch.
fn combine(mut parts: Vec<Map<String, Value>>, nullable: bool) -> Map<String, Value> {
    let structured = |p: &Map<String, Value>| {
        p.contains_key("enum")
            || matches!(
                p.get("type").and_then(Value::as_str),
                Some("object" | "array")
            )
    };
    match parts.len() {
        0 if nullable => typed("null"),
        // No value at all was seen here (e.g. items of arrays that were all empty).
        0 => Map::new(),
        1 => {
            let mut part = parts.remove(0);
            if nullable {
                let name = part.get("type").cloned().unwrap_or(Value::Null);
                part.insert("type".into(), json!([name, "null"]));
                if let Some(Value::Array(values)) = part.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            part
        }
        _ if parts.iter().any(structured) => {
            let mut branches: Vec<Value> = parts.into_iter().map(Value::Object).collect();
            if nullable {
                branches.push(Value::Object(typed("null")));
            }
            let mut map = Map::new();
            map.insert("oneOf".into(), Value::Array(branches));
            map
        }
        _ => {
            let mut types = Vec::new();
            let mut merged = Map::new();
            merged.insert("type".into(), Value::Null);
            for part in parts {
                for (key, value) in part {
                    match key.as_str() {
                        "type" => types.push(value),
                        _ => {
                            merged.insert(key, value);
                        }
                    }
                }
            }
            if nullable {
                types.push(Value::String("null".into()));
            }
            merged.insert("type".into(), Value::Array(types));
            merged
        }
    }
}

//! JSON Schema keywords for model type expressions and their constraints.
//!
//! Draft-07 ignores every keyword beside a `$ref`, so nothing is ever added
//! next to one: a reference that needs company is moved into an `allOf`.

use crate::model::{Constraints, Ty, TyKind};
use serde_json::{Map, Value};

/// Where a named type's definition is, within one schema document.
pub fn reference(name: &str) -> Value {
    let mut map = Map::new();
    map.insert(
        "$ref".into(),
        Value::String(format!("#/definitions/{}", escape_token(name))),
    );
    Value::Object(map)
}

/// A JSON Pointer token (type names are identifiers, but the rule is cheap to keep).
fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The schema of a type expression: its shape, `null` when nullable, and its constraints.
pub fn ty_schema(ty: &Ty) -> Map<String, Value> {
    let mut schema = match &ty.kind {
        TyKind::Named { name } => as_map(reference(name)),
        TyKind::String { format } => typed("string", format.as_deref()),
        TyKind::Integer { format } => typed("integer", format.as_deref()),
        TyKind::Number { format } => typed("number", format.as_deref()),
        TyKind::Boolean => typed("boolean", None),
        TyKind::Null => typed("null", None),
        TyKind::Array { items } => {
            let mut schema = typed("array", None);
            let items = ty_schema(items);
            // `items: {}` allows anything, as an absent `items` does: leave it out.
            if !items.is_empty() {
                schema.insert("items".into(), Value::Object(items));
            }
            schema
        }
        TyKind::Map { values } => {
            let mut schema = typed("object", None);
            let values = ty_schema(values);
            if !values.is_empty() {
                schema.insert("additionalProperties".into(), Value::Object(values));
            }
            schema
        }
        TyKind::Any => Map::new(),
    };
    if ty.nullable {
        allow_null(&mut schema);
    }
    add_constraints(&mut schema, &ty.constraints);
    schema
}

fn typed(name: &str, format: Option<&str>) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String(name.to_string()));
    if let Some(format) = format {
        schema.insert("format".into(), Value::String(format.to_string()));
    }
    schema
}

/// Lets `null` through besides what `schema` accepts.
fn allow_null(schema: &mut Map<String, Value>) {
    match schema.get("type") {
        Some(Value::String(name)) if name == "null" => {}
        Some(Value::String(name)) => {
            let both = vec![Value::String(name.clone()), Value::String("null".into())];
            schema.insert("type".into(), Value::Array(both));
        }
        // A list of types is not written here; no `type` at all (and no
        // `$ref`) already allows any value, null included.
        Some(_) => {}
        None if !schema.contains_key("$ref") => {}
        None => {
            let inner = std::mem::take(schema);
            let null = as_map(serde_json::json!({ "type": "null" }));
            schema.insert(
                "anyOf".into(),
                Value::Array(vec![Value::Object(inner), Value::Object(null)]),
            );
        }
    }
}

/// Adds the constraints of `c` to `schema`.
pub fn add_constraints(schema: &mut Map<String, Value>, c: &Constraints) {
    for (key, value) in c.keywords() {
        extend(schema, key, value);
    }
    match &c.fallback {
        None => {}
        Some(Value::Object(fragment)) => {
            for (key, value) in fragment {
                extend(schema, key, value.clone());
            }
        }
        // A boolean schema (`false`): it holds as one more `allOf` member.
        Some(other) => push_all_of(schema, other.clone()),
    }
}

/// Sets `key` on `schema`. A key already there (or a `$ref`, which draft-07
/// would let shadow it) sends the new keyword into `allOf`, so both hold.
pub fn extend(schema: &mut Map<String, Value>, key: &str, value: Value) {
    isolate_reference(schema);
    if schema.contains_key(key) {
        let mut single = Map::new();
        single.insert(key.to_string(), value);
        push_all_of(schema, Value::Object(single));
    } else {
        schema.insert(key.to_string(), value);
    }
}

/// Adds an annotation (title, description, default, ...): the same as
/// [`extend`], except that an annotation already there is kept.
pub fn annotate(schema: &mut Map<String, Value>, key: &str, value: Value) {
    isolate_reference(schema);
    schema.entry(key.to_string()).or_insert(value);
}

/// `annotations` (title, description) first, then the keywords of `schema`.
pub fn annotated(
    annotations: Map<String, Value>,
    mut schema: Map<String, Value>,
) -> Map<String, Value> {
    if annotations.is_empty() {
        return schema;
    }
    isolate_reference(&mut schema);
    let mut out = annotations;
    for (key, value) in schema {
        extend(&mut out, &key, value);
    }
    out
}

/// `{"$ref": r}` → `{"allOf": [{"$ref": r}]}`, so that keywords can sit beside it.
fn isolate_reference(schema: &mut Map<String, Value>) {
    if let Some(target) = schema.remove("$ref") {
        let mut reference = Map::new();
        reference.insert("$ref".into(), target);
        push_all_of(schema, Value::Object(reference));
    }
}

fn push_all_of(schema: &mut Map<String, Value>, member: Value) {
    match schema.get_mut("allOf") {
        Some(Value::Array(members)) => members.push(member),
        _ => {
            schema.insert("allOf".into(), Value::Array(vec![member]));
        }
    }
}

/// A bound as JSON: integral values without a fraction (`100`, not `100.0`).
pub fn number(value: f64) -> Value {
    crate::model::json_number(value)
}

fn as_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_nullable_reference_with_a_constraint_keeps_both() {
        let mut ty = Ty::new(TyKind::Named { name: "Tag".into() });
        ty.nullable = true;
        ty.constraints.min_properties = Some(1);
        assert_eq!(
            Value::Object(ty_schema(&ty)),
            json!({
                "anyOf": [{"$ref": "#/definitions/Tag"}, {"type": "null"}],
                "minProperties": 1
            })
        );
    }

    #[test]
    fn a_fallback_keyword_already_present_goes_to_all_of() {
        let mut ty = Ty::new(TyKind::String { format: None });
        ty.constraints.max_length = Some(255);
        ty.constraints.fallback = Some(json!({"maxLength": 9, "anyOf": [{"maxLength": 0}]}));
        assert_eq!(
            Value::Object(ty_schema(&ty)),
            json!({
                "type": "string",
                "maxLength": 255,
                "allOf": [{"maxLength": 9}],
                "anyOf": [{"maxLength": 0}]
            })
        );
    }

    #[test]
    fn a_described_reference_moves_into_all_of() {
        let mut schema = ty_schema(&Ty::new(TyKind::Named { name: "A".into() }));
        annotate(&mut schema, "description", json!("d"));
        assert_eq!(
            Value::Object(schema),
            json!({"allOf": [{"$ref": "#/definitions/A"}], "description": "d"})
        );
    }

    #[test]
    fn integral_bounds_print_without_a_fraction() {
        assert_eq!(number(100.0).to_string(), "100");
        assert_eq!(number(0.5).to_string(), "0.5");
    }
}

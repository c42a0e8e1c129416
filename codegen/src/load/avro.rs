//! Avro 1.9 schemas (`application/vnd.apache.avro;version=1.9.0`, `+json`,
//! `+yaml`) as JSON Schema, so they load into the same model: records become
//! structs, enums enums, `["null", T]` an optional `T`, other unions unions
//! (the first branch that reads wins, as Avro resolves them), arrays, maps,
//! fixed, logical types (`timestamp-millis` → `date-time`, `uuid`,
//! `decimal`) and references to named types.
//!
//! Payloads are read as plain JSON described by the schema (what AsyncAPI
//! documents mean by an Avro payload on a JSON transport), not Avro's own
//! JSON encoding that wraps union values in `{"type": value}`.
//!
//! Written by hand against the specification (a small format): the
//! `apache-avro` crate would more than double the generator's dependencies.

use crate::error::Result;
use crate::model::naming::type_name;
use crate::spec::Location;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Deepest nesting of Avro schemas converted.
const MAX_DEPTH: usize = 64;

/// Whether a `schemaFormat` names Avro.
pub fn is_avro(format: &str) -> bool {
    format.starts_with("application/vnd.apache.avro")
}

/// The JSON Schema document for the Avro schema `avro` found at `at`, and
/// the pointer in it of the payload's schema. Named types are under
/// `definitions` (a named root type is a `$ref` to its definition, so the
/// payload is named after it).
pub fn to_json_schema(avro: &Value, at: &Location) -> Result<(Value, String)> {
    let mut converter = Converter::default();
    let root = converter.schema(avro, at, None, 0)?;
    let document = json!({
        // Two tokens deep, where no component name is read from the pointer.
        "payload": { "schema": root },
        "definitions": converter.definitions,
    });
    Ok((document, "/payload/schema".to_string()))
}

#[derive(Default)]
struct Converter {
    /// JSON Schemas of the named types, by definition key.
    definitions: Map<String, Value>,
    /// Definition key of each named type, by full name.
    keys: BTreeMap<String, String>,
}

impl Converter {
    fn schema(
        &mut self,
        node: &Value,
        at: &Location,
        namespace: Option<&str>,
        depth: usize,
    ) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(at.error("Avro schema nests too deeply"));
        }
        match node {
            Value::String(name) => match primitive(name) {
                Some(schema) => Ok(schema),
                None => self.reference(name, at, namespace),
            },
            Value::Array(branches) => self.union(branches, at, namespace, depth),
            Value::Object(map) => self.complex(map, at, namespace, depth),
            _ => Err(at.error("an Avro schema is a type name, an object or a union (an array)")),
        }
    }

    /// A name of a type defined earlier, as a `$ref` to its definition.
    fn reference(&self, name: &str, at: &Location, namespace: Option<&str>) -> Result<Value> {
        let full = full_name(name, namespace);
        let key = self
            .keys
            .get(&full)
            .or_else(|| self.keys.get(name))
            .ok_or_else(|| {
                at.error(format!(
                    "Avro type {name:?} is neither a primitive nor a named type defined before it"
                ))
            })?;
        Ok(json!({ "$ref": format!("#/definitions/{key}") }))
    }

    /// `["null", T]`: `T` or null; other unions: any of the branches.
    fn union(
        &mut self,
        branches: &[Value],
        at: &Location,
        namespace: Option<&str>,
        depth: usize,
    ) -> Result<Value> {
        if branches.is_empty() {
            return Err(at.error("an Avro union needs at least one branch"));
        }
        let mut schemas = Vec::new();
        let mut nullable = false;
        for (index, branch) in branches.iter().enumerate() {
            if branch == "null" {
                nullable = true;
                continue;
            }
            schemas.push(self.schema(
                branch,
                &at.join(&index.to_string()),
                namespace,
                depth + 1,
            )?);
        }
        let null_schema = json!({"type": "null"});
        Ok(match (schemas.len(), nullable) {
            (0, _) => null_schema,
            (1, false) => schemas.remove(0),
            (1, true) => json!({ "oneOf": [null_schema, schemas.remove(0)] }),
            (_, nullable) => {
                if nullable {
                    schemas.push(null_schema);
                }
                json!({ "anyOf": schemas })
            }
        })
    }

    fn complex(
        &mut self,
        map: &Map<String, Value>,
        at: &Location,
        namespace: Option<&str>,
        depth: usize,
    ) -> Result<Value> {
        let kind = map
            .get("type")
            .ok_or_else(|| at.error("an Avro schema object needs a `type`"))?;
        let kind = match kind {
            Value::String(kind) => kind.as_str(),
            // `{"type": ["null", "string"]}` or `{"type": {...}}`: the inner schema.
            other => return self.schema(other, &at.join("type"), namespace, depth + 1),
        };
        let doc = map.get("doc").and_then(Value::as_str);
        let mut schema = match kind {
            "record" | "error" | "enum" | "fixed" => {
                return self.named(kind, map, at, namespace, depth);
            }
            "array" => {
                let items = map
                    .get("items")
                    .ok_or_else(|| at.error("an Avro array needs `items`"))?;
                let items = self.schema(items, &at.join("items"), namespace, depth + 1)?;
                json!({"type": "array", "items": items})
            }
            "map" => {
                let values = map
                    .get("values")
                    .ok_or_else(|| at.error("an Avro map needs `values`"))?;
                let values = self.schema(values, &at.join("values"), namespace, depth + 1)?;
                json!({"type": "object", "additionalProperties": values})
            }
            primitive_name => match primitive(primitive_name) {
                Some(schema) => logical(schema, map, kind),
                None => self.reference(primitive_name, &at.join("type"), namespace)?,
            },
        };
        if let (Some(doc), Value::Object(schema)) = (doc, &mut schema) {
            schema.insert("description".into(), Value::String(doc.to_string()));
        }
        Ok(schema)
    }

    /// A record, enum or fixed: defined once under `definitions`, referred to.
    fn named(
        &mut self,
        kind: &str,
        map: &Map<String, Value>,
        at: &Location,
        namespace: Option<&str>,
        depth: usize,
    ) -> Result<Value> {
        let name = map.get("name").and_then(Value::as_str).ok_or_else(|| {
            at.join("name")
                .error(format!("an Avro {kind} needs a `name`"))
        })?;
        let own_namespace = map.get("namespace").and_then(Value::as_str).or(namespace);
        let full = full_name(name, own_namespace);
        if self.keys.contains_key(&full) {
            return Err(at
                .join("name")
                .error(format!("Avro type {full} is defined twice")));
        }
        let simple = full.rsplit('.').next().unwrap_or(&full).to_string();
        // The simple name, unless two namespaces both define it.
        let key = if self.keys.values().any(|k| *k == simple) {
            type_name(&full)
        } else {
            simple.clone()
        };
        // Known before its fields are read: a record may refer to itself.
        self.keys.insert(full.clone(), key.clone());
        let inner_namespace = full.rsplit_once('.').map(|(ns, _)| ns.to_string());
        let mut schema = match kind {
            "enum" => {
                let symbols = map
                    .get("symbols")
                    .and_then(Value::as_array)
                    .filter(|s| !s.is_empty() && s.iter().all(Value::is_string))
                    .ok_or_else(|| {
                        at.join("symbols")
                            .error("an Avro enum needs `symbols`: a list of names")
                    })?;
                json!({"type": "string", "enum": symbols})
            }
            "fixed" => {
                let size = map
                    .get("size")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| at.join("size").error("an Avro fixed needs a `size`"))?;
                // Avro's JSON holds fixed bytes as a string of that many code points.
                let bytes = json!({"type": "string", "minLength": size, "maxLength": size});
                logical(bytes, map, "fixed")
            }
            _ => self.record(map, at, inner_namespace.as_deref(), depth)?,
        };
        if let Value::Object(object) = &mut schema {
            object.insert("title".into(), Value::String(simple));
            if let Some(doc) = map.get("doc").and_then(Value::as_str) {
                object.insert("description".into(), Value::String(doc.to_string()));
            }
        }
        self.definitions.insert(key.clone(), schema);
        Ok(json!({ "$ref": format!("#/definitions/{key}") }))
    }

    /// A record's fields as properties; a field without a `default` is required.
    fn record(
        &mut self,
        map: &Map<String, Value>,
        at: &Location,
        namespace: Option<&str>,
        depth: usize,
    ) -> Result<Value> {
        let fields = map
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| at.join("fields").error("an Avro record needs `fields`"))?;
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (index, field) in fields.iter().enumerate() {
            let field_at = at.join("fields").join(&index.to_string());
            let name = field
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| field_at.join("name").error("an Avro field needs a `name`"))?;
            let ty = field
                .get("type")
                .ok_or_else(|| field_at.join("type").error("an Avro field needs a `type`"))?;
            let mut schema = self.schema(ty, &field_at.join("type"), namespace, depth + 1)?;
            if let Value::Object(object) = &mut schema {
                if let Some(doc) = field.get("doc").and_then(Value::as_str) {
                    object.insert("description".into(), Value::String(doc.to_string()));
                }
            }
            match field.get("default") {
                Some(default) => {
                    if let Value::Object(object) = &mut schema {
                        object.insert("default".into(), default.clone());
                    }
                }
                None => required.push(Value::String(name.to_string())),
            }
            properties.insert(name.to_string(), schema);
        }
        Ok(json!({"type": "object", "required": required, "properties": properties}))
    }
}

/// The JSON Schema of an Avro primitive type name.
fn primitive(name: &str) -> Option<Value> {
    Some(match name {
        "null" => json!({"type": "null"}),
        "boolean" => json!({"type": "boolean"}),
        "int" => json!({"type": "integer", "format": "int32"}),
        "long" => json!({"type": "integer", "format": "int64"}),
        "float" => json!({"type": "number", "format": "float"}),
        "double" => json!({"type": "number", "format": "double"}),
        // Avro's JSON holds bytes as a string of code points 0-255.
        "bytes" | "string" => json!({"type": "string"}),
        _ => return None,
    })
}

/// A logical type over `base` (the schema of `kind`); an unknown one, or
/// one on the wrong type, leaves the base type, as the specification says.
fn logical(base: Value, map: &Map<String, Value>, kind: &str) -> Value {
    let logical = map.get("logicalType").and_then(Value::as_str);
    match (logical, kind) {
        (Some("uuid"), "string") => json!({"type": "string", "format": "uuid"}),
        (
            Some(
                "timestamp-millis"
                | "timestamp-micros"
                | "local-timestamp-millis"
                | "local-timestamp-micros",
            ),
            "long",
        ) => json!({"type": "string", "format": "date-time"}),
        (Some("date"), "int") => json!({"type": "string", "format": "date"}),
        (Some("decimal"), "bytes" | "fixed") => decimal(map),
        _ => base,
    }
}

/// `decimal(precision, scale)` as a decimal string with at most that many digits.
fn decimal(map: &Map<String, Value>) -> Value {
    let precision = map.get("precision").and_then(Value::as_u64).unwrap_or(0);
    let scale = map.get("scale").and_then(Value::as_u64).unwrap_or(0);
    if precision == 0 || scale > precision {
        return json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"});
    }
    let integral = precision - scale;
    let pattern = match (integral, scale) {
        (0, s) => format!("^-?0?\\.[0-9]{{1,{s}}}$"),
        (i, 0) => format!("^-?[0-9]{{1,{i}}}$"),
        (i, s) => format!("^-?[0-9]{{1,{i}}}(\\.[0-9]{{1,{s}}})?$"),
    };
    json!({
        "type": "string",
        "pattern": pattern,
        "description": format!("A decimal of at most {precision} digits, {scale} after the point."),
    })
}

fn full_name(name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(namespace) if !name.contains('.') && !namespace.is_empty() => {
            format!("{namespace}.{name}")
        }
        _ => name.to_string(),
    }
}

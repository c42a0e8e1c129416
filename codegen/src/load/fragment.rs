//! Schema fragments for keywords no Rust type expresses: they become
//! `#[validate(schema = "...")]`, which the derive compiles into native
//! checks. Every `$ref` inside a fragment becomes a reference to the type
//! generated for its target, written `#/definitions/<Type>` (which is where
//! the emitted JSON Schemas define that type too). Keywords and formats the
//! generated code cannot check are left out, each with a warning.

use super::schema::{component_name, SchemaConverter};
use crate::error::Result;
use crate::model::naming::item_name;
use crate::model::{Ty, TyKind};
use crate::spec::Location;
use serde_json::{Map, Value};

/// Draft-07 keywords that validate.
pub(crate) const VALIDATION: &[&str] = &[
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "maxItems",
    "minItems",
    "uniqueItems",
    "items",
    "additionalItems",
    "contains",
    "maxProperties",
    "minProperties",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "dependencies",
    "propertyNames",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "$ref",
];

/// Keywords whose value is one subschema.
const ONE_SCHEMA: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
];

/// Annotations kept in a fragment (the emitted JSON Schemas show them).
const KEPT_ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "$comment",
    "contentMediaType",
    "contentEncoding",
];

/// Keywords already applied while loading (identifiers, definitions).
const RESOLVED: &[&str] = &["$id", "id", "$schema", "definitions", "$defs"];

/// Annotations of AsyncAPI / OpenAPI schema objects that no check reads and
/// fragments leave out (`nullable` is read with `type`, outside fragments).
const OTHER_ANNOTATIONS: &[&str] = &[
    "example",
    "deprecated",
    "externalDocs",
    "discriminator",
    "xml",
    "nullable",
];

impl SchemaConverter<'_> {
    /// Adds `keywords` of `schema` (the node at `location`, possibly trimmed)
    /// to the fragment checked on values of `ty`.
    pub(crate) fn add_fallback(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        keywords: &[&str],
        ty: &mut Ty,
    ) {
        let mut embedded = match ty.constraints.fallback.take() {
            Some(Value::Object(map)) => map,
            Some(other) => {
                let mut map = Map::new();
                map.insert("allOf".into(), Value::Array(vec![other]));
                map
            }
            None => Map::new(),
        };
        for keyword in keywords {
            let Some(value) = schema.get(*keyword) else {
                continue;
            };
            let rewritten = if *keyword == "$ref" {
                self.type_for_ref(location)
                    .map(|name| Some(Value::String(format!("#/definitions/{name}"))))
            } else {
                self.fragment_keyword(keyword, value, &location.join(keyword))
            };
            match rewritten {
                Ok(Some(value)) => insert(&mut embedded, keyword, value),
                Ok(None) => {}
                Err(error) => self.warnings.push(format!(
                    "{}: `{keyword}` is not checked by the generated code: {}",
                    location.join(keyword),
                    error.message
                )),
            }
        }
        if !embedded.is_empty() {
            ty.constraints.fallback = Some(Value::Object(embedded));
        }
    }

    /// The value stays JSON, every validation keyword of the schema checked
    /// by a fragment: for shapes no Rust type holds faithfully.
    pub(crate) fn checked_json(&mut self, location: &Location, schema: &Map<String, Value>) -> Ty {
        let keywords: Vec<&str> = schema.keys().map(String::as_str).collect();
        let mut ty = Ty::new(TyKind::Any);
        self.add_fallback(location, schema, &keywords, &mut ty);
        ty
    }

    /// Validation keywords of this node that no Rust form took go to the
    /// fragment; unknown keywords are reported.
    pub(crate) fn leftover_keywords(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        handled: &[&str],
        ty: &mut Ty,
    ) {
        let mut leftovers = Vec::new();
        for key in schema.keys().map(String::as_str) {
            if handled.contains(&key) {
                continue;
            }
            if VALIDATION.contains(&key) {
                leftovers.push(key);
            } else if !is_ignorable(key) {
                self.warnings.push(format!(
                    "{}: unknown keyword `{key}` is ignored",
                    location.join(key)
                ));
            }
        }
        if !leftovers.is_empty() {
            self.add_fallback(location, schema, &leftovers, ty);
        }
    }

    /// One keyword of a fragment, its subschemas rewritten; `None` when left out.
    fn fragment_keyword(
        &mut self,
        keyword: &str,
        value: &Value,
        at: &Location,
    ) -> Result<Option<Value>> {
        let rewritten = match keyword {
            k if ONE_SCHEMA.contains(&k) => self.fragment_schema(value, at)?,
            "properties" | "patternProperties" => {
                let Value::Object(map) = value else {
                    return Err(at.error(format!("{keyword} must be an object")));
                };
                let mut out = Map::new();
                for (name, schema) in map {
                    if keyword == "patternProperties" {
                        self.fragment_pattern(name, &at.join(name))?;
                    }
                    out.insert(name.clone(), self.fragment_schema(schema, &at.join(name))?);
                }
                Value::Object(out)
            }
            "pattern" => match value {
                Value::String(source) => {
                    self.fragment_pattern(source, at)?;
                    value.clone()
                }
                _ => return Err(self.fault(at.error("pattern must be a string"))),
            },
            "allOf" | "anyOf" | "oneOf" => self.fragment_list(value, at)?,
            "items" => match value {
                Value::Array(_) => self.fragment_list(value, at)?,
                _ => self.fragment_schema(value, at)?,
            },
            "dependencies" => {
                let Value::Object(map) = value else {
                    return Err(at.error("dependencies must be an object"));
                };
                let mut out = Map::new();
                for (name, dependency) in map {
                    let rewritten = match dependency {
                        Value::Array(_) => dependency.clone(),
                        schema => self.fragment_schema(schema, &at.join(name))?,
                    };
                    out.insert(name.clone(), rewritten);
                }
                Value::Object(out)
            }
            "format" => {
                let name = value.as_str().unwrap_or_default();
                if !crate::model::formats::is_checked(name) {
                    self.warnings.push(format!(
                        "{at}: format {name:?} is not checked (unknown format)"
                    ));
                    return Ok(None);
                }
                value.clone()
            }
            // Read with its whole schema, by `fragment_schema`.
            "$ref" => return Err(at.error("a `$ref` here is not a schema")),
            k if VALIDATION.contains(&k) || KEPT_ANNOTATIONS.contains(&k) => value.clone(),
            k if is_ignorable(k) => return Ok(None),
            other => {
                self.warnings
                    .push(format!("{at}: unknown keyword `{other}` is ignored"));
                return Ok(None);
            }
        };
        Ok(Some(rewritten))
    }

    /// A pattern of a fragment that cannot be used fails the load, not
    /// only the fragment (whose faults are otherwise warnings).
    fn fragment_pattern(&mut self, source: &str, at: &Location) -> Result<()> {
        let checked = self.patterns.check(source, at);
        checked.map_err(|e| self.fault(e))
    }

    fn fragment_list(&mut self, value: &Value, at: &Location) -> Result<Value> {
        let Value::Array(items) = value else {
            return Err(at.error("expected an array of schemas"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.fragment_schema(item, &at.join(&i.to_string())))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array)
    }

    fn fragment_schema(&mut self, value: &Value, at: &Location) -> Result<Value> {
        let map = match value {
            Value::Bool(_) => return Ok(value.clone()),
            Value::Object(map) => map,
            _ => return Err(at.error("a schema must be an object or a boolean")),
        };
        if map.contains_key("$ref") {
            // Draft 7: a `$ref`'s siblings are ignored.
            let name = self.type_for_ref(at)?;
            let mut out = Map::new();
            out.insert(
                "$ref".into(),
                Value::String(format!("#/definitions/{name}")),
            );
            return Ok(Value::Object(out));
        }
        let mut out = Map::new();
        for (key, child) in map {
            if let Some(child) = self.fragment_keyword(key, child, &at.join(key))? {
                out.insert(key.clone(), child);
            }
        }
        Ok(Value::Object(out))
    }

    /// The generated type for the target of the `$ref` at `at`. A target
    /// still being converted (a recursive schema) gets its name now.
    fn type_for_ref(&mut self, at: &Location) -> Result<String> {
        let target = self.docs.follow(at)?;
        if let Some(name) = self.type_at(&target) {
            return Ok(name.to_string());
        }
        let hint = component_name(&target)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| super::schema::path_name(&target).unwrap_or_else(|| "Root".into()));
        if self.in_progress(&target) {
            return self.reserve(&target, &item_name(&hint));
        }
        self.named(&target, &hint)
    }
}

/// Adds `keyword` to a fragment; one already there joins `allOf`, so both hold.
fn insert(fragment: &mut Map<String, Value>, keyword: &str, value: Value) {
    if !fragment.contains_key(keyword) {
        fragment.insert(keyword.to_string(), value);
        return;
    }
    let mut single = Map::new();
    single.insert(keyword.to_string(), value);
    match fragment.get_mut("allOf") {
        Some(Value::Array(parts)) if keyword != "allOf" => parts.push(Value::Object(single)),
        _ => {
            let existing = std::mem::take(fragment);
            fragment.insert(
                "allOf".into(),
                Value::Array(vec![Value::Object(existing), Value::Object(single)]),
            );
        }
    }
}

/// Keywords that never validate: annotations, identifiers, extensions.
fn is_ignorable(key: &str) -> bool {
    key.starts_with("x-")
        || KEPT_ANNOTATIONS.contains(&key)
        || RESOLVED.contains(&key)
        || OTHER_ANNOTATIONS.contains(&key)
}

//! One JSON Schema definition per named model type, and the types a schema
//! needs (the definitions that make it self-contained).

use super::keywords::{add_constraints, annotate, annotated, ty_schema};
use crate::model::{Additional, Catalog, Field, Ty, TyKind, TypeDef, TypeKind};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The definition of `def`: its shape, constraints and annotations.
pub fn definition(def: &TypeDef) -> Map<String, Value> {
    let mut annotations = Map::new();
    if let Some(title) = &def.title {
        annotations.insert("title".into(), Value::String(title.clone()));
    }
    if let Some(description) = &def.description {
        annotations.insert("description".into(), Value::String(description.clone()));
    }
    let mut schema = annotated(annotations, shape(def));
    add_constraints(&mut schema, &def.constraints);
    if !def.examples.is_empty() {
        annotate(&mut schema, "examples", Value::Array(def.examples.clone()));
    }
    schema
}

/// The definition without its annotations (a message schema puts its own on top).
pub fn shape(def: &TypeDef) -> Map<String, Value> {
    match &def.kind {
        TypeKind::Struct { fields, additional } => object(fields, additional),
        TypeKind::Enum { values } => {
            let mut schema = Map::new();
            schema.insert("type".into(), Value::String("string".into()));
            let wires = values.iter().map(|v| Value::String(v.wire.clone()));
            schema.insert("enum".into(), Value::Array(wires.collect()));
            schema
        }
        TypeKind::Union {
            variants,
            exclusive,
        } => {
            let keyword = if *exclusive { "oneOf" } else { "anyOf" };
            let branches = variants.iter().map(|v| Value::Object(ty_schema(&v.ty)));
            let mut schema = Map::new();
            schema.insert(keyword.into(), Value::Array(branches.collect()));
            schema
        }
        TypeKind::Newtype { inner } => ty_schema(inner),
    }
}

fn object(fields: &[Field], additional: &Additional) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String("object".into()));
    if !fields.is_empty() {
        let properties: Map<String, Value> = fields
            .iter()
            .map(|field| (field.wire.clone(), Value::Object(field_schema(field))))
            .collect();
        schema.insert("properties".into(), Value::Object(properties));
    }
    let required: Vec<Value> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| Value::String(f.wire.clone()))
        .collect();
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    match additional {
        Additional::Deny => {
            schema.insert("additionalProperties".into(), Value::Bool(false));
        }
        // Absent `additionalProperties` keeps every other member, as the model does.
        Additional::Keep => {}
        Additional::Typed(ty) => {
            schema.insert("additionalProperties".into(), Value::Object(ty_schema(ty)));
        }
    }
    schema
}

/// A member's schema with the annotations the property carried.
pub fn field_schema(field: &Field) -> Map<String, Value> {
    let mut annotations = Map::new();
    if let Some(description) = &field.description {
        annotations.insert("description".into(), Value::String(description.clone()));
    }
    // Description first, so a reader sees it before the keywords.
    let mut schema = annotated(annotations, ty_schema(&field.ty));
    if let Some(default) = &field.default {
        annotate(&mut schema, "default", default.clone());
    }
    if field.read_only {
        annotate(&mut schema, "readOnly", Value::Bool(true));
    }
    // An allOf part can narrow a member to fewer values while the model keeps
    // the examples of the broader declaration: only those that still fit stay.
    let examples: Vec<Value> = field
        .examples
        .iter()
        .filter(|e| {
            field
                .ty
                .constraints
                .allowed
                .as_ref()
                .is_none_or(|a| a.contains(e))
        })
        .cloned()
        .collect();
    if !examples.is_empty() {
        annotate(&mut schema, "examples", Value::Array(examples));
    }
    schema
}

/// The named types `roots` reach (themselves included), in catalog order.
pub fn closure<'c>(catalog: &'c Catalog, roots: &[&Ty]) -> Vec<&'c TypeDef> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    for root in roots {
        named_in(root, &mut stack);
    }
    while let Some(name) = stack.pop() {
        let Some(def) = catalog.type_named(name) else {
            continue;
        };
        if !seen.insert(def.name.as_str()) {
            continue;
        }
        fragment_refs(def.constraints.fallback.as_ref(), &mut stack);
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                fields.iter().for_each(|f| named_in(&f.ty, &mut stack));
                if let Additional::Typed(ty) = additional {
                    named_in(ty, &mut stack);
                }
            }
            TypeKind::Union { variants, .. } => {
                variants.iter().for_each(|v| named_in(&v.ty, &mut stack))
            }
            TypeKind::Newtype { inner } => named_in(inner, &mut stack),
            TypeKind::Enum { .. } => {}
        }
    }
    catalog
        .types
        .iter()
        .filter(|t| seen.contains(t.name.as_str()))
        .collect()
}

/// Names of the named types `ty` mentions, its fragment's `$ref`s included.
fn named_in<'t>(ty: &'t Ty, out: &mut Vec<&'t str>) {
    fragment_refs(ty.constraints.fallback.as_ref(), out);
    match &ty.kind {
        TyKind::Named { name } => out.push(name),
        TyKind::Array { items } => named_in(items, out),
        TyKind::Map { values } => named_in(values, out),
        _ => {}
    }
}

/// Types a schema fragment refers to (`{"$ref": "#/definitions/<Type>"}`).
fn fragment_refs<'t>(fragment: Option<&'t Value>, out: &mut Vec<&'t str>) {
    match fragment {
        Some(Value::Object(map)) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/definitions/") {
                            out.push(name);
                        }
                    }
                    // Instance data, not schemas.
                    ("enum" | "const" | "examples" | "default", _) => {}
                    _ => fragment_refs(Some(value), out),
                }
            }
        }
        Some(Value::Array(items)) => items.iter().for_each(|item| fragment_refs(Some(item), out)),
        _ => {}
    }
}

/// Whether the definition of `name` is reached from inside the types `name` reaches
/// (then a schema that inlines it still needs its definition).
pub fn is_recursive(catalog: &Catalog, name: &str) -> bool {
    let Some(def) = catalog.type_named(name) else {
        return false;
    };
    let mut inner: Vec<&Ty> = Vec::new();
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            inner.extend(fields.iter().map(|f| &f.ty));
            if let Additional::Typed(ty) = additional {
                inner.push(ty);
            }
        }
        TypeKind::Union { variants, .. } => inner.extend(variants.iter().map(|v| &v.ty)),
        TypeKind::Newtype { inner: ty } => inner.push(ty),
        TypeKind::Enum { .. } => {}
    }
    closure(catalog, &inner).iter().any(|t| t.name == name)
}

//! Objects: structs from `properties` (merging `allOf` parts in order) and
//! maps from `additionalProperties`.

use crate::error::Result;
use crate::load::schema::{constraints, SchemaConverter};
use crate::model::naming::type_name;
use crate::model::{Additional, Field, Ty, TyKind, TypeDef, TypeKind};
use crate::spec::Location;
use serde_json::{Map, Value};

impl SchemaConverter<'_> {
    /// An object schema: a named struct, or a map when it declares no properties.
    pub(crate) fn object(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        hint: &str,
        must_name: bool,
    ) -> Result<Ty> {
        let has_properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        let additional = schema.get("additionalProperties");
        if !has_properties && !must_name && additional != Some(&Value::Bool(false)) {
            let values = match additional {
                Some(Value::Object(_)) => self.ty(
                    &location.join("additionalProperties"),
                    &format!("{hint}Value"),
                )?,
                _ => Ty::new(TyKind::Any),
            };
            let mut ty = Ty::new(TyKind::Map {
                values: Box::new(values),
            });
            ty.constraints = constraints(location, schema, &mut self.patterns)?;
            if let Some(required) = schema.get("required") {
                let mut required_only = Map::new();
                required_only.insert("required".into(), required.clone());
                self.add_fallback(location, &required_only, &["required"], &mut ty);
            }
            return Ok(ty);
        }
        let name = self.reserve(location, hint)?;
        let def = self.def_base(location, &name)?;
        let built = self.build_struct(&name, std::slice::from_ref(location))?;
        self.finish(
            &name,
            TypeDef {
                kind: built.kind,
                constraints: built.constraints,
                ..def
            },
        );
        Ok(Ty::new(TyKind::Named { name }))
    }

    /// `allOf`: object parts merge into one struct (parents first, then the
    /// schema's own members); other parts add their constraints.
    pub(crate) fn all_of(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        parts: &Value,
        hint: &str,
        must_name: bool,
    ) -> Result<Ty> {
        let Value::Array(branches) = parts else {
            return Err(location.join("allOf").error("allOf must be an array"));
        };
        let mut object_parts = Vec::new();
        let mut parents = Vec::new();
        self.collect_parts(location, branches.len(), &mut object_parts, &mut parents, 0)?;
        let own_is_object = schema.contains_key("properties")
            || schema.get("type").and_then(Value::as_str) == Some("object");
        if object_parts.is_empty() && !own_is_object {
            // Constraint-only parts: the schema's own type, every applicator embedded.
            if self.strict && !schema.contains_key("type") {
                return Ok(self.checked_json(location, schema));
            }
            let mut rest = schema.clone();
            for applicator in ["allOf", "anyOf", "oneOf"] {
                rest.remove(applicator);
            }
            let mut ty = self.ty_of_map(location, &rest, hint, must_name)?;
            self.add_fallback(location, schema, &["allOf", "anyOf", "oneOf"], &mut ty);
            return Ok(ty);
        }
        // Merging parts into one struct reads `additionalProperties` as covering
        // the parents' members, and makes the value an object; JSON Schema does
        // neither. Strict loading keeps the exact semantics as JSON.
        let faithful = own_is_object && !schema.contains_key("additionalProperties");
        if self.strict && !faithful {
            return Ok(self.checked_json(location, schema));
        }
        object_parts.push(location.clone());
        let name = self.reserve(location, hint)?;
        let def = self.def_base(location, &name)?;
        let built = self.build_struct(&name, &object_parts)?;
        self.finish(
            &name,
            TypeDef {
                kind: built.kind,
                constraints: built.constraints,
                parents,
                ..def
            },
        );
        Ok(Ty::new(TyKind::Named { name }))
    }

    /// Converts `schema` (a copy of the node at `location` with some keywords removed).
    fn ty_of_map(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        hint: &str,
        _must_name: bool,
    ) -> Result<Ty> {
        let types: Vec<String> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            _ => Vec::new(),
        };
        let mut ty = match types.first().map(String::as_str) {
            Some("string") => Ty::new(TyKind::String {
                format: schema
                    .get("format")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }),
            Some("integer") => Ty::new(TyKind::Integer { format: None }),
            Some("number") => Ty::new(TyKind::Number { format: None }),
            Some("boolean") => Ty::new(TyKind::Boolean),
            Some("array") => Ty::new(TyKind::Array {
                items: Box::new(Ty::new(TyKind::Any)),
            }),
            _ => Ty::new(TyKind::Any),
        };
        if let Some("array") = types.first().map(String::as_str) {
            if schema.contains_key("items") {
                ty = Ty::new(TyKind::Array {
                    items: Box::new(self.ty(&location.join("items"), &format!("{hint}Item"))?),
                });
            }
        }
        ty.constraints = constraints(location, schema, &mut self.patterns)?;
        Ok(ty)
    }

    /// Gathers the object parts of an `allOf`, following references and nested `allOf`s.
    fn collect_parts(
        &mut self,
        location: &Location,
        count: usize,
        parts: &mut Vec<Location>,
        parents: &mut Vec<String>,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Err(location.error("allOf nests too deeply"));
        }
        for index in 0..count {
            let branch_location = location.join("allOf").join(&index.to_string());
            let is_ref = self.docs.node(&branch_location)?.get("$ref").is_some();
            let target = self.docs.follow(&branch_location)?;
            if is_ref {
                if let Some(component) = crate::load::schema::component_name(&target) {
                    // The parent stays a type of its own (a type per schema).
                    let parent = self.named(&target, &component)?;
                    parents.push(parent);
                }
            }
            let shared = self.docs.shared(&target)?;
            let node = shared.get();
            if let Some(Value::Array(inner)) = node.get("allOf") {
                self.collect_parts(&target, inner.len(), parts, parents, depth + 1)?;
            }
            let is_object = node.get("properties").is_some()
                || node.get("type").and_then(Value::as_str) == Some("object")
                || node.get("additionalProperties").is_some()
                || node.get("required").is_some();
            if is_object {
                parts.push(target);
            }
        }
        Ok(())
    }

    /// Fields of a struct from its parts, in declaration order.
    fn build_struct(&mut self, name: &str, parts: &[Location]) -> Result<BuiltStruct> {
        let mut fields: Vec<Field> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        // Sets beside the lists, keeping their order: an object may declare
        // 20,000 members, and looking each up in a list is quadratic.
        let mut position: std::collections::HashMap<String, usize> = Default::default();
        let mut required_set: std::collections::HashSet<String> = Default::default();
        let mut additional = Additional::Keep;
        let mut constraints_out = crate::model::Constraints::default();
        for part in parts {
            let shared = self.docs.shared(part)?;
            let Some(map) = shared.get().as_object() else {
                continue;
            };
            if let Some(list) = map.get("required") {
                let Some(list) = list.as_array() else {
                    return Err(part.join("required").error("required must be an array"));
                };
                for entry in list {
                    let Some(key) = entry.as_str() else {
                        return Err(part
                            .join("required")
                            .error("required entries must be strings"));
                    };
                    if required_set.insert(key.to_string()) {
                        required.push(key.to_string());
                    }
                }
            }
            if let Some(properties) = map.get("properties") {
                let Some(properties) = properties.as_object() else {
                    return Err(part
                        .join("properties")
                        .error("properties must be an object"));
                };
                for (wire, property) in properties {
                    let property_location = part.join("properties").join(wire);
                    let ty = self.ty(&property_location, &format!("{name}{}", type_name(wire)))?;
                    let refined = field_from(wire, ty, property, &property_location);
                    match position.get(wire.as_str()) {
                        // allOf: a later part refines a member an earlier part declared.
                        Some(&index) => {
                            self.refine(&mut fields[index], refined, &property_location)
                        }
                        None => {
                            position.insert(wire.clone(), fields.len());
                            fields.push(refined);
                        }
                    }
                }
            }
            match map.get("additionalProperties") {
                Some(Value::Bool(false)) => additional = Additional::Deny,
                Some(Value::Object(_)) => {
                    let ty =
                        self.ty(&part.join("additionalProperties"), &format!("{name}Value"))?;
                    additional = Additional::Typed(Box::new(ty));
                }
                _ => {}
            }
            let own = constraints(part, map, &mut self.patterns)?;
            crate::load::schema::merge_constraints(
                &mut constraints_out,
                crate::model::Constraints {
                    min_properties: own.min_properties,
                    max_properties: own.max_properties,
                    ..Default::default()
                },
            );
        }
        for field in &mut fields {
            field.required = required_set.contains(&field.wire);
        }
        let undeclared: Vec<Value> = required
            .iter()
            .filter(|r| !position.contains_key(r.as_str()))
            .map(|r| Value::String(r.clone()))
            .collect();
        if !undeclared.is_empty() {
            let mut ty = Ty::new(TyKind::Any);
            let mut schema = Map::new();
            schema.insert("required".into(), Value::Array(undeclared));
            self.add_fallback(&parts[parts.len() - 1], &schema, &["required"], &mut ty);
            crate::load::schema::merge_constraints(&mut constraints_out, ty.constraints);
        }
        Ok(BuiltStruct {
            kind: TypeKind::Struct { fields, additional },
            constraints: constraints_out,
        })
    }
}

impl SchemaConverter<'_> {
    /// Both declarations of an `allOf` member apply: the later, more specific
    /// type is kept (in the earlier position) with the earlier constraints added.
    fn refine(&mut self, earlier: &mut Field, later: Field, at: &Location) {
        // Only two different primitive shapes are a real conflict: a named type
        // may be a refinement (an enum of strings, a struct for an open object).
        let compatible = match (&earlier.ty.kind, &later.ty.kind) {
            (TyKind::Any, _)
            | (_, TyKind::Any)
            | (TyKind::Named { .. }, _)
            | (_, TyKind::Named { .. }) => true,
            (TyKind::Integer { .. }, TyKind::Number { .. })
            | (TyKind::Number { .. }, TyKind::Integer { .. }) => true,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        };
        if !compatible {
            self.warnings.push(format!(
                "{at}: `{}` is declared with a different type in another allOf part; the later one is kept",
                earlier.wire
            ));
        }
        let mut ty = later.ty;
        let mut constraints = std::mem::take(&mut ty.constraints);
        crate::load::schema::merge_constraints(&mut constraints, earlier.ty.constraints.clone());
        ty.constraints = constraints;
        ty.nullable &= earlier.ty.nullable;
        earlier.ty = ty;
        earlier.description = later.description.or(earlier.description.take());
        earlier.default = later.default.or(earlier.default.take());
        earlier.read_only |= later.read_only;
        earlier.examples.extend(later.examples);
        // A refinement narrows the member: examples of the broader part that
        // it no longer allows are not examples of it.
        if let Some(allowed) = &earlier.ty.constraints.allowed {
            earlier.examples.retain(|example| allowed.contains(example));
        }
    }
}

struct BuiltStruct {
    kind: TypeKind,
    constraints: crate::model::Constraints,
}

fn field_from(wire: &str, ty: Ty, property: &Value, at: &Location) -> Field {
    let text = |key: &str| {
        property
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut examples: Vec<Value> = match property.get("examples") {
        Some(Value::Array(list)) => list.clone(),
        _ => Vec::new(),
    };
    if let Some(example) = property.get("example") {
        examples.push(example.clone());
    }
    Field {
        wire: wire.to_string(),
        origin: at.to_string(),
        ty,
        required: false,
        description: text("description"),
        default: property.get("default").cloned(),
        read_only: property.get("readOnly") == Some(&Value::Bool(true)),
        examples,
    }
}

//! `oneOf` / `anyOf` and `type` arrays: a nullable schema, a base type with
//! constraint-only branches (checked by a fragment), or a union type with one
//! variant per branch, named from its component, title or type.

use super::schema::{component_name, implied_type, SchemaConverter, HANDLED};
use crate::error::Result;
use crate::model::naming::type_name;
use crate::model::{Ty, TyKind, TypeDef, TypeKind, Variant};
use crate::spec::Location;
use serde_json::{Map, Value};

impl SchemaConverter<'_> {
    /// `oneOf`/`anyOf` of a schema and `{type: null}`: that schema, nullable.
    pub(crate) fn nullable_union(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        hint: &str,
    ) -> Result<Option<Ty>> {
        for keyword in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get(keyword) else {
                continue;
            };
            if branches.len() != 2
                || schema.contains_key(if keyword == "oneOf" { "anyOf" } else { "oneOf" })
            {
                continue;
            }
            let is_null = |v: &Value| {
                v.get("type").and_then(Value::as_str) == Some("null")
                    && v.as_object().is_some_and(|m| m.len() == 1)
            };
            let other = match (is_null(&branches[0]), is_null(&branches[1])) {
                (true, false) => 1,
                (false, true) => 0,
                _ => continue,
            };
            let mut ty = self.ty(&location.join(keyword).join(&other.to_string()), hint)?;
            ty.nullable = true;
            return Ok(Some(ty));
        }
        Ok(None)
    }

    /// `oneOf`/`anyOf`: constraints on one base type stay that type with an
    /// embedded check; different shapes become a union type.
    pub(crate) fn union(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        types: &[String],
        hint: &str,
    ) -> Result<Ty> {
        let keyword = if schema.contains_key("oneOf") {
            "oneOf"
        } else {
            "anyOf"
        };
        let Some(Value::Array(branches)) = schema.get(keyword) else {
            return Err(location
                .join(keyword)
                .error(format!("{keyword} must be an array")));
        };
        if branches.is_empty() {
            return Err(location
                .join(keyword)
                .error(format!("{keyword} must not be empty")));
        }
        let constraint_only = branches.iter().all(|b| is_constraint_only(b, types));
        if constraint_only || schema.contains_key("oneOf") && schema.contains_key("anyOf") {
            // The base type carries the shape; the branches are checked as JSON.
            let mut rest = schema.clone();
            rest.remove("oneOf");
            rest.remove("anyOf");
            let base_location = location.clone();
            let mut ty = if rest.keys().any(|k| HANDLED.contains(&k.as_str())) {
                self.by_type(&base_location, &rest, types, hint, false)?
            } else {
                Ty::new(TyKind::Any)
            };
            self.add_fallback(location, schema, &["oneOf", "anyOf"], &mut ty);
            return Ok(ty);
        }
        let name = self.reserve(location, hint)?;
        let def = self.def_base(location, &name)?;
        let mut variants: Vec<Variant> = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let branch_location = location.join(keyword).join(&index.to_string());
            let mut variant_name = self.variant_name(&branch_location, branch)?;
            if variants.iter().any(|v| v.name == variant_name) {
                // Named like an earlier branch: a member only this branch
                // declares tells it apart, else its position does.
                variant_name = match distinguishing_member(branches, index) {
                    Some(member) => format!("{variant_name}With{}", type_name(member)),
                    None => format!("{variant_name}{index}"),
                };
            }
            if variants.iter().any(|v| v.name == variant_name) {
                // Branches that cannot be told apart by name: the value stays
                // JSON and the whole keyword is checked by an embedded schema.
                self.unreserve(&name);
                let mut ty = Ty::new(TyKind::Any);
                self.add_fallback(location, schema, &[keyword], &mut ty);
                return Ok(ty);
            }
            let ty = self.ty(&branch_location, &format!("{name}{variant_name}"))?;
            variants.push(Variant {
                name: variant_name,
                ty,
            });
        }
        self.discriminate(location, schema, keyword, &mut variants)?;
        // Reading picks the branch that reads and validates: exactly one for
        // `oneOf` (the `OneOf` derive), the first for `anyOf`.
        self.finish(
            &name,
            TypeDef {
                kind: TypeKind::Union {
                    variants,
                    exclusive: keyword == "oneOf",
                },
                ..def
            },
        );
        Ok(Ty::new(TyKind::Named { name }))
    }

    /// An OpenAPI `discriminator` on a union: each variant also requires its
    /// value at the discriminator's property (the mapping's key for the
    /// branch's schema, else the schema's component name), so that open
    /// objects alike in shape are told apart as the vendor means.
    fn discriminate(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        keyword: &str,
        variants: &mut [Variant],
    ) -> Result<()> {
        let Some(Value::Object(discriminator)) = schema.get("discriminator") else {
            return Ok(());
        };
        let Some(Value::String(property)) = discriminator.get("propertyName") else {
            return Err(location
                .join("discriminator")
                .error("discriminator needs a propertyName"));
        };
        let mapping = discriminator.get("mapping").and_then(Value::as_object);
        for (index, variant) in variants.iter_mut().enumerate() {
            let branch_at = location.join(keyword).join(&index.to_string());
            let target = self.docs.follow(&branch_at)?;
            let mut values: Vec<Value> = Vec::new();
            for (value, reference) in mapping.into_iter().flatten() {
                let Some(reference) = reference.as_str() else {
                    continue;
                };
                let reference = if reference.contains(['#', '/']) {
                    reference.to_string()
                } else {
                    format!("#/components/schemas/{reference}")
                };
                let mapped = self
                    .docs
                    .resolve(&location.join("discriminator"), &reference)
                    .and_then(|at| self.docs.follow(&at))?;
                if mapped == target {
                    values.push(Value::String(value.clone()));
                }
            }
            if values.is_empty() {
                match component_name(&target) {
                    Some(name) => values.push(Value::String(name)),
                    None => continue,
                }
            }
            let mut pin = Map::new();
            pin.insert("enum".into(), Value::Array(values));
            let mut properties = Map::new();
            properties.insert(property.clone(), Value::Object(pin));
            let mut check = Map::new();
            check.insert("properties".into(), Value::Object(properties));
            check.insert(
                "required".into(),
                Value::Array(vec![Value::String(property.clone())]),
            );
            self.add_fallback(
                &branch_at,
                &check,
                &["properties", "required"],
                &mut variant.ty,
            );
        }
        Ok(())
    }

    /// A union variant's name: the referenced component, the branch title, or its type.
    fn variant_name(&mut self, location: &Location, branch: &Value) -> Result<String> {
        if branch.get("$ref").is_some() {
            let target = self.docs.follow(location)?;
            if let Some(name) = component_name(&target) {
                return Ok(type_name(&name));
            }
        }
        if let Some(title) = branch.get("title").and_then(Value::as_str) {
            return Ok(type_name(title));
        }
        // A member the branch pins (`kind: {const: circle}`) names it.
        if let Some(value) = pinned_member(branch) {
            return Ok(type_name(&value));
        }
        let kind = match branch.get("type") {
            Some(Value::String(t)) => t.as_str(),
            _ => implied_type(branch.as_object().unwrap_or(&Map::new())).unwrap_or("value"),
        };
        Ok(type_name(kind))
    }

    /// `type: [string, integer]`: a union of the primitive shapes.
    pub(crate) fn type_union(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        types: &[String],
        hint: &str,
    ) -> Result<Ty> {
        let name = self.reserve(location, hint)?;
        let def = self.def_base(location, &name)?;
        let mut variants = Vec::new();
        for t in types {
            let mut single = schema.clone();
            single.insert("type".into(), Value::String(t.clone()));
            let ty = self.by_type(
                location,
                &single,
                std::slice::from_ref(t),
                &format!("{name}{}", type_name(t)),
                false,
            )?;
            variants.push(Variant {
                name: type_name(t),
                ty,
            });
        }
        self.finish(
            &name,
            TypeDef {
                kind: TypeKind::Union {
                    variants,
                    exclusive: true,
                },
                ..def
            },
        );
        Ok(Ty::new(TyKind::Named { name }))
    }
}

/// Whether a `oneOf`/`anyOf` branch only adds constraints to the base type.
fn is_constraint_only(branch: &Value, base_types: &[String]) -> bool {
    let Some(map) = branch.as_object() else {
        return false;
    };
    let shape_keys = [
        "properties",
        "items",
        "additionalProperties",
        "$ref",
        "allOf",
        "oneOf",
        "anyOf",
    ];
    if map.keys().any(|k| shape_keys.contains(&k.as_str())) {
        return false;
    }
    match map.get("type") {
        None => true,
        Some(Value::String(t)) => base_types.len() == 1 && base_types[0] == *t,
        _ => false,
    }
}

/// The one string value a schema's member allows (`const`, or a one-value
/// `enum`), for the first such member in declaration order.
pub(crate) fn pinned_member(schema: &Value) -> Option<String> {
    let properties = schema.get("properties")?.as_object()?;
    properties.values().find_map(|property| {
        if let Some(Value::String(value)) = property.get("const") {
            return Some(value.clone());
        }
        match property.get("enum") {
            Some(Value::Array(values)) if values.len() == 1 => {
                values[0].as_str().map(str::to_string)
            }
            _ => None,
        }
    })
}

/// The first member (required ones first) that branch `index` declares and
/// no other branch does: what tells objects alike in title apart.
fn distinguishing_member(branches: &[Value], index: usize) -> Option<&str> {
    fn members(branch: &Value) -> Vec<&str> {
        let required = branch
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        let declared = branch
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|p| p.keys().map(String::as_str));
        required.chain(declared).collect()
    }
    let others: std::collections::HashSet<&str> = branches
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .flat_map(|(_, branch)| members(branch))
        .collect();
    members(&branches[index])
        .into_iter()
        .find(|member| !others.contains(member))
}

//! JSON Schema (draft-07, as AsyncAPI uses it) to model types.
//!
//! Objects, closed string enums and unions become named types; their names
//! come from component keys or from the path that reached them (never
//! counters). Each schema location yields at most one named type, which also
//! makes recursive schemas terminate.

use crate::error::Result;
pub(crate) use crate::load::keywords::{
    constraints, declared_types, implied_type, merge_constraints,
};
use crate::model::naming::{item_name, type_name};
use crate::model::{Constraints, EnumValue, Ty, TyKind, TypeDef, TypeKind, Variant};
use crate::spec::{Documents, Location};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Deepest nesting of schemas converted before giving up.
const MAX_DEPTH: usize = 96;

/// Keywords the converter turns into Rust types or derive constraints.
pub(crate) const HANDLED: &[&str] = &[
    "$ref",
    "type",
    "format",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "allOf",
    "anyOf",
    "oneOf",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

pub struct SchemaConverter<'d> {
    pub(crate) docs: &'d mut Documents,
    pub(crate) types: Vec<TypeDef>,
    /// Where each type is in `types`: a definition is filled in by name once
    /// converted, and a scan per type made many-type specs quadratic.
    slots: std::collections::HashMap<String, usize>,
    by_origin: BTreeMap<Location, String>,
    by_name: BTreeMap<String, Location>,
    /// Pure JSON Schema semantics (see `LoadOptions::strict`).
    pub(crate) strict: bool,
    /// Named types that admit `null` besides their shape.
    nullable_types: std::collections::BTreeSet<String>,
    /// Components being converted, with the names they are converted as,
    /// for references back to them.
    converting: BTreeMap<Location, String>,
    pub(crate) warnings: Vec<String>,
    /// The first fault that fails the load even where it was caught (inside
    /// a fragment, whose faults are otherwise warnings).
    fault: Option<crate::error::Error>,
    /// Patterns already found valid.
    pub(crate) patterns: crate::load::patterns::Checked,
    depth: usize,
}

impl<'d> SchemaConverter<'d> {
    pub fn new(docs: &'d mut Documents) -> Self {
        SchemaConverter {
            docs,
            types: Vec::new(),
            slots: Default::default(),
            by_origin: BTreeMap::new(),
            by_name: BTreeMap::new(),
            nullable_types: Default::default(),
            converting: Default::default(),
            strict: false,
            warnings: Vec::new(),
            fault: None,
            patterns: Default::default(),
            depth: 0,
        }
    }

    /// The types and warnings, or the first fault that fails the load.
    pub fn into_parts(self) -> Result<(Vec<TypeDef>, Vec<String>)> {
        if let Some(fault) = self.fault {
            return Err(fault);
        }
        let mut types = self.types;
        super::nullable::mark_references(&mut types, &self.nullable_types);
        Ok((types, self.warnings))
    }

    /// Keeps `error` (the first one) to fail the load with, and gives it back.
    pub(crate) fn fault(&mut self, error: crate::error::Error) -> crate::error::Error {
        self.fault.get_or_insert_with(|| error.clone());
        error
    }

    /// The name of the type for the schema at `location`, if one was made.
    pub fn type_at(&self, location: &Location) -> Option<&str> {
        self.by_origin.get(location).map(String::as_str)
    }

    /// Whether the component at `location` is being converted now.
    pub(crate) fn in_progress(&self, location: &Location) -> bool {
        self.converting.contains_key(location)
    }

    /// Converts a schema that must become a named type (a component).
    pub fn named(&mut self, location: &Location, name: &str) -> Result<String> {
        if let Some(existing) = self.by_origin.get(location) {
            return Ok(existing.clone());
        }
        let target = self.docs.follow(location)?;
        if &target != location {
            let target_name = match (self.by_origin.get(&target), component_name(&target)) {
                (Some(existing), _) => existing.clone(),
                (None, Some(component)) => self.named(&target, &component)?,
                (None, None) => self.named(&target, name)?,
            };
            // A component that only refers to another keeps its own name, as an alias.
            if component_name(location).is_some() && item_name(name) != target_name {
                let alias = self.reserve(location, name)?;
                let def = self.def_base(location, &alias)?;
                let inner = Ty::new(TyKind::Named { name: target_name });
                self.finish(
                    &alias,
                    TypeDef {
                        kind: TypeKind::Newtype { inner },
                        ..def
                    },
                );
                return Ok(alias);
            }
            return Ok(target_name);
        }
        self.converting.insert(location.clone(), name.to_string());
        let ty = self.convert(location, name, true);
        self.converting.remove(location);
        let ty = ty?;
        match ty.kind {
            // This location's own type (its nullability is recorded on it).
            TyKind::Named { name }
                if ty.constraints.is_empty() && self.by_origin.get(location) == Some(&name) =>
            {
                Ok(name)
            }
            // Unless a recursive reference reserved this location's own name meanwhile.
            TyKind::Named { name }
                if !ty.nullable
                    && ty.constraints.is_empty()
                    && self.type_at(location).is_none() =>
            {
                Ok(name)
            }
            _ => {
                // A primitive, array or map component: a newtype keeps its name.
                let name = self.reserve(location, name)?;
                let def = self.def_base(location, &name)?;
                self.finish(
                    &name,
                    TypeDef {
                        kind: TypeKind::Newtype { inner: ty },
                        ..def
                    },
                );
                Ok(name)
            }
        }
    }

    /// Converts the schema at `location` as a type expression; objects, enums
    /// and unions inside it are named `hint` (plus their property path).
    pub fn ty(&mut self, location: &Location, hint: &str) -> Result<Ty> {
        let node = self.docs.node(location)?;
        if let Some(Value::String(_)) = node.get("$ref") {
            let target = self.docs.follow(location)?;
            if let Some(name) = self.by_origin.get(&target) {
                return Ok(self.named_ref(name));
            }
            if let Some(name) = self.converting.get(&target).cloned() {
                // Back to a component still being converted that is named
                // only once converted (an array, a primitive): named now, as
                // `named` would, so the recursion ends.
                let name = self.reserve(&target, &name)?;
                return Ok(self.named_ref(&name));
            }
            if let Some(component) = component_name(&target) {
                let name = self.named(&target, &component)?;
                return Ok(self.named_ref(&name));
            }
            return self.convert(&target, hint, false);
        }
        self.convert(location, hint, false)
    }

    /// Converts a non-reference schema. `must_name` hoists objects even when
    /// they would otherwise be maps.
    fn convert(&mut self, location: &Location, hint: &str, must_name: bool) -> Result<Ty> {
        if self.depth >= MAX_DEPTH {
            return Err(location.error("schema nests too deeply"));
        }
        self.depth += 1;
        let result = self.convert_inner(location, hint, must_name);
        self.depth -= 1;
        result
    }

    fn convert_inner(&mut self, location: &Location, hint: &str, must_name: bool) -> Result<Ty> {
        // Shared, not copied: a deep copy per node made loading quadratic in depth.
        let node = self.docs.shared(location)?;
        let schema = match node.get() {
            Value::Bool(true) => return Ok(Ty::new(TyKind::Any)),
            Value::Bool(false) => {
                let mut ty = Ty::new(TyKind::Any);
                ty.constraints.fallback = Some(Value::Bool(false));
                return Ok(ty);
            }
            Value::Object(map) => map,
            _ => return Err(location.error("a schema must be an object or a boolean")),
        };
        if schema.contains_key("$ref") {
            return self.ty(location, hint);
        }
        let (types, nullable) = declared_types(schema, location)?;
        let mut ty = if let Some(parts) = schema.get("allOf") {
            self.all_of(location, schema, parts, hint, must_name)?
        } else if let Some(ty) = self.nullable_union(location, schema, hint)? {
            ty
        } else if schema.contains_key("oneOf") || schema.contains_key("anyOf") {
            self.union(location, schema, &types, hint)?
        } else if let Some(ty) = self.string_enum(location, schema, &types, hint, must_name)? {
            ty
        } else {
            self.by_type(location, schema, &types, hint, must_name)?
        };
        ty.nullable |= nullable;
        self.leftover_keywords(location, schema, HANDLED, &mut ty);
        self.move_constraints_into_type(location, &mut ty);
        self.mark_nullable_type(location, &ty);
        Ok(ty)
    }

    /// A named type defined here that admits `null`: a union gains a `Null`
    /// variant; any other type is remembered so every reference to it is nullable.
    fn mark_nullable_type(&mut self, location: &Location, ty: &Ty) {
        let TyKind::Named { name } = &ty.kind else {
            return;
        };
        if !ty.nullable || self.by_origin.get(location) != Some(name) {
            return;
        }
        if let Some(def) = self.def_mut(name) {
            if let TypeKind::Union { variants, .. } = &mut def.kind {
                if !variants.iter().any(|v| v.ty.kind == TyKind::Null) {
                    variants.push(Variant {
                        name: "Null".to_string(),
                        ty: Ty::new(TyKind::Null),
                    });
                }
                return;
            }
        }
        self.nullable_types.insert(name.clone());
    }

    /// A reference to the named type `name`, nullable if the type admits `null`.
    fn named_ref(&self, name: &str) -> Ty {
        let mut ty = Ty::new(TyKind::Named {
            name: name.to_string(),
        });
        ty.nullable = self.nullable_types.contains(name);
        ty
    }

    /// Constraints stated on the schema that defines a named type belong to
    /// the type itself, so they hold wherever it is used (a message payload too).
    fn move_constraints_into_type(&mut self, location: &Location, ty: &mut Ty) {
        let TyKind::Named { name } = &ty.kind else {
            return;
        };
        if ty.constraints.is_empty() || self.by_origin.get(location) != Some(name) {
            return;
        }
        let constraints = std::mem::take(&mut ty.constraints);
        if let Some(def) = self.def_mut(name) {
            merge_constraints(&mut def.constraints, constraints);
        }
    }

    /// The shape named by `type` (or implied by the keywords present).
    pub(crate) fn by_type(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        types: &[String],
        hint: &str,
        must_name: bool,
    ) -> Result<Ty> {
        let implied = if types.is_empty() {
            implied_type(schema)
        } else {
            None
        };
        if matches!(implied, Some("object" | "array")) {
            if self.strict {
                // Without `type`, object and array keywords constrain only
                // values of that kind: only JSON holds all the others too.
                return Ok(self.checked_json(location, schema));
            }
            self.warnings.push(format!(
                "{location}: no `type`; read as {} from its keywords (other values are rejected)",
                implied.unwrap_or_default()
            ));
        }
        let kind = match (types, implied) {
            ([one], _) => one.as_str(),
            ([], Some(implied)) => implied,
            ([], None) => "any",
            _ => return self.type_union(location, schema, types, hint),
        };
        let format = schema
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let (Some(name), "string") = (&format, kind) {
            let typed = matches!(name.as_str(), "date-time" | "date" | "uuid");
            if !typed && !crate::model::formats::is_checked(name) {
                self.warnings.push(format!(
                    "{}: format {name:?} is not checked (unknown format)",
                    location.join("format")
                ));
            }
        }
        let mut ty = match kind {
            "object" => self.object(location, schema, hint, must_name)?,
            "array" => self.array(location, schema, hint)?,
            "string" => Ty::new(TyKind::String { format }),
            "integer" => Ty::new(TyKind::Integer { format }),
            "number" => Ty::new(TyKind::Number { format }),
            "boolean" => Ty::new(TyKind::Boolean),
            "null" => Ty::new(TyKind::Null),
            "any" => Ty::new(TyKind::Any),
            other => {
                return Err(location
                    .join("type")
                    .error(format!("unknown type {other:?}")))
            }
        };
        if !matches!(ty.kind, TyKind::Named { .. }) {
            // Added to, not replaced: array() may have embedded tuple keywords.
            let own = constraints(location, schema, &mut self.patterns)?;
            merge_constraints(&mut ty.constraints, own);
        }
        if kind == "any" {
            // A format without a type applies to strings only: checked as JSON.
            self.add_fallback(location, schema, &["format"], &mut ty);
        }
        Ok(ty)
    }

    fn array(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        hint: &str,
    ) -> Result<Ty> {
        let items = match schema.get("items") {
            Some(Value::Array(_)) => {
                // Tuple form: items stay JSON, checked by the embedded schema.
                let mut ty = Ty::new(TyKind::Array {
                    items: Box::new(Ty::new(TyKind::Any)),
                });
                self.add_fallback(location, schema, &["items", "additionalItems"], &mut ty);
                return Ok(ty);
            }
            Some(items) => {
                // The items' own title names them before the parent property.
                let hint = match items.get("title").and_then(Value::as_str) {
                    Some(title) => item_name(title),
                    None => format!("{hint}Item"),
                };
                self.ty(&location.join("items"), &hint)?
            }
            None => Ty::new(TyKind::Any),
        };
        Ok(Ty::new(TyKind::Array {
            items: Box::new(items),
        }))
    }

    /// `enum` of strings: a Rust enum, unless a single value (a `const`).
    fn string_enum(
        &mut self,
        location: &Location,
        schema: &Map<String, Value>,
        types: &[String],
        hint: &str,
        must_name: bool,
    ) -> Result<Option<Ty>> {
        let Some(Value::Array(values)) = schema.get("enum") else {
            return Ok(None);
        };
        let all_strings = !values.is_empty() && values.iter().all(Value::is_string);
        let string_typed = types.is_empty() || types.iter().all(|t| t == "string");
        if !all_strings || !string_typed || (values.len() < 2 && !must_name) {
            return Ok(None);
        }
        // A set beside the list: an enum may hold 100,000 values.
        let mut distinct = std::collections::HashSet::new();
        let wires: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .filter(|value| distinct.insert(*value))
            .map(str::to_string)
            .collect();
        // Two values that spell the same Rust name would collide: keep a string.
        let mut seen = std::collections::BTreeSet::new();
        if !wires.iter().all(|w| seen.insert(type_name(w))) {
            return Ok(None);
        }
        let name = self.reserve(location, hint)?;
        let def = self.def_base(location, &name)?;
        let values = wires
            .into_iter()
            .map(|wire| EnumValue {
                wire,
                description: None,
            })
            .collect();
        self.finish(
            &name,
            TypeDef {
                kind: TypeKind::Enum { values },
                ..def
            },
        );
        Ok(Some(Ty::new(TyKind::Named { name })))
    }

    /// Gives up a name reserved for a type that is not made after all.
    pub(crate) fn unreserve(&mut self, name: &str) {
        if let Some(location) = self.by_name.remove(name) {
            self.by_origin.remove(&location);
        }
        self.types.retain(|t| t.name != name);
        self.slots = (self.types.iter().enumerate())
            .map(|(at, def)| (def.name.clone(), at))
            .collect();
    }

    /// Claims `name` (from `hint`) for the type at `location`.
    pub(crate) fn reserve(&mut self, location: &Location, hint: &str) -> Result<String> {
        if let Some(existing) = self.by_origin.get(location) {
            return Ok(existing.clone());
        }
        let node = self.docs.node(location)?;
        let name = item_name(hint);
        let name = match self.by_name.get(&name) {
            None => name,
            Some(_) => {
                // A schema title is the author's own name for it: the one fallback.
                let titled = node.get("title").and_then(Value::as_str).map(item_name);
                let from_path = path_name(location);
                match (titled, from_path) {
                    (Some(t), _) if !self.by_name.contains_key(&t) => t,
                    (_, Some(p)) if !self.by_name.contains_key(&p) => p,
                    _ => {
                        let other = &self.by_name[&name];
                        return Err(location.error(format!(
                            "type name {name} is already used by {other}; give this schema a distinct title"
                        )));
                    }
                }
            }
        };
        self.by_origin.insert(location.clone(), name.clone());
        self.by_name.insert(name.clone(), location.clone());
        // A placeholder keeps declaration order: parents before children.
        self.slots.insert(name.clone(), self.types.len());
        self.types.push(TypeDef {
            name: name.clone(),
            origin: location.to_string(),
            title: None,
            description: None,
            kind: TypeKind::Newtype {
                inner: Ty::new(TyKind::Any),
            },
            examples: Vec::new(),
            parents: Vec::new(),
            constraints: Constraints::default(),
        });
        Ok(name)
    }

    /// Title, description and examples of the schema at `location`.
    pub(crate) fn def_base(&self, location: &Location, name: &str) -> Result<TypeDef> {
        let node = self.docs.node(location)?;
        let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
        let mut examples: Vec<Value> = match node.get("examples") {
            Some(Value::Array(list)) => list.clone(),
            _ => Vec::new(),
        };
        if let Some(example) = node.get("example") {
            examples.push(example.clone());
        }
        Ok(TypeDef {
            name: name.to_string(),
            origin: location.to_string(),
            title: text("title"),
            description: text("description"),
            kind: TypeKind::Newtype {
                inner: Ty::new(TyKind::Any),
            },
            examples,
            parents: Vec::new(),
            constraints: Constraints::default(),
        })
    }

    /// Replaces the placeholder for `name` with its definition.
    pub(crate) fn finish(&mut self, name: &str, def: TypeDef) {
        if let Some(slot) = self.def_mut(name) {
            *slot = def;
        }
    }

    /// The (placeholder or finished) definition of the type `name`.
    fn def_mut(&mut self, name: &str) -> Option<&mut TypeDef> {
        let at = *self.slots.get(name)?;
        self.types.get_mut(at).filter(|def| def.name == name)
    }
}

/// The component name of a location that names a type, e.g.
/// `#/components/schemas/Tag` → `Tag`, or a whole file → its stem.
pub fn component_name(location: &Location) -> Option<String> {
    let tokens = crate::spec::pointer::tokens(&location.pointer)?;
    match tokens.as_slice() {
        [] => location.file.file_stem().map(|s| {
            s.to_string_lossy()
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string()
        }),
        [.., container, name]
            if matches!(container.as_str(), "schemas" | "definitions" | "$defs") =>
        {
            Some(name.clone())
        }
        [name] => Some(name.clone()),
        _ => None,
    }
}

/// A type name from a location's whole pointer, for when the usual name is
/// taken (`/definitions//definitions/` → `DefinitionsDefinitions`).
pub(crate) fn path_name(location: &Location) -> Option<String> {
    let tokens = crate::spec::pointer::tokens(&location.pointer)?;
    let words: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty())
        .collect();
    (!words.is_empty()).then(|| item_name(&words.join(" ")))
}

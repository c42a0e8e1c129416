//! The types sections: every named type of the spec, with the Rust type that
//! holds it, its members, values or shapes, and its examples; those a
//! delivery can hold (reachable from a message's payload or headers) apart
//! from the rest (e.g. a vendor's REST API model), which a receiver never
//! sees.

use super::pieces::{constraints, ty_constraints, ty_shown, Links, Shown};
use super::rows::{cell_code, field_rows, pretty, FieldRow};
use super::text::Text;
use crate::model::{Additional, Catalog, Ty, TyKind, TypeDef, TypeKind};
use std::collections::BTreeSet;

pub struct TypeView {
    pub name: String,
    pub anchor: String,
    pub heading: String,
    pub title: Option<String>,
    pub description: Option<Text>,
    /// "object", "string enumeration", "one of", ...
    pub kind: String,
    pub rust: String,
    /// Whether a delivery can hold it (see [`delivery_types`]).
    pub delivery: bool,
    /// Named `allOf` parents whose members it holds.
    pub parents: Vec<Shown>,
    pub fields: Vec<FieldRow>,
    /// For objects: what happens to members the schema does not declare.
    pub additional: Option<Shown>,
    /// Enumeration values, as code spans.
    pub values: Vec<ValueRow>,
    /// The shapes of a union, or the one shape of a named array, map or value.
    pub shapes: Vec<ShapeRow>,
    pub constraints: Shown,
    pub examples: Vec<String>,
}

pub struct ValueRow {
    pub wire: String,
    pub wire_md: String,
    pub description: Option<Text>,
}

pub struct ShapeRow {
    pub name: String,
    pub ty: Shown,
    pub constraints: Shown,
}

pub fn type_views(catalog: &Catalog, links: &Links, rust_crate: &str) -> Vec<TypeView> {
    let delivery = delivery_types(catalog);
    catalog
        .types
        .iter()
        .map(|def| {
            let mut view = type_view(def, links, rust_crate);
            view.delivery = delivery.contains(def.name.as_str());
            view
        })
        .collect()
}

/// The names of the types reachable from a message's payload or headers:
/// through members, items, map values, union shapes, newtypes, `allOf`
/// parents and typed additional members.
pub fn delivery_types(catalog: &Catalog) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    let mut todo = Vec::new();
    for message in &catalog.messages {
        for ty in message.payload.iter().chain(&message.headers) {
            named_in(ty, &mut todo);
        }
    }
    while let Some(name) = todo.pop() {
        let Some(def) = catalog.type_named(name) else {
            continue;
        };
        if !seen.insert(def.name.as_str()) {
            continue;
        }
        todo.extend(def.parents.iter().map(String::as_str));
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                for field in fields {
                    named_in(&field.ty, &mut todo);
                }
                if let Additional::Typed(ty) = additional {
                    named_in(ty, &mut todo);
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    named_in(&variant.ty, &mut todo);
                }
            }
            TypeKind::Newtype { inner } => named_in(inner, &mut todo),
            TypeKind::Enum { .. } => {}
        }
    }
    seen
}

/// The type names `ty` mentions (itself, or its items or values).
fn named_in<'c>(ty: &'c Ty, out: &mut Vec<&'c str>) {
    match &ty.kind {
        TyKind::Named { name } => out.push(name),
        TyKind::Array { items } => named_in(items, out),
        TyKind::Map { values } => named_in(values, out),
        _ => {}
    }
}

fn type_view(def: &TypeDef, links: &Links, rust_crate: &str) -> TypeView {
    let mut view = TypeView {
        name: def.name.clone(),
        anchor: links.get(&def.name).cloned().unwrap_or_default(),
        heading: format!("Type `{}`", def.name),
        title: def.title.clone(),
        description: Text::from_option(def.description.as_deref()),
        kind: String::new(),
        rust: format!("{rust_crate}::{}", def.name),
        delivery: false,
        parents: def
            .parents
            .iter()
            .map(|p| {
                ty_shown(
                    &crate::model::Ty::new(crate::model::TyKind::Named { name: p.clone() }),
                    links,
                )
            })
            .collect(),
        fields: Vec::new(),
        additional: None,
        values: Vec::new(),
        shapes: Vec::new(),
        constraints: constraints(&def.constraints),
        examples: def.examples.iter().map(pretty).collect(),
    };
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            view.kind = "object".into();
            view.fields = field_rows(fields, links);
            view.additional = Some(match additional {
                Additional::Deny => Shown {
                    md: "Other members are rejected.".into(),
                    html: "Other members are rejected.".into(),
                },
                Additional::Keep => Shown {
                    md: "Other members are allowed and kept as received.".into(),
                    html: "Other members are allowed and kept as received.".into(),
                },
                Additional::Typed(ty) => {
                    let shown = ty_shown(ty, links);
                    let checks = ty_constraints(ty);
                    let suffix = |text: &str| {
                        if text.is_empty() {
                            String::new()
                        } else {
                            format!(" ({text})")
                        }
                    };
                    Shown {
                        md: format!(
                            "Other members are allowed and kept; each is {}{}.",
                            shown.md,
                            suffix(&checks.md)
                        ),
                        html: format!(
                            "Other members are allowed and kept; each is {}{}.",
                            shown.html,
                            suffix(&checks.html)
                        ),
                    }
                }
            });
        }
        TypeKind::Enum { values } => {
            view.kind = "string, one of the values below".into();
            view.values = values
                .iter()
                .map(|v| ValueRow {
                    wire: v.wire.clone(),
                    wire_md: cell_code(&v.wire),
                    description: Text::from_option(v.description.as_deref()),
                })
                .collect();
        }
        TypeKind::Union {
            variants,
            exclusive,
        } => {
            view.kind = if *exclusive {
                "exactly one of the shapes below".into()
            } else {
                "at least one of the shapes below".into()
            };
            view.shapes = variants
                .iter()
                .map(|v| ShapeRow {
                    name: v.name.clone(),
                    ty: ty_shown(&v.ty, links),
                    constraints: ty_constraints(&v.ty),
                })
                .collect();
        }
        TypeKind::Newtype { inner } => {
            view.kind = "the shape below".into();
            view.shapes = vec![ShapeRow {
                name: def.name.clone(),
                ty: ty_shown(inner, links),
                constraints: ty_constraints(inner),
            }];
        }
    }
    view
}

//! One Rust item per named model type.

use super::code::{lit_str, Arg, Attr, Body, Item, Member, Meta, Payload, Variant};
use super::docs::doc_lines;
use super::fields::{reads_by_wire, rust_type, validate_list, value_type, Uses, JSON_MAP};
use super::recursion::Recursion;
use crate::model::naming::{field_name, type_name};
use crate::model::{Additional, Constraints, Field, Ty, TyKind, TypeDef, TypeKind};
use serde_json::Value;

/// The wire reader of integers and formatted strings.
const WIRE_READ: &str = "eventbind_runtime::__private::wire::read";

/// The items of one named type: the type, and for string enums their impls.
pub fn type_items(def: &TypeDef, recursion: &Recursion, uses: &mut Uses, out: &mut Vec<Item>) {
    let docs = doc_lines([def.title.as_deref(), def.description.as_deref()]);
    let name = def.name.clone();
    let container = container_validate(&def.constraints);
    let derive = |derives: &[&str]| Attr::meta("derive", derives.iter().copied());
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let extras_only = fields.is_empty() && matches!(additional, Additional::Keep);
            if extras_only {
                uses.deserialize = true;
                uses.serde_json = true;
                // An object known only to be an object: kept whole, as received.
                let inner = Payload {
                    attrs: Vec::new(),
                    ty: JSON_MAP.into(),
                };
                out.push(transparent(docs, name, container, inner));
                return;
            }
            let mut used_names = std::collections::HashSet::new();
            let mut members: Vec<Member> = fields
                .iter()
                .map(|field| struct_field(field, &def.name, recursion, &mut used_names, uses))
                .collect();
            members.extend(extras_field(additional, &used_names, uses));
            // Read by the runtime's derive: serde's writes several times the code.
            uses.deserialize_object = true;
            let derives = derive(&[
                "Debug",
                "Clone",
                "PartialEq",
                "Serialize",
                "DeserializeObject",
                "Validate",
            ]);
            out.push(Item {
                docs,
                attrs: std::iter::once(derives).chain(container).collect(),
                body: Body::Struct { name, members },
            });
        }
        TypeKind::Enum { values } => {
            uses.deserialize = true;
            let names: Vec<(String, String)> = (values.iter())
                .map(|v| (type_name(&v.wire), v.wire.clone()))
                .collect();
            let renames = super::rename::renames(&names);
            let mut attrs = vec![derive(&[
                "Debug",
                "Clone",
                "Copy",
                "PartialEq",
                "Eq",
                "Hash",
                "Serialize",
                "Validate",
            ])];
            if let Some(rule) = renames.rule {
                attrs.push(Attr::meta(
                    "serde",
                    [format!("rename_all = {}", lit_str(rule))],
                ));
            }
            let variants = (values.iter().zip(&names).zip(&renames.each))
                .map(|((value, (variant, _)), rename)| Variant {
                    docs: doc_lines([value.description.as_deref()]),
                    attrs: (rename.iter())
                        .map(|wire| Attr::meta("serde", [format!("rename = {}", lit_str(wire))]))
                        .collect(),
                    name: variant.clone(),
                    payload: None,
                })
                .collect();
            out.push(Item {
                docs,
                attrs,
                body: Body::Enum {
                    name: name.clone(),
                    variants,
                },
            });
            out.extend(super::string_enum::impls(&name, &names));
        }
        TypeKind::Union {
            variants,
            exclusive,
        } => {
            let note = if *exclusive {
                "Accepts values matching exactly one of these shapes (each read and validated)."
                    .to_string()
            } else {
                "Accepts values matching at least one of these shapes; the first that matches is used."
                    .to_string()
            };
            let docs = doc_lines([
                def.title.as_deref(),
                def.description.as_deref(),
                Some(note.as_str()),
            ]);
            let variants = (variants.iter())
                .map(|variant| {
                    let boxed = matches!(&variant.ty.kind, TyKind::Named { name } if recursion.needs_box(&def.name, name));
                    Variant {
                        docs: Vec::new(),
                        attrs: wire_attr(&variant.ty).into_iter().collect(),
                        name: variant.name.clone(),
                        payload: Some(Payload {
                            attrs: validate_attr(&variant.ty).into_iter().collect(),
                            ty: value_type(&variant.ty, boxed, uses),
                        }),
                    }
                })
                .collect();
            let pick = if *exclusive {
                uses.one_of = true;
                "OneOf"
            } else {
                uses.any_of = true;
                "AnyOf"
            };
            let attrs = [
                derive(&["Debug", "Clone", "PartialEq", "Serialize", pick, "Validate"]),
                Attr::meta("serde", ["untagged"]),
                Attr::meta("allow", ["clippy::large_enum_variant"]),
            ];
            out.push(Item {
                docs,
                attrs: attrs.into_iter().chain(container).collect(),
                body: Body::Enum { name, variants },
            });
        }
        TypeKind::Newtype { inner }
            if matches!(inner.kind, TyKind::Named { .. })
                && !inner.nullable
                && inner.constraints.is_empty() =>
        {
            // A schema that is only a reference to another: the same type, by another name.
            out.push(Item {
                docs,
                attrs: Vec::new(),
                body: Body::Alias {
                    name,
                    ty: rust_type(inner, false, uses),
                },
            });
        }
        TypeKind::Newtype { inner } => {
            uses.deserialize = true;
            let boxed = matches!(&inner.kind, TyKind::Named { name } if recursion.needs_box(&def.name, name));
            let inner = Payload {
                attrs: wire_attr(inner)
                    .into_iter()
                    .chain(validate_attr(inner))
                    .collect(),
                ty: value_type(inner, boxed, uses),
            };
            out.push(transparent(docs, name, container, inner));
        }
    }
}

/// `pub struct Name(pub inner);`, read and written as its one value.
fn transparent(docs: Vec<String>, name: String, container: Option<Attr>, inner: Payload) -> Item {
    let derive = Attr::meta(
        "derive",
        [
            "Debug",
            "Clone",
            "PartialEq",
            "Serialize",
            "Deserialize",
            "Validate",
        ],
    );
    let attrs = [derive, Attr::meta("serde", ["transparent"])];
    Item {
        docs,
        attrs: attrs.into_iter().chain(container).collect(),
        body: Body::Newtype { name, inner },
    }
}

/// `#[serde(deserialize_with = ...)]` for values serde alone reads differently.
fn wire_attr(ty: &Ty) -> Option<Attr> {
    reads_by_wire(ty).then(|| {
        Attr::meta(
            "serde",
            [format!("deserialize_with = {}", lit_str(WIRE_READ))],
        )
    })
}

fn validate_attr(ty: &Ty) -> Option<Attr> {
    let args = validate_list(ty);
    (!args.is_empty()).then(|| {
        Attr::Meta(Meta {
            path: "validate".into(),
            args,
        })
    })
}

/// Constraints on a whole type, checked as an embedded schema.
fn container_validate(constraints: &Constraints) -> Option<Attr> {
    let mut schema = match &constraints.fallback {
        Some(Value::Object(map)) => map.clone(),
        _ => serde_json::Map::new(),
    };
    if let Some(n) = constraints.min_properties {
        schema.insert("minProperties".into(), Value::from(n));
    }
    if let Some(n) = constraints.max_properties {
        schema.insert("maxProperties".into(), Value::from(n));
    }
    if schema.is_empty() {
        return None;
    }
    let literal = Value::Object(schema).to_string();
    Some(Attr::meta(
        "validate",
        [format!("schema = {}", lit_str(&literal))],
    ))
}

/// One struct member: its docs, serde attributes for the wire name and for
/// absent-vs-null, and its constraints.
fn struct_field(
    field: &Field,
    holder: &str,
    recursion: &Recursion,
    used: &mut std::collections::HashSet<String>,
    uses: &mut Uses,
) -> Member {
    let mut rust_name = field_name(&field.wire);
    if used.contains(&rust_name) {
        // Two wire names that spell the same Rust name: the later one says where it came from.
        rust_name = format!("{}_{}", rust_name.trim_start_matches("r#"), used.len());
    }
    used.insert(rust_name.clone());
    let boxed =
        matches!(&field.ty.kind, TyKind::Named { name } if recursion.needs_box(holder, name));
    let base = rust_type(&field.ty, boxed, uses);
    let nullable = field.ty.nullable && !matches!(field.ty.kind, TyKind::Any | TyKind::Null);
    let mut serde_args: Vec<String> = Vec::new();
    if rust_name.trim_start_matches("r#") != field.wire {
        serde_args.push(format!("rename = {}", lit_str(&field.wire)));
    }
    let wire = reads_by_wire(&field.ty);
    let with = |path: &str| format!("deserialize_with = {}", lit_str(path));
    let optional = |serde_args: &mut Vec<String>, path: &str| {
        serde_args.push("default".into());
        serde_args.push(with(path));
        serde_args.push("skip_serializing_if = \"Option::is_none\"".into());
    };
    let ty = match (field.required, nullable) {
        (true, false) => {
            if wire {
                serde_args.push(with(WIRE_READ));
            }
            base
        }
        (true, true) => {
            // Present but possibly null: absence is still an error.
            serde_args.push(with(if wire {
                WIRE_READ
            } else {
                "eventbind_runtime::__private::serde_helpers::required_nullable"
            }));
            format!("Option<{base}>")
        }
        (false, false) => {
            // `null` is not absence: serde alone would read it as `None`.
            optional(
                &mut serde_args,
                if wire {
                    "eventbind_runtime::__private::wire::read_some"
                } else {
                    "eventbind_runtime::__private::serde_helpers::present"
                },
            );
            format!("Option<{base}>")
        }
        (false, true) => {
            // Absent is `None`, null is `Some(None)`: both round-trip.
            optional(
                &mut serde_args,
                if wire {
                    "eventbind_runtime::__private::wire::read_some"
                } else {
                    "eventbind_runtime::__private::serde_helpers::double_option"
                },
            );
            format!("Option<Option<{base}>>")
        }
    };
    let default_note = field.default.as_ref().map(|d| format!("Default: `{d}`."));
    let read_only = field.read_only.then_some("Read-only: set by the server.");
    let mut attrs = Vec::new();
    if !serde_args.is_empty() {
        attrs.push(Attr::meta("serde", serde_args));
    }
    attrs.extend(validate_attr(&field.ty));
    Member {
        docs: doc_lines([
            field.description.as_deref(),
            default_note.as_deref(),
            read_only,
        ]),
        attrs,
        name: rust_name,
        wire: field.wire.clone(),
        ty,
    }
}

/// The member holding undeclared properties, for objects that keep them.
fn extras_field(
    additional: &Additional,
    used: &std::collections::HashSet<String>,
    uses: &mut Uses,
) -> Option<Member> {
    let name = ["extra", "extra_members", "undeclared_members"]
        .into_iter()
        .find(|n| !used.contains(*n))
        .unwrap_or("eventbind_extra");
    let flatten = Attr::meta("serde", ["flatten"]);
    let member = |docs: &[&str], attrs: Vec<Attr>, ty: String| Member {
        docs: docs.iter().map(|line| line.to_string()).collect(),
        attrs,
        name: name.to_string(),
        // Not a member on the wire: the map holds the others.
        wire: name.to_string(),
        ty,
    };
    match additional {
        // Kept rather than refused by serde: `deny_unknown_fields` makes serde
        // read the struct from a JSON array too, field by field.
        Additional::Deny => {
            uses.serde_json = true;
            Some(member(
                &[
                    "Members the schema does not declare. It allows none (`additionalProperties:",
                    "false`): validation reports each one found here as a fault.",
                ],
                vec![flatten, Attr::meta("validate", ["forbidden"])],
                JSON_MAP.into(),
            ))
        }
        Additional::Keep => {
            uses.serde_json = true;
            Some(member(
                &["Members the schema does not declare, kept as received."],
                vec![flatten],
                JSON_MAP.into(),
            ))
        }
        Additional::Typed(ty) => {
            let value = value_type(ty, false, uses);
            let list = validate_list(ty);
            let mut attrs = vec![flatten];
            if !list.is_empty() {
                attrs.push(Attr::Meta(Meta {
                    path: "validate".into(),
                    args: vec![Arg::List(Meta {
                        path: "values".into(),
                        args: list,
                    })],
                }));
            }
            Some(member(
                &["Members the schema does not declare, each checked against its schema."],
                attrs,
                format!("std::collections::BTreeMap<String, {value}>"),
            ))
        }
    }
}

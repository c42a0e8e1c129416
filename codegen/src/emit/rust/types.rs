//! One Rust item per named model type.

use super::docs::doc_attrs;
use super::fields::{ident, reads_by_wire, rust_type, validate_list, Uses};
use super::recursion::Recursion;
use crate::model::naming::{field_name, type_name};
use crate::model::{Additional, Constraints, Field, Ty, TyKind, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

pub fn type_item(def: &TypeDef, recursion: &Recursion, uses: &mut Uses) -> TokenStream {
    let docs = doc_attrs([def.title.as_deref(), def.description.as_deref()]);
    let name = ident(&def.name);
    let container = container_validate(&def.constraints);
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let extras_only = fields.is_empty() && matches!(additional, Additional::Keep);
            if extras_only {
                uses.deserialize = true;
                // An object known only to be an object: kept whole, as received.
                return quote! {
                    #docs
                    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
                    #[serde(transparent)]
                    #container
                    pub struct #name(pub serde_json::Map<String, serde_json::Value>);
                };
            }
            let mut used_names = std::collections::HashSet::new();
            let mut members: Vec<TokenStream> = fields
                .iter()
                .map(|field| struct_field(field, &def.name, recursion, &mut used_names, uses))
                .collect();
            if let Some(extra) = extras_field(additional, &used_names, uses) {
                members.push(extra);
            }
            // Read by the runtime's derive: serde's writes several times the code.
            uses.deserialize_object = true;
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, DeserializeObject, Validate)]
                #container
                pub struct #name {
                    #(#members)*
                }
            }
        }
        TypeKind::Enum { values } => {
            uses.deserialize = true;
            let names: Vec<(String, String)> = (values.iter())
                .map(|v| (type_name(&v.wire), v.wire.clone()))
                .collect();
            let idents: Vec<_> = names.iter().map(|(name, _)| ident(name)).collect();
            let renames = super::rename::renames(&names);
            let rename_all = renames
                .rule
                .map(|rule| quote!(#[serde(rename_all = #rule)]));
            let variants = (values.iter().zip(&idents).zip(&renames.each)).map(
                |((value, variant), rename)| {
                    let docs = doc_attrs([value.description.as_deref()]);
                    let rename = rename.as_ref().map(|wire| quote!(#[serde(rename = #wire)]));
                    quote!(#docs #rename #variant,)
                },
            );
            let from_wire = values.iter().zip(&idents).map(|(value, variant)| {
                let wire = &value.wire;
                quote!(#wire => Ok(Self::#variant),)
            });
            let wires = values.iter().map(|value| &value.wire);
            quote! {
                #docs
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Validate)]
                #rename_all
                pub enum #name {
                    #(#variants)*
                }

                impl #name {
                    /// Every value, as written on the wire.
                    pub const VALUES: &'static [&'static str] = &[#(#wires),*];

                    /// The value as it is written on the wire.
                    pub fn as_str(&self) -> &'static str {
                        // The variants are declared in the order of `VALUES`.
                        Self::VALUES[*self as usize]
                    }
                }

                impl std::str::FromStr for #name {
                    type Err = eventbind_runtime::UnknownValue;

                    fn from_str(wire: &str) -> Result<Self, Self::Err> {
                        match wire {
                            #(#from_wire)*
                            _ => Err(eventbind_runtime::UnknownValue::new(wire, Self::VALUES)),
                        }
                    }
                }

                /// Read from a JSON string only (serde's derive would also take `{"value": null}`).
                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        eventbind_runtime::__private::wire::string_enum(deserializer)
                    }
                }
            }
        }
        TypeKind::Union {
            variants,
            exclusive,
        } => {
            let kind = if *exclusive {
                "exactly one"
            } else {
                "at least one"
            };
            let note = if *exclusive {
                "Accepts values matching exactly one of these shapes (each read and validated)."
                    .to_string()
            } else {
                format!("Accepts values matching {kind} of these shapes; the first that matches is used.")
            };
            let docs = doc_attrs([
                def.title.as_deref(),
                def.description.as_deref(),
                Some(note.as_str()),
            ]);
            let items: Vec<TokenStream> = variants.iter().map(|variant| {
                let variant_name = ident(&variant.name);
                let boxed = matches!(&variant.ty.kind, TyKind::Named { name } if recursion.needs_box(&def.name, name));
                let ty = value_type(&variant.ty, boxed, uses);
                let checks = validate_attr(&variant.ty);
                let wire = reads_by_wire(&variant.ty)
                    .then(|| quote!(#[serde(deserialize_with = "eventbind_runtime::__private::wire::read")]));
                quote!(#wire #variant_name(#checks #ty),)
            }).collect();
            let pick = if *exclusive {
                uses.one_of = true;
                quote!(OneOf)
            } else {
                uses.any_of = true;
                quote!(AnyOf)
            };
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, #pick, Validate)]
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                #container
                pub enum #name {
                    #(#items)*
                }
            }
        }
        TypeKind::Newtype { inner }
            if matches!(inner.kind, TyKind::Named { .. })
                && !inner.nullable
                && inner.constraints.is_empty() =>
        {
            // A schema that is only a reference to another: the same type, by another name.
            let target = rust_type(inner, false, uses);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
        TypeKind::Newtype { inner } => {
            uses.deserialize = true;
            let boxed = matches!(&inner.kind, TyKind::Named { name } if recursion.needs_box(&def.name, name));
            let ty = value_type(inner, boxed, uses);
            let checks = validate_attr(inner);
            let wire = reads_by_wire(inner).then(
                || quote!(#[serde(deserialize_with = "eventbind_runtime::__private::wire::read")]),
            );
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
                #[serde(transparent)]
                #container
                pub struct #name(#wire #checks pub #ty);
            }
        }
    }
}

/// A value that may be `null` is an `Option`.
fn value_type(ty: &Ty, boxed: bool, uses: &mut Uses) -> TokenStream {
    let inner = rust_type(ty, boxed, uses);
    if ty.nullable && !matches!(ty.kind, TyKind::Any | TyKind::Null) {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

fn validate_attr(ty: &Ty) -> TokenStream {
    let list = validate_list(ty);
    if list.is_empty() {
        quote!()
    } else {
        quote!(#[validate(#(#list),*)])
    }
}

/// Constraints on a whole type, checked as an embedded schema.
fn container_validate(constraints: &Constraints) -> TokenStream {
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
        return quote!();
    }
    let literal = Value::Object(schema).to_string();
    quote!(#[validate(schema = #literal)])
}

/// One struct member: its docs, serde attributes for the wire name and for
/// absent-vs-null, and its constraints.
fn struct_field(
    field: &Field,
    holder: &str,
    recursion: &Recursion,
    used: &mut std::collections::HashSet<String>,
    uses: &mut Uses,
) -> TokenStream {
    let mut rust_name = field_name(&field.wire);
    if used.contains(&rust_name) {
        // Two wire names that spell the same Rust name: the later one says where it came from.
        rust_name = format!("{}_{}", rust_name.trim_start_matches("r#"), used.len());
    }
    used.insert(rust_name.clone());
    let member = ident(&rust_name);
    let boxed =
        matches!(&field.ty.kind, TyKind::Named { name } if recursion.needs_box(holder, name));
    let base = rust_type(&field.ty, boxed, uses);
    let nullable = field.ty.nullable && !matches!(field.ty.kind, TyKind::Any | TyKind::Null);
    let wire = &field.wire;
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if rust_name.trim_start_matches("r#") != field.wire {
        serde_args.push(quote!(rename = #wire));
    }
    let wire = reads_by_wire(&field.ty);
    let ty = match (field.required, nullable) {
        (true, false) => {
            if wire {
                serde_args.push(quote!(
                    deserialize_with = "eventbind_runtime::__private::wire::read"
                ));
            }
            base
        }
        (true, true) => {
            // Present but possibly null: absence is still an error.
            let with = if wire {
                "eventbind_runtime::__private::wire::read"
            } else {
                "eventbind_runtime::__private::serde_helpers::required_nullable"
            };
            serde_args.push(quote!(deserialize_with = #with));
            quote!(Option<#base>)
        }
        (false, false) => {
            // `null` is not absence: serde alone would read it as `None`.
            let with = if wire {
                "eventbind_runtime::__private::wire::read_some"
            } else {
                "eventbind_runtime::__private::serde_helpers::present"
            };
            serde_args.push(
                quote!(default, deserialize_with = #with, skip_serializing_if = "Option::is_none"),
            );
            quote!(Option<#base>)
        }
        (false, true) => {
            // Absent is `None`, null is `Some(None)`: both round-trip.
            let with = if wire {
                "eventbind_runtime::__private::wire::read_some"
            } else {
                "eventbind_runtime::__private::serde_helpers::double_option"
            };
            serde_args.push(
                quote!(default, deserialize_with = #with, skip_serializing_if = "Option::is_none"),
            );
            quote!(Option<Option<#base>>)
        }
    };
    let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    let default_note = field.default.as_ref().map(|d| format!("Default: `{d}`."));
    let read_only = field.read_only.then_some("Read-only: set by the server.");
    let docs = doc_attrs([
        field.description.as_deref(),
        default_note.as_deref(),
        read_only,
    ]);
    let checks = validate_attr(&field.ty);
    quote! {
        #docs
        #serde_attr
        #checks
        pub #member: #ty,
    }
}

/// The member holding undeclared properties, for objects that keep them.
fn extras_field(
    additional: &Additional,
    used: &std::collections::HashSet<String>,
    uses: &mut Uses,
) -> Option<TokenStream> {
    let name = ["extra", "extra_members", "undeclared_members"]
        .into_iter()
        .find(|n| !used.contains(*n))
        .unwrap_or("eventbind_extra");
    let member = ident(name);
    match additional {
        // Kept rather than refused by serde: `deny_unknown_fields` makes serde
        // read the struct from a JSON array too, field by field.
        Additional::Deny => Some(quote! {
            /// Members the schema does not declare. It allows none (`additionalProperties:
            /// false`): validation reports each one found here as a fault.
            #[serde(flatten)]
            #[validate(forbidden)]
            pub #member: serde_json::Map<String, serde_json::Value>,
        }),
        Additional::Keep => Some(quote! {
            /// Members the schema does not declare, kept as received.
            #[serde(flatten)]
            pub #member: serde_json::Map<String, serde_json::Value>,
        }),
        Additional::Typed(ty) => {
            let value = value_type(ty, false, uses);
            let list = validate_list(ty);
            let checks = if list.is_empty() {
                quote!()
            } else {
                quote!(#[validate(values(#(#list),*))])
            };
            Some(quote! {
                /// Members the schema does not declare, each checked against its schema.
                #[serde(flatten)]
                #checks
                pub #member: std::collections::BTreeMap<String, #value>,
            })
        }
    }
}

//! The optional `schemars::JsonSchema` derive of the generated crates (cargo
//! feature `schemars`, off by default so default builds stay lean).
//!
//! It is added to the items [`super::types`] writes rather than written by it,
//! so the type emitter stays about types: every item that derives
//! `Deserialize` gets `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
//! schemars reads the serde attributes (renames, `deny_unknown_fields`,
//! `flatten`, `transparent`, `untagged`) but not `#[validate(...)]`: the
//! constraints live in the schemas eventbind writes under `schemas/`.

use crate::model::Catalog;
use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{parse_quote, Attribute, Field, Item, Meta};

/// The serde helper of a member that must be present but may be `null`.
const REQUIRED_NULLABLE: &str = "required_nullable";

/// Adds the derive to the items of one crate, then writes what they need.
#[derive(Default)]
pub struct Schemars {
    /// Whether a member uses `required_nullable_schema`.
    required_nullable: bool,
}

impl Schemars {
    /// Adds the schemars derive to the items of `file` (parsed once, for
    /// formatting, so the derive costs no second parse).
    pub fn add(&mut self, file: &mut syn::File) {
        // Parsed once and copied: a spec of many types adds them thousands of times.
        let derive: Attribute =
            parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]);
        let closed: Attribute =
            parse_quote!(#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]);
        let skip: Attribute = parse_quote!(#[cfg_attr(feature = "schemars", schemars(skip))]);
        for item in &mut file.items {
            let fields: Vec<&mut Field> = match item {
                Item::Struct(item) if derives_validate(&item.attrs) => {
                    add_derive(&mut item.attrs, &derive);
                    if mark_closed(&mut item.fields, &skip) {
                        item.attrs.push(closed.clone());
                    }
                    item.fields.iter_mut().collect()
                }
                Item::Enum(item) if derives_validate(&item.attrs) => {
                    add_derive(&mut item.attrs, &derive);
                    item.variants
                        .iter_mut()
                        .flat_map(|v| v.fields.iter_mut())
                        .collect()
                }
                _ => continue,
            };
            for field in fields {
                self.required_nullable |= mark_required_nullable(field);
            }
        }
    }

    /// Items the derives need: the helper for required nullable members (only
    /// when one uses it, so no dead code), and every type's derived schema by name.
    pub fn support(&self, catalog: &Catalog) -> TokenStream {
        let helper = self.required_nullable.then(|| {
            quote! {
                /// The schema of a member that must be present but may be `null` (schemars
                /// reads a bare `Option` as optional).
                #[cfg(feature = "schemars")]
                fn required_nullable_schema<T: schemars::JsonSchema>(
                    generator: &mut schemars::SchemaGenerator,
                ) -> schemars::Schema {
                    generator.subschema_for::<Option<T>>()
                }
            }
        });
        let entries = catalog.types.iter().map(|def| {
            let name = &def.name;
            let ty = super::fields::ident(name);
            quote!(schema::<#ty>(#name),)
        });
        quote! {
            #helper

            /// Every type's JSON Schema (draft-07) as `schemars` derives it from the Rust type,
            /// by type name. It follows serde's view (names, required, unknown members) but not
            /// the `#[validate]` constraints: `schemas/` holds the schemas eventbind writes from
            /// the spec, constraints included.
            #[cfg(feature = "schemars")]
            pub fn derived_json_schemas() -> Vec<(&'static str, schemars::Schema)> {
                fn schema<T: schemars::JsonSchema>(name: &'static str) -> (&'static str, schemars::Schema) {
                    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
                    (name, generator.into_root_schema_for::<T>())
                }
                Vec::from([#(#entries)*])
            }
        }
    }
}

/// Every type the emitter writes derives `Validate` (aliases are not items).
fn derives_validate(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|attr| attr.path().is_ident("derive") && mentions(attr, "Validate"))
}

/// Whether `word` is an identifier in the attribute's arguments, or part of
/// a string in them (read without printing the attribute: this runs for
/// every member of every type).
fn mentions(attr: &Attribute, word: &str) -> bool {
    fn within(tokens: &TokenStream, word: &str) -> bool {
        tokens.clone().into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == word,
            TokenTree::Literal(literal) => literal.to_string().contains(word),
            TokenTree::Group(group) => within(&group.stream(), word),
            TokenTree::Punct(_) => false,
        })
    }
    match &attr.meta {
        Meta::List(list) => within(&list.tokens, word),
        _ => false,
    }
}

/// A closed struct keeps undeclared members in a `#[validate(forbidden)]`
/// map (so that serde never reads it from an array); schemars is told the
/// object is closed and to leave that map out. Whether the struct is one.
fn mark_closed(fields: &mut syn::Fields, skip: &Attribute) -> bool {
    let mut closed = false;
    for field in fields.iter_mut() {
        let forbidden = (field.attrs.iter())
            .any(|attr| attr.path().is_ident("validate") && mentions(attr, "forbidden"));
        if forbidden {
            field.attrs.push(skip.clone());
            closed = true;
        }
    }
    closed
}

/// Puts the derive right after the item's own `#[derive(...)]`.
fn add_derive(attrs: &mut Vec<Attribute>, derive: &Attribute) {
    let at = attrs
        .iter()
        .position(|a| a.path().is_ident("derive"))
        .map_or(0, |i| i + 1);
    attrs.insert(at, derive.clone());
}

/// schemars reads any `Option` member as optional; one that serde requires
/// (present, possibly `null`) says so through the helper [`Schemars::support`]
/// writes. Whether the member is one.
fn mark_required_nullable(field: &mut Field) -> bool {
    let required_nullable = (field.attrs.iter())
        .any(|attr| attr.path().is_ident("serde") && mentions(attr, REQUIRED_NULLABLE));
    let Some(inner) = required_nullable.then(|| option_inner(&field.ty)).flatten() else {
        return false;
    };
    // The attribute takes the path as a string; spaces from the token printer dropped.
    let path = format!("required_nullable_schema::<{}>", compact(&inner));
    field.attrs.push(parse_quote!(
        #[cfg_attr(feature = "schemars", schemars(schema_with = #path))]
    ));
    true
}

/// `T` of `Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<TokenStream> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    (last.ident == "Option").then(|| args.args.to_token_stream())
}

/// A type's tokens as Rust writes them: `chrono::DateTime<chrono::FixedOffset>`.
fn compact(tokens: &TokenStream) -> String {
    tokens.to_string().replace(' ', "").replace(',', ", ")
}

//! `#[derive(Validate)]`: walks every field, checks its constraints and
//! validates nested values, naming each location by its wire name.

use crate::constraints::Constraints;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Attribute, Data, DeriveInput, Field, Fields, GenericArgument, PathArguments, Type};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let container = constraints_of(&input.attrs)?;
    let serde = SerdeContainer::read(&input.attrs)?;
    let at = quote!(__at);
    let container_checks = container.checks(&quote!(self), &at);
    let body = match &input.data {
        Data::Struct(data) => fields_body(
            &data.fields,
            &quote!(self.),
            &at,
            serde.rename_all.as_deref(),
        )?,
        Data::Enum(data) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let ident = &variant.ident;
                let variant_serde = SerdeField::read(&variant.attrs)?;
                if variant_serde.skip {
                    arms.push(quote!(Self::#ident { .. } => {}));
                    continue;
                }
                let wire = variant_serde.rename.unwrap_or_else(|| {
                    rename_variant(&ident.to_string(), serde.rename_all.as_deref())
                });
                // Where the variant's content sits: serde's enum representations.
                let content_at = match (&serde.tag, &serde.content) {
                    _ if serde.untagged => quote!(let __at = #at;),
                    (Some(_), None) => quote!(let __at = #at;),
                    (Some(_), Some(content)) => quote!(let __at = #at.key(#content);),
                    (None, _) => quote!(let __at = #at.key(#wire);),
                };
                let fields_rename = SerdeContainer::read(&variant.attrs)?.rename_all;
                let inner_at = quote!(__at);
                match &variant.fields {
                    Fields::Unit => arms.push(quote!(Self::#ident => {})),
                    Fields::Unnamed(fields) => {
                        let bindings: Vec<_> = (0..fields.unnamed.len())
                            .map(|i| format_ident!("__f{i}"))
                            .collect();
                        let checks = fields
                            .unnamed
                            .iter()
                            .zip(&bindings)
                            .map(|(field, binding)| {
                                field_checks(field, &quote!(#binding), &inner_at, false, None)
                            })
                            .collect::<syn::Result<Vec<_>>>()?;
                        arms.push(
                            quote!(Self::#ident(#(#bindings),*) => { #content_at #(#checks)* }),
                        );
                    }
                    Fields::Named(fields) => {
                        let names: Vec<_> = fields
                            .named
                            .iter()
                            .filter_map(|f| f.ident.clone())
                            .collect();
                        let checks = fields
                            .named
                            .iter()
                            .zip(&names)
                            .map(|(field, binding)| {
                                field_checks(
                                    field,
                                    &quote!(#binding),
                                    &inner_at,
                                    true,
                                    fields_rename.as_deref(),
                                )
                            })
                            .collect::<syn::Result<Vec<_>>>()?;
                        arms.push(
                            quote!(Self::#ident { #(#names),* } => { #content_at #(#checks)* }),
                        );
                    }
                }
            }
            quote!(match self { #(#arms)* })
        }
        Data::Union(_) => {
            return Err(syn::Error::new_spanned(
                name,
                "Validate cannot be derived for a union",
            ))
        }
    };
    Ok(quote! {
        impl #impl_generics ::eventbind_runtime::Validate for #name #type_generics #where_clause {
            #[allow(unused_variables)]
            fn validate_at(&self, __at: &::eventbind_runtime::Path<'_>, __errors: &mut ::eventbind_runtime::Errors) {
                #container_checks
                #body
            }
        }
    })
}

/// Checks for every field of a struct, reached as `#access<field>`.
fn fields_body(
    fields: &Fields,
    access: &TokenStream,
    at: &TokenStream,
    rename_all: Option<&str>,
) -> syn::Result<TokenStream> {
    let checks = match fields {
        Fields::Unit => Vec::new(),
        Fields::Named(named) => named
            .named
            .iter()
            .map(|field| {
                let ident = &field.ident;
                field_checks(field, &quote!(&#access #ident), at, true, rename_all)
            })
            .collect::<syn::Result<_>>()?,
        Fields::Unnamed(unnamed) => unnamed
            .unnamed
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let index = syn::Index::from(i);
                field_checks(field, &quote!(&#access #index), at, false, None)
            })
            .collect::<syn::Result<_>>()?,
    };
    Ok(quote!(#(#checks)*))
}

/// Checks for one field whose value is the expression `value` (a reference).
/// Named fields get their own location unless flattened.
fn field_checks(
    field: &Field,
    value: &TokenStream,
    at: &TokenStream,
    named: bool,
    rename_all: Option<&str>,
) -> syn::Result<TokenStream> {
    let constraints = constraints_of(&field.attrs)?;
    let serde = SerdeField::read(&field.attrs)?;
    if serde.skip {
        // Never read from the document, so nothing there to check.
        return Ok(quote!());
    }
    let location = if named && !serde.flatten {
        let wire = serde.rename.unwrap_or_else(|| {
            let rust = field
                .ident
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_default();
            rename_field(rust.trim_start_matches("r#"), rename_all)
        });
        quote!(let __at = #at.key(#wire);)
    } else {
        quote!(let __at = #at;)
    };
    let inner = quote!(__value);
    let checks = constraints.checks(&inner, &quote!(&__at));
    if checks.is_empty() && always_valid(&field.ty) {
        // Nothing to check and nothing inside: no code (generated crates have
        // thousands of such members, and every line is compile time).
        return Ok(quote!());
    }
    let constrained = if checks.is_empty() {
        quote!()
    } else {
        match option_depth(&field.ty) {
            0 => quote!({ let __value = #value; #checks }),
            1 => quote!(if let ::core::option::Option::Some(__value) = #value { #checks }),
            _ => {
                quote!(if let ::core::option::Option::Some(::core::option::Option::Some(__value)) = #value { #checks })
            }
        }
    };
    let nested = if constraints.skip {
        quote!()
    } else {
        quote!(::eventbind_runtime::Validate::validate_at(#value, &__at, __errors);)
    };
    Ok(quote!({
        #location
        #constrained
        #nested
    }))
}

/// Whether every value of `ty` is valid: a primitive or `String` named as
/// such (the runtime's `Validate` for them checks nothing), in any number of
/// `Option`s.
fn always_valid(ty: &Type) -> bool {
    if let Some(inner) = option_inner(ty) {
        return always_valid(inner);
    }
    let Type::Path(path) = ty else { return false };
    let [segment] = path.path.segments.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    path.qself.is_none()
        && segment.arguments.is_empty()
        && [
            "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "String",
        ]
        .iter()
        .any(|name| segment.ident == name)
}

/// How many `Option<..>` wrap the field's type (0, 1, or 2 for `Option<Option<T>>`).
fn option_depth(ty: &Type) -> usize {
    match option_inner(ty) {
        Some(inner) => 1 + option_inner(inner).map_or(0, |_| 1),
        None => 0,
    }
}

fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

fn constraints_of(attrs: &[Attribute]) -> syn::Result<Constraints> {
    let mut constraints = Constraints::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("validate")) {
        attr.parse_nested_meta(|meta| constraints.parse_meta(meta))?;
    }
    Ok(constraints)
}

/// What the derive needs from `#[serde(...)]`: the wire name and flattening.
#[derive(Default)]
pub(crate) struct SerdeField {
    rename: Option<String>,
    flatten: bool,
    skip: bool,
    /// `deserialize_with = "path"`: how the value is read.
    pub deserialize_with: Option<syn::ExprPath>,
}

impl SerdeField {
    pub(crate) fn read(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = SerdeField::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if meta.input.peek(syn::Token![=]) {
                        let lit: syn::LitStr = meta.value()?.parse()?;
                        out.rename = Some(lit.value());
                    } else {
                        // rename(serialize = "..", deserialize = ".."): the wire name read is `deserialize`.
                        meta.parse_nested_meta(|inner| {
                            let lit: syn::LitStr = inner.value()?.parse()?;
                            if inner.path.is_ident("deserialize") {
                                out.rename = Some(lit.value());
                            }
                            Ok(())
                        })?;
                    }
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else if meta.path.is_ident("deserialize_with") {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    out.deserialize_with = Some(lit.parse()?);
                } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_deserializing") {
                    out.skip = true;
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                } else if meta.input.peek(syn::token::Paren) {
                    let _group: proc_macro2::Group = meta.input.parse()?;
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// What the derive needs from a container's `#[serde(...)]`: renaming and the
/// enum representation.
#[derive(Default)]
struct SerdeContainer {
    rename_all: Option<String>,
    untagged: bool,
    tag: Option<String>,
    content: Option<String>,
}

impl SerdeContainer {
    fn read(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = SerdeContainer::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let ident = meta
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                match ident.as_str() {
                    "untagged" => out.untagged = true,
                    "rename_all" | "tag" | "content" if meta.input.peek(syn::Token![=]) => {
                        let lit: syn::LitStr = meta.value()?.parse()?;
                        let slot = match ident.as_str() {
                            "rename_all" => &mut out.rename_all,
                            "tag" => &mut out.tag,
                            _ => &mut out.content,
                        };
                        *slot = Some(lit.value());
                    }
                    "rename_all" => {
                        meta.parse_nested_meta(|inner| {
                            let lit: syn::LitStr = inner.value()?.parse()?;
                            if inner.path.is_ident("deserialize") {
                                out.rename_all = Some(lit.value());
                            }
                            Ok(())
                        })?;
                    }
                    _ => {
                        if meta.input.peek(syn::Token![=]) {
                            let _: syn::Expr = meta.value()?.parse()?;
                        } else if meta.input.peek(syn::token::Paren) {
                            let _group: proc_macro2::Group = meta.input.parse()?;
                        }
                    }
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// A field's wire name under serde's `rename_all` rule (fields are snake_case).
fn rename_field(field: &str, rule: Option<&str>) -> String {
    let pascal = || {
        field
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<String>()
    };
    match rule {
        Some("UPPERCASE") | Some("SCREAMING_SNAKE_CASE") => field.to_ascii_uppercase(),
        Some("PascalCase") => pascal(),
        Some("camelCase") => {
            let pascal = pascal();
            let mut chars = pascal.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
        Some("kebab-case") => field.replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => field.to_ascii_uppercase().replace('_', "-"),
        _ => field.to_string(),
    }
}

/// A variant's wire name under serde's `rename_all` rule (variants are PascalCase).
fn rename_variant(variant: &str, rule: Option<&str>) -> String {
    let snake = || {
        let mut out = String::new();
        for (i, c) in variant.char_indices() {
            if i > 0 && c.is_uppercase() {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    };
    match rule {
        Some("lowercase") => variant.to_ascii_lowercase(),
        Some("UPPERCASE") => variant.to_ascii_uppercase(),
        Some("camelCase") => {
            let mut chars = variant.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
        Some("snake_case") => snake(),
        Some("SCREAMING_SNAKE_CASE") => snake().to_ascii_uppercase(),
        Some("kebab-case") => snake().replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => snake().to_ascii_uppercase().replace('_', "-"),
        _ => variant.to_string(),
    }
}

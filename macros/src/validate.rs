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
    let at = quote!(__at);
    let container_checks = container.checks(&quote!(self), &at);
    let body = match &input.data {
        Data::Struct(data) => fields_body(&data.fields, &quote!(self.), &at)?,
        Data::Enum(data) => {
            let arms = data
                .variants
                .iter()
                .map(|variant| {
                    let ident = &variant.ident;
                    match &variant.fields {
                        Fields::Unit => Ok(quote!(Self::#ident => {})),
                        Fields::Unnamed(fields) => {
                            let bindings: Vec<_> = (0..fields.unnamed.len())
                                .map(|i| format_ident!("__f{i}"))
                                .collect();
                            let checks = fields
                                .unnamed
                                .iter()
                                .zip(&bindings)
                                .map(|(field, binding)| {
                                    field_checks(field, &quote!(#binding), &at, false)
                                })
                                .collect::<syn::Result<Vec<_>>>()?;
                            Ok(quote!(Self::#ident(#(#bindings),*) => { #(#checks)* }))
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
                                    field_checks(field, &quote!(#binding), &at, true)
                                })
                                .collect::<syn::Result<Vec<_>>>()?;
                            Ok(quote!(Self::#ident { #(#names),* } => { #(#checks)* }))
                        }
                    }
                })
                .collect::<syn::Result<Vec<_>>>()?;
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
) -> syn::Result<TokenStream> {
    let checks = match fields {
        Fields::Unit => Vec::new(),
        Fields::Named(named) => named
            .named
            .iter()
            .map(|field| {
                let ident = &field.ident;
                field_checks(field, &quote!(&#access #ident), at, true)
            })
            .collect::<syn::Result<_>>()?,
        Fields::Unnamed(unnamed) => unnamed
            .unnamed
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let index = syn::Index::from(i);
                field_checks(field, &quote!(&#access #index), at, false)
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
) -> syn::Result<TokenStream> {
    let constraints = constraints_of(&field.attrs)?;
    let serde = SerdeField::read(&field.attrs)?;
    let location = if named && !serde.flatten {
        let wire = serde.rename.unwrap_or_else(|| {
            field
                .ident
                .as_ref()
                .map(|i| i.to_string().trim_start_matches("r#").to_string())
                .unwrap_or_default()
        });
        quote!(let __at = #at.key(#wire);)
    } else {
        quote!(let __at = #at;)
    };
    let inner = quote!(__value);
    let checks = constraints.checks(&inner, &quote!(&__at));
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
struct SerdeField {
    rename: Option<String>,
    flatten: bool,
}

impl SerdeField {
    fn read(attrs: &[Attribute]) -> syn::Result<Self> {
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

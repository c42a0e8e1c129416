//! `#[derive(OneOf)]` and `#[derive(AnyOf)]`: `Deserialize` for an enum of
//! one-field variants, one per branch of a `oneOf` / `anyOf`. A branch
//! matches when the value reads as its type and validates; `OneOf` takes the
//! only match (none, or two, is an error), `AnyOf` the first. A variant's
//! `#[serde(deserialize_with = "path")]` is how its branch is read.

use crate::validate::SerdeField;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

pub fn expand(input: &DeriveInput, exclusive: bool) -> syn::Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a union type cannot be generic",
        ));
    }
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(name, "a union is an enum"));
    };
    let value = quote!(::eventbind_runtime::__private::serde_json::Value);
    let union = quote!(::eventbind_runtime::__private::union);
    let mut branches = Vec::new();
    for variant in &data.variants {
        let ident = &variant.ident;
        let field = match &variant.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => &fields.unnamed[0],
            _ => {
                return Err(syn::Error::new_spanned(
                    variant,
                    "each branch is a variant holding one value",
                ))
            }
        };
        let ty = &field.ty;
        let label = ident.to_string();
        // serde takes it on the variant (newtype variants) or on its field.
        let with = match SerdeField::read(&variant.attrs)?.deserialize_with {
            Some(path) => Some(path),
            None => SerdeField::read(&field.attrs)?.deserialize_with,
        };
        let read = match with {
            Some(path) => {
                quote!(#union::branch_with(__v, __explain, |__d| #path(__d), Self::#ident))
            }
            None => quote!(#union::branch::<#ty, Self>(__v, __explain, Self::#ident)),
        };
        branches.push(quote!((#label, |__v, __explain| #read)));
    }
    let pick = if exclusive {
        quote!(one_of)
    } else {
        quote!(any_of)
    };
    let serde = quote!(::eventbind_runtime::__private::serde);
    Ok(quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                let __value = <#value as #serde::Deserialize>::deserialize(__deserializer)?;
                let __branches: &[#union::Branch<Self>] = &[#(#branches),*];
                #union::#pick(&__value, __branches).map_err(<__D::Error as #serde::de::Error>::custom)
            }
        }
    })
}

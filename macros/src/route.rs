//! `#[derive(Route)]`: the `Route` impl of an event enum (its routing rule,
//! its message table, parsing per message) and its `parse` entry point.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Fields, LitStr};

enum Rule {
    Field(LitStr),
    Presence,
    Name,
}

struct Message {
    variant: syn::Ident,
    ty: syn::Type,
    name: String,
    keys: Vec<String>,
    requires: Option<String>,
    declares_key: bool,
}

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let enum_name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            enum_name,
            "Route can only be derived for an enum",
        ));
    };
    let rule = enum_rule(&input.attrs)?.ok_or_else(|| {
        syn::Error::new_spanned(
            enum_name,
            "missing #[route(field = \"/pointer\")], #[route(presence)] or #[route(name)]",
        )
    })?;
    let mut messages = Vec::new();
    let mut unknown = None;
    for variant in &data.variants {
        let ty = match &variant.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields.unnamed[0].ty.clone(),
            _ => {
                return Err(syn::Error::new_spanned(
                    variant,
                    "each variant must hold exactly one value",
                ))
            }
        };
        match variant_attr(&variant.attrs)? {
            VariantAttr::Unknown => {
                if unknown.replace(variant.ident.clone()).is_some() {
                    return Err(syn::Error::new_spanned(
                        variant,
                        "only one variant may be #[route(unknown)]",
                    ));
                }
            }
            VariantAttr::Message {
                name,
                keys,
                requires,
                declares_key,
            } => {
                let name = name.unwrap_or_else(|| variant.ident.to_string());
                if messages.iter().any(|m: &Message| m.name == name) {
                    return Err(syn::Error::new_spanned(
                        variant,
                        format!("a second variant is message {name:?}"),
                    ));
                }
                let keys = if keys.is_empty() {
                    vec![name.clone()]
                } else {
                    keys
                };
                messages.push(Message {
                    variant: variant.ident.clone(),
                    ty,
                    name,
                    keys,
                    requires,
                    declares_key,
                });
            }
        }
    }
    let unknown = unknown.ok_or_else(|| {
        syn::Error::new_spanned(
            enum_name,
            "an event enum needs a #[route(unknown)] variant holding UnknownEvent",
        )
    })?;

    let rt = quote!(::eventbind_runtime);
    let routing = match &rule {
        Rule::Field(pointer) => quote!(#rt::Routing::Field(#pointer)),
        Rule::Presence => quote!(#rt::Routing::Presence),
        Rule::Name => quote!(#rt::Routing::Name),
    };
    let infos = messages.iter().map(|m| {
        let name = &m.name;
        let keys = &m.keys;
        let requires = match &m.requires {
            Some(pointer) => quote!(Some(#pointer)),
            None => quote!(None),
        };
        let declares_key = m.declares_key;
        quote!(#rt::MessageInfo {
            name: #name,
            keys: &[#(#keys),*],
            requires: #requires,
            declares_key: #declares_key,
        })
    });
    let parse_arms = messages.iter().enumerate().map(|(index, m)| {
        let variant = &m.variant;
        let ty = &m.ty;
        quote!(#index => #rt::from_slice::<#ty>(bytes).map(Self::#variant),)
    });
    let try_arms = messages.iter().enumerate().map(|(index, m)| {
        let variant = &m.variant;
        let ty = &m.ty;
        quote!(#index => #rt::parse::try_from_slice::<#ty>(bytes).map(Self::#variant),)
    });
    let name_arms = messages.iter().map(|m| {
        let variant = &m.variant;
        let name = &m.name;
        quote!(Self::#variant(_) => ::core::option::Option::Some(#name),)
    });
    let entry_point = match rule {
        Rule::Name => quote! {
            /// Parses a delivery whose event name is given from outside the body
            /// (e.g. the subscription it arrived on). A name the spec does not
            /// know gives the `Unknown` variant with the body kept whole.
            pub fn parse_named(name: &str, bytes: &[u8]) -> ::core::result::Result<Self, #rt::ParseError> {
                #rt::route::route::<Self>(::core::option::Option::Some(name), bytes)
            }
        },
        _ => quote! {
            /// Parses a delivery, choosing its message from the payload itself.
            /// A routing key the spec does not know gives the `Unknown` variant
            /// with the body kept whole.
            pub fn parse(bytes: &[u8]) -> ::core::result::Result<Self, #rt::ParseError> {
                #rt::route::route::<Self>(::core::option::Option::None, bytes)
            }
        },
    };
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    // A payload type held by one message only says which message it is.
    let message_impls = messages
        .iter()
        .filter(|m| messages.iter().filter(|other| other.ty == m.ty).count() == 1)
        .filter(|_| input.generics.params.is_empty())
        .map(|m| {
            let variant = &m.variant;
            let ty = &m.ty;
            let name = &m.name;
            quote! {
                impl #rt::Message<#enum_name> for #ty {
                    const NAME: &'static str = #name;

                    fn from_event(event: #enum_name) -> ::core::result::Result<Self, #enum_name> {
                        match event {
                            #enum_name::#variant(message) => ::core::result::Result::Ok(message),
                            other => ::core::result::Result::Err(other),
                        }
                    }

                    fn into_event(self) -> #enum_name {
                        #enum_name::#variant(self)
                    }
                }
            }
        });
    Ok(quote! {
        #(#message_impls)*

        impl #impl_generics #rt::Route for #enum_name #type_generics #where_clause {
            const ROUTING: #rt::Routing = #routing;
            const MESSAGES: &'static [#rt::MessageInfo] = &[#(#infos),*];

            fn parse_message(index: usize, bytes: &[u8]) -> ::core::result::Result<Self, #rt::ParseError> {
                match index {
                    #(#parse_arms)*
                    _ => ::core::result::Result::Err(#rt::ParseError::single(
                        #rt::ErrorKind::UnknownEvent,
                        "",
                        "no message at this index",
                    )),
                }
            }

            fn try_message(index: usize, bytes: &[u8]) -> ::core::option::Option<Self> {
                match index {
                    #(#try_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            fn from_unknown(event: #rt::UnknownEvent) -> Self {
                Self::#unknown(event)
            }

            fn into_unknown(self) -> ::core::result::Result<#rt::UnknownEvent, Self> {
                match self {
                    Self::#unknown(event) => ::core::result::Result::Ok(event),
                    other => ::core::result::Result::Err(other),
                }
            }

            fn message_name(&self) -> ::core::option::Option<&'static str> {
                match self {
                    #(#name_arms)*
                    Self::#unknown(_) => ::core::option::Option::None,
                }
            }
        }

        impl #impl_generics #enum_name #type_generics #where_clause {
            #entry_point
        }
    })
}

fn enum_rule(attrs: &[Attribute]) -> syn::Result<Option<Rule>> {
    let mut rule = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("route")) {
        attr.parse_nested_meta(|meta| {
            let next = if meta.path.is_ident("field") {
                let pointer: LitStr = meta.value()?.parse()?;
                if !pointer.value().starts_with('/') {
                    return Err(syn::Error::new(
                        pointer.span(),
                        "the routing field must be a JSON Pointer such as \"/topic\"",
                    ));
                }
                Rule::Field(pointer)
            } else if meta.path.is_ident("presence") {
                Rule::Presence
            } else if meta.path.is_ident("name") {
                Rule::Name
            } else {
                return Err(meta.error("expected `field = \"/pointer\"`, `presence` or `name`"));
            };
            if rule.replace(next).is_some() {
                return Err(meta.error("only one routing rule may be given"));
            }
            Ok(())
        })?;
    }
    Ok(rule)
}

enum VariantAttr {
    Unknown,
    Message {
        name: Option<String>,
        keys: Vec<String>,
        /// A JSON Pointer the message's type requires (see `MessageInfo::requires`).
        requires: Option<String>,
        /// The type declares the routing member (see `MessageInfo::declares_key`).
        declares_key: bool,
    },
}

fn variant_attr(attrs: &[Attribute]) -> syn::Result<VariantAttr> {
    let mut unknown = false;
    let mut name = None;
    let mut keys = Vec::new();
    let mut requires = None;
    let mut declares_key = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("route")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("unknown") {
                unknown = true;
            } else if meta.path.is_ident("message") {
                let lit: LitStr = meta.value()?.parse()?;
                name = Some(lit.value());
            } else if meta.path.is_ident("key") {
                let lit: LitStr = meta.value()?.parse()?;
                keys.push(lit.value());
            } else if meta.path.is_ident("requires") {
                let lit: LitStr = meta.value()?.parse()?;
                if !lit.value().starts_with('/') {
                    return Err(syn::Error::new_spanned(
                        lit,
                        "`requires` is a JSON Pointer to a member, e.g. \"/data/code\"",
                    ));
                }
                requires = Some(lit.value());
            } else if meta.path.is_ident("declares_key") {
                declares_key = true;
            } else {
                return Err(meta.error(
                    "expected `unknown`, `message = \"..\"`, `key = \"..\"`, `requires = \"/..\"` or `declares_key`",
                ));
            }
            Ok(())
        })?;
    }
    if unknown {
        if name.is_some() || !keys.is_empty() || requires.is_some() || declares_key {
            let attr = attrs
                .iter()
                .find(|a| a.path().is_ident("route"))
                .unwrap_or(&attrs[0]);
            return Err(syn::Error::new_spanned(
                attr,
                "the unknown variant takes no message or key",
            ));
        }
        return Ok(VariantAttr::Unknown);
    }
    Ok(VariantAttr::Message {
        name,
        keys,
        requires,
        declares_key,
    })
}

//! `#[derive(DeserializeObject)]`: `serde::Deserialize` for a struct with
//! named fields, read from a map (a JSON object) and nothing else.
//!
//! Serde's derive writes, per struct, a field enum with its own visitor, a
//! sequence reader, content buffering for `flatten`, and a wrapper type with
//! its own `Deserialize` for every `deserialize_with`. Generated bindings
//! have thousands of structs, so that code is most of their compile time.
//! This derive writes one visitor with one `match` on the borrowed member
//! name; the runtime's `__private::de` holds the rest. It reads what serde's
//! derive reads, with the same errors at the same positions, except that it
//! never reads a struct from an array (JSON Schema's objects are objects).
//!
//! Serde attributes read: on the struct `deny_unknown_fields`, `rename`; on
//! a field `rename`, `alias`, `default` (`= "path"`), `deserialize_with`,
//! `with`, `flatten` (one map of the members not declared), `skip` /
//! `skip_deserializing`. Attributes serde reads only when serializing are
//! left to it. Any other serde attribute is refused, so nothing is read
//! differently from what it says.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Error, Fields, LitStr, Result, Token, Type};

/// How a `deserialize_with` names the runtime's helpers.
const RUNTIME: &str = "eventbind_runtime::__private::";

pub fn expand(input: &DeriveInput) -> Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            "DeserializeObject: generic structs are not supported; derive serde's Deserialize",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(Error::new(
            Span::call_site(),
            "DeserializeObject is for structs with named fields",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(Error::new_spanned(
            &data.fields,
            "DeserializeObject is for structs with named fields",
        ));
    };
    let container = Container::read(input)?;
    let fields = named
        .named
        .iter()
        .map(FieldRules::read)
        .collect::<Result<Vec<_>>>()?;
    let flattened: Vec<&FieldRules> = fields.iter().filter(|f| f.flatten).collect();
    if flattened.len() > 1 {
        return Err(Error::new_spanned(
            &flattened[1].ident,
            "DeserializeObject: one `flatten` member at most (the map of undeclared members)",
        ));
    }
    if !flattened.is_empty() && container.deny_unknown {
        return Err(Error::new_spanned(
            &flattened[0].ident,
            "DeserializeObject: `flatten` with `deny_unknown_fields` keeps nothing",
        ));
    }
    Ok(write(input, &container, &fields))
}

/// The struct's serde attributes.
struct Container {
    name: String,
    deny_unknown: bool,
}

impl Container {
    fn read(input: &DeriveInput) -> Result<Self> {
        let mut container = Container {
            name: input.ident.unraw().to_string(),
            deny_unknown: false,
        };
        for attr in input.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("deny_unknown_fields") {
                    container.deny_unknown = true;
                } else if meta.path.is_ident("rename") {
                    container.name = meta.value()?.parse::<LitStr>()?.value();
                } else {
                    return Err(unsupported(&meta.path));
                }
                Ok(())
            })?;
        }
        Ok(container)
    }
}

/// How one field is read.
struct FieldRules {
    ident: syn::Ident,
    ty: Type,
    /// The member names that set it: the wire name first, then aliases.
    names: Vec<String>,
    default: Default,
    with: Option<syn::Path>,
    flatten: bool,
    skip: bool,
}

enum Default {
    /// Absent is an error (or `None` for an `Option` read without `with`).
    None,
    /// Absent is `Default::default()`.
    Trait,
    /// Absent is the value of this function.
    Function(syn::Path),
}

impl FieldRules {
    fn read(field: &syn::Field) -> Result<Self> {
        let Some(ident) = field.ident.clone() else {
            return Err(Error::new_spanned(field, "a named field has a name"));
        };
        let mut rules = FieldRules {
            names: vec![ident.unraw().to_string()],
            ident,
            ty: field.ty.clone(),
            default: Default::None,
            with: None,
            flatten: false,
            skip: false,
        };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let path = &meta.path;
                if path.is_ident("rename") {
                    rules.names[0] = meta.value()?.parse::<LitStr>()?.value();
                } else if path.is_ident("alias") {
                    rules.names.push(meta.value()?.parse::<LitStr>()?.value());
                } else if path.is_ident("default") {
                    rules.default = if meta.input.peek(Token![=]) {
                        Default::Function(meta.value()?.parse::<LitStr>()?.parse()?)
                    } else {
                        Default::Trait
                    };
                } else if path.is_ident("deserialize_with") {
                    rules.with = Some(meta.value()?.parse::<LitStr>()?.parse()?);
                } else if path.is_ident("with") {
                    let mut module: syn::Path = meta.value()?.parse::<LitStr>()?.parse()?;
                    module.segments.push(format_ident!("deserialize").into());
                    rules.with = Some(module);
                } else if path.is_ident("flatten") {
                    rules.flatten = true;
                } else if path.is_ident("skip") || path.is_ident("skip_deserializing") {
                    rules.skip = true;
                } else if path.is_ident("skip_serializing_if") || path.is_ident("serialize_with") {
                    // Serialization only.
                    let _: LitStr = meta.value()?.parse()?;
                } else if path.is_ident("skip_serializing") {
                    // Serialization only.
                } else {
                    return Err(unsupported(path));
                }
                Ok(())
            })?;
        }
        Ok(rules)
    }
}

fn unsupported(path: &syn::Path) -> Error {
    let name = quote!(#path).to_string();
    Error::new_spanned(
        path,
        format!("DeserializeObject does not read `#[serde({name})]`; derive serde's Deserialize"),
    )
}

/// The runtime's adapter for a `deserialize_with` naming one of its helpers.
fn adapter(with: &syn::Path) -> Option<TokenStream> {
    let text = quote!(#with).to_string().replace(' ', "");
    let helper = text.trim_start_matches("::").strip_prefix(RUNTIME)?;
    let adapter = match helper {
        "serde_helpers::present" => quote!(Present),
        "serde_helpers::required_nullable" => quote!(RequiredNullable),
        "serde_helpers::double_option" => quote!(DoubleOption),
        "wire::read" => quote!(Read),
        "wire::read_some" => quote!(ReadSome),
        _ => return None,
    };
    Some(quote!(::eventbind_runtime::__private::de::adapters::#adapter))
}

fn write(input: &DeriveInput, container: &Container, fields: &[FieldRules]) -> TokenStream {
    let name = &input.ident;
    let de = quote!(::eventbind_runtime::__private::de);
    let serde = quote!(::eventbind_runtime::__private::serde);
    let expecting = format!("struct {}", container.name);
    let read: Vec<&FieldRules> = fields.iter().filter(|f| !f.skip && !f.flatten).collect();
    let slot = |i: usize| format_ident!("__f{i}");
    let slots = read.iter().enumerate().map(|(i, field)| {
        let (slot, ty) = (slot(i), &field.ty);
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let mut wrappers = Vec::new();
    let arms = read.iter().enumerate().map(|(i, field)| {
        let slot = slot(i);
        let wire = &field.names[0];
        let names = &field.names;
        let ty = &field.ty;
        let read = match &field.with {
            None => quote!(#de::next(&mut __map, &mut #slot, #wire)?;),
            Some(with) => match adapter(with) {
                Some(adapter) => {
                    quote!(#de::next_with::<#adapter<#ty>, _>(&mut __map, &mut #slot, #wire)?;)
                }
                None => {
                    // Another function: a wrapper type, as serde's derive writes.
                    let wrapper = format_ident!("__With{i}");
                    wrappers.push(quote! {
                        struct #wrapper(#ty);
                        impl<'de> #serde::Deserialize<'de> for #wrapper {
                            fn deserialize<__D: #serde::Deserializer<'de>>(
                                __deserializer: __D,
                            ) -> ::core::result::Result<Self, __D::Error> {
                                #with(__deserializer).map(#wrapper)
                            }
                        }
                    });
                    quote! {
                        let mut __wrapped = #slot.take().map(#wrapper);
                        #de::next(&mut __map, &mut __wrapped, #wire)?;
                        #slot = __wrapped.map(|__w| __w.0);
                    }
                }
            },
        };
        quote!(#(#names)|* => { #read })
    });
    let arms: Vec<TokenStream> = arms.collect();
    let extra = fields.iter().find(|f| f.flatten);
    let (extra_slot, other) = match extra {
        Some(field) => {
            let ty = &field.ty;
            (
                quote!(let mut __extra: #ty = ::core::default::Default::default();),
                quote!(_ => {
                    __extra.insert(__key.into_owned(), __map.next_value()?);
                }),
            )
        }
        None if container.deny_unknown => {
            let names = read.iter().flat_map(|f| &f.names);
            (
                quote!(),
                quote!(_ => {
                    const FIELDS: &[&str] = &[#(#names),*];
                    return ::core::result::Result::Err(
                        <__A::Error as #serde::de::Error>::unknown_field(__key.as_str(), FIELDS),
                    );
                }),
            )
        }
        None => (
            quote!(),
            quote!(_ => {
                __map.next_value::<#de::IgnoredAny>()?;
            }),
        ),
    };
    let mut next = 0;
    let values = fields.iter().map(|field| {
        let ident = &field.ident;
        if field.flatten {
            return quote!(#ident: __extra,);
        }
        if field.skip {
            return match &field.default {
                Default::Function(path) => quote!(#ident: #path(),),
                _ => quote!(#ident: ::core::default::Default::default(),),
            };
        }
        let slot = slot(next);
        next += 1;
        let wire = &field.names[0];
        match &field.default {
            Default::None if field.with.is_some() => {
                quote!(#ident: #de::required::<_, __A::Error>(#slot, #wire)?,)
            }
            Default::None => quote!(#ident: #de::take::<_, __A::Error>(#slot, #wire)?,),
            Default::Trait => quote!(#ident: #slot.unwrap_or_default(),),
            Default::Function(path) => quote!(#ident: #slot.unwrap_or_else(#path),),
        }
    });
    quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<__D: #serde::Deserializer<'de>>(
                __deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                #(#wrappers)*
                struct __Visitor;
                impl<'de> #serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        __f.write_str(#expecting)
                    }

                    fn visit_map<__A: #de::MapAccess<'de>>(
                        self,
                        mut __map: __A,
                    ) -> ::core::result::Result<#name, __A::Error> {
                        #(#slots)*
                        #extra_slot
                        while let ::core::option::Option::Some(__key) = __map.next_key::<#de::Key<'de>>()? {
                            match __key.as_str() {
                                #(#arms)*
                                #other
                            }
                        }
                        ::core::result::Result::Ok(#name {
                            #(#values)*
                        })
                    }
                }
                __deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

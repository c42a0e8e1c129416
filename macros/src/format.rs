//! Format names (`format = "..."` in an attribute, `"format"` in a schema
//! fragment) to the `eventbind_runtime::format::Format` variant that checks
//! them. Both `constraints` and `schema` read this one table.

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// The `Format` variant for a format name, checked when the derive expands.
pub fn format_variant(lit: &LitStr) -> syn::Result<TokenStream> {
    format_variant_named(&lit.value())
        .ok_or_else(|| syn::Error::new(lit.span(), format!("unsupported format `{}`", lit.value())))
}

/// The `eventbind_runtime::format::Format` variant for a format name.
pub fn format_variant_named(name: &str) -> Option<TokenStream> {
    Some(match name {
        "date-time" => quote!(DateTime),
        "date" => quote!(Date),
        "time" => quote!(Time),
        "email" => quote!(Email),
        "idn-email" => quote!(IdnEmail),
        "hostname" => quote!(Hostname),
        "idn-hostname" => quote!(IdnHostname),
        "ipv4" => quote!(Ipv4),
        "ipv6" => quote!(Ipv6),
        "uri" => quote!(Uri),
        "uri-reference" => quote!(UriReference),
        "iri" => quote!(Iri),
        "iri-reference" => quote!(IriReference),
        "uri-template" => quote!(UriTemplate),
        "uuid" => quote!(Uuid),
        "json-pointer" => quote!(JsonPointer),
        "relative-json-pointer" => quote!(RelativeJsonPointer),
        "regex" => quote!(Regex),
        _ => return None,
    })
}

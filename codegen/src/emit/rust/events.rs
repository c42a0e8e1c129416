//! One event enum per operation: a variant per message, plus `Unknown`.

use super::docs::doc_attrs;
use super::fields::{ident, rust_type, Uses};
use crate::model::{Catalog, Operation, RouteRule, Ty, TyKind};
use proc_macro2::TokenStream;
use quote::quote;

pub fn event_enum(catalog: &Catalog, operation: &Operation, uses: &mut Uses) -> TokenStream {
    let name = ident(&operation.enum_name);
    let (rule, how) = match &operation.route {
        RouteRule::Field { pointer } => (
            quote!(#[route(field = #pointer)]),
            format!("The string at `{pointer}` names the message; parse with [`{}::parse`].", operation.enum_name),
        ),
        RouteRule::Presence => (
            quote!(#[route(presence)]),
            format!(
                "Which top-level member is present names the message; parse with [`{}::parse`].",
                operation.enum_name
            ),
        ),
        RouteRule::Name => (
            quote!(#[route(name)]),
            format!(
                "The event name comes from outside the body (the subscription or delivery); parse with [`{}::parse_named`].",
                operation.enum_name
            ),
        ),
    };
    let how = match operation.route_origin {
        crate::model::RouteOrigin::Payloads => {
            format!("{how} The rule was read from the payload schemas: each message pins this field to its own values.")
        }
        _ => how,
    };
    let heading = format!(
        "Events of operation `{}` on channel `{}`.",
        operation.id, operation.channel
    );
    let docs = doc_attrs([
        Some(heading.as_str()),
        operation.summary.as_deref(),
        operation.description.as_deref(),
        Some(how.as_str()),
    ]);
    let variants = operation.messages.iter().filter_map(|routed| {
        let message = catalog.message_named(&routed.message)?;
        let variant = ident(&message.variant);
        let payload = match &message.payload {
            Some(ty) => payload_type(ty, uses),
            None => quote!(serde_json::Value),
        };
        let wire = &message.name;
        let keys = &routed.keys;
        let key_note = match &operation.route {
            RouteRule::Name => None,
            _ => Some(format!(
                "Routing key: {}.",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        };
        let docs = doc_attrs([
            message.title.as_deref().or(Some(message.name.as_str())),
            message.summary.as_deref(),
            key_note.as_deref(),
        ]);
        let requires = super::requires::requires(catalog, operation, routed)
            .map(|pointer| quote!(, requires = #pointer));
        let declares_key = super::requires::declares_key(catalog, operation, routed)
            .then(|| quote!(, declares_key));
        Some(quote! {
            #docs
            #[route(message = #wire, #(key = #keys),* #requires #declares_key)]
            #variant(#payload),
        })
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize, Route)]
        #[serde(untagged)]
        #rule
        // Payloads are held by value: boxing would cost an allocation per event.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// An event the spec does not know, kept byte for byte.
            #[route(unknown)]
            Unknown(UnknownEvent),
        }
    }
}

fn payload_type(ty: &Ty, uses: &mut Uses) -> TokenStream {
    let inner = rust_type(ty, false, uses);
    if ty.nullable && !matches!(ty.kind, TyKind::Any | TyKind::Null) {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

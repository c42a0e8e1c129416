//! One event enum per operation: a variant per message, plus `Unknown`.

use super::code::{lit_str, Attr, Body, Item, Payload, Variant};
use super::docs::doc_lines;
use super::fields::{value_type, Uses};
use crate::model::{Catalog, Operation, RouteRule};

pub fn event_enum(catalog: &Catalog, operation: &Operation, uses: &mut Uses) -> Item {
    let (rule, how) = match &operation.route {
        RouteRule::Field { pointer } => (
            format!("field = {}", lit_str(pointer)),
            format!("The string at `{pointer}` names the message; parse with [`{}::parse`].", operation.enum_name),
        ),
        RouteRule::Presence => (
            "presence".to_string(),
            format!(
                "Which top-level member is present names the message; parse with [`{}::parse`].",
                operation.enum_name
            ),
        ),
        RouteRule::Name => (
            "name".to_string(),
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
    let docs = doc_lines([
        Some(heading.as_str()),
        operation.summary.as_deref(),
        operation.description.as_deref(),
        Some(how.as_str()),
    ]);
    let mut variants: Vec<Variant> = (operation.messages.iter())
        .filter_map(|routed| {
            let message = catalog.message_named(&routed.message)?;
            let payload = match &message.payload {
                // A payload that may be `null` is an `Option`.
                Some(ty) => value_type(ty, false, uses),
                None => {
                    uses.serde_json = true;
                    "serde_json::Value".to_string()
                }
            };
            let key_note = match &operation.route {
                RouteRule::Name => None,
                _ => Some(format!(
                    "Routing key: {}.",
                    (routed.keys.iter())
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )),
            };
            let mut route = vec![format!("message = {}", lit_str(&message.name))];
            route.extend(
                routed
                    .keys
                    .iter()
                    .map(|key| format!("key = {}", lit_str(key))),
            );
            if let Some(pointer) = super::requires::requires(catalog, operation, routed) {
                route.push(format!("requires = {}", lit_str(&pointer)));
            }
            if super::requires::declares_key(catalog, operation, routed) {
                route.push("declares_key".to_string());
            }
            Some(Variant {
                docs: doc_lines([
                    message.title.as_deref().or(Some(message.name.as_str())),
                    message.summary.as_deref(),
                    key_note.as_deref(),
                ]),
                attrs: vec![Attr::meta("route", route)],
                name: message.variant.clone(),
                payload: Some(Payload {
                    attrs: Vec::new(),
                    ty: payload,
                }),
            })
        })
        .collect();
    variants.push(Variant {
        docs: vec!["An event the spec does not know, kept byte for byte.".to_string()],
        attrs: vec![Attr::meta("route", ["unknown"])],
        name: "Unknown".to_string(),
        payload: Some(Payload {
            attrs: Vec::new(),
            ty: "UnknownEvent".to_string(),
        }),
    });
    Item {
        docs,
        attrs: vec![
            Attr::meta(
                "derive",
                ["Debug", "Clone", "PartialEq", "Serialize", "Route"],
            ),
            Attr::meta("serde", ["untagged"]),
            Attr::meta("route", [rule]),
            // Payloads are held by value: boxing would cost an allocation per event.
            Attr::meta("allow", ["clippy::large_enum_variant"]),
        ],
        body: Body::Enum {
            name: operation.enum_name.clone(),
            variants,
        },
    }
}

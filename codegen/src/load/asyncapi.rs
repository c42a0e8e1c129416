//! AsyncAPI documents: 2.x (channel-centric: `subscribe`/`publish` per channel)
//! and 3.x (operation-centric) normalised into the same catalog.

use super::body_route::{infer, Inferred};
use super::messages::MessageReader;
use super::operations::{v2_operations, v3_operations};
use super::routes::route_keys;
use crate::error::Result;
use crate::model::naming::{enum_name, type_name};
use crate::model::{Catalog, Operation, RouteOrigin, RouteRule, SecurityScheme, Server};
use crate::spec::{Documents, Location, Options};
use serde_json::Value;
use std::path::Path;

pub fn load(
    documents: &mut Documents,
    root: &Path,
    options: &Options,
    name: &str,
    strict: bool,
) -> Result<Catalog> {
    let at = Location::new(root, "");
    // The document shared, not copied: the reader below needs `documents`.
    let shared = documents.shared(&at)?;
    let doc = shared.get();
    let version = match doc.get("asyncapi") {
        Some(Value::String(v)) => v.clone(),
        _ => {
            return Err(at
                .join("asyncapi")
                .error("asyncapi must be a version string"))
        }
    };
    let major = version.split('.').next().unwrap_or_default();
    if !matches!(major, "2" | "3") {
        return Err(at.join("asyncapi").error(format!(
            "AsyncAPI {version} is not supported (2.0-2.6, 3.0-3.1 are)"
        )));
    }
    let mut reader = MessageReader::new(documents, major == "3");
    reader.converter.strict = strict;
    reader.component_schemas(&at)?;
    reader.component_messages(&at)?;
    let operations = if major == "3" {
        v3_operations(&mut reader, &at, doc)?
    } else {
        v2_operations(&mut reader, &at, doc)?
    };
    let (types, messages, warnings) = reader.finish()?;
    let mut catalog = Catalog {
        name: name.to_string(),
        crate_name: options
            .krate
            .name
            .clone()
            .unwrap_or_else(|| format!("eventbind-{name}")),
        crate_description: options.krate.description.clone(),
        title: text(doc, "/info/title").unwrap_or_else(|| name.to_string()),
        version: text(doc, "/info/version").unwrap_or_else(|| "0.0.0".to_string()),
        description: text(doc, "/info/description"),
        source_format: Some(format!("asyncapi {version}")),
        servers: servers(doc),
        security_schemes: security_schemes(doc),
        types,
        messages,
        operations: Vec::new(),
        warnings,
        type_positions: Default::default(),
    };
    for raw in operations {
        let id = raw.id;
        let route_options = options.route.get(&id);
        let (route, route_origin) = match route_options {
            None => (RouteRule::Name, RouteOrigin::Default),
            Some(o) => match (o.by.as_str(), &o.pointer) {
                ("field", Some(pointer)) => (
                    RouteRule::Field {
                        pointer: pointer.clone(),
                    },
                    RouteOrigin::Options,
                ),
                ("field", None) => {
                    return Err(at.error(format!(
                        "eventbind.toml: route.{id}: `by = \"field\"` needs a `pointer`"
                    )))
                }
                ("presence", _) => (RouteRule::Presence, RouteOrigin::Options),
                ("name", _) => (RouteRule::Name, RouteOrigin::Options),
                (other, _) => {
                    return Err(at.error(format!(
                    "eventbind.toml: route.{id}: unknown rule {other:?} (field, presence, name)"
                )))
                }
            },
        };
        let enum_name = route_options
            .and_then(|o| o.enum_name.clone())
            .unwrap_or_else(|| match &raw.reply_to {
                // `subscribe` → `SubscribeEvent`, its reply `SubscribeReplyEvent`.
                Some(request) => {
                    let request = enum_name(request);
                    format!("{}ReplyEvent", request.trim_end_matches("Event"))
                }
                None => enum_name(&id),
            });
        // Without options, a field every payload pins to its own values routes.
        let inferred = match route_origin {
            RouteOrigin::Default => infer(&catalog, documents, &raw.messages),
            _ => Inferred::Nothing,
        };
        if let Inferred::Shared {
            pointer,
            value,
            messages,
        } = &inferred
        {
            catalog.warnings.push(format!(
                "{}: messages {} of operation {id} all pin {pointer} to {value:?}: the body \
                 cannot tell them apart, so their names come from outside it",
                raw.at,
                messages.join(", ")
            ));
        }
        let (route, route_origin, messages) = match inferred {
            Inferred::Routed(pointer, messages) => (
                RouteRule::Field { pointer },
                RouteOrigin::Payloads,
                messages,
            ),
            _ => {
                let messages = route_keys(&mut catalog, &route, &raw.messages, &raw.at)?;
                (route, route_origin, messages)
            }
        };
        catalog.operations.push(Operation {
            id,
            action: raw.action,
            channel: raw.channel,
            summary: raw.summary,
            description: raw.description,
            enum_name,
            route,
            route_origin,
            messages,
            reply_to: raw.reply_to,
        });
    }
    for id in options.route.keys() {
        if !catalog.operations.iter().any(|o| &o.id == id) {
            return Err(at.error(format!(
                "eventbind.toml: route.{id}: no operation has this id"
            )));
        }
    }
    Ok(catalog)
}

/// A plain JSON Schema: one type per definition, plus the root if it has a shape.
pub fn load_json_schema(
    documents: &mut Documents,
    root: &Path,
    options: &Options,
    name: &str,
    strict: bool,
) -> Result<Catalog> {
    let at = Location::new(root, "");
    // The document shared, not copied: the reader below needs `documents`.
    let shared = documents.shared(&at)?;
    let doc = shared.get();
    let mut reader = MessageReader::new(documents, false);
    reader.converter.strict = strict;
    for container in ["definitions", "$defs"] {
        if let Some(Value::Object(definitions)) = doc.get(container) {
            for key in definitions.keys() {
                reader.converter.named(&at.join(container).join(key), key)?;
            }
        }
    }
    let root_has_shape = doc.is_boolean()
        || doc.as_object().is_some_and(|m| {
            m.keys().any(|k| {
                !matches!(
                    k.as_str(),
                    "$schema"
                        | "$id"
                        | "title"
                        | "description"
                        | "definitions"
                        | "$defs"
                        | "$comment"
                )
            })
        });
    if root_has_shape {
        let root_name = text(doc, "/title").unwrap_or_else(|| name.to_string());
        reader.converter.named(&at, &type_name(&root_name))?;
    }
    let (types, messages, warnings) = reader.finish()?;
    Ok(Catalog {
        name: name.to_string(),
        crate_name: options
            .krate
            .name
            .clone()
            .unwrap_or_else(|| format!("eventbind-{name}")),
        crate_description: options.krate.description.clone(),
        title: text(doc, "/title").unwrap_or_else(|| name.to_string()),
        version: "0.0.0".to_string(),
        description: text(doc, "/description"),
        source_format: None,
        servers: Vec::new(),
        security_schemes: Vec::new(),
        types,
        messages,
        operations: Vec::new(),
        warnings,
        type_positions: Default::default(),
    })
}

fn text(doc: &Value, pointer: &str) -> Option<String> {
    doc.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn servers(doc: &Value) -> Vec<Server> {
    let Some(Value::Object(servers)) = doc.get("servers") else {
        return Vec::new();
    };
    servers
        .iter()
        .map(|(name, server)| {
            let field = |key: &str| server.get(key).and_then(Value::as_str).map(str::to_string);
            let host = field("url").or_else(|| {
                field("host").map(|h| format!("{h}{}", field("pathname").unwrap_or_default()))
            });
            Server {
                name: name.clone(),
                host: host.unwrap_or_default(),
                protocol: field("protocol").unwrap_or_default(),
                description: field("description"),
            }
        })
        .collect()
}

fn security_schemes(doc: &Value) -> Vec<SecurityScheme> {
    let Some(Value::Object(schemes)) = doc.pointer("/components/securitySchemes") else {
        return Vec::new();
    };
    schemes
        .iter()
        .map(|(name, scheme)| {
            let field = |key: &str| scheme.get(key).and_then(Value::as_str).map(str::to_string);
            SecurityScheme {
                name: name.clone(),
                kind: field("type").unwrap_or_default(),
                description: field("description"),
                parameter: field("name"),
                signature: scheme.get("x-eventbind-signature").cloned(),
            }
        })
        .collect()
}

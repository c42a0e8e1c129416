//! AsyncAPI documents: 2.x (channel-centric: `subscribe`/`publish` per channel)
//! and 3.x (operation-centric) normalised into the same catalog.

use super::messages::MessageReader;
use super::routes::route_keys;
use crate::error::Result;
use crate::model::naming::{enum_name, type_name};
use crate::model::{Action, Catalog, Operation, RouteRule, SecurityScheme, Server};
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
    let doc = documents.root(root).cloned().unwrap_or_default();
    let at = Location::new(root, "");
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
        v3_operations(&mut reader, &at, &doc)?
    } else {
        v2_operations(&mut reader, &at, &doc)?
    };
    let (types, messages, warnings) = reader.finish();
    let mut catalog = Catalog {
        name: name.to_string(),
        crate_name: options
            .krate
            .name
            .clone()
            .unwrap_or_else(|| format!("eventbind-{name}")),
        crate_description: options.krate.description.clone(),
        title: text(&doc, "/info/title").unwrap_or_else(|| name.to_string()),
        version: text(&doc, "/info/version").unwrap_or_else(|| "0.0.0".to_string()),
        description: text(&doc, "/info/description"),
        source_format: Some(format!("asyncapi {version}")),
        servers: servers(&doc),
        security_schemes: security_schemes(&doc),
        types,
        messages,
        operations: Vec::new(),
        warnings,
    };
    for (id, action, channel, summary, description, message_names) in operations {
        let route_options = options.route.get(&id);
        let route = match route_options {
            None => RouteRule::Name,
            Some(o) => match (o.by.as_str(), &o.pointer) {
                ("field", Some(pointer)) => RouteRule::Field {
                    pointer: pointer.clone(),
                },
                ("field", None) => {
                    return Err(at.error(format!(
                        "eventbind.toml: route.{id}: `by = \"field\"` needs a `pointer`"
                    )))
                }
                ("presence", _) => RouteRule::Presence,
                ("name", _) => RouteRule::Name,
                (other, _) => {
                    return Err(at.error(format!(
                    "eventbind.toml: route.{id}: unknown rule {other:?} (field, presence, name)"
                )))
                }
            },
        };
        let enum_name = route_options
            .and_then(|o| o.enum_name.clone())
            .unwrap_or_else(|| enum_name(&id));
        let messages = route_keys(
            &mut catalog,
            &route,
            &message_names,
            &at.join("operations").join(&id),
        )?;
        catalog.operations.push(Operation {
            id,
            action,
            channel,
            summary,
            description,
            enum_name,
            route,
            messages,
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
    let doc = documents.root(root).cloned().unwrap_or_default();
    let at = Location::new(root, "");
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
        let root_name = text(&doc, "/title").unwrap_or_else(|| name.to_string());
        reader.converter.named(&at, &type_name(&root_name))?;
    }
    let (types, messages, warnings) = reader.finish();
    Ok(Catalog {
        name: name.to_string(),
        crate_name: options
            .krate
            .name
            .clone()
            .unwrap_or_else(|| format!("eventbind-{name}")),
        crate_description: options.krate.description.clone(),
        title: text(&doc, "/title").unwrap_or_else(|| name.to_string()),
        version: "0.0.0".to_string(),
        description: text(&doc, "/description"),
        source_format: None,
        servers: Vec::new(),
        security_schemes: Vec::new(),
        types,
        messages,
        operations: Vec::new(),
        warnings,
    })
}

type RawOperation = (
    String,
    Action,
    String,
    Option<String>,
    Option<String>,
    Vec<String>,
);

/// 2.x: each channel's `subscribe` (the client receives) and `publish`.
fn v2_operations(
    reader: &mut MessageReader,
    at: &Location,
    doc: &Value,
) -> Result<Vec<RawOperation>> {
    let mut out = Vec::new();
    let Some(Value::Object(channels)) = doc.get("channels") else {
        return Ok(out);
    };
    for (channel_name, channel) in channels {
        let channel_at = at.join("channels").join(channel_name);
        for (verb, action) in [("subscribe", Action::Receive), ("publish", Action::Send)] {
            let Some(operation) = channel.get(verb) else {
                continue;
            };
            let op_at = channel_at.join(verb);
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}{}", type_name(channel_name), type_name(verb)));
            let mut names = Vec::new();
            match operation.get("message") {
                None => {}
                Some(message) => {
                    let message_at = op_at.join("message");
                    if let Some(Value::Array(list)) = message.get("oneOf") {
                        for index in 0..list.len() {
                            let hint = format!("{id}Message{index}");
                            names.push(reader.message(
                                &message_at.join("oneOf").join(&index.to_string()),
                                &hint,
                            )?);
                        }
                    } else {
                        names.push(reader.message(&message_at, &format!("{id}Message"))?);
                    }
                }
            }
            let summary = operation
                .get("summary")
                .and_then(Value::as_str)
                .map(str::to_string);
            let description = operation
                .get("description")
                .or_else(|| channel.get("description"))
                .and_then(Value::as_str)
                .map(str::to_string);
            out.push((
                id,
                action,
                channel_name.clone(),
                summary,
                description,
                names,
            ));
        }
    }
    Ok(out)
}

/// 3.x: `operations` referencing a channel and some of its messages.
fn v3_operations(
    reader: &mut MessageReader,
    at: &Location,
    doc: &Value,
) -> Result<Vec<RawOperation>> {
    let mut out = Vec::new();
    let Some(Value::Object(operations)) = doc.get("operations") else {
        return Ok(out);
    };
    for id in operations.keys() {
        let op_at = reader
            .converter
            .docs
            .follow(&at.join("operations").join(id))?;
        let operation = reader.converter.docs.node(&op_at)?.clone();
        let action = match operation.get("action").and_then(Value::as_str) {
            Some("receive") => Action::Receive,
            Some("send") => Action::Send,
            _ => {
                return Err(op_at
                    .join("action")
                    .error("action must be \"send\" or \"receive\""))
            }
        };
        let channel_ref_at = op_at.join("channel");
        let channel_at = reader.converter.docs.follow(&channel_ref_at)?;
        let channel = reader.converter.docs.node(&channel_at)?.clone();
        let channel_name = channel
            .get("address")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                crate::spec::pointer::tokens(&channel_at.pointer)
                    .and_then(|t| t.last().cloned())
                    .unwrap_or_default()
            });
        let mut names = Vec::new();
        match operation.get("messages") {
            Some(Value::Array(list)) => {
                for index in 0..list.len() {
                    names.push(reader.message(
                        &op_at.join("messages").join(&index.to_string()),
                        &format!("{id}Message"),
                    )?);
                }
            }
            Some(_) => return Err(op_at.join("messages").error("messages must be an array")),
            None => {
                if let Some(Value::Object(messages)) = channel.get("messages") {
                    for key in messages.keys() {
                        names.push(reader.message(&channel_at.join("messages").join(key), key)?);
                    }
                }
            }
        }
        let text_of = |key: &str| {
            operation
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let description = text_of("description").or_else(|| {
            channel
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        out.push((
            id.clone(),
            action,
            channel_name,
            text_of("summary"),
            description,
            names,
        ));
    }
    Ok(out)
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

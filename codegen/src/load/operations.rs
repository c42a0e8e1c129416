//! The operations of a document: 2.x `subscribe`/`publish` per channel, 3.x
//! `operations` (and their `reply`), each with the messages it carries.

use super::messages::MessageReader;
use crate::error::Result;
use crate::model::naming::type_name;
use crate::model::Action;
use crate::spec::{pointer, Location};
use serde_json::Value;

/// An operation as read, before its routing is settled.
pub struct RawOperation {
    pub id: String,
    pub action: Action,
    pub channel: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Spec names of the messages it carries.
    pub messages: Vec<String>,
    /// For a 3.x reply: the id of the operation it answers.
    pub reply_to: Option<String>,
    /// Where it is, for errors.
    pub at: Location,
}

/// 2.x: each channel's `subscribe` (the client receives) and `publish`.
pub fn v2_operations(
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
            if let Some(message) = operation.get("message") {
                let message_at = op_at.join("message");
                if let Some(Value::Array(list)) = message.get("oneOf") {
                    for index in 0..list.len() {
                        let branch_at = message_at.join("oneOf").join(&index.to_string());
                        let hint = inline_message_name(reader, &branch_at)
                            .unwrap_or_else(|| format!("{id}Message{index}"));
                        names.push(reader.message(&branch_at, &hint)?);
                    }
                } else {
                    names.push(reader.message(&message_at, &format!("{id}Message"))?);
                }
            }
            out.push(RawOperation {
                id,
                action,
                channel: channel_name.clone(),
                summary: text(operation, "summary"),
                description: text(operation, "description")
                    .or_else(|| text(channel, "description")),
                messages: names,
                reply_to: None,
                at: op_at,
            });
        }
    }
    Ok(out)
}

/// 3.x: `operations` referencing a channel and some of its messages; an
/// operation's `reply` is an operation of its own, the other way round.
pub fn v3_operations(
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
        let channel_at = reader.converter.docs.follow(&op_at.join("channel"))?;
        let (channel_name, channel) = channel(reader, &channel_at)?;
        let names = messages(reader, &op_at, &channel_at, &channel, id)?;
        let description = text(&operation, "description").or_else(|| text(&channel, "description"));
        out.push(RawOperation {
            id: id.clone(),
            action,
            channel: channel_name.clone(),
            summary: text(&operation, "summary"),
            description,
            messages: names,
            reply_to: None,
            at: op_at.clone(),
        });
        if let Some(reply) = reply(reader, &op_at, id, action, &channel_at)? {
            out.push(reply);
        }
    }
    Ok(out)
}

/// A 3.x `reply`: its messages (listed, else every message of its channel,
/// which defaults to the operation's), travelling opposite to the request.
fn reply(
    reader: &mut MessageReader,
    op_at: &Location,
    id: &str,
    action: Action,
    request_channel: &Location,
) -> Result<Option<RawOperation>> {
    let operation = reader.converter.docs.node(op_at)?;
    if operation.get("reply").is_none() {
        return Ok(None);
    }
    let reply_at = reader.converter.docs.follow(&op_at.join("reply"))?;
    let reply = reader.converter.docs.node(&reply_at)?.clone();
    if !reply.is_object() {
        return Err(reply_at.error("reply must be an object"));
    }
    let channel_at = match reply.get("channel") {
        Some(_) => reader.converter.docs.follow(&reply_at.join("channel"))?,
        None => request_channel.clone(),
    };
    let (channel_name, channel) = channel(reader, &channel_at)?;
    let reply_id = format!("{id}Reply");
    let names = messages(reader, &reply_at, &channel_at, &channel, &reply_id)?;
    if names.is_empty() {
        return Ok(None);
    }
    let action = match action {
        Action::Receive => Action::Send,
        Action::Send => Action::Receive,
    };
    Ok(Some(RawOperation {
        id: reply_id,
        action,
        channel: channel_name,
        summary: Some(format!("The reply to operation `{id}`.")),
        description: text(&channel, "description"),
        messages: names,
        reply_to: Some(id.to_string()),
        at: reply_at,
    }))
}

/// A 3.x channel's address (or key when it has none) and its node.
fn channel(reader: &mut MessageReader, channel_at: &Location) -> Result<(String, Value)> {
    let channel = reader.converter.docs.node(channel_at)?.clone();
    let name = channel
        .get("address")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            pointer::tokens(&channel_at.pointer)
                .and_then(|t| t.last().cloned())
                .unwrap_or_default()
        });
    Ok((name, channel))
}

/// The messages an operation (or reply) at `at` lists, else all its channel's.
fn messages(
    reader: &mut MessageReader,
    at: &Location,
    channel_at: &Location,
    channel: &Value,
    id: &str,
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    match reader.converter.docs.node(at)?.get("messages") {
        Some(Value::Array(list)) => {
            for index in 0..list.len() {
                names.push(reader.message(
                    &at.join("messages").join(&index.to_string()),
                    &format!("{id}Message"),
                )?);
            }
        }
        Some(_) => return Err(at.join("messages").error("messages must be an array")),
        None => {
            if let Some(Value::Object(messages)) = channel.get("messages") {
                for key in messages.keys() {
                    names.push(reader.message(&channel_at.join("messages").join(key), key)?);
                }
            }
        }
    }
    Ok(names)
}

/// A name for an inline message that gives none: its title, else its
/// payload's component (`$ref`), else a value its payload pins; `None`
/// (its position names it) when none of those, or when another message
/// already has it.
fn inline_message_name(reader: &mut MessageReader, at: &Location) -> Option<String> {
    let node = reader.converter.docs.node(at).ok()?.clone();
    if node.get("name").is_some() || node.get("messageId").is_some() || node.get("$ref").is_some() {
        return None;
    }
    let from_payload = |reader: &mut MessageReader| {
        let payload_at = reader.converter.docs.follow(&at.join("payload")).ok()?;
        if let Some(component) = super::schema::component_name(&payload_at) {
            return Some(component);
        }
        let payload = reader.converter.docs.node(&payload_at).ok()?;
        super::union::pinned_member(payload)
    };
    let name = text(&node, "title").or_else(|| from_payload(reader))?;
    (!reader.has_message(&name)).then_some(name)
}

fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).and_then(Value::as_str).map(str::to_string)
}

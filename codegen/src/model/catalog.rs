//! A spec as a catalog: its messages, the operations that carry them, and how
//! each operation tells its messages apart.

use super::types::{Ty, TypeDef};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A loaded spec: every message, the types they use, and the operations that carry them.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Short name of the spec (its folder), e.g. `commenda`.
    pub name: String,
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Description of the generated crate, from `eventbind.toml`.
    pub crate_description: Option<String>,
    /// `info.title` of the spec.
    pub title: String,
    /// `info.version` of the spec, as written.
    pub version: String,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
    /// `asyncapi` version of the source, or `None` for a plain JSON Schema.
    pub source_format: Option<String>,
    /// Servers the spec names (where events come from or go to).
    pub servers: Vec<Server>,
    /// How deliveries are authenticated or signed, as the spec says.
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types in declaration order (parents before the types named after them).
    pub types: Vec<TypeDef>,
    /// Every message, in declaration order.
    pub messages: Vec<Message>,
    /// Operations, each with the messages it carries and how they are told apart.
    pub operations: Vec<Operation>,
    /// Keywords that were not turned into Rust and why (never silently dropped).
    pub warnings: Vec<String>,
    /// Where each named type is in `types`, for lookups by name.
    #[serde(skip)]
    pub(crate) type_positions: TypePositions,
}

/// Positions of the named types by name, built on the first lookup: the
/// emitters look types up by name for every reference, and a scan of
/// `types` each time made specs of many types quadratic.
#[derive(Debug, Clone, Default)]
pub(crate) struct TypePositions(OnceLock<HashMap<String, usize>>);

impl Catalog {
    /// The named type of this Rust name.
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        let positions = self.type_positions.0.get_or_init(|| {
            let named = self.types.iter().enumerate();
            named.map(|(at, def)| (def.name.clone(), at)).collect()
        });
        match positions.get(name).and_then(|&at| self.types.get(at)) {
            Some(def) if def.name == name => Some(def),
            // `types` changed after the positions were taken (the loader
            // edits it before `types_changed`): look through them.
            _ => self.types.iter().find(|t| t.name == name),
        }
    }

    /// Forgets the positions of the named types, after `types` was edited.
    pub(crate) fn types_changed(&mut self) {
        self.type_positions = TypePositions::default();
    }

    /// The message of this spec name.
    pub fn message_named(&self, name: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.name == name)
    }
}

/// A server of the spec.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// Its name in the spec.
    pub name: String,
    /// Host (and path), as the spec writes it.
    pub host: String,
    /// Protocol, e.g. `sqs` or `https`.
    pub protocol: String,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
}

/// A security scheme of the spec.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// Its name in the spec.
    pub name: String,
    /// The scheme's `type` (`httpApiKey`, `userPassword`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
    /// Header (or query parameter) name, for API-key style schemes.
    pub parameter: Option<String>,
    /// `x-eventbind-signature`, if given: how a signature is computed.
    pub signature: Option<Value>,
}

/// A message: one kind of event, its payload and headers.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Name in the spec (`name`, else the message key or `messageId`).
    pub name: String,
    /// Rust identifier of the event enum variant.
    pub variant: String,
    /// `title` of the message.
    pub title: Option<String>,
    /// Its one-line summary, if any.
    pub summary: Option<String>,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
    /// `contentType`, when the message gives one.
    pub content_type: Option<String>,
    /// The payload's type (`None`: any JSON).
    pub payload: Option<Ty>,
    /// The headers' type, when the message declares headers.
    pub headers: Option<Ty>,
    /// Examples the spec gives.
    pub examples: Vec<Example>,
    /// Where the message is defined (`file#pointer`).
    pub origin: String,
    /// Where its payload schema is (`file#pointer`), for validating against the source.
    pub payload_origin: Option<String>,
    /// Where its headers schema is.
    pub headers_origin: Option<String>,
}

/// An example of a message.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// Its name, if any.
    pub name: Option<String>,
    /// Its one-line summary, if any.
    pub summary: Option<String>,
    /// The example payload.
    pub payload: Option<Value>,
    /// The example headers.
    pub headers: Option<Value>,
}

/// Which way an operation's messages travel, seen from the integrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The integrator receives these messages.
    Receive,
    /// The integrator sends these messages.
    Send,
}

/// How an operation tells its messages apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RouteRule {
    /// A string at `pointer` names the message.
    Field {
        /// The JSON Pointer of that string.
        pointer: String,
    },
    /// The top-level member present names the message.
    Presence,
    /// The name is given from outside the body.
    Name,
}

/// An operation: one channel and direction, with the messages it carries.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId` (or a name made from the channel).
    pub id: String,
    /// Which way its messages travel.
    pub action: Action,
    /// Channel address (or name when it has none).
    pub channel: String,
    /// Its one-line summary, if any.
    pub summary: Option<String>,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
    /// Rust name of the event enum.
    pub enum_name: String,
    /// How its messages are told apart.
    pub route: RouteRule,
    /// Where that rule came from.
    pub route_origin: RouteOrigin,
    /// Message names carried, each with the routing keys that select it.
    pub messages: Vec<RoutedMessage>,
    /// For a 3.x `reply`: the id of the operation it answers (this
    /// operation's id is that id with `Reply` after it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

/// Where an operation's routing rule came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteOrigin {
    /// `eventbind.toml` set it.
    Options,
    /// Read from the payload schemas: every message pins the same field
    /// (`const`, a one-value `enum`, or a `discriminator` and its mapping)
    /// to values no other message of the operation has.
    Payloads,
    /// Nothing told the messages apart: the name comes from outside the body.
    Default,
}

/// A message of an operation with the routing keys that select it.
#[derive(Debug, Clone, Serialize)]
pub struct RoutedMessage {
    /// The message's spec name.
    pub message: String,
    /// Routing values (a field's value, or a member name) that select it.
    pub keys: Vec<String>,
}

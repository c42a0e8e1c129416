//! A spec as a catalog: its messages, the operations that carry them, and how
//! each operation tells its messages apart.

use super::types::{Ty, TypeDef};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Short name of the spec (its folder), e.g. `commenda`.
    pub name: String,
    /// Package name of the generated crate.
    pub crate_name: String,
    pub crate_description: Option<String>,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// `asyncapi` version of the source, or `None` for a plain JSON Schema.
    pub source_format: Option<String>,
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types in declaration order (parents before the types named after them).
    pub types: Vec<TypeDef>,
    pub messages: Vec<Message>,
    pub operations: Vec<Operation>,
    /// Keywords that were not turned into Rust and why (never silently dropped).
    pub warnings: Vec<String>,
}

impl Catalog {
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    pub fn message_named(&self, name: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.name == name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub name: String,
    pub host: String,
    pub protocol: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: Option<String>,
    /// Header (or query parameter) name, for API-key style schemes.
    pub parameter: Option<String>,
    /// `x-eventbind-signature`, if given: how a signature is computed.
    pub signature: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Name in the spec (`name`, else the message key or `messageId`).
    pub name: String,
    /// Rust identifier of the event enum variant.
    pub variant: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub content_type: Option<String>,
    pub payload: Option<Ty>,
    pub headers: Option<Ty>,
    pub examples: Vec<Example>,
    /// Where the message is defined (`file#pointer`).
    pub origin: String,
    /// Where its payload schema is (`file#pointer`), for validating against the source.
    pub payload_origin: Option<String>,
    /// Where its headers schema is.
    pub headers_origin: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub name: Option<String>,
    pub summary: Option<String>,
    pub payload: Option<Value>,
    pub headers: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The integrator receives these messages.
    Receive,
    /// The integrator sends these messages.
    Send,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RouteRule {
    /// A string at `pointer` names the message.
    Field { pointer: String },
    /// The top-level member present names the message.
    Presence,
    /// The name is given from outside the body.
    Name,
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub id: String,
    pub action: Action,
    /// Channel address (or name when it has none).
    pub channel: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Rust name of the event enum.
    pub enum_name: String,
    pub route: RouteRule,
    /// Message names carried, each with the routing keys that select it.
    pub messages: Vec<RoutedMessage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoutedMessage {
    pub message: String,
    pub keys: Vec<String>,
}

//! Messages: name, payload and headers types, examples; traits applied.

use super::schema::SchemaConverter;
use crate::error::Result;
use crate::model::naming::type_name;
use crate::model::{Example, Message, TypeDef};
use crate::spec::{Documents, Location};
use serde_json::Value;
use std::collections::BTreeMap;

/// Schema formats whose payloads are JSON Schema (AsyncAPI's is a superset).
const JSON_SCHEMA_FORMATS: &[&str] = &[
    "application/vnd.aai.asyncapi",
    "application/vnd.aai.asyncapi+json",
    "application/vnd.aai.asyncapi+yaml",
    "application/schema+json",
    "application/schema+yaml",
];

/// OpenAPI 3.0 schema formats.
const OPENAPI_FORMATS: &[&str] = &["application/vnd.oai.openapi"];

pub struct MessageReader<'d> {
    pub converter: SchemaConverter<'d>,
    messages: Vec<Message>,
    by_origin: BTreeMap<Location, String>,
    /// 3.x lets the message override its traits; 2.x applies traits over it.
    message_wins: bool,
}

impl<'d> MessageReader<'d> {
    pub fn new(documents: &'d mut Documents, message_wins: bool) -> Self {
        MessageReader {
            converter: SchemaConverter::new(documents),
            messages: Vec::new(),
            by_origin: BTreeMap::new(),
            message_wins,
        }
    }

    pub fn finish(self) -> Result<(Vec<TypeDef>, Vec<Message>, Vec<String>)> {
        let (types, warnings) = self.converter.into_parts()?;
        Ok((types, self.messages, warnings))
    }

    /// Whether a message of this spec name was read already.
    pub fn has_message(&self, name: &str) -> bool {
        self.messages.iter().any(|m| m.name == name)
    }

    /// Every `components/schemas` entry becomes a named type, in order.
    pub fn component_schemas(&mut self, root: &Location) -> Result<()> {
        let at = root.join("components").join("schemas");
        let keys: Vec<String> = match self.converter.docs.node(&at) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => return Ok(()),
        };
        for key in keys {
            self.converter.named(&at.join(&key), &key)?;
        }
        Ok(())
    }

    /// Every `components/messages` entry becomes a message, in order.
    pub fn component_messages(&mut self, root: &Location) -> Result<()> {
        let at = root.join("components").join("messages");
        let keys: Vec<String> = match self.converter.docs.node(&at) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => return Ok(()),
        };
        for key in keys {
            self.message(&at.join(&key), &key)?;
        }
        Ok(())
    }

    /// Reads the message at `location` (following references) once, and
    /// returns its name. `key` names it when the message has no name of its own.
    pub fn message(&mut self, location: &Location, key: &str) -> Result<String> {
        let chain = self.converter.docs.follow_chain(location)?;
        let at = chain.last().cloned().unwrap_or_else(|| location.clone());
        if let Some(name) = self.by_origin.get(&at) {
            return Ok(name.clone());
        }
        let key = key_from_chain(&chain).unwrap_or_else(|| key.to_string());
        let members = self.merged_members(&at)?;
        let text = |k: &str| {
            members
                .get(k)
                .and_then(|(v, _)| v.as_str())
                .map(str::to_string)
        };
        let name = text("name").or_else(|| text("messageId")).unwrap_or(key);
        if self.messages.iter().any(|m| m.name == name) {
            return Err(at.error(format!("a second message is named {name:?}")));
        }
        let pascal = type_name(&name);
        let payload = match members.get("payload") {
            Some((_, payload_at)) => {
                let format = members.get("schemaFormat").map(|(v, _)| v);
                match self.schema_location(payload_at, format)? {
                    Some(at) => Some((self.named_ty(&at, &format!("{pascal}Payload"))?, at)),
                    None => None,
                }
            }
            None => None,
        };
        let headers = match members.get("headers") {
            Some((_, headers_at)) => match self.schema_location(headers_at, None)? {
                Some(at) => Some((self.named_ty(&at, &format!("{pascal}Headers"))?, at)),
                None => None,
            },
            None => None,
        };
        let examples = match members.get("examples") {
            Some((Value::Array(list), _)) => list.iter().map(example).collect(),
            _ => Vec::new(),
        };
        self.by_origin.insert(at.clone(), name.clone());
        self.messages.push(Message {
            variant: pascal,
            title: text("title"),
            summary: text("summary"),
            description: text("description"),
            content_type: text("contentType"),
            payload_origin: payload.as_ref().map(|(_, at)| at.to_string()),
            headers_origin: headers.as_ref().map(|(_, at)| at.to_string()),
            payload: payload.map(|(ty, _)| ty),
            headers: headers.map(|(ty, _)| ty),
            examples,
            origin: at.to_string(),
            name: name.clone(),
        });
        Ok(name)
    }

    /// A payload or headers schema as a named type, so its constraints hold
    /// wherever the message is parsed.
    fn named_ty(&mut self, at: &Location, name: &str) -> Result<crate::model::Ty> {
        let name = self.converter.named(at, name)?;
        Ok(crate::model::Ty::new(crate::model::TyKind::Named { name }))
    }

    /// The message's members with the location each came from, traits applied.
    fn merged_members(&mut self, at: &Location) -> Result<BTreeMap<String, (Value, Location)>> {
        let node = self.converter.docs.node(at)?.clone();
        let Some(map) = node.as_object() else {
            return Err(at.error("a message must be an object"));
        };
        let mut members: BTreeMap<String, (Value, Location)> = map
            .iter()
            .map(|(k, v)| (k.clone(), (v.clone(), at.join(k))))
            .collect();
        let Some(Value::Array(traits)) = map.get("traits") else {
            return Ok(members);
        };
        for index in 0..traits.len() {
            let mut trait_at = at.join("traits").join(&index.to_string());
            // 2.x allows [trait, bindings] pairs; the first element is the trait.
            if let Ok(Value::Array(_)) = self.converter.docs.node(&trait_at) {
                trait_at = trait_at.join("0");
            }
            let trait_at = self.converter.docs.follow(&trait_at)?;
            let Value::Object(trait_map) = self.converter.docs.node(&trait_at)?.clone() else {
                return Err(trait_at.error("a message trait must be an object"));
            };
            for (k, v) in trait_map {
                if self.message_wins && map.contains_key(&k) {
                    continue;
                }
                let location = trait_at.join(&k);
                members.insert(k, (v, location));
            }
        }
        Ok(members)
    }

    /// Where the JSON Schema of a payload is, unwrapping 3.x multi-format
    /// schemas. A payload in another schema language (Avro, Protobuf, ...) is
    /// kept as JSON, with a warning, so the rest of the spec is still usable.
    fn schema_location(
        &mut self,
        at: &Location,
        format_2x: Option<&Value>,
    ) -> Result<Option<Location>> {
        let node = self.converter.docs.node(at)?.clone();
        let (format, schema_at) = match (node.get("schemaFormat"), node.get("schema"), format_2x) {
            (Some(Value::String(format)), Some(_), _) => (Some(format.clone()), at.join("schema")),
            (_, _, Some(Value::String(format))) => (Some(format.clone()), at.clone()),
            _ => (None, at.clone()),
        };
        match format {
            Some(format) if super::avro::is_avro(&format) => self.avro(&schema_at, &format),
            Some(format) if OPENAPI_FORMATS.iter().any(|f| format.starts_with(f)) => {
                // OpenAPI 3.0 schemas are JSON Schema plus `nullable` and
                // `discriminator`, which the converter reads anyway.
                Ok(Some(schema_at))
            }
            Some(format) if !JSON_SCHEMA_FORMATS.iter().any(|f| format.starts_with(f)) => {
                self.converter.warnings.push(format!(
                    "{at}: schema format {format:?} is not supported (JSON Schema and AsyncAPI \
                     schemas are); the payload is kept as JSON"
                ));
                Ok(None)
            }
            _ => Ok(Some(schema_at)),
        }
    }
}

impl MessageReader<'_> {
    /// An Avro payload, read as the JSON Schema it converts to (held as a
    /// document of its own beside the spec's files). One behind a remote
    /// `$ref` is kept as JSON, with a warning: nothing is fetched.
    fn avro(&mut self, schema_at: &Location, format: &str) -> Result<Option<Location>> {
        let avro_at = match self.converter.docs.follow(schema_at) {
            Ok(at) => at,
            Err(error) if error.message.contains("is not fetched") => {
                self.converter.warnings.push(format!(
                    "{schema_at}: the {format:?} schema is remote and not fetched; the payload is kept as JSON"
                ));
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        let avro = self.converter.docs.node(&avro_at)?.clone();
        let (document, pointer) = super::avro::to_json_schema(&avro, &avro_at)?;
        let file = self
            .converter
            .docs
            .insert_derived(&avro_at, "avro", document);
        Ok(Some(Location::new(file, pointer)))
    }
}

/// A message's name when it gives none, from how it was reached: its key
/// under a `messages` map (components, or a v3 channel's), else the last
/// segment of the `$ref` that led to it (a message in a shared file,
/// `messages.yaml#/commentLiked`); `None` for an inline message.
fn key_from_chain(chain: &[Location]) -> Option<String> {
    let tokens = |at: &Location| crate::spec::pointer::tokens(&at.pointer).unwrap_or_default();
    let under_messages = |at: &&Location| {
        let tokens = tokens(at);
        // An operation's `messages` is a list of references, not names.
        tokens.len() >= 2 && tokens[tokens.len() - 2] == "messages" && tokens[0] != "operations"
    };
    // The definition's own key first (components/messages), then a channel's key.
    let keyed = chain
        .iter()
        .rev()
        .find(under_messages)
        .and_then(|at| tokens(at).pop());
    if keyed.is_some() {
        return keyed;
    }
    let target = chain.last().filter(|_| chain.len() > 1)?;
    match tokens(target).pop() {
        Some(last) => Some(last),
        None => target.file.file_stem().map(|s| {
            s.to_string_lossy()
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string()
        }),
    }
}

fn example(value: &Value) -> Example {
    let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
    Example {
        name: text("name"),
        summary: text("summary"),
        payload: value.get("payload").cloned(),
        headers: value.get("headers").cloned(),
    }
}

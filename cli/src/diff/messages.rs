//! Messages and routing compared: messages removed and added, their payloads
//! and headers, operations, route rules and routing keys.

use super::change::{Class, Edit, Part};
use super::types::assorted;
use super::view::{view, Shape};
use super::walk::{short, At, Walker};
use eventbind_codegen::model::{Catalog, Message, Operation, RouteRule};
use eventbind_codegen::Loaded;

impl Walker<'_> {
    /// Compares everything: messages first, then how they are routed.
    pub fn catalogs(&mut self) {
        let (old, new) = (self.old, self.new);
        for message in &old.catalog.messages {
            match new.catalog.message_named(&message.name) {
                Some(counterpart) => self.message(message, counterpart),
                None => {
                    self.enter(&message.name, Part::Message, message.payload.as_ref());
                    let keys = keys_of(&old.catalog, &message.name);
                    let description = match keys.is_empty() {
                        true => format!("message {} removed", message.name),
                        false => format!(
                            "message {} removed (routing keys {})",
                            message.name,
                            keys.join(", ")
                        ),
                    };
                    let place = At::root(&message.origin, "");
                    let origin = Some(short(old, &message.origin));
                    self.push(
                        Class::Breaking,
                        "message-removed",
                        description,
                        "",
                        origin,
                        None,
                        &place,
                        Some(Edit::None),
                    );
                }
            }
        }
        for message in new
            .catalog
            .messages
            .iter()
            .filter(|m| old.catalog.message_named(&m.name).is_none())
        {
            self.enter(&message.name, Part::Message, None);
            let place = At::root("", &message.origin);
            let origin = Some(short(new, &message.origin));
            let description = format!("message {} added", message.name);
            self.push(
                Class::Compatible,
                "message-added",
                description,
                "",
                None,
                origin,
                &place,
                None,
            );
        }
        for operation in &old.catalog.operations {
            self.operation(operation);
        }
        for operation in new
            .catalog
            .operations
            .iter()
            .filter(|o| counterpart(&old.catalog, o).is_none())
        {
            self.enter("", Part::Routing, None);
            let origin = Some(short(new, &operation_origin(new, operation)));
            let description = format!("operation {} added", operation.id);
            self.push(
                Class::Compatible,
                "operation-added",
                description,
                "",
                None,
                origin,
                &At::root("", ""),
                None,
            );
        }
    }

    /// One message that both specs have: its payload, then its headers.
    fn message(&mut self, old: &Message, new: &Message) {
        let parts = [
            (
                Part::Payload,
                &old.payload,
                &new.payload,
                &old.payload_origin,
                &new.payload_origin,
            ),
            (
                Part::Headers,
                &old.headers,
                &new.headers,
                &old.headers_origin,
                &new.headers_origin,
            ),
        ];
        for (part, a, b, a_origin, b_origin) in parts {
            self.enter(&old.name, part, a.as_ref());
            let at = At::root(
                a_origin.as_deref().unwrap_or(&old.origin),
                b_origin.as_deref().unwrap_or(&new.origin),
            );
            let word = if part == Part::Headers {
                "headers"
            } else {
                "payload"
            };
            match (a, b) {
                (Some(a), Some(b)) => self.ty(a, b, &at),
                (None, Some(_)) => self.report(
                    Class::Breaking,
                    "schema-added",
                    format!("the {word} now has a schema (any value was accepted)"),
                    &at,
                    Some(Edit::Values {
                        values: assorted(),
                        generate: false,
                    }),
                ),
                (Some(_), None) => self.report(
                    Class::CodeBreaking,
                    "schema-dropped",
                    format!("the {word} has no schema any more (its Rust type goes)"),
                    &at,
                    None,
                ),
                (None, None) => {}
            }
        }
    }

    /// One operation of the old spec against its counterpart in the new one.
    fn operation(&mut self, old: &Operation) {
        let (old_spec, new_spec) = (self.old, self.new);
        let first = old
            .messages
            .first()
            .map(|m| m.message.as_str())
            .unwrap_or_default();
        let payload = old_spec
            .catalog
            .message_named(first)
            .and_then(|m| m.payload.as_ref());
        self.enter(first, Part::Routing, payload);
        let old_origin = operation_origin(old_spec, old);
        let Some(new) = counterpart(&new_spec.catalog, old) else {
            let description = format!("operation {} removed: no event of it is received", old.id);
            let place = At::root(&old_origin, "");
            let origin = Some(short(old_spec, &old_origin));
            self.push(
                Class::Breaking,
                "operation-removed",
                description,
                "",
                origin,
                None,
                &place,
                Some(Edit::None),
            );
            return;
        };
        let place = At::root(&old_origin, &operation_origin(new_spec, new));
        if old.route != new.route {
            let description = format!(
                "events are told apart by {} instead of {}",
                rule(&new.route),
                rule(&old.route)
            );
            self.report(
                Class::Breaking,
                "route-changed",
                description,
                &place,
                Some(Edit::None),
            );
        }
        if old.enum_name != new.enum_name {
            let description = format!("event enum {} renamed to {}", old.enum_name, new.enum_name);
            self.report(
                Class::CodeBreaking,
                "enum-renamed",
                description,
                &place,
                None,
            );
        }
        for routed in &old.messages {
            let payload = old_spec
                .catalog
                .message_named(&routed.message)
                .and_then(|m| m.payload.as_ref());
            self.enter(&routed.message, Part::Routing, payload);
            let Some(kept) = new.messages.iter().find(|m| m.message == routed.message) else {
                // A message removed from the spec is reported as such.
                if new_spec.catalog.message_named(&routed.message).is_some() {
                    let description = format!(
                        "message {} (routing keys {}) is no longer received by {}",
                        routed.message,
                        routed.keys.join(", "),
                        old.id
                    );
                    self.report(
                        Class::Breaking,
                        "message-unrouted",
                        description,
                        &place,
                        Some(Edit::None),
                    );
                }
                continue;
            };
            for key in &routed.keys {
                let at = At::root(
                    &key_origin(old_spec, &routed.message, &old.route, key)
                        .unwrap_or(old_origin.clone()),
                    &key_origin(new_spec, &routed.message, &new.route, key)
                        .unwrap_or(place.new.clone()),
                );
                if !kept.keys.contains(key) {
                    let description = format!("routing key {key} of {} removed", routed.message);
                    let added = self.record(
                        Class::Breaking,
                        "key-removed",
                        description,
                        &at,
                        Some(Edit::None),
                    );
                    // The witness is an event carrying the removed key.
                    if let Some(probe) = self
                        .changes
                        .last_mut()
                        .filter(|_| added)
                        .and_then(|c| c.probe.as_mut())
                    {
                        probe.key = Some(key.clone());
                    }
                }
            }
            for key in kept.keys.iter().filter(|k| !routed.keys.contains(k)) {
                let at = place.at(
                    &place.old,
                    &key_origin(new_spec, &routed.message, &new.route, key)
                        .unwrap_or(place.new.clone()),
                );
                let description = format!("routing key {key} of {} added", routed.message);
                self.report(Class::Compatible, "key-added", description, &at, None);
            }
        }
    }
}

/// The same operation in `catalog`: by id, else by channel and direction.
fn counterpart<'c>(catalog: &'c Catalog, operation: &Operation) -> Option<&'c Operation> {
    catalog
        .operations
        .iter()
        .find(|o| o.id == operation.id)
        .or_else(|| {
            catalog
                .operations
                .iter()
                .find(|o| o.channel == operation.channel && o.action == operation.action)
        })
}

fn rule(route: &RouteRule) -> String {
    match route {
        RouteRule::Field { pointer } => format!("the field {pointer}"),
        RouteRule::Presence => "the member present".into(),
        RouteRule::Name => "a name given from outside".into(),
    }
}

/// Where the operation is in the main document: `operations/<id>` (3.x) or
/// its channel (2.x), whichever the document has.
fn operation_origin(loaded: &Loaded, operation: &Operation) -> String {
    let file = loaded.root.to_string_lossy();
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    let document = loaded.documents.root(&loaded.root);
    let candidates = [
        format!("/operations/{}", escape(&operation.id)),
        format!("/channels/{}", escape(&operation.channel)),
    ];
    let found = candidates
        .into_iter()
        .find(|p| document.is_some_and(|d| d.pointer(p).is_some()))
        .unwrap_or_default();
    format!("{file}#{found}")
}

/// Where a routing key is declared: the routing field of the message's
/// payload (or, routed by presence, the member itself).
fn key_origin(loaded: &Loaded, message: &str, route: &RouteRule, key: &str) -> Option<String> {
    let message = loaded.catalog.message_named(message)?;
    let pointer = match route {
        RouteRule::Field { pointer } => pointer.clone(),
        RouteRule::Presence => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
        RouteRule::Name => return Some(message.origin.clone()),
    };
    let mut ty = message.payload.as_ref()?;
    let mut origin = None;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let Shape::Object { fields, .. } = view(&loaded.catalog, ty).shape else {
            return origin;
        };
        let field = fields.iter().find(|f| f.wire == token)?;
        origin = Some(field.origin.clone());
        ty = &field.ty;
    }
    origin
}

/// The routing keys of a message, over every operation.
fn keys_of(catalog: &Catalog, message: &str) -> Vec<String> {
    catalog
        .operations
        .iter()
        .flat_map(|o| o.messages.iter())
        .filter(|m| m.message == message)
        .flat_map(|m| m.keys.clone())
        .collect()
}

//! Routing read from the payloads when `eventbind.toml` says nothing: when
//! every message of an operation pins one field at the same place (`const`,
//! a one-value `enum`, or a `discriminator` with its mapping) and no two
//! messages share a value, that field routes, as `by = "field"` would.

use crate::model::{Catalog, RoutedMessage};
use crate::spec::{pointer, Documents, Location};
use serde_json::Value;
use std::collections::BTreeMap;

/// How deep below the payload a pinned field is looked for (`/type`,
/// `/data/type`): routing keys sit near the top of an envelope.
const MAX_DEPTH: usize = 2;

/// Most schemas visited for one payload before giving up.
const MAX_VISITS: usize = 256;

/// Pinned values by JSON Pointer, for one payload.
type Pins = BTreeMap<String, Vec<String>>;

/// What the payloads of an operation's messages say about routing.
pub enum Inferred {
    /// Every message pins the field at this pointer to values of its own.
    Routed(String, Vec<RoutedMessage>),
    /// Every message pins the field at this pointer, but these messages
    /// share this value: the body cannot tell them apart.
    Shared {
        /// The field.
        pointer: String,
        /// The value pinned by more than one message.
        value: String,
        /// The messages that pin it.
        messages: Vec<String>,
    },
    /// Fewer than two messages, or no field pinned by all.
    Nothing,
}

/// How the messages `names` are told apart by their payloads.
pub fn infer(catalog: &Catalog, documents: &mut Documents, names: &[String]) -> Inferred {
    match payload_route(catalog, documents, names) {
        Some((pointer, messages)) => Inferred::Routed(pointer, messages),
        None => shared_value(catalog, documents, names).unwrap_or(Inferred::Nothing),
    }
}

/// The first value two messages share at a field every message pins.
fn shared_value(
    catalog: &Catalog,
    documents: &mut Documents,
    names: &[String],
) -> Option<Inferred> {
    let all = all_pins(catalog, documents, names)?;
    let pointer = common_pointers(&all).into_iter().next()?;
    let mut owners: BTreeMap<&String, Vec<String>> = BTreeMap::new();
    for (name, pins) in names.iter().zip(&all) {
        for value in &pins[pointer] {
            owners.entry(value).or_default().push(name.clone());
        }
    }
    let (value, messages) = owners.into_iter().find(|(_, m)| m.len() > 1)?;
    Some(Inferred::Shared {
        pointer: pointer.clone(),
        value: value.clone(),
        messages,
    })
}

/// Each message's pins, `None` when a message has no payload schema.
fn all_pins(catalog: &Catalog, documents: &mut Documents, names: &[String]) -> Option<Vec<Pins>> {
    if names.len() < 2 {
        return None;
    }
    let mut all: Vec<Pins> = Vec::new();
    for name in names {
        let origin = catalog.message_named(name)?.payload_origin.as_deref()?;
        let at = location_of(origin);
        let mut pins = Pins::new();
        collect(documents, &at, "", 0, &mut pins);
        all.push(pins);
    }
    Some(all)
}

/// Pointers every payload pins, shortest (then first in order) first.
fn common_pointers(all: &[Pins]) -> Vec<&String> {
    let mut candidates: Vec<&String> = all[0]
        .keys()
        .filter(|p| all.iter().all(|pins| pins.contains_key(*p)))
        .collect();
    candidates.sort_by_key(|p| (p.matches('/').count(), p.len()));
    candidates
}

/// The pointer the messages `names` are told apart by, with each message's
/// keys; `None` when there are fewer than two messages or no such field.
fn payload_route(
    catalog: &Catalog,
    documents: &mut Documents,
    names: &[String],
) -> Option<(String, Vec<RoutedMessage>)> {
    let all = all_pins(catalog, documents, names)?;
    let pointer = common_pointers(&all).into_iter().find(|p| {
        let mut seen = std::collections::BTreeSet::new();
        all.iter()
            .all(|pins| pins[*p].iter().all(|value| seen.insert(value.clone())))
    })?;
    let messages = names
        .iter()
        .zip(&all)
        .map(|(name, pins)| RoutedMessage {
            message: name.clone(),
            keys: pins[pointer].clone(),
        })
        .collect();
    Some((pointer.clone(), messages))
}

/// Records the string values pinned at or below the object schema `at`
/// (`prefix` is its pointer in the payload), through `$ref`s and `allOf`.
fn collect(documents: &mut Documents, at: &Location, prefix: &str, depth: usize, pins: &mut Pins) {
    let mut budget = MAX_VISITS;
    collect_within(documents, at, prefix, depth, pins, &mut budget);
}

/// [`collect`], with `budget` schemas left to visit: recursive schemas
/// (`allOf`/`oneOf` back to themselves) end when it runs out.
fn collect_within(
    documents: &mut Documents,
    at: &Location,
    prefix: &str,
    depth: usize,
    pins: &mut Pins,
    budget: &mut usize,
) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    let Ok(at) = documents.follow(at) else {
        return;
    };
    let Ok(node) = documents.shared(&at) else {
        return;
    };
    let Some(schema) = node.get().as_object() else {
        return;
    };
    if let Some((property, values)) = discriminated(documents, &at, schema) {
        pins.entry(pointer::join(prefix, &property))
            .or_insert(values);
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for index in 0..parts.len() {
            let part = at.join("allOf").join(&index.to_string());
            collect_within(documents, &part, prefix, depth, pins, budget);
        }
    }
    // A union pins what every branch pins (to any of their values).
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = schema.get(keyword) else {
            continue;
        };
        let mut common: Option<Pins> = None;
        for index in 0..branches.len() {
            let mut branch = Pins::new();
            let branch_at = at.join(keyword).join(&index.to_string());
            collect_within(documents, &branch_at, prefix, depth, &mut branch, budget);
            common = Some(match common {
                None => branch,
                Some(mut so_far) => {
                    so_far.retain(|p, _| branch.contains_key(p));
                    for (p, values) in &mut so_far {
                        for value in &branch[p] {
                            if !values.contains(value) {
                                values.push(value.clone());
                            }
                        }
                    }
                    so_far
                }
            });
        }
        for (p, values) in common.unwrap_or_default() {
            pins.entry(p).or_insert(values);
        }
    }
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    for key in properties.keys() {
        let property_at = at.join("properties").join(key);
        let here = pointer::join(prefix, key);
        let Ok(target) = documents.follow(&property_at) else {
            continue;
        };
        let Ok(property) = documents.node(&target) else {
            continue;
        };
        if let Some(value) = pinned(property) {
            pins.entry(here).or_insert_with(|| vec![value]);
        } else if depth + 1 < MAX_DEPTH {
            collect_within(documents, &target, &here, depth + 1, pins, budget);
        }
    }
}

/// The one string a property schema allows: `const`, or a one-value `enum`.
fn pinned(schema: &Value) -> Option<String> {
    if let Some(Value::String(value)) = schema.get("const") {
        return Some(value.clone());
    }
    match schema.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values[0].as_str().map(str::to_string),
        _ => None,
    }
}

/// A `discriminator` on the schema at `at` or on one of its `allOf` parents:
/// its property and the values that name this schema (the mapping's keys
/// whose target is this schema, else the schema's component name, as
/// AsyncAPI's string `discriminator` and OpenAPI without a mapping say).
fn discriminated(
    documents: &mut Documents,
    at: &Location,
    schema: &serde_json::Map<String, Value>,
) -> Option<(String, Vec<String>)> {
    let mut holders = vec![at.clone()];
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for index in 0..parts.len() {
            if let Ok(part) = documents.follow(&at.join("allOf").join(&index.to_string())) {
                holders.push(part);
            }
        }
    }
    for holder in holders {
        let Ok(node) = documents.node(&holder).cloned() else {
            continue;
        };
        let (property, mapping) = match node.get("discriminator") {
            Some(Value::String(property)) => (property.clone(), None),
            Some(Value::Object(d)) => match d.get("propertyName") {
                Some(Value::String(property)) => (property.clone(), d.get("mapping").cloned()),
                _ => continue,
            },
            _ => continue,
        };
        let mut values = Vec::new();
        if let Some(Value::Object(mapping)) = mapping {
            for (value, target) in mapping {
                let Some(target) = target.as_str() else {
                    continue;
                };
                let reference = if target.contains('#') || target.contains('/') {
                    target.to_string()
                } else {
                    // OpenAPI allows a bare schema name.
                    format!("#/components/schemas/{target}")
                };
                let resolved = documents
                    .resolve(&holder, &reference)
                    .and_then(|t| documents.follow(&t));
                if resolved.as_ref().is_ok_and(|t| t == at) {
                    values.push(value.clone());
                }
            }
        }
        if values.is_empty() {
            // A discriminator on the payload itself names its subschemas, not it.
            if &holder == at {
                continue;
            }
            values.push(crate::load::schema::component_name(at)?);
        }
        return Some((property, values));
    }
    None
}

fn location_of(origin: &str) -> Location {
    match origin.split_once('#') {
        Some((file, pointer)) => Location::new(file, pointer),
        None => Location::new(origin, ""),
    }
}

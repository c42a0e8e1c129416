//! Self-contained copies of schema fragments, for keywords checked by an
//! embedded JSON Schema: every `$ref` inside is resolved here (with the
//! loader's base URIs) and its target copied under the fragment's own
//! `definitions`, so the embedded schema needs nothing outside itself.

use crate::error::Result;
use crate::spec::{pointer, Location};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::schema::SchemaConverter;

/// Most subschemas one fragment may pull in.
const MAX_DEFINITIONS: usize = 1_000;

/// Members whose values are instance data: never rewritten.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "examples", "example", "default"];

impl SchemaConverter<'_> {
    /// `keywords` of the schema at `location`, with their references bundled.
    pub(crate) fn bundle(
        &mut self,
        location: &Location,
        keywords: &[&str],
    ) -> Result<Map<String, Value>> {
        let node = self.docs.node(location)?.clone();
        let mut bundler = Bundler::default();
        let mut out = Map::new();
        for keyword in keywords {
            if let Some(value) = node.get(*keyword) {
                let rewritten = bundler.rewrite(self, value, &location.join(keyword))?;
                out.insert((*keyword).to_string(), rewritten);
            }
        }
        while let Some((target, key)) = bundler.pending.pop() {
            let value = self.docs.node(&target)?.clone();
            let rewritten = bundler.rewrite(self, &value, &target)?;
            bundler.definitions.insert(key, rewritten);
        }
        if !bundler.definitions.is_empty() {
            out.insert("definitions".into(), Value::Object(bundler.definitions));
        }
        Ok(out)
    }
}

#[derive(Default)]
struct Bundler {
    keys: BTreeMap<Location, String>,
    pending: Vec<(Location, String)>,
    definitions: Map<String, Value>,
}

impl Bundler {
    fn rewrite(
        &mut self,
        converter: &mut SchemaConverter<'_>,
        value: &Value,
        at: &Location,
    ) -> Result<Value> {
        Ok(match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    // Draft-07: a $ref's siblings are ignored.
                    let target = converter.docs.resolve(at, reference)?;
                    let key = self.key_for(target, at)?;
                    let mut out = Map::new();
                    out.insert(
                        "$ref".into(),
                        Value::String(format!("#/definitions/{}", pointer::escape(&key))),
                    );
                    return Ok(Value::Object(out));
                }
                let mut out = Map::new();
                for (key, child) in map {
                    // Identifiers were resolved already; kept, they would move the base URI.
                    if key == "$id" {
                        continue;
                    }
                    let child = if DATA_KEYWORDS.contains(&key.as_str()) {
                        child.clone()
                    } else {
                        self.rewrite(converter, child, &at.join(key))?
                    };
                    out.insert(key.clone(), child);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.rewrite(converter, item, &at.join(&i.to_string())))
                    .collect::<Result<_>>()?,
            ),
            other => other.clone(),
        })
    }

    fn key_for(&mut self, target: Location, at: &Location) -> Result<String> {
        if let Some(key) = self.keys.get(&target) {
            return Ok(key.clone());
        }
        if self.keys.len() >= MAX_DEFINITIONS {
            return Err(at.error("an embedded schema would pull in too many subschemas"));
        }
        // Keys are private to the embedded schema; the position keeps them unique.
        let key = format!("ref{}", self.keys.len());
        self.keys.insert(target.clone(), key.clone());
        self.pending.push((target, key.clone()));
        Ok(key)
    }
}

//! Schemas seen the same way whichever tool wrote them: `$ref`s followed,
//! `allOf`s merged, `null` split off the type, `const` as a one-value `enum`.
//! The spec, the emitter and schemars each spell the same schema their own
//! way; the comparisons (`compare.rs`) look at this view.

use serde_json::{Map, Value};

/// Deeper than any spec nests; recursive schemas stop here.
const MAX_DEPTH: usize = 48;

/// Marks the `allOf` this view makes of a property two `allOf` parts declare.
pub const MERGED: &str = "$eventbind-merged";

/// Annotation keywords: the later part of an `allOf` wins.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// The document `$ref`s resolve in.
#[derive(Clone, Copy)]
pub struct Doc<'a> {
    root: &'a Value,
}

impl<'a> Doc<'a> {
    pub fn new(root: &'a Value) -> Self {
        Doc { root }
    }

    fn resolve(&self, reference: &str) -> &'a Value {
        let pointer = reference
            .strip_prefix('#')
            .map(percent_decode)
            .unwrap_or_else(|| panic!("only local references are used here: {reference}"));
        if pointer.is_empty() {
            return self.root;
        }
        self.root
            .pointer(&pointer)
            .unwrap_or_else(|| panic!("unresolved reference {reference}"))
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A schema node in the common view.
#[derive(Clone, Debug, Default)]
pub struct Flat {
    /// Keywords, without `$ref`, `allOf`, `const`, `null` in `type`.
    pub map: Map<String, Value>,
    /// `null` is allowed beside the type.
    pub nullable: bool,
    /// The `false` schema: nothing is allowed.
    pub never: bool,
    /// A keyword stated again with another value by an `allOf` part (both hold).
    pub again: Vec<(String, Value)>,
}

impl Flat {
    /// The JSON types allowed besides `null` (empty: any value).
    pub fn types(&self) -> Vec<String> {
        match self.map.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(list)) => {
                let mut names: Vec<String> = list
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                names.sort();
                names
            }
            _ => Vec::new(),
        }
    }
}

/// `node` in the common view; `$ref`s resolve in `doc`.
pub fn flatten(doc: Doc, node: &Value, depth: usize) -> Flat {
    if depth > MAX_DEPTH {
        return Flat::default();
    }
    let map = match node {
        Value::Bool(true) => return Flat::default(),
        Value::Bool(false) => {
            return Flat {
                never: true,
                ..Flat::default()
            }
        }
        Value::Object(map) => map,
        other => panic!("not a schema: {other}"),
    };
    // Draft-07: a `$ref` stands for its target; keywords beside it do not count.
    if let Some(Value::String(reference)) = map.get("$ref") {
        return flatten(doc, doc.resolve(reference), depth + 1);
    }
    let mut flat = Flat::default();
    if let Some(Value::Array(parts)) = map.get("allOf") {
        for part in parts {
            let part = flatten(doc, part, depth + 1);
            merge(&mut flat, part);
        }
    }
    let own: Map<String, Value> = map
        .iter()
        .filter(|(k, _)| k.as_str() != "allOf" && !ignored(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut own = Flat {
        map: own,
        ..Flat::default()
    };
    normalize(doc, &mut own, depth);
    // The node's own annotations win over its parts' (a type's description is its own).
    merge(&mut flat, own);
    flat
}

/// Keywords no comparison looks at.
fn ignored(key: &str) -> bool {
    key.starts_with("x-")
        || key == MERGED
        || matches!(
            key,
            "$comment" | "$schema" | "$id" | "id" | "definitions" | "$defs" | "nullable"
        )
}

fn normalize(doc: Doc, flat: &mut Flat, depth: usize) {
    if let Some(value) = flat.map.remove("const") {
        flat.map.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(example) = flat.map.remove("example") {
        let examples = flat
            .map
            .entry("examples")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = examples {
            list.push(example);
        }
    }
    if let Some(Value::Array(types)) = flat.map.get("type").cloned() {
        let mut rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if rest.len() < types.len() && !rest.is_empty() {
            flat.nullable = true;
        }
        let value = match rest.len() {
            0 => Value::String("null".into()),
            1 => rest.remove(0),
            _ => Value::Array(rest),
        };
        flat.map.insert("type".into(), value);
    }
    // `oneOf`/`anyOf` of a schema and `{type: null}`: that schema, nullable.
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = flat.map.get(keyword).cloned() else {
            continue;
        };
        let is_null = |b: &Value| {
            let f = flatten(doc, b, depth + 1);
            f.map.len() == 1 && f.map.get("type") == Some(&Value::String("null".into()))
        };
        let rest: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
        if rest.len() == branches.len() || rest.is_empty() {
            continue;
        }
        flat.map.remove(keyword);
        if rest.len() == 1 {
            let single = flatten(doc, &rest[0], depth + 1);
            merge(flat, single);
        } else {
            flat.map.insert(keyword.into(), Value::Array(rest));
        }
        flat.nullable = true;
    }
}

/// Adds `later` (an `allOf` part, or the node's own keywords) to `flat`.
pub fn merge(flat: &mut Flat, later: Flat) {
    let had_type = flat.map.contains_key("type");
    let later_has_type = later.map.contains_key("type");
    flat.nullable = match (had_type, later_has_type) {
        (true, true) => flat.nullable && later.nullable,
        (true, false) => flat.nullable,
        (false, true) => later.nullable,
        (false, false) => flat.nullable || later.nullable,
    };
    flat.never |= later.never;
    flat.again.extend(later.again);
    for (key, value) in later.map {
        let Some(existing) = flat.map.get_mut(&key) else {
            flat.map.insert(key, value);
            continue;
        };
        match key.as_str() {
            _ if ANNOTATIONS.contains(&key.as_str()) => *existing = value,
            "properties" => {
                let (Value::Object(into), Value::Object(from)) = (existing, value) else {
                    continue;
                };
                for (name, schema) in from {
                    match into.get_mut(&name) {
                        Some(earlier) => {
                            let both = serde_json::json!({
                                "allOf": [earlier.clone(), schema],
                                MERGED: true,
                            });
                            *earlier = both;
                        }
                        None => {
                            into.insert(name, schema);
                        }
                    }
                }
            }
            "required" => {
                if let (Value::Array(into), Value::Array(from)) = (existing, value) {
                    for name in from {
                        if !into.contains(&name) {
                            into.push(name);
                        }
                    }
                }
            }
            "type" if *existing != value => {
                let pair = [existing.as_str(), value.as_str()];
                if pair == [Some("number"), Some("integer")] {
                    *existing = value;
                } else if pair != [Some("integer"), Some("number")] {
                    flat.again.push((key, value));
                }
            }
            "additionalProperties" if value == Value::Bool(false) => *existing = value,
            _ if *existing == value => {}
            _ => flat.again.push((key, value)),
        }
    }
}

/// The annotations a property states itself (what the model reads for a
/// member), for a property two `allOf` parts declare the later part's.
pub fn own_annotations(node: &Value) -> Map<String, Value> {
    let Value::Object(map) = node else {
        return Map::new();
    };
    if map.get(MERGED) == Some(&Value::Bool(true)) {
        let mut out = Map::new();
        for part in map
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for (key, value) in own_annotations(part) {
                if key == "readOnly" && out.get("readOnly") == Some(&Value::Bool(true)) {
                    continue;
                }
                out.insert(key, value);
            }
        }
        return out;
    }
    map.iter()
        .filter(|(k, _)| matches!(k.as_str(), "description" | "default" | "readOnly"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

//! The two comparisons, each walking two schemas side by side and naming
//! every difference with the path where it is:
//! - [`constraints`]: an emitted schema against its source schema, every
//!   validation keyword (what must hold for "nothing the source forbids is
//!   allowed and nothing it allows is forbidden");
//! - [`structure`]: an emitted schema against what schemars derives from the
//!   Rust type, the shape only (schemars does not see `#[validate]`).

use super::flat::{flatten, own_annotations, Doc, Flat};
use serde_json::{Map, Value};

/// Keywords that constrain values, compared one by one.
const VALIDATION: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Keywords the walks below handle; any other keyword (`not`, `if`,
/// `patternProperties`, ...) must be the same JSON on both sides.
const WALKED: &[&str] = &[
    "type",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "oneOf",
    "anyOf",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// One side of a comparison: a schema node and the document it sits in.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub doc: Doc<'a>,
    pub node: &'a Value,
}

impl<'a> Side<'a> {
    pub fn new(root: &'a Value, node: &'a Value) -> Self {
        Side {
            doc: Doc::new(root),
            node,
        }
    }

    /// Another node of the same document (borrowed for as long as that node is).
    fn at<'b>(self, node: &'b Value) -> Side<'b>
    where
        'a: 'b,
    {
        Side {
            doc: self.doc,
            node,
        }
    }
}

/// Every difference in validation between `emitted` and `source`.
pub fn constraints(emitted: Side, source: Side, path: &str, out: &mut Vec<String>) {
    walk_constraints(emitted, source, path, out, 0);
}

fn walk_constraints(e: Side, s: Side, path: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 40 {
        return;
    }
    let (ef, sf) = (flatten(e.doc, e.node, 0), flatten(s.doc, s.node, 0));
    let differ = |out: &mut Vec<String>, what: &str, emitted: String, source: String| {
        out.push(format!(
            "{path}: {what}: emitted {emitted}, source {source}"
        ))
    };
    if ef.never != sf.never {
        differ(
            out,
            "false schema",
            ef.never.to_string(),
            sf.never.to_string(),
        );
    }
    if ef.types() != sf.types() {
        differ(
            out,
            "type",
            format!("{:?}", ef.types()),
            format!("{:?}", sf.types()),
        );
    }
    if !ef.types().is_empty() && ef.nullable != sf.nullable {
        differ(
            out,
            "null allowed",
            ef.nullable.to_string(),
            sf.nullable.to_string(),
        );
    }
    for key in VALIDATION {
        let (a, b) = (ef.map.get(*key), sf.map.get(*key));
        if !same_value(a, b) {
            differ(out, key, shown(a), shown(b));
        }
    }
    if set(&ef.map, "enum") != set(&sf.map, "enum") {
        differ(
            out,
            "enum",
            shown(ef.map.get("enum")),
            shown(sf.map.get("enum")),
        );
    }
    if set(&ef.map, "required") != set(&sf.map, "required") {
        differ(
            out,
            "required",
            shown(ef.map.get("required")),
            shown(sf.map.get("required")),
        );
    }
    let mut again_e: Vec<String> = ef.again.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut again_s: Vec<String> = sf.again.iter().map(|(k, v)| format!("{k}={v}")).collect();
    again_e.sort();
    again_s.sort();
    if again_e != again_s {
        differ(
            out,
            "repeated keywords",
            format!("{again_e:?}"),
            format!("{again_s:?}"),
        );
    }
    for key in unwalked(&ef, &sf) {
        let (a, b) = (ef.map.get(&key), sf.map.get(&key));
        if a != b {
            differ(out, &key, shown(a), shown(b));
        }
    }
    match (additional(&ef), additional(&sf)) {
        (Additional::Schema(a), Additional::Schema(b)) => {
            walk_constraints(e.at(a), s.at(b), &format!("{path}/*"), out, depth + 1)
        }
        (a, b) if a.kind() != b.kind() => {
            out.push(format!(
                "{path}: additionalProperties: emitted {}, source {}",
                a.kind(),
                b.kind()
            ));
        }
        _ => {}
    }
    let (ep, sp) = (properties(&ef), properties(&sf));
    let names: Vec<&String> = ep.keys().chain(sp.keys()).collect();
    for name in dedup(names) {
        let here = format!("{path}/{name}");
        match (ep.get(name), sp.get(name)) {
            (Some(a), Some(b)) => {
                let (aa, ba) = (own_annotations(a), own_annotations(b));
                if aa != ba {
                    out.push(format!(
                        "{here}: annotations: emitted {aa:?}, source {ba:?}"
                    ));
                }
                walk_constraints(e.at(a), s.at(b), &here, out, depth + 1);
            }
            (a, _) => out.push(format!(
                "{here}: declared only in the {} schema",
                if a.is_some() { "emitted" } else { "source" }
            )),
        }
    }
    let empty = Value::Bool(true);
    if ef.map.contains_key("items") || sf.map.contains_key("items") {
        let a = ef.map.get("items").unwrap_or(&empty);
        let b = sf.map.get("items").unwrap_or(&empty);
        if a.is_array() || b.is_array() {
            if a != b {
                differ(out, "items (tuple)", a.to_string(), b.to_string());
            }
        } else {
            walk_constraints(e.at(a), s.at(b), &format!("{path}/[]"), out, depth + 1);
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        let (a, b) = (branches(&ef, keyword), branches(&sf, keyword));
        if a.len() != b.len() {
            differ(
                out,
                keyword,
                format!("{} branches", a.len()),
                format!("{} branches", b.len()),
            );
            continue;
        }
        for (index, (a, b)) in a.iter().zip(&b).enumerate() {
            let here = format!("{path}/{keyword}/{index}");
            walk_constraints(e.at(a), s.at(b), &here, out, depth + 1);
        }
    }
}

/// Every difference in shape between `emitted` and what schemars derived.
/// `optional`: the node is a member that may be absent (see below).
pub fn structure(emitted: Side, derived: Side, path: &str, optional: bool, out: &mut Vec<String>) {
    walk_structure(emitted, derived, path, optional, out, 0);
}

fn walk_structure(
    e: Side,
    r: Side,
    path: &str,
    optional: bool,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 40 {
        return;
    }
    let (ef, rf) = (flatten(e.doc, e.node, 0), flatten(r.doc, r.node, 0));
    let differ = |out: &mut Vec<String>, what: &str, emitted: String, derived: String| {
        out.push(format!(
            "{path}: {what}: emitted {emitted}, schemars {derived}"
        ))
    };
    if ef.never != rf.never {
        differ(
            out,
            "false schema",
            ef.never.to_string(),
            rf.never.to_string(),
        );
    }
    if ef.types() != rf.types() {
        differ(
            out,
            "type",
            format!("{:?}", ef.types()),
            format!("{:?}", rf.types()),
        );
    }
    // An optional member is an `Option`, which serde also reads from `null`:
    // schemars says so. The spec (and the emitted schema) may forbid that
    // `null`; it is the one difference tolerated, and only in that direction.
    let tolerated = optional && rf.nullable && !ef.nullable;
    if !ef.types().is_empty() && ef.nullable != rf.nullable && !tolerated {
        differ(
            out,
            "null allowed",
            ef.nullable.to_string(),
            rf.nullable.to_string(),
        );
    }
    if rf.map.contains_key("enum") && set(&ef.map, "enum") != set(&rf.map, "enum") {
        differ(
            out,
            "enum",
            shown(ef.map.get("enum")),
            shown(rf.map.get("enum")),
        );
    }
    let rust_formats = ["date-time", "date", "uuid"];
    let format = |f: &Flat| {
        f.map
            .get("format")
            .and_then(Value::as_str)
            .filter(|name| rust_formats.contains(name))
            .map(str::to_string)
    };
    if format(&ef) != format(&rf) {
        differ(
            out,
            "format",
            format!("{:?}", format(&ef)),
            format!("{:?}", format(&rf)),
        );
    }
    let required = set(&ef.map, "required");
    if required != set(&rf.map, "required") {
        differ(
            out,
            "required",
            shown(ef.map.get("required")),
            shown(rf.map.get("required")),
        );
    }
    match (additional(&ef), additional(&rf)) {
        (Additional::Schema(a), Additional::Schema(b)) => walk_structure(
            e.at(a),
            r.at(b),
            &format!("{path}/*"),
            false,
            out,
            depth + 1,
        ),
        (a, b) if a.kind() != b.kind() => out.push(format!(
            "{path}: additionalProperties: emitted {}, schemars {}",
            a.kind(),
            b.kind()
        )),
        _ => {}
    }
    let (ep, rp) = (properties(&ef), properties(&rf));
    for name in dedup(ep.keys().chain(rp.keys()).collect()) {
        let here = format!("{path}/{name}");
        match (ep.get(name), rp.get(name)) {
            (Some(a), Some(b)) => {
                let optional = !required.contains(&Value::String(name.clone()).to_string());
                walk_structure(e.at(a), r.at(b), &here, optional, out, depth + 1);
            }
            (a, _) => out.push(format!(
                "{here}: only {} has this member",
                if a.is_some() {
                    "the emitted schema"
                } else {
                    "schemars"
                }
            )),
        }
    }
    let empty = Value::Bool(true);
    if ef.map.contains_key("items") || rf.map.contains_key("items") {
        let a = ef.map.get("items").unwrap_or(&empty);
        let b = rf.map.get("items").unwrap_or(&empty);
        walk_structure(
            e.at(a),
            r.at(b),
            &format!("{path}/[]"),
            false,
            out,
            depth + 1,
        );
    }
    // Alternatives that only add constraints (`anyOf: [{maxLength: 0}, ...]`)
    // are not shapes: schemars cannot see them.
    let shapes = |f: &Flat, doc: Doc| -> Vec<Value> {
        let mut all = branches(f, "oneOf");
        all.extend(branches(f, "anyOf"));
        let is_shape = all.iter().any(|b| {
            let flat = flatten(doc, b, 0);
            !flat.types().is_empty() || flat.map.contains_key("enum")
        });
        if is_shape {
            all
        } else {
            Vec::new()
        }
    };
    let (a, b) = (shapes(&ef, e.doc), shapes(&rf, r.doc));
    if a.len() != b.len() {
        differ(
            out,
            "alternatives",
            a.len().to_string(),
            b.len().to_string(),
        );
        return;
    }
    for (index, (a, b)) in a.iter().zip(&b).enumerate() {
        let here = format!("{path}/|{index}");
        walk_structure(e.at(a), r.at(b), &here, false, out, depth + 1);
    }
}

#[derive(Debug)]
enum Additional<'a> {
    Allowed,
    Denied,
    Schema(&'a Value),
}

impl Additional<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Additional::Allowed => "allowed",
            Additional::Denied => "denied",
            Additional::Schema(_) => "a schema",
        }
    }
}

fn additional(flat: &Flat) -> Additional<'_> {
    match flat.map.get("additionalProperties") {
        None | Some(Value::Bool(true)) => Additional::Allowed,
        Some(Value::Bool(false)) => Additional::Denied,
        Some(schema) if schema.as_object().is_some_and(Map::is_empty) => Additional::Allowed,
        Some(schema) => Additional::Schema(schema),
    }
}

fn properties(flat: &Flat) -> Map<String, Value> {
    flat.map
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn branches(flat: &Flat, keyword: &str) -> Vec<Value> {
    flat.map
        .get(keyword)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn unwalked(a: &Flat, b: &Flat) -> Vec<String> {
    let keys = a.map.keys().chain(b.map.keys()).collect();
    dedup(keys)
        .into_iter()
        .filter(|k| !VALIDATION.contains(&k.as_str()) && !WALKED.contains(&k.as_str()))
        .cloned()
        .collect()
}

fn dedup(mut names: Vec<&String>) -> Vec<&String> {
    names.sort();
    names.dedup();
    names
}

/// The members of an array keyword as a sorted set of their JSON.
fn set(map: &Map<String, Value>, key: &str) -> Vec<String> {
    let mut items: Vec<String> = map
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(Value::to_string)
        .collect();
    items.sort();
    items.dedup();
    items
}

/// Equal, comparing numbers by value (`100` and `100.0` are one bound).
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64() == y.as_f64(),
        (a, b) => a == b,
    }
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "nothing".to_string(), Value::to_string)
}

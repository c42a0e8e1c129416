//! The faults a delivery can carry: the kinds of near miss the differential
//! test makes (`eventbind::instances::Generator::mutate`), one at a time at a
//! node picked at random, and the ways bytes stop being JSON.
//!
//! A fault is only a proposal: whether it made the delivery invalid, and
//! which keyword it broke, is for the caller's paths to say
//! ([`crate::mix`] asks them and keeps a proposal only when they agree).

use crate::corpus::Rng;
use serde_json::{json, Value};

/// A kind of schema fault, named after the keywords that catch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// A value of another JSON type, including the forms serde's defaults
    /// misread (an object as the array of its values, a string as
    /// `{"value": null}`, an integer written as a float).
    Type,
    /// A member the schema requires, removed.
    Required,
    /// A value no `enum` or `const` lists.
    Enum,
    /// A string its `pattern` or `format` does not match (date-times and
    /// UUIDs in forms the format does not name, a trailing newline).
    Pattern,
    /// A length, number or item count just over a bound.
    Bound,
    /// An undeclared member on a closed object.
    Extra,
}

impl Fault {
    /// Every kind, in the order deliveries cycle through them.
    pub const ALL: [Fault; 6] = [
        Fault::Type,
        Fault::Required,
        Fault::Enum,
        Fault::Pattern,
        Fault::Bound,
        Fault::Extra,
    ];

    /// The name the reports print.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Type => "type",
            Fault::Required => "required",
            Fault::Enum => "enum/const",
            Fault::Pattern => "pattern/format",
            Fault::Bound => "bound",
            Fault::Extra => "extra member",
        }
    }

    /// The kind a JSON Schema keyword that failed reports (`None` for
    /// keywords that say nothing of the cause, such as `oneOf`).
    pub fn of_keyword(keyword: &str) -> Option<Fault> {
        Some(match keyword {
            "type" => Fault::Type,
            "required" => Fault::Required,
            "enum" | "const" => Fault::Enum,
            "pattern" | "format" => Fault::Pattern,
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf"
            | "minLength" | "maxLength" | "minItems" | "maxItems" | "uniqueItems"
            | "minProperties" | "maxProperties" => Fault::Bound,
            "additionalProperties" | "unevaluatedProperties" | "falseSchema" => Fault::Extra,
            _ => return None,
        })
    }
}

/// `value` with one fault of kind `fault` at a node it applies to, picked at
/// random; `None` if no node of `value` takes this kind.
pub fn inject(value: &Value, fault: Fault, rng: &mut Rng) -> Option<Value> {
    let mut paths = Vec::new();
    collect(value, String::new(), &mut |v| applies(fault, v), &mut paths);
    if paths.is_empty() {
        return None;
    }
    let target = &paths[rng.below(paths.len() as u64) as usize];
    let mut out = value.clone();
    let node = out.pointer_mut(target)?;
    *node = faulty(fault, node, rng);
    Some(out)
}

fn applies(fault: Fault, node: &Value) -> bool {
    match fault {
        Fault::Type => true,
        Fault::Required => node.as_object().is_some_and(|m| !m.is_empty()),
        Fault::Enum | Fault::Pattern => node.is_string(),
        Fault::Bound => node.is_string() || node.is_number() || node.is_array(),
        Fault::Extra => node.is_object(),
    }
}

/// The faulty replacement of one node (which [`applies`] accepted).
fn faulty(fault: Fault, node: &Value, rng: &mut Rng) -> Value {
    match (fault, node) {
        (Fault::Type, Value::Object(map)) if rng.below(2) == 0 => {
            Value::Array(map.values().cloned().collect())
        }
        (Fault::Type, Value::String(s)) if rng.below(2) == 0 => json!({ s.clone(): null }),
        (Fault::Type, Value::Number(n)) if n.is_i64() && rng.below(2) == 0 => {
            json!(n.as_i64().unwrap_or(0) as f64)
        }
        (Fault::Type, Value::String(_)) => json!(12),
        (Fault::Type, Value::Number(_)) => json!("a string"),
        (Fault::Type, Value::Array(_)) => json!({}),
        (Fault::Type, Value::Object(_)) => json!([]),
        (Fault::Type, Value::Null) => json!({}),
        (Fault::Type, _) => Value::Null,
        (Fault::Required, Value::Object(map)) => {
            let mut map = map.clone();
            let at = rng.below(map.len() as u64) as usize;
            if let Some(key) = map.keys().nth(at).cloned() {
                map.remove(&key);
            }
            Value::Object(map)
        }
        (Fault::Enum, Value::String(s)) => {
            // Same alphabet as the listed values, so only the listing fails.
            let reversed: String = s.chars().rev().collect();
            Value::String(if reversed == *s || rng.below(2) == 0 {
                format!("{s}_OTHER")
            } else {
                reversed
            })
        }
        (Fault::Pattern, Value::String(s)) => Value::String(misformat(s, rng)),
        (Fault::Bound, Value::String(s)) => Value::String(if rng.below(2) == 0 {
            let extra = rng.range(1, 300) as usize;
            format!("{s}{}", "x".repeat(extra))
        } else {
            s.chars().take(rng.below(3) as usize).collect()
        }),
        // Integers stay integers, so only the bound fails, not the type.
        (Fault::Bound, Value::Number(n)) => match (n.as_i64(), rng.below(2)) {
            (Some(i), 0) => json!(i.saturating_mul(1_000).saturating_add(1)),
            (Some(i), _) => json!(-1 - i.saturating_abs()),
            (None, 0) => json!(n.as_f64().unwrap_or(0.0) * 1_000.0 + 1.0),
            (None, _) => json!(-1.0 - n.as_f64().unwrap_or(0.0).abs()),
        },
        (Fault::Bound, Value::Array(items)) => match items.first() {
            Some(first) if rng.below(2) == 0 => {
                let mut items = items.clone();
                items.push(first.clone());
                Value::Array(items)
            }
            _ => json!([]),
        },
        (Fault::Extra, Value::Object(map)) => {
            let mut map = map.clone();
            map.insert("unexpected_member".into(), json!(true));
            Value::Object(map)
        }
        (_, other) => other.clone(),
    }
}

/// A date-time, date or UUID in a form its format does not name; for other
/// strings, a trailing newline (after an anchored pattern) or a character no
/// identifier pattern allows.
fn misformat(s: &str, rng: &mut Rng) -> String {
    let date_time = s.len() > 19 && s.as_bytes().get(10) == Some(&b'T');
    let uuid = s.len() == 36 && s.as_bytes().get(8) == Some(&b'-');
    match rng.below(4) {
        0 if date_time => s.replacen('T', " ", 1),
        1 if date_time => format!("{}+0000", s.trim_end_matches('Z')),
        2 if date_time => format!("{}:60Z", &s[..16]),
        0 | 1 if uuid => s.replace('-', ""),
        2 if uuid => format!("{{{s}}}"),
        0 => format!("{s}\n"),
        1 => format!("{s}T00:00:00Z"),
        _ => format!("{s} !"),
    }
}

/// JSON Pointers of the nodes of `value` that `keep` accepts, the root included.
fn collect(value: &Value, at: String, keep: &mut dyn FnMut(&Value) -> bool, out: &mut Vec<String>) {
    if keep(value) {
        out.push(at.clone());
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                collect(child, format!("{at}/{token}"), keep, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect(child, format!("{at}/{index}"), keep, out);
            }
        }
        _ => {}
    }
}

/// How bytes stop being one JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformation {
    /// Cut short (a body truncated in transit or by a size limit).
    Truncated,
    /// One byte inserted or replaced: a structural character, a control
    /// character or a byte that is not UTF-8.
    StrayByte,
}

/// Bytes that break JSON text where they land (most places, not all).
const STRAY: &[u8] = b"\"{}[],:x\x01\xff";

/// `body` malformed one way, at a random place.
pub fn malform(body: &[u8], rng: &mut Rng) -> (Vec<u8>, Malformation) {
    if body.len() > 1 && rng.below(2) == 0 {
        let end = 1 + rng.below(body.len() as u64 - 1) as usize;
        return (body[..end].to_vec(), Malformation::Truncated);
    }
    let mut out = body.to_vec();
    let at = rng.below(out.len() as u64 + 1) as usize;
    let byte = STRAY[rng.below(STRAY.len() as u64) as usize];
    if at < out.len() && rng.below(2) == 0 {
        out[at] = byte;
    } else {
        out.insert(at, byte);
    }
    (out, Malformation::StrayByte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_change_one_node() {
        let doc = json!({"a": "2025-06-06T15:09:44Z", "b": [1, 2], "c": {"d": true}});
        let mut rng = Rng::new(3);
        for fault in Fault::ALL {
            for _ in 0..20 {
                let out = inject(&doc, fault, &mut rng).expect("every kind applies here");
                assert_ne!(out, doc, "{fault:?}");
            }
        }
        assert_eq!(inject(&json!(1), Fault::Extra, &mut rng), None);
        let (cut, how) = malform(br#"{"a":1}"#, &mut Rng::new(1));
        assert!(serde_json::from_slice::<Value>(&cut).is_err() || how == Malformation::StrayByte);
        assert_eq!(Fault::of_keyword("maxLength"), Some(Fault::Bound));
        assert_eq!(Fault::of_keyword("oneOf"), None);
    }
}

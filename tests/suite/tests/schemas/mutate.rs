//! Near misses of an example: the same JSON with one thing changed (a member
//! dropped or added, a value swapped for one of another type or at a bound),
//! to compare what two schemas accept.

use serde_json::{json, Value};

/// Values swapped in at every place: each JSON type, and strings and
/// numbers at the bounds the specs use.
fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1),
        json!(3),
        json!(100),
        json!(101),
        json!(1.5),
        json!(""),
        json!("ab"),
        json!("abc"),
        json!("0"),
        json!("not-a-uuid"),
        json!("c86fcc87-a137-4c37-8d19-17edc7199fef"),
        json!("2025-06-06T15:09:44.789Z"),
        json!("x".repeat(256)),
        json!({}),
        json!([]),
    ]
}

/// `(what changed, the changed document)` for every near miss of `example`.
pub fn near_misses(example: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut pointers = Vec::new();
    collect_pointers(example, String::new(), &mut pointers);
    for pointer in pointers {
        let Some(original) = example.pointer(&pointer) else {
            continue;
        };
        for replacement in replacements() {
            if &replacement == original {
                continue;
            }
            let mut changed = example.clone();
            if let Some(slot) = changed.pointer_mut(&pointer) {
                *slot = replacement.clone();
                out.push((format!("{pointer} = {replacement}"), changed));
            }
        }
        match original {
            Value::Object(map) => {
                for key in map.keys() {
                    let mut changed = example.clone();
                    if let Some(Value::Object(map)) = changed.pointer_mut(&pointer) {
                        map.remove(key);
                        out.push((format!("{pointer}/{key} removed"), changed));
                    }
                }
                let mut changed = example.clone();
                if let Some(Value::Object(map)) = changed.pointer_mut(&pointer) {
                    map.insert("eventbind_unknown_member".into(), json!(1));
                    out.push((format!("{pointer}: an unknown member added"), changed));
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let mut changed = example.clone();
                if let Some(Value::Array(items)) = changed.pointer_mut(&pointer) {
                    let first = items[0].clone();
                    items.push(first);
                    out.push((format!("{pointer}: first item repeated"), changed));
                }
                let mut changed = example.clone();
                if let Some(Value::Array(items)) = changed.pointer_mut(&pointer) {
                    items.remove(0);
                    out.push((format!("{pointer}: first item removed"), changed));
                }
            }
            _ => {}
        }
    }
    out
}

fn collect_pointers(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                collect_pointers(member, format!("{here}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_pointers(item, format!("{here}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

//! Visiting every object of a parsed file with its JSON Pointer and the
//! `$id` in force above it (instance data such as `examples` is not visited).

use serde_json::{Map, Value};

/// Members whose values are instance data, not schemas or spec objects.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "examples", "example", "default"];

/// An object met on the walk.
pub struct Visit<'v> {
    /// Its JSON Pointer.
    pub pointer: &'v str,
    /// The object.
    pub map: &'v Map<String, Value>,
    /// The nearest enclosing absolute `$id` (not the object's own) and the
    /// pointer of the object that declares it.
    pub id_above: Option<(&'v str, &'v str)>,
}

/// Calls `visit` for every object in `root`, parents before children.
pub fn objects(root: &Value, visit: &mut dyn FnMut(&Visit)) {
    let mut at = String::new();
    walk(root, &mut at, None, visit);
}

fn walk(
    node: &Value,
    at: &mut String,
    id_above: Option<(&str, &str)>,
    visit: &mut dyn FnMut(&Visit),
) {
    let len = at.len();
    match node {
        Value::Object(map) => {
            visit(&Visit {
                pointer: at,
                map,
                id_above,
            });
            let here = at.clone();
            let own = absolute_id(map);
            for (key, child) in map {
                if DATA_KEYWORDS.contains(&key.as_str()) || !(child.is_object() || child.is_array())
                {
                    continue;
                }
                at.push('/');
                at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let above = match own {
                    Some(id) => Some((id, here.as_str())),
                    None => id_above,
                };
                walk(child, at, above, visit);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push('/');
                at.push_str(&index.to_string());
                walk(child, at, id_above, visit);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// An object's own `$id` when it sets a base: not beside `$ref` (draft-07
/// ignores it there) and not a bare fragment (`#foo`, `#/properties/x`).
pub fn absolute_id(map: &Map<String, Value>) -> Option<&str> {
    if map.contains_key("$ref") {
        return None;
    }
    map.get("$id")
        .and_then(Value::as_str)
        .filter(|id| !id.starts_with('#'))
}

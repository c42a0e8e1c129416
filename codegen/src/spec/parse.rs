//! Reading one spec file into JSON: YAML (which includes JSON) or JSON,
//! with errors naming the file (and, from the YAML reader, the line).

use crate::error::{Error, Result};
use crate::spec::access::Access;
use crate::spec::pointer;
use serde_json::Value;
use std::path::Path;

/// Reads and parses one spec file, if `access` allows it.
pub(crate) fn parse_file(path: &Path, access: &Access) -> Result<Value> {
    let canonical = access.check(path)?;
    let text = super::read::text(path, &canonical, access.max_file_size())?;
    if text.trim().is_empty() {
        return Err(Error::new(
            path,
            "",
            "the file is empty: expected a YAML or JSON document",
        ));
    }
    let is_json = path.extension().is_some_and(|e| e == "json");
    if is_json {
        serde_json::from_str(&text).map_err(|e| Error::new(path, "", format!("invalid JSON: {e}")))
    } else {
        parse_yaml(path, &text)
    }
}

/// Parses YAML (which includes JSON) into a JSON value; scalar keys become strings.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Value> {
    let yaml: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| Error::new(path, "", yaml_error(&e)))?;
    yaml_to_json(&yaml, path, "")
}

/// The YAML reader's error, with its position (in its text when it has one).
fn yaml_error(error: &serde_norway::Error) -> String {
    match error.location() {
        Some(_) => format!("invalid YAML: {error}"),
        // The reader counts alias expansions but keeps no position for them.
        None if error.to_string().contains("repetition limit") => format!(
            "invalid YAML: {error}: its aliases (`*name`) expand to too many nodes (an alias \
             bomb); the YAML reader gives no position"
        ),
        None => format!("invalid YAML: {error} (the YAML reader gives no position)"),
    }
}

fn yaml_to_json(yaml: &serde_norway::Value, path: &Path, at: &str) -> Result<Value> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(serde_json::Number::from_f64) {
                    Some(number) => Value::Number(number),
                    None => {
                        return Err(Error::new(
                            path,
                            at,
                            "number is not finite; JSON cannot hold it",
                        ))
                    }
                }
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, path, &pointer::join(at, &i.to_string())))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => return Err(Error::new(path, at, "a mapping key must be a scalar")),
                };
                let child = pointer::join(at, &key);
                out.insert(key, yaml_to_json(value, path, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(&tagged.value, path, at)?,
    })
}

//! Base URIs and `$id`s: where a `$ref` points when schemas name themselves
//! (draft-07 `$id`, plain-name anchors like `#foo`) or live at remote URIs
//! mapped onto local folders.

use super::pointer;
use crate::spec::Location;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use url::Url;

/// Members whose values are instance data, not schemas: an `$id` there is
/// not an identifier.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "examples", "example", "default"];

/// Every `$id` seen, as an absolute URI (with `#name` for plain-name anchors).
#[derive(Default, Debug)]
pub struct Identifiers {
    by_uri: BTreeMap<String, Location>,
}

impl Identifiers {
    /// Records the identifiers of a document whose base URI is `base`.
    pub fn register(&mut self, file: &Path, root: &Value, base: &Url) {
        self.by_uri
            .insert(without_fragment(base), Location::new(file, ""));
        self.walk(file, root, "", base);
    }

    fn walk(&mut self, file: &Path, node: &Value, at: &str, base: &Url) {
        match node {
            Value::Object(map) => {
                let base = match own_id(map).and_then(|id| base.join(id).ok()) {
                    Some(resolved) => {
                        let location = Location::new(file, at);
                        match resolved.fragment() {
                            // `"$id": "#foo"` names this node within the current base.
                            Some(name) if !name.is_empty() && !name.starts_with('/') => {
                                self.by_uri.insert(resolved.to_string(), location);
                                base.clone()
                            }
                            _ => {
                                self.by_uri.insert(without_fragment(&resolved), location);
                                resolved
                            }
                        }
                    }
                    None => base.clone(),
                };
                for (key, child) in map {
                    if !DATA_KEYWORDS.contains(&key.as_str()) {
                        self.walk(file, child, &pointer::join(at, key), &base);
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    self.walk(file, child, &pointer::join(at, &index.to_string()), base);
                }
            }
            _ => {}
        }
    }

    /// The node an absolute URI (without fragment, or with a plain-name one) names.
    pub fn get(&self, uri: &str) -> Option<&Location> {
        self.by_uri.get(uri)
    }
}

/// A node's own `$id`; ignored beside `$ref`, as draft-07 says.
fn own_id(map: &serde_json::Map<String, Value>) -> Option<&str> {
    if map.contains_key("$ref") {
        return None;
    }
    map.get("$id").and_then(Value::as_str)
}

/// The base URI in force at `pointer` inside a document whose base is `base`.
pub fn base_at(root: &Value, at: &str, base: &Url) -> Url {
    let mut base = base.clone();
    let mut node = root;
    let tokens = pointer::tokens(at).unwrap_or_default();
    for (depth, token) in std::iter::once(None)
        .chain(tokens.iter().map(Some))
        .enumerate()
    {
        if let Some(token) = token {
            let next = match node {
                Value::Object(map) => map.get(token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
        }
        let _ = depth;
        if let Value::Object(map) = node {
            if let Some(resolved) = own_id(map).and_then(|id| base.join(id).ok()) {
                if !resolved
                    .fragment()
                    .is_some_and(|f| !f.is_empty() && !f.starts_with('/'))
                {
                    base = resolved;
                }
            }
        }
    }
    base
}

pub fn without_fragment(uri: &Url) -> String {
    let mut uri = uri.clone();
    uri.set_fragment(None);
    uri.to_string()
}

/// The `file://` URL of a path (made absolute).
pub fn file_url(path: &Path) -> Option<Url> {
    let absolute = std::fs::canonicalize(path).ok()?;
    Url::from_file_path(absolute).ok()
}

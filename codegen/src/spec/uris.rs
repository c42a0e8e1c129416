//! Base URIs and `$id`s: where a `$ref` points when schemas name themselves
//! (draft-07 `$id`, plain-name anchors like `#foo`) or live at remote URIs
//! mapped onto local folders.

use super::pointer;
use super::uri::Url;
use crate::spec::Location;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Members whose values are instance data, not schemas: an `$id` there is
/// not an identifier.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "examples", "example", "default"];

/// Every `$id` seen, as an absolute URI (with `#name` for plain-name anchors).
#[derive(Default, Debug)]
pub struct Identifiers {
    by_uri: BTreeMap<String, Location>,
    /// Files in which no node has an `$id` of its own: their base URI is the
    /// same everywhere, so [`base_at`] need not walk them.
    without_ids: BTreeSet<PathBuf>,
}

impl Identifiers {
    /// Records the identifiers of a document whose base URI is `base`.
    pub fn register(&mut self, file: &Path, root: &Value, base: &Url) {
        self.by_uri
            .insert(without_fragment(base), Location::new(file, ""));
        let mut at = String::new();
        if !self.walk(file, root, &mut at, base) {
            self.without_ids.insert(file.to_path_buf());
        }
    }

    /// Whether every node of `file` has the base URI of the file itself.
    pub fn has_one_base(&self, file: &Path) -> bool {
        self.without_ids.contains(file)
    }

    /// Records the `$id`s below `node` (at pointer `at`, which is restored on
    /// return); answers whether any node there has one (in data too).
    fn walk(&mut self, file: &Path, node: &Value, at: &mut String, base: &Url) -> bool {
        let mut seen = false;
        match node {
            Value::Object(map) => {
                let own = own_id(map);
                seen = own.is_some();
                // Borrowed unless this node rebases: most nodes have no `$id`.
                let base: Cow<Url> = match own.and_then(|id| base.join(id).ok()) {
                    Some(resolved) => {
                        let location = Location::new(file, at.as_str());
                        match resolved.fragment() {
                            // `"$id": "#foo"` names this node within the current base.
                            Some(name) if !name.is_empty() && !name.starts_with('/') => {
                                self.by_uri.insert(resolved.to_string(), location);
                                Cow::Borrowed(base)
                            }
                            _ => {
                                self.by_uri.insert(without_fragment(&resolved), location);
                                Cow::Owned(resolved)
                            }
                        }
                    }
                    None => Cow::Borrowed(base),
                };
                let len = at.len();
                // Only objects have `$id`s: scalars are not visited.
                for (key, child) in map.iter().filter(|(_, child)| is_container(child)) {
                    if DATA_KEYWORDS.contains(&key.as_str()) {
                        seen |= contains_id(child);
                        continue;
                    }
                    at.push('/');
                    pointer::push_escaped(at, key);
                    seen |= self.walk(file, child, at, &base);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                let len = at.len();
                for (index, child) in items.iter().enumerate().filter(|(_, c)| is_container(c)) {
                    let _ = write!(at, "/{index}");
                    seen |= self.walk(file, child, at, base);
                    at.truncate(len);
                }
            }
            _ => {}
        }
        seen
    }

    /// The node an absolute URI (without fragment, or with a plain-name one) names.
    pub fn get(&self, uri: &str) -> Option<&Location> {
        self.by_uri.get(uri)
    }
}

fn is_container(node: &Value) -> bool {
    matches!(node, Value::Object(_) | Value::Array(_))
}

/// Whether any object at or below `node` has an `$id` of its own.
fn contains_id(node: &Value) -> bool {
    match node {
        Value::Object(map) => own_id(map).is_some() || map.values().any(contains_id),
        Value::Array(items) => items.iter().any(contains_id),
        _ => false,
    }
}

/// A node's own `$id`; ignored beside `$ref`, as draft-07 says. An `$id`
/// that is only a JSON Pointer fragment (`"#/properties/x"`, as some
/// generators write) names no resource and moves no base: read as one, a
/// `$ref` to the document would land on that node instead of the root.
fn own_id(map: &serde_json::Map<String, Value>) -> Option<&str> {
    if map.contains_key("$ref") {
        return None;
    }
    map.get("$id")
        .and_then(Value::as_str)
        .filter(|id| *id != "#" && !id.starts_with("#/"))
}

/// The absolute `$id` a document's root declares, if it is not a `file:`
/// URI: the folder of that URI then stands for the file's folder.
pub fn root_id(root: &Value, base: &Url) -> Option<Url> {
    let id = own_id(root.as_object()?)?;
    if id.starts_with('#') {
        return None;
    }
    let resolved = base.join(id).ok()?;
    (resolved.scheme() != "file").then_some(resolved)
}

/// The base URI in force at `pointer` inside a document whose base is
/// `base`, and the pointer of the node whose `$id` set it (`None`: the
/// document's own URI), for errors to name.
pub fn base_at(root: &Value, at: &str, base: &Url) -> (Url, Option<String>) {
    let mut base = base.clone();
    let mut set_by = None;
    let mut node = root;
    let tokens = pointer::tokens(at).unwrap_or_default();
    let mut here = String::new();
    for token in std::iter::once(None).chain(tokens.iter().map(Some)) {
        if let Some(token) = token {
            let next = match node {
                Value::Object(map) => map.get(token.as_str()),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
            here.push('/');
            pointer::push_escaped(&mut here, token);
        }
        if let Value::Object(map) = node {
            if let Some(resolved) = own_id(map).and_then(|id| base.join(id).ok()) {
                if !resolved
                    .fragment()
                    .is_some_and(|f| !f.is_empty() && !f.starts_with('/'))
                {
                    base = resolved;
                    set_by = Some(here.clone());
                }
            }
        }
    }
    (base, set_by)
}

/// The URI without its fragment, as text (the key documents are known by).
pub fn without_fragment(uri: &Url) -> String {
    uri.without_fragment()
}

/// The `file://` URL of a path (made absolute).
pub fn file_url(path: &Path) -> Option<Url> {
    let absolute = std::fs::canonicalize(path).ok()?;
    Url::from_file_path(&absolute)
}

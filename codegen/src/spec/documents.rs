//! The files a spec is made of, parsed once, and `$ref` resolution between them.

use crate::error::{Error, Result};
use crate::spec::pointer;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Largest spec file read; a larger one is almost certainly not a spec.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Longest chain of `$ref`s followed before calling it a loop.
const MAX_REF_HOPS: usize = 64;

/// A node in one of the spec's files.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: PathBuf,
    /// JSON Pointer inside the file.
    pub pointer: String,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            pointer: pointer.into(),
        }
    }

    /// The location of a child node.
    pub fn join(&self, token: &str) -> Location {
        Location::new(self.file.clone(), pointer::join(&self.pointer, token))
    }

    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::new(&self.file, self.pointer.clone(), message)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// Every file read so far, by path.
#[derive(Default, Debug)]
pub struct Documents {
    files: BTreeMap<PathBuf, Value>,
}

impl Documents {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads and parses `path` (YAML or JSON) unless already read.
    pub fn load(&mut self, path: &Path) -> Result<PathBuf> {
        let path = normalize(path);
        if !self.files.contains_key(&path) {
            let value = parse_file(&path)?;
            self.files.insert(path.clone(), value);
        }
        Ok(path)
    }

    /// Adds an in-memory document (used by tests and by captured payloads).
    pub fn insert(&mut self, path: &Path, value: Value) -> PathBuf {
        let path = normalize(path);
        self.files.insert(path.clone(), value);
        path
    }

    pub fn root(&self, file: &Path) -> Option<&Value> {
        self.files.get(file)
    }

    /// The node at `location`, or an error naming it.
    pub fn node(&self, location: &Location) -> Result<&Value> {
        let root = self
            .files
            .get(&location.file)
            .ok_or_else(|| location.error("file was not loaded"))?;
        pointer::get(root, &location.pointer).ok_or_else(|| location.error("no such node"))
    }

    /// Where the `$ref` string `reference`, found at `from`, points.
    pub fn resolve(&mut self, from: &Location, reference: &str) -> Result<Location> {
        let (uri, fragment) = match reference.split_once('#') {
            Some((uri, fragment)) => (uri, fragment),
            None => (reference, ""),
        };
        let ref_at = from.join("$ref");
        if uri.contains("://") {
            return Err(ref_at.error(format!(
                "remote $ref {reference:?} is not fetched; copy the schema into the spec"
            )));
        }
        let file = if uri.is_empty() {
            from.file.clone()
        } else {
            let base = from.file.parent().unwrap_or(Path::new(""));
            let file = normalize(&base.join(percent_path(uri)));
            self.load(&file)
                .map_err(|e| ref_at.error(format!("cannot read {reference:?}: {}", e.message)))?
        };
        let fragment = pointer::percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(ref_at.error(format!(
                "$ref {reference:?}: only JSON Pointer fragments are supported, not anchors"
            )));
        }
        let target = Location::new(file, fragment);
        self.node(&target).map_err(|_| {
            ref_at.error(format!("$ref {reference:?} points to nothing ({target})"))
        })?;
        Ok(target)
    }

    /// Follows `$ref`s from `location` until a node that is not a reference.
    pub fn follow(&mut self, location: &Location) -> Result<Location> {
        let mut current = location.clone();
        for _ in 0..MAX_REF_HOPS {
            let reference = match self.node(&current)? {
                Value::Object(map) => match map.get("$ref") {
                    Some(Value::String(reference)) => reference.clone(),
                    Some(_) => return Err(current.join("$ref").error("$ref must be a string")),
                    None => return Ok(current),
                },
                _ => return Ok(current),
            };
            current = self.resolve(&current, &reference)?;
        }
        Err(location.error("$ref chain does not end (a reference loop)"))
    }
}

/// Lexically normalises a path (`a/./b/../c` → `a/c`) so one file has one key.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn percent_path(uri: &str) -> String {
    pointer::percent_decode(uri)
}

fn parse_file(path: &Path) -> Result<Value> {
    let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(Error::new(
            path,
            "",
            format!("file is larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    if is_json {
        serde_json::from_str(&text).map_err(|e| Error::new(path, "", format!("invalid JSON: {e}")))
    } else {
        parse_yaml(path, &text)
    }
}

/// Parses YAML (which includes JSON) into a JSON value; scalar keys become strings.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Value> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text)
        .map_err(|e| Error::new(path, "", format!("invalid YAML: {e}")))?;
    yaml_to_json(&yaml, path, "")
}

fn yaml_to_json(yaml: &serde_yaml::Value, path: &Path, at: &str) -> Result<Value> {
    use serde_yaml::Value as Y;
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

impl Documents {
    /// Paths of every file read.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.keys()
    }
}

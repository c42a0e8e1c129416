//! The files a spec is made of, parsed once, and `$ref` resolution between them.

use super::access::Access;
use super::uri::Url;
use crate::error::{Error, Result};
use crate::spec::pointer;
use crate::spec::uris::{self, Identifiers};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Longest chain of `$ref`s followed before calling it a loop.
const MAX_REF_HOPS: usize = 64;

/// A node in one of the spec's files.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// Ordered by file, then pointer, as the derived order would be. Locations are
/// keys of maps searched hundreds of thousands of times, nearly always in one
/// file: equal paths are told by their bytes before comparing components.
impl Ord for Location {
    fn cmp(&self, other: &Self) -> Ordering {
        same_path_cmp(&self.file, &other.file).then_with(|| self.pointer.cmp(&other.pointer))
    }
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `a.cmp(b)` for paths, quick when they are the same bytes.
fn same_path_cmp(a: &Path, b: &Path) -> Ordering {
    if a.as_os_str() == b.as_os_str() {
        Ordering::Equal
    } else {
        a.cmp(b)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// A node of a loaded document, by a shared handle on the document.
#[derive(Clone, Debug)]
pub struct SharedNode {
    root: Arc<Value>,
    pointer: String,
}

impl SharedNode {
    /// The node. (It was found when the handle was made; documents are not
    /// changed once read, so it is still there.)
    pub fn get(&self) -> &Value {
        static MISSING: Value = Value::Null;
        pointer::get(&self.root, &self.pointer).unwrap_or(&MISSING)
    }
}

/// Every file read so far, by path, with the base URI each was read as.
#[derive(Default, Debug)]
pub struct Documents {
    /// Shared, so a converter can hold a node while it reads more files.
    files: BTreeMap<PathBuf, Arc<Value>>,
    bases: BTreeMap<PathBuf, Url>,
    by_url: BTreeMap<String, PathBuf>,
    ids: Identifiers,
    /// Remote URI prefixes served from local folders (nothing is fetched).
    remotes: Vec<(String, PathBuf)>,
    /// The folder of each file whose root declares an absolute `$id`, by the
    /// folder of that URI: a relative `$ref` under the `$id` names a file
    /// beside it on disk.
    id_folders: Vec<(String, PathBuf)>,
    /// Documents made from a node of the spec (Avro as JSON Schema), by path,
    /// with that node: errors in them are reported there.
    derived: BTreeMap<PathBuf, Location>,
    /// Which files may be read, and how large.
    access: Access,
    /// Whether the first file's folder was made a root (it is the spec's).
    spec_folder_allowed: bool,
}

impl Documents {
    /// No documents yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// No documents yet; files are read as `access` allows (and from the
    /// folder of the first file loaded, the spec's).
    pub(crate) fn with_access(access: Access) -> Self {
        Documents {
            access,
            ..Self::default()
        }
    }

    /// Serves `$ref`s under the URI `prefix` from the folder `dir` (which
    /// files may then be read from).
    pub fn map_remote(&mut self, prefix: impl Into<String>, dir: impl Into<PathBuf>) {
        let dir = dir.into();
        self.access.allow_root(dir.clone());
        self.remotes.push((prefix.into(), dir));
    }

    /// Reads and parses `path` (YAML or JSON) unless already read. The
    /// first file loaded is the spec: its folder and everything under it
    /// may be read.
    pub fn load(&mut self, path: &Path) -> Result<PathBuf> {
        let path = normalize(path);
        if self.files.contains_key(&path) {
            return Ok(path);
        }
        if !self.spec_folder_allowed {
            self.spec_folder_allowed = true;
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
            self.access
                .allow_root(folder.unwrap_or(Path::new(".")).to_path_buf());
        }
        let base = uris::file_url(&path);
        self.load_as(&path, base)
    }

    /// Reads `path` as the document at URI `base`.
    fn load_as(&mut self, path: &Path, base: Option<Url>) -> Result<PathBuf> {
        let path = normalize(path);
        if let Some(known) = base
            .as_ref()
            .and_then(|b| self.by_url.get(&uris::without_fragment(b)))
        {
            return Ok(known.clone());
        }
        let value = super::parse::parse_file(&path, &self.access)?;
        Ok(self.add(path, value, base))
    }

    /// Holds `value`, a document derived from the node at `from` (an Avro
    /// schema converted to JSON Schema), as a file of its own named after
    /// that node, and returns its path; `$ref`s inside it are local.
    pub fn insert_derived(&mut self, from: &Location, kind: &str, value: Value) -> PathBuf {
        let mut name = from.file.as_os_str().to_owned();
        name.push(format!(".{kind}{}.json", from.pointer));
        let path = PathBuf::from(name);
        self.files.insert(path.clone(), Arc::new(value));
        self.derived.insert(path.clone(), from.clone());
        path
    }

    /// An error inside a derived document, told at the spec node it was
    /// made from (the derived file is not on disk); other errors unchanged.
    pub fn locate_error(&self, error: Error) -> Error {
        match self.derived.get(&error.file) {
            Some(from) => from.error(format!(
                "{} (at {} of the JSON Schema this converts to)",
                error.message,
                if error.pointer.is_empty() {
                    "the root"
                } else {
                    &error.pointer
                }
            )),
            None => error,
        }
    }

    fn add(&mut self, path: PathBuf, value: Value, base: Option<Url>) -> PathBuf {
        if let Some(base) = base {
            if let Some(id) = uris::root_id(&value, &base) {
                let id = uris::without_fragment(&id);
                let folder = id.rfind('/').map_or(id.as_str(), |end| &id[..=end]);
                let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
                if !self.id_folders.iter().any(|(f, _)| f == folder) {
                    self.id_folders.push((folder.to_string(), dir));
                }
            }
            self.ids.register(&path, &value, &base);
            self.by_url
                .insert(uris::without_fragment(&base), path.clone());
            self.bases.insert(path.clone(), base);
        }
        self.files.insert(path.clone(), Arc::new(value));
        path
    }

    /// The whole parsed document of a loaded file.
    pub fn root(&self, file: &Path) -> Option<&Value> {
        by_path(&self.files, file).map(|root| root.as_ref())
    }

    /// The node at `location`, or an error naming it.
    pub fn node(&self, location: &Location) -> Result<&Value> {
        let root = by_path(&self.files, &location.file)
            .ok_or_else(|| location.error("file was not loaded"))?;
        pointer::get(root, &location.pointer).ok_or_else(|| location.error("no such node"))
    }

    /// The node at `location`, held apart from `self` (its file's document is
    /// shared, not copied): for readers that load or convert more meanwhile.
    pub fn shared(&self, location: &Location) -> Result<SharedNode> {
        self.node(location)?;
        let root = by_path(&self.files, &location.file)
            .cloned()
            .ok_or_else(|| location.error("file was not loaded"))?;
        Ok(SharedNode {
            root,
            pointer: location.pointer.clone(),
        })
    }

    /// Where the `$ref` string `reference`, found at `from`, points: resolved
    /// against the base URI in force there (the file, or an enclosing `$id`).
    pub fn resolve(&mut self, from: &Location, reference: &str) -> Result<Location> {
        let ref_at = from.join("$ref");
        let (base, set_by) = match (by_path(&self.bases, &from.file), self.root(&from.file)) {
            (Some(base), _) if self.ids.has_one_base(&from.file) => (base.clone(), None),
            (Some(base), Some(root)) => uris::base_at(root, &from.pointer, base),
            _ => return self.resolve_by_path(from, reference),
        };
        // Errors under an `$id` name it: the `$ref` is read against it, not the file.
        let under_id = || match &set_by {
            Some(at) => format!(
                " (read against the base {base} that the $id at {} sets)",
                Location::new(&from.file, at.as_str())
            ),
            None if base.scheme() != "file" => format!(" (read against the base {base})"),
            None => String::new(),
        };
        let target = base.join(reference).map_err(|e| {
            ref_at.error(format!(
                "$ref {reference:?} is not a URI reference: {e}{}",
                under_id()
            ))
        })?;
        let fragment = pointer::percent_decode(target.fragment().unwrap_or_default());
        let document = uris::without_fragment(&target);
        let resource = match self.ids.get(&document) {
            Some(location) => location.clone(),
            None => {
                let path = self.local_path(&target).ok_or_else(|| {
                    ref_at.error(format!(
                        "remote $ref {reference:?} ({document}) is not fetched and no file of the \
                         spec declares that $id{}; copy the schema into the spec",
                        under_id()
                    ))
                })?;
                let mut resource_url = target.clone();
                resource_url.clear_fragment();
                let file = self.load_as(&path, Some(resource_url)).map_err(|e| {
                    ref_at.error(format!(
                        "cannot read {reference:?}: {}{}",
                        e.message,
                        under_id()
                    ))
                })?;
                Location::new(file, "")
            }
        };
        let location = if fragment.is_empty() || fragment.starts_with('/') {
            Location::new(
                resource.file.clone(),
                format!("{}{fragment}", resource.pointer),
            )
        } else {
            // A plain-name fragment: an `$id: "#name"` anchor.
            self.ids
                .get(&format!("{document}#{fragment}"))
                .cloned()
                .ok_or_else(|| {
                    ref_at.error(format!(
                        "$ref {reference:?}: no schema has the anchor #{fragment}"
                    ))
                })?
        };
        self.node(&location).map_err(|_| {
            ref_at.error(format!(
                "$ref {reference:?} points to nothing ({location}){}{}",
                under_id(),
                super::suggest::escaped_pointer_hint(self.root(&location.file), &fragment)
            ))
        })?;
        Ok(location)
    }

    /// The local file a URI names: a `file:` URI, or one under a mapped remote prefix.
    fn local_path(&self, uri: &Url) -> Option<PathBuf> {
        let text = uris::without_fragment(uri);
        if let Some((prefix, dir)) = self
            .remotes
            .iter()
            .find(|(prefix, _)| text.starts_with(prefix.as_str()))
        {
            return Some(dir.join(pointer::percent_decode(&text[prefix.len()..])));
        }
        if uri.scheme() == "file" {
            return uri.to_file_path().map(|p| relative_to_cwd(&p));
        }
        // Under a local file's `$id`: the file beside it by relative path,
        // else the file in that folder whose root declares this `$id`.
        let (folder, dir) = self
            .id_folders
            .iter()
            .filter(|(folder, _)| text.starts_with(folder.as_str()))
            .max_by_key(|(folder, _)| folder.len())?;
        let beside = normalize(&dir.join(pointer::percent_decode(&text[folder.len()..])));
        if beside.is_file() {
            return Some(beside);
        }
        super::suggest::file_declaring(dir, &text, &self.access)
    }

    /// Resolution for documents without a base URI: relative to the file's folder.
    fn resolve_by_path(&mut self, from: &Location, reference: &str) -> Result<Location> {
        let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
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
            let file = normalize(&base.join(pointer::percent_decode(uri)));
            self.load(&file)
                .map_err(|e| ref_at.error(format!("cannot read {reference:?}: {}", e.message)))?
        };
        let fragment = pointer::percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(ref_at.error(format!(
                "$ref {reference:?}: no schema has the anchor #{fragment}"
            )));
        }
        let target = Location::new(file, fragment);
        self.node(&target).map_err(|_| {
            ref_at.error(format!(
                "$ref {reference:?} points to nothing ({target}){}",
                super::suggest::escaped_pointer_hint(self.root(&target.file), &target.pointer)
            ))
        })?;
        Ok(target)
    }

    /// Follows `$ref`s from `location` until a node that is not a reference.
    pub fn follow(&mut self, location: &Location) -> Result<Location> {
        let mut chain = self.follow_chain(location)?;
        Ok(chain.pop().unwrap_or_else(|| location.clone()))
    }

    /// Every node passed through following `$ref`s from `location`: itself
    /// first, the node that is not a reference last (names are read from the
    /// hops, e.g. the channel key a message was reached through).
    pub fn follow_chain(&mut self, location: &Location) -> Result<Vec<Location>> {
        let mut chain = vec![location.clone()];
        for _ in 0..MAX_REF_HOPS {
            let current = chain.last().cloned().unwrap_or_else(|| location.clone());
            let reference = match self.node(&current)? {
                Value::Object(map) => match map.get("$ref") {
                    Some(Value::String(reference)) => reference.clone(),
                    Some(_) => return Err(current.join("$ref").error("$ref must be a string")),
                    None => return Ok(chain),
                },
                _ => return Ok(chain),
            };
            let next = self.resolve(&current, &reference)?;
            if chain.contains(&next) {
                return Err(location.error(format!(
                    "$ref chain does not end: {} refers back to {next} (a reference loop)",
                    current.join("$ref")
                )));
            }
            chain.push(next);
        }
        Err(location.error("$ref chain does not end (a reference loop)"))
    }
}

/// `map.get(path)`. A spec has few files, nearly always named by the same
/// bytes: looking for those first is much quicker than the map's search,
/// which compares paths component by component.
fn by_path<'m, V>(map: &'m BTreeMap<PathBuf, V>, path: &Path) -> Option<&'m V> {
    const FEW: usize = 8;
    let same = || {
        map.iter()
            .find(|(key, _)| key.as_os_str() == path.as_os_str())
    };
    match (map.len() <= FEW).then(same).flatten() {
        Some((_, value)) => Some(value),
        None => map.get(path),
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

/// A path under the working folder is shown relative to it, as users wrote it.
fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(relative) => relative.to_path_buf(),
        None => path.to_path_buf(),
    }
}

impl Documents {
    /// Paths of every file read.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.keys()
    }
}

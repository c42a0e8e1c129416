//! Front ends: AsyncAPI 2.x/3.x documents and plain JSON Schemas, read into
//! one [`Catalog`](crate::model::Catalog).

mod asyncapi;
mod avro;
mod body_route;
// The runtime's `pattern::ecma` (a link to its file): a pattern is checked
// by the same engine choice the derive and the runtime make.
mod ecma;
mod finite;
mod fragment;
mod keywords;
mod messages;
mod nullable;
mod object;
mod operations;
mod patterns;
mod routes;
pub mod schema;
mod union;

use crate::error::{Error, Result};
use crate::model::Catalog;
use crate::settings::Settings;
use crate::spec::{Documents, Location, Options, RouteOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The document files a spec folder may hold, in the order they are looked for.
const SPEC_FILES: &[&str] = &[
    "asyncapi.yaml",
    "asyncapi.yml",
    "asyncapi.json",
    "schema.json",
];

/// A loaded spec: the catalog, and the parsed files it came from (kept so the
/// source schemas can be used for validation).
#[derive(Debug)]
pub struct Loaded {
    /// The model of the spec.
    pub catalog: Catalog,
    /// The parsed files, by path, for validating against the source schemas.
    pub documents: Documents,
    /// The main document.
    pub root: PathBuf,
    /// The customisations `eventbind.toml` gives, and those of the load options.
    pub(crate) settings: Settings,
}

/// How to read a spec beyond its own files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    remotes: Vec<(String, PathBuf)>,
    strict: bool,
    routes: BTreeMap<String, RouteOptions>,
    access: crate::spec::Access,
}

impl LoadOptions {
    /// Serves `$ref`s under the URI `prefix` from the local folder `dir`
    /// (remote references are otherwise refused: nothing is fetched).
    pub fn map_remote(mut self, prefix: impl Into<String>, dir: impl Into<PathBuf>) -> Self {
        self.remotes.push((prefix.into(), dir.into()));
        self
    }

    /// Files under `dir` may be read too (by default only the spec's folder
    /// and everything under it, and folders given to [`LoadOptions::map_remote`]).
    pub fn allow_root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.access.allow_root(dir);
        self
    }

    /// The largest file read, in bytes (by default 64 MiB); a larger one is
    /// an error naming it and the limit.
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.access.set_max_file_size(bytes);
        self
    }

    /// Pure JSON Schema semantics: `properties`, `items` and the like do not
    /// make a schema without `type` an object or an array (by default they do,
    /// with a warning, since spec authors mean it that way).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Routes operation `operation_id` as `eventbind.toml`'s
    /// `[route.<operationId>]` would (and over it): `by` is `field`,
    /// `presence` or `name`; `pointer` is the field's JSON Pointer; `enum_name`
    /// the Rust name of the event enum.
    pub fn route(
        mut self,
        operation_id: impl Into<String>,
        by: impl Into<String>,
        pointer: Option<String>,
        enum_name: Option<String>,
    ) -> Self {
        self.routes.insert(
            operation_id.into(),
            RouteOptions {
                by: by.into(),
                pointer,
                enum_name,
            },
        );
        self
    }
}

/// Loads a spec folder (`specs/<vendor>`) or a single document file.
pub fn load(path: &Path) -> Result<Loaded> {
    load_with(path, &LoadOptions::default())
}

/// [`load`], with options.
pub fn load_with(path: &Path, load_options: &LoadOptions) -> Result<Loaded> {
    let (root, options, name) = if path.is_dir() {
        let root = SPEC_FILES
            .iter()
            .map(|f| path.join(f))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                Error::new(
                    path,
                    "",
                    format!(
                        "no spec document here (looked for {})",
                        SPEC_FILES.join(", ")
                    ),
                )
            })?;
        let name = folder_name(path);
        let mut options = Options::read(path, &load_options.access)?;
        options.route.extend(load_options.routes.clone());
        (root, options, name)
    } else {
        let name = path
            .file_stem()
            .map(|s| {
                s.to_string_lossy()
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .unwrap_or_default();
        let options = Options {
            route: load_options.routes.clone(),
            ..Options::default()
        };
        (path.to_path_buf(), options, name)
    };
    let mut documents = Documents::with_access(load_options.access.clone());
    for (prefix, dir) in &load_options.remotes {
        documents.map_remote(prefix.clone(), dir.clone());
    }
    let root = documents.load(&root)?;
    // What the document is, asked of it in place (a copy of a large schema
    // cost as much as a tenth of its conversion).
    let (is_asyncapi, is_schema) = documents.root(&root).map_or((false, false), |document| {
        (
            document.get("asyncapi").is_some(),
            document.is_object() || document.is_boolean(),
        )
    });
    let loaded = if is_asyncapi {
        asyncapi::load(&mut documents, &root, &options, &name, load_options.strict)
    } else if is_schema {
        asyncapi::load_json_schema(&mut documents, &root, &options, &name, load_options.strict)
    } else {
        return Err(
            Location::new(&root, "").error("expected an AsyncAPI document or a JSON Schema")
        );
    };
    let mut catalog = match loaded {
        Ok(catalog) => catalog,
        Err(error) if error.pointer.ends_with("/$ref") => {
            return Err(every_unresolved_ref(&root, load_options, error))
        }
        Err(error) => return Err(documents.locate_error(error)),
    };
    // The catalog is complete here: every type and every reference is known.
    catalog.types_changed();
    finite::refuse_endless(&catalog, &documents).map_err(|e| documents.locate_error(e))?;
    Ok(Loaded {
        catalog,
        documents,
        root,
        settings: options.settings(),
    })
}

/// `first`, a `$ref` that did not resolve, with every other such `$ref` of
/// the spec (found on a fresh read, since loading stopped at the first).
fn every_unresolved_ref(root: &Path, load_options: &LoadOptions, first: Error) -> Error {
    let mut documents = Documents::with_access(load_options.access.clone());
    for (prefix, dir) in &load_options.remotes {
        documents.map_remote(prefix.clone(), dir.clone());
    }
    if documents.load(root).is_err() {
        return first;
    }
    let mut faults = crate::spec::refs::unresolved(&mut documents, root);
    if !faults
        .iter()
        .any(|f| f.file == first.file && f.pointer == first.pointer)
    {
        faults.insert(0, first.clone());
    }
    crate::spec::refs::combined(faults).unwrap_or(first)
}

fn folder_name(path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".to_string())
}

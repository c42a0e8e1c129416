//! The one entry point from specs to output, shared by the CLI and build scripts.
//!
//! In a build script (like `prost-build`):
//!
//! ```no_run
//! // build.rs
//! eventbind::Builder::new()
//!     .spec("../specs/commenda")
//!     .compile()
//!     .expect("eventbind bindings");
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/commenda.rs"));`

use crate::emit::rust::{self, RuntimeDependency};
use crate::emit::{docs, schema};
use crate::error::{Error, Result};
use crate::load;
use std::path::{Path, PathBuf};

/// A file the generator produces, with the path it belongs at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Configures and runs generation.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    emit_rerun: bool,
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            emit_rerun: true,
            ..Default::default()
        }
    }

    /// Adds a spec folder (holding `asyncapi.yaml` and `eventbind.toml`) or a
    /// single AsyncAPI / JSON Schema file.
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.specs.push(path.into());
        self
    }

    /// Where [`Builder::compile`] writes; defaults to `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (on by default).
    pub fn emit_rerun_if_changed(mut self, emit: bool) -> Self {
        self.emit_rerun = emit;
        self
    }

    /// Writes one module per spec, `<out_dir>/<name>.rs`, to be `include!`d.
    pub fn compile(&self) -> Result<Vec<PathBuf>> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::new(
                        "OUT_DIR",
                        "",
                        "OUT_DIR is not set: call from a build script or set out_dir",
                    )
                })?,
        };
        let mut written = Vec::new();
        for spec in &self.specs {
            let loaded = load::load(spec)?;
            if self.emit_rerun {
                for file in loaded.documents.files() {
                    println!("cargo:rerun-if-changed={}", file.display());
                }
                println!(
                    "cargo:rerun-if-changed={}",
                    spec.join("eventbind.toml").display()
                );
            }
            let origin = format!(
                "from the spec {:?} by the build script",
                loaded.catalog.name
            );
            let module = rust::module(&loaded.catalog, &origin)?;
            let path = out_dir.join(format!("{}.rs", loaded.catalog.name.replace('-', "_")));
            write_if_changed(&path, &module.source)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Every crate generated from the spec folders in `specs_dir`, placed under
/// `out_dir/<name>`: the Rust crate, its JSON Schemas (`schemas/*.json`) and
/// its docs (`docs/EVENTS.md`, `docs/index.html`).
pub fn generate_all(specs_dir: &Path, out_dir: &Path) -> Result<Vec<GeneratedFile>> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(specs_dir)
        .map_err(|e| Error::io(specs_dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(Error::new(specs_dir, "", "no spec folders here"));
    }
    let specs_name = specs_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "specs".to_string());
    let mut files = Vec::new();
    for folder in folders {
        let loaded = load::load(&folder)?;
        let name = loaded.catalog.name.clone();
        let spec_display = format!("{specs_name}/{name}");
        files.extend(crate_files(&loaded, &out_dir.join(&name), &spec_display)?);
    }
    Ok(files)
}

/// The crate generated from one loaded spec, placed in `crate_dir`.
pub fn generate_one(loaded: &load::Loaded, crate_dir: &Path) -> Result<Vec<GeneratedFile>> {
    let display = loaded.root.to_string_lossy().replace('\\', "/");
    crate_files(loaded, crate_dir, &display)
}

/// The crate's files (sources, JSON Schemas, docs) for one loaded spec.
fn crate_files(
    loaded: &load::Loaded,
    crate_dir: &Path,
    spec_display: &str,
) -> Result<Vec<GeneratedFile>> {
    let runtime = runtime_dependency(crate_dir);
    let catalog = &loaded.catalog;
    let mut files = rust::crate_files(catalog, spec_display, &runtime)?;
    files.extend(schema::files(catalog, spec_display)?);
    // The docs link each message to its schema, one folder up.
    for (file, contents) in docs::files(catalog, spec_display, Some("../schemas"))? {
        files.push((format!("docs/{file}"), contents));
    }
    Ok(files
        .into_iter()
        .map(|(relative, contents)| GeneratedFile {
            path: crate_dir.join(relative),
            contents,
        })
        .collect())
}

/// The runtime crate by path when it sits in this repository, else by version.
fn runtime_dependency(crate_dir: &Path) -> RuntimeDependency {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let (Ok(runtime), Some(parent)) = (std::fs::canonicalize(&runtime), absolute_parent(crate_dir))
    else {
        return RuntimeDependency::Version;
    };
    match relative_path(
        &parent.join(crate_dir.file_name().unwrap_or_default()),
        &runtime,
    ) {
        Some(relative) => RuntimeDependency::Path(relative),
        None => RuntimeDependency::Version,
    }
}

fn absolute_parent(dir: &Path) -> Option<PathBuf> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).ok()?;
    std::fs::canonicalize(parent).ok()
}

/// `to` relative to `from`, with `/` separators.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

/// Writes `contents` unless the file already holds exactly that (so a second
/// run changes no byte and no timestamp).
pub fn write_if_changed(path: &Path, contents: &str) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, contents).map_err(|e| Error::io(path, e))?;
    Ok(true)
}

/// Generated files that differ from what is on disk: `(path, missing)`.
pub fn stale_files(files: &[GeneratedFile]) -> Vec<(PathBuf, bool)> {
    files
        .iter()
        .filter_map(|file| match std::fs::read(&file.path) {
            Ok(existing) if existing == file.contents.as_bytes() => None,
            Ok(_) => Some((file.path.clone(), false)),
            Err(_) => Some((file.path.clone(), true)),
        })
        .collect()
}

/// Files under `out_dir` that `files` does not hold: left by a spec since
/// removed, or added by hand. `target` folders (build output) are not looked in.
pub fn unexpected_files(out_dir: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let expected: std::collections::BTreeSet<&Path> =
        files.iter().map(|f| f.path.as_path()).collect();
    let mut found = Vec::new();
    let mut pending = vec![out_dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    pending.push(path);
                }
            } else if !expected.contains(path.as_path()) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

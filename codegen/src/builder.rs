//! The one entry point from specs to output, shared by the CLI and build scripts.
//!
//! In a build script (like `prost-build`):
//!
//! ```no_run
//! // build.rs
//! eventbind_codegen::Builder::new()
//!     .spec("../specs/commenda")
//!     .compile()
//!     .expect("eventbind bindings");
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/commenda.rs"));`
//! The `eventbind generate` and `check` commands build the same way, with
//! [`Builder::crate_files`].

use crate::emit::rust::{self, RuntimeSource};
use crate::emit::{docs, schema};
use crate::error::{Error, Result};
use crate::load::{self, LoadOptions, Loaded};
use crate::settings::Settings;
use std::path::{Path, PathBuf};

/// A file the generator produces, with the path it belongs at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Where the file goes (under the output folder).
    pub path: PathBuf,
    /// Its whole text.
    pub contents: String,
}

/// Configures and runs generation.
///
/// `Builder::new()` and `Builder::default()` are the same configuration.
#[derive(Debug, Clone)]
pub struct Builder {
    specs: Vec<PathBuf>,
    specs_dir: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    emit_rerun: bool,
    runtime: RuntimeSource,
    load_options: LoadOptions,
    single_crate: bool,
    settings: Settings,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            specs: Vec::new(),
            specs_dir: None,
            out_dir: None,
            emit_rerun: true,
            runtime: RuntimeSource::default(),
            load_options: LoadOptions::default(),
            single_crate: false,
            settings: Settings::default(),
        }
    }
}

impl Builder {
    /// A builder with no spec yet, writing to `$OUT_DIR`, printing
    /// `cargo:rerun-if-changed` lines, naming the published runtime.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Adds a spec folder (holding `asyncapi.yaml` and `eventbind.toml`) or a
    /// single AsyncAPI / JSON Schema file.
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.specs.push(path.into());
        self
    }

    /// Adds every spec folder inside `dir` (as `eventbind generate --specs`):
    /// each one's crate goes to `<out_dir>/<folder name>`.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs_dir = Some(dir.into());
        self
    }

    /// Where output goes; defaults to `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (on by default).
    pub fn emit_rerun_if_changed(mut self, emit: bool) -> Self {
        self.emit_rerun = emit;
        self
    }

    /// How generated crates name `eventbind-runtime` (by default the version
    /// this generator was released with).
    pub fn runtime(mut self, runtime: RuntimeSource) -> Self {
        self.runtime = runtime;
        self
    }

    /// How specs are read beyond their own files.
    pub fn load_options(mut self, options: LoadOptions) -> Self {
        self.load_options = options;
        self
    }

    /// Files under `dir` may be read too, as `$ref` targets (by default only
    /// each spec's folder and everything under it): see [`LoadOptions::allow_root`].
    pub fn allow_root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.load_options = self.load_options.allow_root(dir);
        self
    }

    /// The largest spec file read, in bytes (by default 64 MiB): see
    /// [`LoadOptions::max_file_size`].
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.load_options = self.load_options.max_file_size(bytes);
        self
    }

    /// With [`Builder::crate_files`]: the one spec added with [`Builder::spec`]
    /// is written into the output folder itself, not a folder named after it.
    pub fn single_crate(mut self, single: bool) -> Self {
        self.single_crate = single;
        self
    }

    /// Adds a derive to every generated type where it holds (`Eq`, `Hash`,
    /// `Default` are checked per type and skipped where they cannot hold).
    pub fn derive_all(mut self, derive: impl Into<String>) -> Self {
        self.settings.derive_all.push(derive.into());
        self
    }

    /// Adds a derive to the type of this Rust name; generation fails, naming
    /// the type, when it cannot hold (`Eq` on a type holding a float).
    pub fn derive(mut self, type_name: impl Into<String>, derive: impl Into<String>) -> Self {
        self.settings
            .derives
            .entry(type_name.into())
            .or_default()
            .push(derive.into());
        self
    }

    /// Adds an attribute (Rust text, `#[...]`) to the type of this Rust name,
    /// or to every type for `*`.
    pub fn type_attribute(
        mut self,
        type_name: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.settings
            .type_attributes
            .entry(type_name.into())
            .or_default()
            .push(attribute.into());
        self
    }

    /// Adds an attribute to a member, named `Type.member` (wire or Rust name).
    pub fn field_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.settings
            .field_attributes
            .entry(path.into())
            .or_default()
            .push(attribute.into());
        self
    }

    /// Uses an existing Rust type (a path, e.g. `crate::money::Money`) for the
    /// generated type of this name (like typify's `replace`, prost's `extern_path`).
    pub fn replace(mut self, type_name: impl Into<String>, rust_type: impl Into<String>) -> Self {
        self.settings
            .replace
            .insert(type_name.into(), rust_type.into());
        self
    }

    /// Routes an operation as `eventbind.toml`'s `[route.<operationId>]` does
    /// (see [`LoadOptions::route`]), over what the file says.
    pub fn route(
        mut self,
        operation_id: impl Into<String>,
        by: impl Into<String>,
        pointer: Option<String>,
        enum_name: Option<String>,
    ) -> Self {
        self.load_options = self
            .load_options
            .route(operation_id, by, pointer, enum_name);
        self
    }

    /// The settings of a loaded spec: its `eventbind.toml`, then this builder's.
    fn settings_for(&self, loaded: &Loaded) -> Settings {
        loaded.settings.clone().merged(&self.settings)
    }

    fn resolved_out_dir(&self) -> Result<PathBuf> {
        match &self.out_dir {
            Some(dir) => Ok(dir.clone()),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::new(
                        "OUT_DIR",
                        "",
                        "OUT_DIR is not set: call from a build script or set out_dir",
                    )
                }),
        }
    }

    /// Every spec this builder reads, in a stable order, with the name of the
    /// specs folder it came from (headers call it `specs/<name>`).
    fn inputs(&self) -> Result<Vec<(PathBuf, Option<String>)>> {
        let mut inputs: Vec<(PathBuf, Option<String>)> =
            self.specs.iter().map(|p| (p.clone(), None)).collect();
        if let Some(dir) = &self.specs_dir {
            let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.is_dir())
                .collect();
            folders.sort();
            if folders.is_empty() {
                return Err(Error::new(dir, "", "no spec folders here"));
            }
            let specs_name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "specs".to_string());
            inputs.extend(
                folders
                    .into_iter()
                    .map(|folder| (folder, Some(specs_name.clone()))),
            );
        }
        if inputs.is_empty() {
            return Err(Error::new("", "", "no spec given: call spec or specs_dir"));
        }
        Ok(inputs)
    }

    /// Loads one spec; `for_cargo`: a build script's run, told what to watch.
    fn load(&self, spec: &Path, for_cargo: bool) -> Result<Loaded> {
        let loaded = load::load_with(spec, &self.load_options)?;
        if for_cargo && self.emit_rerun {
            for file in loaded.documents.files() {
                println!("cargo:rerun-if-changed={}", file.display());
            }
            if spec.is_dir() {
                println!(
                    "cargo:rerun-if-changed={}",
                    spec.join("eventbind.toml").display()
                );
            }
        }
        Ok(loaded)
    }

    /// Writes one module per spec, `<out_dir>/<name>.rs`, to be `include!`d.
    pub fn compile(&self) -> Result<Vec<PathBuf>> {
        let out_dir = self.resolved_out_dir()?;
        let mut written = Vec::new();
        for (spec, _) in self.inputs()? {
            let loaded = self.load(&spec, true)?;
            let origin = format!(
                "from the spec {:?} by the build script",
                loaded.catalog.name
            );
            let module = rust::module(&loaded.catalog, &origin, &self.settings_for(&loaded))?;
            let path = out_dir.join(format!("{}.rs", loaded.catalog.name.replace('-', "_")));
            write_if_changed(&path, &module.source)?;
            written.push(path);
        }
        Ok(written)
    }

    /// The files of every crate this builder generates (nothing is written):
    /// the Rust crate, its JSON Schemas (`schemas/*.json`) and its docs
    /// (`docs/EVENTS.md`, `docs/index.html`), each crate under
    /// `<out_dir>/<name>` (or `out_dir` itself, see [`Builder::single_crate`]).
    pub fn crate_files(&self) -> Result<Vec<GeneratedFile>> {
        self.crate_files_and_warnings().map(|(files, _)| files)
    }

    /// [`Builder::crate_files`], with the warnings of every spec it loaded
    /// (in order), for a caller that reports them: loading a spec once more
    /// for its warnings cost as much again as the whole conversion.
    pub fn crate_files_and_warnings(&self) -> Result<(Vec<GeneratedFile>, Vec<String>)> {
        let out_dir = self.resolved_out_dir()?;
        let inputs = self.inputs()?;
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        for (spec, display) in &inputs {
            let loaded = self.load(spec, false)?;
            warnings.extend(loaded.catalog.warnings.iter().cloned());
            let crate_dir = if self.single_crate && inputs.len() == 1 {
                out_dir.clone()
            } else {
                out_dir.join(&loaded.catalog.name)
            };
            let display = match display {
                Some(specs_name) => format!("{specs_name}/{}", loaded.catalog.name),
                None => loaded.root.to_string_lossy().replace('\\', "/"),
            };
            let settings = self.settings_for(&loaded);
            files.extend(crate_files(
                &loaded,
                &crate_dir,
                &display,
                &self.runtime,
                &settings,
            )?);
        }
        Ok((files, warnings))
    }
}

/// The crate's files (sources, JSON Schemas, docs) for one loaded spec.
fn crate_files(
    loaded: &Loaded,
    crate_dir: &Path,
    spec_display: &str,
    runtime: &RuntimeSource,
    settings: &Settings,
) -> Result<Vec<GeneratedFile>> {
    let catalog = &loaded.catalog;
    let schemas_and_docs = || -> Result<Vec<(String, String)>> {
        let mut files = schema::files(catalog, spec_display)?;
        // The docs link each message to its schema, one folder up.
        for (file, contents) in docs::files(catalog, spec_display, Some("../schemas"))? {
            files.push((format!("docs/{file}"), contents));
        }
        Ok(files)
    };
    // Schemas and docs need nothing from the Rust emitter, so they are
    // written on a second thread meanwhile (where one can be started); the
    // files come out in the same order either way.
    let (files, others) = std::thread::scope(|scope| {
        let others = std::thread::Builder::new()
            .name("eventbind-schemas-docs".into())
            .spawn_scoped(scope, schemas_and_docs);
        let rust = rust::crate_files(catalog, spec_display, runtime, settings);
        let others = match others {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => schemas_and_docs(),
        };
        (rust, others)
    });
    let mut files = files?;
    files.extend(others?);
    Ok(files
        .into_iter()
        .map(|(relative, contents)| GeneratedFile {
            path: crate_dir.join(relative),
            contents,
        })
        .collect())
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

//! One scratch cargo workspace holding many generated crates, so their
//! dependencies build once, in a target folder kept under the repository's
//! `target/` (a second run rebuilds only what changed).

use eventbind_codegen::{Builder, LoadOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository (the parent of the codegen crate).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen sits in the repository")
        .to_path_buf()
}

/// A workspace under construction at `target/<name>/ws`.
pub struct Scratch {
    root: PathBuf,
    target: PathBuf,
    members: Vec<String>,
}

impl Scratch {
    /// Starts a workspace (files of an earlier run that are written again
    /// the same keep their times, so cargo rebuilds only what changed).
    pub fn new(name: &str) -> Scratch {
        let base = repo().join("target").join(name);
        let root = base.join("ws");
        std::fs::create_dir_all(root.join("crates")).unwrap();
        Scratch {
            root,
            target: base.join("target"),
            members: Vec::new(),
        }
    }

    /// Generates the crate of `spec`, read with `options`, as package
    /// `package`; returns its folder.
    pub fn generate(
        &mut self,
        spec: &Path,
        options: &LoadOptions,
        package: &str,
    ) -> Result<PathBuf, String> {
        let dir = self.root.join("crates").join(package);
        let files = Builder::new()
            .load_options(options.clone())
            .spec(spec)
            .out_dir(&dir)
            .single_crate(true)
            .emit_rerun_if_changed(false)
            .crate_files()
            .map_err(|e| e.to_string())?;
        for file in files {
            let mut contents = file.contents;
            if file.path.ends_with("Cargo.toml") {
                // Corpus documents share file names (`asyncapi.yaml`): one
                // workspace needs distinct package names.
                contents = rename_package(&contents, package);
            }
            eventbind_codegen::write_if_changed(&file.path, &contents).unwrap();
        }
        self.members.push(package.to_string());
        Ok(dir)
    }

    /// Writes a file of a generated crate (unless it already holds `contents`).
    pub fn write(&self, path: &Path, contents: &str) {
        eventbind_codegen::write_if_changed(path, contents).unwrap();
    }

    /// Writes the workspace manifest, naming the runtime in this repository,
    /// and removes the crates of earlier runs that this one did not generate.
    fn write_manifest(&self) {
        for entry in std::fs::read_dir(self.root.join("crates")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !self.members.contains(&name) {
                std::fs::remove_dir_all(&path).unwrap();
            }
        }
        let members: Vec<String> = self
            .members
            .iter()
            .map(|m| format!("    \"crates/{m}\","))
            .collect();
        let manifest = format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n\
             [patch.crates-io]\neventbind-runtime = {{ path = {:?} }}\n",
            members.join("\n"),
            repo().join("runtime").display().to_string(),
        );
        self.write(&self.root.join("Cargo.toml"), &manifest);
        // The repository's lock file pins the versions already downloaded and built.
        let lock = self.root.join("Cargo.lock");
        if !lock.exists() {
            std::fs::copy(repo().join("Cargo.lock"), &lock).unwrap();
        }
    }

    /// Runs cargo `args` in the workspace; returns the diagnostics the
    /// compiler gave about the generated crates (warnings and errors), or
    /// the failure.
    pub fn cargo(&self, args: &[&str]) -> Result<Vec<String>, String> {
        self.write_manifest();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let output = Command::new(cargo)
            .args(args)
            .arg("--message-format=json-diagnostic-short")
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let crates = self.root.join("crates");
        let mut diagnostics = Vec::new();
        for line in stdout.lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if message["reason"] != "compiler-message" {
                continue;
            }
            let in_scratch = message["target"]["src_path"]
                .as_str()
                .is_some_and(|p| Path::new(p).starts_with(&crates));
            let level = message["message"]["level"].as_str().unwrap_or_default();
            if in_scratch && matches!(level, "warning" | "error") {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                diagnostics.push(rendered.to_string());
            }
        }
        if !output.status.success() && diagnostics.is_empty() {
            return Err(format!(
                "cargo {args:?} failed:\n{}\n{}",
                String::from_utf8_lossy(&output.stderr),
                stdout
                    .lines()
                    .filter(|l| !l.starts_with('{'))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
        Ok(diagnostics)
    }
}

fn rename_package(manifest: &str, package: &str) -> String {
    let mut renamed = false;
    manifest
        .lines()
        .map(|line| {
            if !renamed && line.starts_with("name = ") {
                renamed = true;
                format!("name = {package:?}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

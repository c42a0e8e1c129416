//! `eventbind lint`: a document checked against the official AsyncAPI JSON
//! Schema of its version, and against eventbind's own rules (messages an
//! operation cannot tell apart, a closed enum made from one example, a
//! `$ref` under an `$id`, names that would collide). Each finding names the
//! file and the JSON Pointer, and says what to do.

mod official;
mod rules;
mod walk;

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

pub use official::{bundled_schema, official_findings};

/// How bad a finding is: errors make `lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The document is invalid, or cannot be generated from.
    Error,
    /// It generates, but probably not as its author means.
    Warning,
}

/// One thing lint found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// Which check found it: `schema` (the official AsyncAPI JSON Schema),
    /// `load`, `generation`, `indistinguishable-messages`, `one-example-enum`,
    /// `ref-under-id` or `name-collision`.
    pub rule: String,
    /// The file it is in.
    pub file: PathBuf,
    /// JSON Pointer of the node at fault (`""`: the whole file).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub suggestion: String,
}

impl Finding {
    fn new(
        severity: Severity,
        rule: &str,
        file: &Path,
        pointer: impl Into<String>,
        message: impl Into<String>,
        suggestion: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            rule: rule.to_string(),
            file: file.to_path_buf(),
            pointer: pointer.into(),
            message: message.into(),
            suggestion: suggestion.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{severity}[{}] {}#{}: {}\n  help: {}",
            self.rule,
            self.file.display(),
            self.pointer,
            self.message,
            self.suggestion
        )
    }
}

/// Every finding for the document `spec` (a file, or a spec folder), in a
/// stable order: file, pointer, rule.
pub fn lint(spec: &Path, options: &eventbind_codegen::LoadOptions) -> crate::Result<Vec<Finding>> {
    let document = document_path(spec)?;
    // Read as generation reads it (YAML or JSON, scalar keys as strings).
    let mut documents = eventbind_codegen::Documents::new();
    let file = documents.load(&document)?;
    let value = documents.root(&file).cloned().unwrap_or_default();
    let mut findings = official_findings(&document, &value);
    findings.extend(rules::findings(spec, options, &document));
    findings.sort();
    findings.dedup();
    Ok(findings)
}

/// The AsyncAPI document of a spec folder, or the file itself.
fn document_path(spec: &Path) -> crate::Result<PathBuf> {
    if !spec.is_dir() {
        return Ok(spec.to_path_buf());
    }
    ["asyncapi.yaml", "asyncapi.yml", "asyncapi.json"]
        .iter()
        .map(|name| spec.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| crate::Error::new(spec, "", "no asyncapi.yaml, .yml or .json here"))
}

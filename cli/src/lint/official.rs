//! The official AsyncAPI JSON Schemas, bundled (nothing is fetched), and a
//! document's faults against the one of its version.

use super::{Finding, Severity};
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

/// `(version, schema text)`: the versions whose schema is bundled (as many
/// as `validator` keeps slots for).
const BUNDLED: [(&str, &str); 2] = [
    ("2.6.0", include_str!("../../schemas/asyncapi-2.6.0.json")),
    ("3.0.0", include_str!("../../schemas/asyncapi-3.0.0.json")),
];

/// The bundled official schema for AsyncAPI `version`, parsed.
pub fn bundled_schema(version: &str) -> Option<Value> {
    let (_, text) = BUNDLED.iter().find(|(v, _)| *v == version)?;
    serde_json::from_str(text).ok()
}

/// The compiled validator of a bundled version, built on first use (only
/// the version a document names: compiling one takes most of a run).
fn validator(version: &str) -> Option<&'static jsonschema::Validator> {
    static VALIDATORS: [OnceLock<Option<jsonschema::Validator>>; 2] =
        [OnceLock::new(), OnceLock::new()];
    let index = BUNDLED.iter().position(|(v, _)| *v == version)?;
    VALIDATORS
        .get(index)?
        .get_or_init(|| bundled_schema(version).and_then(|s| compile(&s)))
        .as_ref()
}

/// A validator for an official schema: its draft (07), and its own
/// definitions only (every `$ref` in it names one of its embedded `$id`s).
pub fn compile(schema: &Value) -> Option<jsonschema::Validator> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(schema)
        .ok()
}

/// The document's faults against the official schema of its `asyncapi`
/// version; a version with no bundled schema is itself a finding.
pub fn official_findings(file: &Path, document: &Value) -> Vec<Finding> {
    let Some(version) = document.get("asyncapi").and_then(Value::as_str) else {
        return vec![Finding::new(
            Severity::Error,
            "schema",
            file,
            "/asyncapi",
            "no `asyncapi` version string: not an AsyncAPI document",
            "start the document with `asyncapi: 3.0.0` (or the version it follows)",
        )];
    };
    let Some(validator) = validator(version) else {
        let bundled: Vec<&str> = BUNDLED.iter().map(|(v, _)| *v).collect();
        return vec![Finding::new(
            Severity::Warning,
            "schema",
            file,
            "/asyncapi",
            format!("no official schema is bundled for AsyncAPI {version}; only eventbind's rules were checked"),
            format!("bundled versions: {}", bundled.join(", ")),
        )];
    };
    validator
        .iter_errors(document)
        .map(|error| {
            let schema_path = error.schema_path().to_string();
            Finding::new(
                Severity::Error,
                "schema",
                file,
                error.instance_path().to_string(),
                error.to_string(),
                format!(
                    "the AsyncAPI {version} schema requires this (schema location {schema_path})"
                ),
            )
        })
        .collect()
}

//! `eventbind lint SPEC`: findings against the official AsyncAPI schema and
//! eventbind's rules, as text or JSON; exit 1 when any is an error.

use crate::lint::{lint, Finding, Severity};
use crate::{Error, Result};
use std::path::Path;

pub fn run(spec: &Path, options: &eventbind_codegen::LoadOptions, json: bool) -> Result<i32> {
    let findings = lint(spec, options)?;
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if json {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "spec": spec,
            "errors": errors,
            "warnings": findings.len() - errors,
            "findings": findings,
        }))
        .map_err(|e| Error::new(spec, "", e.to_string()))?;
        println!("{text}");
    } else {
        for finding in &findings {
            println!("{finding}");
        }
        println!("{}", summary(&findings, errors));
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

fn summary(findings: &[Finding], errors: usize) -> String {
    match findings.len() {
        0 => "no findings".to_string(),
        total => format!("{errors} error(s), {} warning(s)", total - errors),
    }
}

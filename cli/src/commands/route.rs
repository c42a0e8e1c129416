//! `eventbind route`: one JSON line per payload file.

use crate::oracle::Router;
use crate::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    message: Option<String>,
    key: Option<String>,
    valid: bool,
    errors: Vec<eventbind_runtime::PointerError>,
}

/// Exit 0 when every file is valid, 1 when any is not; a spec error is returned (exit 2).
pub fn run(
    spec: &Path,
    options: &eventbind_codegen::LoadOptions,
    message: Option<&str>,
    files: &[PathBuf],
) -> Result<i32> {
    let loaded = eventbind_codegen::load_with(spec, options)?;
    let router = Router::for_spec(&loaded)?;
    let mut all_valid = true;
    for file in files {
        let display = file.to_string_lossy();
        // A capture file (from `eventbind capture`) is routed by the body it recorded.
        let routed = match crate::capture::payload::read(file) {
            Ok(payload) => router.route(message, &payload.body),
            Err(error) => crate::oracle::Routed {
                message: None,
                key: None,
                valid: false,
                errors: vec![eventbind_runtime::PointerError::new(
                    "",
                    format!("cannot read the file: {}", error.message),
                )],
                kind: None,
            },
        };
        all_valid &= routed.valid;
        let line = Line {
            file: &display,
            message: routed.message,
            key: routed.key,
            valid: routed.valid,
            errors: routed.errors,
        };
        println!("{}", serde_json::to_string(&line).unwrap_or_default());
    }
    Ok(if all_valid { 0 } else { 1 })
}

//! `eventbind infer`: a draft-07 JSON Schema for sample payloads, on stdout.

use crate::infer::{infer_files, Options};
use crate::{Error, Result};
use std::path::PathBuf;

pub fn run(inputs: &[PathBuf], options: Options) -> Result<i32> {
    let schema = infer_files(inputs, options)?;
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| Error::new("<stdout>", "", e.to_string()))?;
    println!("{text}");
    Ok(0)
}

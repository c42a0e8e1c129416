//! `eventbind ir`: the model as JSON.

use crate::{Error, Result};
use std::path::Path;

pub fn run(spec: &Path, options: &eventbind_codegen::LoadOptions) -> Result<i32> {
    let loaded = eventbind_codegen::load_with(spec, options)?;
    let json = serde_json::to_string_pretty(&loaded.catalog)
        .map_err(|e| Error::new(spec, "", e.to_string()))?;
    println!("{json}");
    Ok(0)
}

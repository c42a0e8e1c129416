//! `eventbind check`: exit 1 naming each generated file that is stale or missing.

use crate::builder::{generate_all, stale_files};
use crate::error::Result;
use std::path::Path;

pub fn run(specs: &Path, out: &Path) -> Result<i32> {
    let files = generate_all(specs, out)?;
    let stale = stale_files(&files);
    for (path, missing) in &stale {
        let what = if *missing { "missing" } else { "stale" };
        println!("{what}: {}", path.display());
    }
    if stale.is_empty() {
        println!("{} generated files are up to date", files.len());
        Ok(0)
    } else {
        println!(
            "{} of {} generated files need `eventbind generate`",
            stale.len(),
            files.len()
        );
        Ok(1)
    }
}

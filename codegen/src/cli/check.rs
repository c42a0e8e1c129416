//! `eventbind check`: exit 1 naming each generated file that is stale or
//! missing, and each file under the output folder the generator does not write.

use crate::builder::{generate_all, stale_files, unexpected_files};
use crate::error::Result;
use std::path::Path;

pub fn run(specs: &Path, out: &Path) -> Result<i32> {
    let files = generate_all(specs, out)?;
    let stale = stale_files(&files);
    for (path, missing) in &stale {
        let what = if *missing { "missing" } else { "stale" };
        println!("{what}: {}", path.display());
    }
    let unexpected = unexpected_files(out, &files);
    for path in &unexpected {
        println!(
            "unexpected: {} (not written by `eventbind generate`)",
            path.display()
        );
    }
    if stale.is_empty() && unexpected.is_empty() {
        println!("{} generated files are up to date", files.len());
        return Ok(0);
    }
    if !stale.is_empty() {
        println!(
            "{} of {} generated files need `eventbind generate`",
            stale.len(),
            files.len()
        );
    }
    if !unexpected.is_empty() {
        println!(
            "{} files under {} are not generated: delete them, or restore their spec",
            unexpected.len(),
            out.display()
        );
    }
    Ok(1)
}

//! `eventbind check`: exit 1 naming each generated file that is stale or
//! missing, and each file under the output folder the generator does not write.

use crate::Result;
use eventbind_codegen::{stale_files, unexpected_files, Builder};
use std::path::Path;

/// Exit 1 when a generated file is stale or missing, or one is unexpected.
pub fn run(builder: &Builder, out: &Path) -> Result<i32> {
    let files = builder.crate_files()?;
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

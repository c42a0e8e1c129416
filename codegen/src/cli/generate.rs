//! `eventbind generate`: rewrites every vendor crate; unchanged files are left alone.

use crate::builder::{generate_all, generate_one, unexpected_files, write_if_changed};
use crate::error::Result;
use std::path::Path;

pub fn run(specs: &Path, out: &Path) -> Result<i32> {
    let files = generate_all(specs, out)?;
    let code = write(&files)?;
    // Not deleted: a file here may be someone's work; `check` fails on it.
    for path in unexpected_files(out, &files) {
        eprintln!(
            "warning: {} is not written by `eventbind generate` (a removed spec's, or added by hand)",
            path.display()
        );
    }
    Ok(code)
}

/// One crate from one spec (folder or document) into `out`.
pub fn run_one(spec: &Path, out: &Path) -> Result<i32> {
    let loaded = crate::load::load(spec)?;
    for warning in &loaded.catalog.warnings {
        eprintln!("warning: {warning}");
    }
    write(&generate_one(&loaded, out)?)
}

fn write(files: &[crate::GeneratedFile]) -> Result<i32> {
    let mut changed = 0;
    for file in files {
        if write_if_changed(&file.path, &file.contents)? {
            changed += 1;
            println!("wrote {}", file.path.display());
        }
    }
    println!("{} files generated, {changed} changed", files.len());
    Ok(0)
}

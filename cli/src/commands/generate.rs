//! `eventbind generate`: rewrites every vendor crate; unchanged files are left alone.

use crate::Result;
use eventbind_codegen::{unexpected_files, write_if_changed, Builder, GeneratedFile};

/// Every crate the builder generates, written; warns of files under `out`
/// that it does not write.
pub fn run(builder: &Builder, out: &std::path::Path) -> Result<i32> {
    let files = builder.crate_files()?;
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

/// One crate from one spec (folder or document) into `out` itself; the
/// spec's warnings come from the same load as the files.
pub fn run_one(builder: &Builder) -> Result<i32> {
    let (files, warnings) = builder.crate_files_and_warnings()?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    write(&files)
}

fn write(files: &[GeneratedFile]) -> Result<i32> {
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

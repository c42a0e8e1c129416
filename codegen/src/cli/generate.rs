//! `eventbind generate`: rewrites every vendor crate; unchanged files are left alone.

use crate::builder::{generate_all, write_if_changed};
use crate::error::Result;
use std::path::Path;

pub fn run(specs: &Path, out: &Path) -> Result<i32> {
    let files = generate_all(specs, out)?;
    let mut changed = 0;
    for file in &files {
        if write_if_changed(&file.path, &file.contents)? {
            changed += 1;
            println!("wrote {}", file.path.display());
        }
    }
    println!("{} files generated, {changed} changed", files.len());
    Ok(0)
}

//! `eventbind docs`: a spec's `EVENTS.md` and `index.html`, written to a folder.

use crate::builder::write_if_changed;
use crate::emit::docs;
use crate::error::Result;
use std::path::Path;

pub fn run(spec: &Path, out: &Path) -> Result<i32> {
    let loaded = crate::load::load(spec)?;
    // Written alone, the docs have no schema files beside them to link to.
    for (file, contents) in docs::files(&loaded.catalog, &spec.display().to_string(), None)? {
        let path = out.join(file);
        write_if_changed(&path, &contents)?;
        println!("wrote {}", path.display());
    }
    Ok(0)
}

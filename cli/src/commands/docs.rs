//! `eventbind docs`: a spec's `EVENTS.md` and `index.html`, written to a folder.

use crate::Result;
use eventbind_codegen::write_if_changed;
use std::path::Path;

pub fn run(spec: &Path, options: &eventbind_codegen::LoadOptions, out: &Path) -> Result<i32> {
    let loaded = eventbind_codegen::load_with(spec, options)?;
    // Written alone, the docs have no schema files beside them to link to.
    for (file, contents) in
        eventbind_codegen::docs_files(&loaded.catalog, &spec.display().to_string(), None)?
    {
        let path = out.join(file);
        write_if_changed(&path, &contents)?;
        println!("wrote {}", path.display());
    }
    Ok(0)
}

//! `eventbind schema`: a spec's JSON Schema on stdout, the bundle or one message's.

use crate::{Error, Result};
use std::path::Path;

pub fn run(
    spec: &Path,
    options: &eventbind_codegen::LoadOptions,
    message: Option<&str>,
) -> Result<i32> {
    let loaded = eventbind_codegen::load_with(spec, options)?;
    let catalog = &loaded.catalog;
    let spec_display = spec.display().to_string();
    let value = match message {
        None => eventbind_codegen::schema_bundle(catalog, &spec_display),
        Some(name) => {
            let message = catalog.message_named(name).ok_or_else(|| {
                let known: Vec<&str> = catalog.messages.iter().map(|m| m.name.as_str()).collect();
                Error::new(
                    spec,
                    "",
                    format!("no message {name:?}; the spec has {}", known.join(", ")),
                )
            })?;
            eventbind_codegen::message_schema(catalog, message, &spec_display)
        }
    };
    print!("{}", eventbind_codegen::render_schema(&value));
    Ok(0)
}

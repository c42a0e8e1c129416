//! The outputs of a loaded spec, one function each: what [`Builder`](crate::Builder)
//! writes, for tools that want one of them alone.

use crate::emit::{docs, rust, schema};
use crate::error::Result;
use crate::model::{Catalog, Message};
use serde_json::Value;

/// The catalog's items as one formatted Rust module (no crate attributes), as
/// a build script `include!`s it; `origin` says where it comes from, for the banner.
pub fn rust_module(catalog: &Catalog, origin: &str) -> Result<String> {
    rust::module(catalog, origin, &crate::Settings::default()).map(|module| module.source)
}

/// The draft-07 JSON Schema of one message's payload, self-contained.
pub fn message_schema(catalog: &Catalog, message: &Message, spec_display: &str) -> Value {
    schema::message_schema(catalog, message, spec_display)
}

/// One draft-07 JSON Schema holding every message and type of the catalog.
pub fn schema_bundle(catalog: &Catalog, spec_display: &str) -> Value {
    schema::bundle(catalog, spec_display)
}

/// The file name a message's schema is written under (`schemas/<name>`).
pub fn schema_file_name(message: &Message) -> String {
    schema::file_name(message)
}

/// A schema as the generator writes it: pretty JSON, one final newline.
pub fn render_schema(schema: &Value) -> String {
    schema::render(schema)
}

/// The docs of a spec: `EVENTS.md` and a self-contained `index.html`, as
/// `(file name, contents)`. `schemas_dir` is where the docs link each message's
/// schema (relative), or `None` for no links.
pub fn docs_files(
    catalog: &Catalog,
    spec_display: &str,
    schemas_dir: Option<&str>,
) -> Result<Vec<(String, String)>> {
    docs::files(catalog, spec_display, schemas_dir)
}

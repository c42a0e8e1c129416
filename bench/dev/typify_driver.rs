//! typify driven in-process, the way its own CLI does, for the generation
//! benchmark and the `typify-gen` example (both use typify as a
//! dev-dependency of the bench package only).

use schemars08::schema::{RootSchema, Schema};
use serde_json::Value;
use std::path::Path;
use typify::{TypeSpace, TypeSpaceSettings};

/// Rust source for the schema file or AsyncAPI spec folder at `path`,
/// formatted with prettyplease (as eventbind formats its own output).
///
/// A JSON Schema file is added whole (`add_root_schema`: its `definitions`
/// and, when titled, the root); for an AsyncAPI folder typify is given the
/// document's `components.schemas` (`add_ref_types`), since it reads no
/// AsyncAPI. Panics inside typify are caught and reported as errors.
pub fn generate(path: &Path) -> Result<String, String> {
    let input = read(path)?;
    guarded(move || generate_from(input))
}

/// What typify is given: the file's text, read before timing starts if wanted.
pub enum Input {
    Root(String),
    Components(String),
}

/// Reads the input for `path` (the text only, nothing parsed).
pub fn read(path: &Path) -> Result<Input, String> {
    if path.is_dir() {
        let file = path.join("asyncapi.yaml");
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        Ok(Input::Components(text))
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Input::Root(text))
    }
}

/// Parses and generates; may panic (typify does on some inputs).
pub fn generate_from(input: Input) -> Result<String, String> {
    let space = type_space(input)?;
    let file: syn::File = syn::parse2(space.to_stream()).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

/// What `cargo typify --no-builder` computes before it hands the text to
/// rustfmt: the type space's token stream as one unformatted string, with
/// its lint header. The instruction count compares this with eventbind's
/// formatted output, since rustfmt runs in a process of its own.
pub fn unformatted(path: &Path) -> Result<String, String> {
    let input = read(path)?;
    guarded(move || {
        let space = type_space(input)?;
        Ok(format!(
            "#![allow(clippy::redundant_closure_call)]\n{}",
            space.to_stream()
        ))
    })
}

/// typify's model of the input (the default settings: no builders).
fn type_space(input: Input) -> Result<TypeSpace, String> {
    let mut space = TypeSpace::new(&TypeSpaceSettings::default());
    match input {
        Input::Root(text) => {
            let root: RootSchema =
                serde_json::from_str(&text).map_err(|e| format!("schema: {e}"))?;
            space.add_root_schema(root).map_err(|e| e.to_string())?;
        }
        Input::Components(text) => {
            let doc: Value = serde_norway::from_str(&text).map_err(|e| format!("spec: {e}"))?;
            let schemas = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut defs = Vec::new();
            for (name, schema) in schemas {
                let schema: Schema =
                    serde_json::from_value(schema).map_err(|e| format!("{name}: {e}"))?;
                defs.push((name, schema));
            }
            space.add_ref_types(defs).map_err(|e| e.to_string())?;
        }
    }
    Ok(space)
}

/// Runs `f`, turning a panic into an error carrying its message.
pub fn guarded(f: impl FnOnce() -> Result<String, String>) -> Result<String, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(format!(
            "panicked: {}",
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_string())
        )),
    }
}

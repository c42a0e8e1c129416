//! Schema inference: merging sample payloads into one draft-07 JSON Schema
//! (`eventbind infer`).
//!
//! The rules, each where it is decided:
//!
//! - **optional vs nullable** (`emit`): a member absent from some objects is
//!   left out of `required`; a member seen as `null` gets `"null"` among its
//!   types. The two are independent.
//! - **integer vs number** ([`sample`]): decided on the literal's text, not on
//!   the parsed value: `4` is an integer, `4.0000` and `1e3` are numbers. A
//!   place that saw both is `number`.
//! - **formats** ([`formats`]): `date-time`, `date`, `uuid`, `email`, `uri`,
//!   stated only when every string seen at the place matches.
//! - **string enums** (`emit`): only with evidence: at least
//!   `enum_threshold` strings seen, at most `enum_max` distinct values, each
//!   seen at least twice, and no format detected. `enum_threshold = 0` turns
//!   enums off.
//! - **objects** are open (no `additionalProperties`) unless `closed`.
//! - **arrays**: the items of every array at a place are merged into one
//!   item schema; no length bounds, except a body that is always an array of
//!   exactly one object, which gets `minItems`/`maxItems` 1.
//! - **mixed types**: a type array for scalars (`["integer", "string"]`),
//!   `oneOf` of single-type branches when an object, array or enum is involved.
//! - **order**: properties in first-seen order over the samples, in the order
//!   given (folders expand to their `*.json` files sorted by path); `type`
//!   arrays in a fixed order. Same samples, same bytes.

mod emit;
pub mod formats;
pub mod sample;
pub mod shape;

use crate::capture::payload;
use crate::{Error, Result};
use formats::Formats;
use sample::{Sample, SyntaxError};
use serde_json::{Map, Value};
use shape::{Context, Shape};
use std::path::PathBuf;

pub const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

#[derive(Debug, Clone)]
pub struct Options {
    /// `title` of the schema.
    pub name: Option<String>,
    /// Fewest strings seen at a place before an enum is stated (0: never).
    pub enum_threshold: u64,
    /// Most distinct values an inferred enum may have.
    pub enum_max: usize,
    /// `additionalProperties: false` on every object.
    pub closed: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            name: None,
            enum_threshold: 10,
            enum_max: 8,
            closed: false,
        }
    }
}

/// Samples merged so far.
pub struct Inference {
    options: Options,
    formats: Formats,
    shape: Shape,
    samples: usize,
}

impl Inference {
    pub fn new(options: Options) -> Inference {
        Inference {
            options,
            formats: Formats::new(),
            shape: Shape::default(),
            samples: 0,
        }
    }

    pub fn add(&mut self, sample: &Sample) {
        let context = Context {
            formats: &self.formats,
            // Distinct strings beyond what an enum may have are not worth keeping.
            max_distinct: self.options.enum_max,
        };
        self.shape.add(sample, &context);
        self.samples += 1;
    }

    /// Adds one JSON text.
    pub fn add_json(&mut self, bytes: &[u8]) -> std::result::Result<(), SyntaxError> {
        let sample = Sample::parse(bytes)?;
        self.add(&sample);
        Ok(())
    }

    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The schema of the samples so far.
    pub fn schema(&self) -> Value {
        let mut root = Map::new();
        root.insert("$schema".into(), Value::String(DRAFT_07.into()));
        if let Some(name) = &self.options.name {
            root.insert("title".into(), Value::String(name.clone()));
        }
        root.extend(emit::schema(&self.shape, &self.options, true));
        Value::Object(root)
    }
}

/// Infers one schema from payload files and folders (raw JSON bodies or
/// capture files, whose body is used).
pub fn infer_files(paths: &[PathBuf], options: Options) -> Result<Value> {
    let files = payload::json_files(paths)?;
    let mut inference = Inference::new(options);
    for file in &files {
        let payload = payload::read(file)?;
        inference.add_json(&payload.body).map_err(|e| {
            let what = if payload.capture.is_some() {
                "the captured body is "
            } else {
                ""
            };
            Error::new(file, "", format!("{what}{e}"))
        })?;
    }
    if inference.samples() == 0 {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::new(
            shown.join(", "),
            "",
            "no JSON sample found (folders are searched for *.json files)",
        ));
    }
    Ok(inference.schema())
}

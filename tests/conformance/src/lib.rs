//! The JSON-Schema-Test-Suite's draft7 groups, each compiled from its schema
//! by eventbind (see build.rs), with their test cases.

/// One test group: a schema and instances marked valid or not.
pub struct Group {
    /// `required` (tests/draft7) or `format` (tests/draft7/optional/format).
    pub set: &'static str,
    pub file: &'static str,
    pub description: &'static str,
    /// Parses and validates an instance with the generated type.
    pub parse: Option<fn(&[u8]) -> bool>,
    /// Why no type was generated, if none was.
    pub generation_error: Option<&'static str>,
    /// Whether the generated code has `#[validate(schema = ...)]` fragments
    /// (else Rust types and plain attributes decide every case).
    pub fragments: bool,
    pub tests: &'static [Case],
}

pub struct Case {
    pub description: &'static str,
    /// The instance, as JSON text.
    pub data: &'static str,
    pub valid: bool,
}

include!(concat!(env!("OUT_DIR"), "/groups.rs"));

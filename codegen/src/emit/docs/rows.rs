//! Pieces of the page that messages and types share: member tables, code
//! cells and examples.

use super::pieces::{field_constraints, ty_shown, Links, Shown};
use super::text::{code_span, Text};
use crate::model::Field;

/// One member of an object, as its table row shows it.
pub struct FieldRow {
    pub name: String,
    /// The name as a Markdown code span, for a table cell.
    pub name_md: String,
    pub ty: Shown,
    pub required: bool,
    pub constraints: Shown,
    pub description: Option<Text>,
}

/// The table rows of an object's members.
pub fn field_rows(fields: &[Field], links: &Links) -> Vec<FieldRow> {
    fields
        .iter()
        .map(|field| FieldRow {
            name: field.wire.clone(),
            name_md: cell_code(&field.wire),
            ty: ty_shown(&field.ty, links),
            required: field.required,
            constraints: field_constraints(field),
            description: Text::from_option(field.description.as_deref()),
        })
        .collect()
}

/// A code span for a Markdown table cell.
pub fn cell_code(text: &str) -> String {
    code_span(text).replace('|', "\\|")
}

/// An example as indented JSON.
pub fn pretty(value: &serde_json::Value) -> String {
    // A `Value` always serialises.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

//! String formats inference may state: `date-time`, `date`, `uuid`, `email`
//! and `uri`.
//!
//! A string matches a format only when both checkers that will later judge it
//! accept it: the `jsonschema` crate (what `eventbind route` and `drift`
//! validate with) and `eventbind_runtime::format` (what generated code
//! checks). So a format inferred from samples never rejects those samples.
//! `uri` additionally needs `scheme://`: `Note:see below` is a valid URI by
//! the grammar, but nobody means it as one.

use eventbind_runtime::format::Format;
use serde_json::Value;

/// The formats, in the order they are preferred when several fit.
const FORMATS: [Format; 5] = [
    Format::DateTime,
    Format::Date,
    Format::Uuid,
    Format::Email,
    Format::Uri,
];

/// A set of formats, one bit per entry of `FORMATS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatSet(u8);

impl FormatSet {
    pub const ALL: FormatSet = FormatSet((1 << FORMATS.len()) - 1);
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The preferred format of the set.
    pub fn first(self) -> Option<&'static str> {
        FORMATS
            .iter()
            .enumerate()
            .find(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, f)| f.name())
    }
}

/// The format checks, compiled once per inference run.
pub struct Formats {
    validators: Vec<Option<jsonschema::Validator>>,
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

impl Formats {
    pub fn new() -> Formats {
        let validators = FORMATS
            .iter()
            .map(|format| {
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft7)
                    .should_validate_formats(true)
                    // As in `route.rs`: draft 7 has no `uuid`; check it as generated code does.
                    .with_format("uuid", eventbind_runtime::format::is_hyphenated_uuid)
                    .build(&serde_json::json!({ "format": format.name() }))
                    .ok()
            })
            .collect();
        Formats { validators }
    }

    /// The formats among `candidates` that `value` satisfies.
    pub fn matching(&self, value: &str, candidates: FormatSet) -> FormatSet {
        let mut out = 0u8;
        let instance = Value::String(value.to_string());
        for (i, format) in FORMATS.iter().enumerate() {
            if candidates.0 & (1 << i) == 0 {
                continue;
            }
            // A validator that failed to build decides nothing: the format is not stated.
            let by_jsonschema = self
                .validators
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|v| v.is_valid(&instance));
            let plausible = *format != Format::Uri || has_authority(value);
            if by_jsonschema && plausible && format.is_valid(value) {
                out |= 1 << i;
            }
        }
        FormatSet(out)
    }
}

/// `scheme://…`, with a scheme as RFC 3986 spells it.
fn has_authority(value: &str) -> bool {
    match value.split_once("://") {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(value: &str) -> Option<&'static str> {
        Formats::new().matching(value, FormatSet::ALL).first()
    }

    #[test]
    fn each_format() {
        assert_eq!(format_of("2016-05-23T05:25:36.53Z"), Some("date-time"));
        assert_eq!(format_of("2016-05-23"), Some("date"));
        assert_eq!(
            format_of("c86fcc87-a137-4c37-8d19-17edc7199fef"),
            Some("uuid")
        );
        assert_eq!(format_of("john.doe@vertexinc.com"), Some("email"));
        assert_eq!(format_of("https://yoursite.com/yourpage"), Some("uri"));
        for plain in [
            "Draft",
            "notes go here",
            "Note:see below",
            "2016-13-01",
            "12:30",
            "",
        ] {
            assert_eq!(format_of(plain), None, "{plain}");
        }
    }
}

//! A JSON sample as inference needs it: like `serde_json::Value`, but each
//! number keeps whether its *text* was an integer literal.
//!
//! Without `arbitrary_precision`, serde_json reads `4.0000` as the float 4.0
//! and an integer literal above `u64::MAX` as a float too, so the parsed value
//! cannot tell them apart. The parser here walks the document as borrowed
//! `RawValue`s (the exact text of each value) and looks at the literal: a
//! number is an integer when its text has no fraction and no exponent
//! (`4`, `-12`, `18446744073709551616`), else it is a number (`4.0000`,
//! `1e3`, `4.0`).

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    Null,
    Bool,
    /// An integer literal.
    Integer,
    /// A literal with a fraction or an exponent.
    Number,
    String(String),
    Array(Vec<Sample>),
    /// Members in document order; a repeated key keeps its first place and its
    /// last value, as `serde_json::Value` (with `preserve_order`) does.
    Object(Vec<(String, Sample)>),
}

/// A parse error with its place in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not JSON: line {} column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl Sample {
    /// Parses one JSON document (whitespace around it allowed).
    pub fn parse(bytes: &[u8]) -> Result<Sample, SyntaxError> {
        let syntax = |e: serde_json::Error| SyntaxError {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        // Validates the whole document once (UTF-8, syntax, nesting limit);
        // the walk below then only re-reads text already known to be valid.
        let raw: &RawValue = serde_json::from_slice(bytes).map_err(syntax)?;
        from_raw(raw).map_err(syntax)
    }
}

fn from_raw(raw: &RawValue) -> Result<Sample, serde_json::Error> {
    let text = raw.get();
    Ok(match text.as_bytes().first() {
        Some(b'{') => {
            let Members(members) = serde_json::from_str(text)?;
            let mut out: Vec<(String, Sample)> = Vec::with_capacity(members.len());
            let mut index: HashMap<String, usize> = HashMap::with_capacity(members.len());
            for (key, value) in members {
                let value = from_raw(value)?;
                match index.get(&key) {
                    Some(&at) => out[at].1 = value,
                    None => {
                        index.insert(key.clone(), out.len());
                        out.push((key, value));
                    }
                }
            }
            Sample::Object(out)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            Sample::Array(items.into_iter().map(from_raw).collect::<Result<_, _>>()?)
        }
        Some(b'"') => Sample::String(serde_json::from_str(text)?),
        Some(b't' | b'f') => Sample::Bool,
        Some(b'n') => Sample::Null,
        _ if text.bytes().all(|b| b == b'-' || b.is_ascii_digit()) => Sample::Integer,
        _ => Sample::Number,
    })
}

/// An object's members in document order, duplicates included.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for MembersVisitor<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Members<'a>, M::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        deserializer.deserialize_map(MembersVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_literals() {
        let sample = Sample::parse(br#"[4, 4.0000, -1, 1e3, 18446744073709551616, -0.5E-2]"#);
        assert_eq!(
            sample,
            Ok(Sample::Array(vec![
                Sample::Integer,
                Sample::Number,
                Sample::Integer,
                Sample::Number,
                Sample::Integer,
                Sample::Number,
            ]))
        );
    }

    #[test]
    fn members_in_order_and_last_duplicate_wins() {
        let sample = Sample::parse(br#" {"b": 1, "a\u0041": "x", "b": null} "#).unwrap();
        assert_eq!(
            sample,
            Sample::Object(vec![
                ("b".into(), Sample::Null),
                ("aA".into(), Sample::String("x".into()))
            ])
        );
    }

    #[test]
    fn errors_have_a_place() {
        let error = Sample::parse(b"{\n  \"a\": 4.,\n}").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(Sample::parse(b"").is_err());
        assert!(Sample::parse(b"\xff").is_err());
    }
}

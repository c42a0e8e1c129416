//! `#[derive(DeserializeObject)]` against serde's derive: the same struct,
//! declared twice with the same serde attributes, read from the same
//! documents, must give the same value or the same error (message and
//! position), by every way the bindings read: from text, from a
//! `serde_json::Value`, from a borrowed `&Value`, and inside an untagged enum
//! (serde's buffered content). The one difference by design: serde's derive
//! reads a struct without `flatten` from an array too; this derive refuses.

use eventbind_runtime::__private::serde_json::{self, Value};

/// Declares the same items in `by_serde` (serde's derive) and `ours`.
macro_rules! twins {
    ($($body:tt)*) => {
        mod by_serde {
            #![allow(dead_code)]
            use serde::Deserialize;
            macro_rules! derive_it {
                ($item:item) => {
                    #[derive(Debug, PartialEq, Deserialize)]
                    $item
                };
            }
            $($body)*
        }
        mod ours {
            #![allow(dead_code)]
            use eventbind_runtime::DeserializeObject;
            macro_rules! derive_it {
                ($item:item) => {
                    #[derive(Debug, PartialEq, DeserializeObject)]
                    $item
                };
            }
            $($body)*
        }
    };
}

twins! {
    use eventbind_runtime::__private::serde_json::{self, Value};

    derive_it! {
        pub struct Open {
            pub id: String,
            #[serde(rename = "type")]
            pub kind: Option<String>,
            #[serde(
                rename = "count-of",
                default,
                deserialize_with = "eventbind_runtime::__private::serde_helpers::present",
                skip_serializing_if = "Option::is_none"
            )]
            pub count: Option<i64>,
            #[serde(deserialize_with = "eventbind_runtime::__private::serde_helpers::required_nullable")]
            pub note: Option<String>,
            #[serde(default, deserialize_with = "eventbind_runtime::__private::serde_helpers::double_option")]
            pub maybe: Option<Option<bool>>,
            #[serde(default, deserialize_with = "eventbind_runtime::__private::wire::read_some")]
            pub whole: Option<i64>,
            #[serde(default)]
            pub tags: Vec<String>,
            pub inner: Option<Inner>,
            pub any: Value,
            #[serde(flatten)]
            pub extra: serde_json::Map<String, Value>,
        }
    }
    derive_it! {
        pub struct Inner {
            #[serde(deserialize_with = "eventbind_runtime::__private::wire::read")]
            pub n: i32,
            #[serde(alias = "b")]
            pub a: Option<u8>,
            #[serde(deserialize_with = "super::custom")]
            pub custom: String,
            #[serde(flatten)]
            pub rest: std::collections::BTreeMap<String, u32>,
        }
    }
    derive_it! {
        #[serde(deny_unknown_fields)]
        pub struct Closed {
            pub a: u8,
            #[serde(skip)]
            pub skipped: u8,
            #[serde(default = "super::seven")]
            pub b: u8,
        }
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(untagged)]
    pub enum Either {
        Inner(Inner),
        Text(String),
    }
}

fn custom<'de, D: serde::Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let text: String = serde::Deserialize::deserialize(de)?;
    Ok(text.to_uppercase())
}

fn seven() -> u8 {
    7
}

const INNER: &str = r#"{"n": 1, "custom": "x"}"#;

fn open_documents() -> Vec<String> {
    let mut documents: Vec<String> = [
        r#"{"id": "a", "note": null, "any": 1}"#,
        r#"{"id": "a", "note": "n", "any": [1, {"x": null}], "type": "t", "count-of": 3, "maybe": null, "whole": 2.0, "tags": ["x"]}"#,
        r#"{"id": "a", "note": null, "any": 1, "zzz": {"deep": [1, 2]}, "aaa": "s", "zzz": 2}"#,
        r#"{"i\u0064": "escaped name", "note": null, "any": 1, "caf\u00e9": 1}"#,
        r#"{"id": "a", "note": null}"#,
        r#"{"id": "a", "any": 1}"#,
        r#"{"note": null, "any": 1}"#,
        r#"{"id": "a", "id": "b", "note": null, "any": 1}"#,
        r#"{"id": "a", "note": null, "any": 1, "count-of": null}"#,
        r#"{"id": "a", "note": null, "any": 1, "count-of": "3"}"#,
        r#"{"id": "a", "note": null, "any": 1, "whole": 2.5}"#,
        r#"{"id": "a", "note": null, "any": 1, "maybe": true, "maybe": false}"#,
        r#"{"id": 5, "note": null, "any": 1}"#,
        r#"{"id": "a", "note": null, "any": 1, "type": null}"#,
        r#"{"id": "a", "note": null, "any": 1, "inner": null}"#,
        r#"{"id": "a", "note": null, "any": 1, "inner": {"custom": "x"}}"#,
        r#"{"id": "a", "note": null, "any": 1, "inner": [1, "x"]}"#,
        r#"{"id": "a", "note": null, "any": 1,}"#,
        r#"{"id": "a", "note": null, "any": 1"#,
        r#"{"id": "a" "note": null}"#,
        r#"{"id": "a", "note": null, "any": 1} trailing"#,
        r#"["a", null, 1]"#,
        r#""a string""#,
        r#"null"#,
        r#"17"#,
        r#"{}"#,
        r#"{1: 2}"#,
        "",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for inner in [
        INNER,
        r#"{"n": 1.0, "custom": "x", "b": 4}"#,
        r#"{"n": 1, "custom": "x", "a": 4, "b": 5}"#,
        r#"{"n": 1, "custom": "x", "more": 3, "less": 4}"#,
        r#"{"n": 1.5, "custom": "x"}"#,
        r#"{"n": 4294967296, "custom": "x"}"#,
        r#"{"n": 1, "custom": 3}"#,
        r#"{"n": 1, "n": 2, "custom": "x"}"#,
    ] {
        documents.push(format!(
            r#"{{"id": "a", "note": null, "any": 1, "inner": {inner}}}"#
        ));
    }
    documents
}

/// The outcome, as text: `Debug` of the value (the twins print alike), or the error.
fn outcome<T: std::fmt::Debug, E: std::fmt::Display>(result: Result<T, E>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(error) => format!("error {error}"),
    }
}

fn assert_same_from_every_source<A, B>(document: &str)
where
    A: serde::de::DeserializeOwned + std::fmt::Debug,
    B: serde::de::DeserializeOwned + std::fmt::Debug,
{
    let theirs = outcome(serde_json::from_str::<A>(document));
    let mine = outcome(serde_json::from_str::<B>(document));
    assert_eq!(mine, theirs, "from text: {document}");
    let theirs = outcome(serde_json::from_slice::<A>(document.as_bytes()));
    let mine = outcome(serde_json::from_slice::<B>(document.as_bytes()));
    assert_eq!(mine, theirs, "from bytes: {document}");
    if let Ok(value) = serde_json::from_str::<Value>(document) {
        let theirs = outcome(A::deserialize(&value));
        let mine = outcome(B::deserialize(&value));
        assert_eq!(mine, theirs, "from &Value: {document}");
        let theirs = outcome(serde_json::from_value::<A>(value.clone()));
        let mine = outcome(serde_json::from_value::<B>(value));
        assert_eq!(mine, theirs, "from Value: {document}");
    }
}

#[test]
fn reads_what_serdes_derive_reads_with_the_same_errors() {
    let documents = open_documents();
    for document in &documents {
        if document.starts_with('[') {
            continue; // the one difference, checked below
        }
        assert_same_from_every_source::<by_serde::Open, ours::Open>(document);
    }
    // Enough of them read, and enough fail, for the comparison to mean something.
    let read = documents
        .iter()
        .filter(|d| serde_json::from_str::<ours::Open>(d).is_ok())
        .count();
    assert!(read >= 6 && read + 10 < documents.len(), "{read} read");
}

#[test]
fn inside_an_untagged_enum_reads_from_serdes_buffered_content() {
    for document in [
        INNER,
        r#"{"n": 1, "custom": "x", "a": 4, "more": 2}"#,
        r#"{"n": 1, "custom": "x", "more": "no"}"#,
        r#"{"n": "1", "custom": "x"}"#,
        r#""text""#,
        r#"[1]"#,
    ] {
        assert_same_from_every_source::<by_serde::Either, ours::Either>(document);
    }
    let read: ours::Either = serde_json::from_str(INNER).unwrap();
    assert!(matches!(read, ours::Either::Inner(inner) if inner.custom == "X"));
}

#[test]
fn a_closed_struct_refuses_undeclared_members_and_keeps_its_defaults() {
    for document in [
        r#"{"a": 1}"#,
        r#"{"a": 1, "b": 2}"#,
        r#"{"a": 1, "c": 2}"#,
        r#"{"a": 1, "skipped": 2}"#,
        r#"{"b": 2}"#,
    ] {
        assert_same_from_every_source::<by_serde::Closed, ours::Closed>(document);
    }
    let read: ours::Closed = serde_json::from_str(r#"{"a": 1}"#).unwrap();
    assert_eq!((read.a, read.skipped, read.b), (1, 0, 7));
}

#[test]
fn a_fault_in_a_typed_map_of_undeclared_members_is_placed_at_its_value() {
    // serde's derive buffers undeclared members and reads the map once the
    // object has ended, so its error points past the `}`; this derive reads
    // each value where it stands. The message is the same.
    for (document, at) in [
        (r#"{"n": 1, "custom": "x", "more": -3, "z": 1}"#, 34),
        (r#"{"n": 1, "custom": "x", "more": "3"}"#, 35),
    ] {
        let theirs = serde_json::from_str::<by_serde::Inner>(document).unwrap_err();
        let mine = serde_json::from_str::<ours::Inner>(document).unwrap_err();
        assert_eq!(
            mine.to_string().split(" at ").next(),
            theirs.to_string().split(" at ").next()
        );
        assert_eq!((mine.line(), mine.column()), (1, at), "{document}: {mine}");
        assert_eq!(theirs.column(), document.len(), "{document}: {theirs}");
    }
}

#[test]
fn an_array_is_not_an_object() {
    // serde's derive reads a struct without `flatten` from an array, by position.
    assert!(serde_json::from_str::<by_serde::Closed>("[1, 2]").is_ok());
    let error = serde_json::from_str::<ours::Closed>("[1, 2]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: sequence, expected struct Closed at line 1 column 0"
    );
    let error = serde_json::from_str::<ours::Open>(r#"["a", null, 1]"#).unwrap_err();
    assert!(error
        .to_string()
        .starts_with("invalid type: sequence, expected struct Open"));
}

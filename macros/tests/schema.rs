//! `#[validate(schema = "...")]`: fragments compiled into checks. The
//! JSON-Schema-Test-Suite (tests/conformance) holds their semantics; these
//! hold where faults are located, what they say, and `$ref` to a type.

use eventbind_runtime::{from_slice, Validate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Deserialize, Serialize, Validate)]
#[serde(transparent)]
struct Doc(
    #[validate(schema = r#"{
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "contains": {"const": "ok"}}
        },
        "patternProperties": {"^x-": {"type": "string"}},
        "additionalProperties": false,
        "required": ["id"],
        "dependencies": {"card": ["billing"]},
        "propertyNames": {"maxLength": 8},
        "if": {"properties": {"id": {"const": 7}}},
        "then": {"required": ["lucky"]},
        "not": {"required": ["forbidden"]}
    }"#)]
    Value,
);

fn faults(doc: &Value) -> Vec<(String, String)> {
    match from_slice::<Doc>(&serde_json::to_vec(doc).unwrap()) {
        Ok(_) => Vec::new(),
        Err(error) => error
            .errors()
            .iter()
            .map(|e| (e.pointer.clone(), e.message.clone()))
            .collect(),
    }
}

fn pointers(doc: Value) -> Vec<String> {
    faults(&doc).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn a_valid_document_passes() {
    assert!(faults(&json!({"id": 3, "tags": ["ok", "a"], "x-note": "hi"})).is_empty());
    // Not an object: the object keywords let it through, as JSON Schema says;
    // so `not: {required: [..]}` matches, and fails the document.
    assert_eq!(pointers(json!("text")), [""]);
}

#[test]
fn faults_are_located_where_they_are() {
    assert_eq!(pointers(json!({"id": 0})), ["/id"]);
    assert_eq!(
        pointers(json!({"id": 2, "tags": ["ok", "long"]})),
        ["/tags/1"]
    );
    assert_eq!(pointers(json!({"id": 2, "tags": ["no"]})), ["/tags"]);
    assert_eq!(pointers(json!({"id": 2, "x-note": 5})), ["/x-note"]);
    assert_eq!(pointers(json!({"id": 2, "other": 1})), ["/other"]);
    assert_eq!(pointers(json!({"id": 2, "card": 1})), ["", "/card"]);
    assert_eq!(
        pointers(json!({"id": 2, "x-very-long-name": "a"})),
        ["/x-very-long-name"]
    );
    // `required` (id), then `then` (an absent id satisfies the `if`), then `contains`.
    assert_eq!(pointers(json!({"tags": []})), ["", "", "/tags"]);
}

#[test]
fn applicators_say_which_keyword_failed() {
    let lucky = faults(&json!({"id": 7}));
    assert_eq!(lucky.len(), 1);
    assert!(lucky[0].1.contains("lucky"), "{lucky:?}");
    let forbidden = faults(&json!({"id": 2, "forbidden": true}));
    assert!(
        forbidden
            .iter()
            .any(|(p, m)| p.is_empty() && m.contains("`not`")),
        "{forbidden:?}"
    );
}

/// A type the fragment refers to.
#[derive(Debug, Deserialize, Serialize, Validate)]
struct Point {
    #[validate(minimum = 0)]
    x: i64,
}

#[derive(Debug, Deserialize, Serialize, Validate)]
#[serde(transparent)]
struct Path(
    #[validate(
        schema = r##"{"type": "array", "items": [{"$ref": "#/definitions/Point"}], "additionalItems": false}"##
    )]
    Value,
);

#[test]
fn a_ref_names_a_type_that_must_read_and_validate() {
    assert!(from_slice::<Path>(br#"[{"x": 1}]"#).is_ok());
    let error = from_slice::<Path>(br#"[{"x": -1}]"#).unwrap_err();
    assert_eq!(error.pointer(), "/0/x");
    let error = from_slice::<Path>(br#"[{"y": 1}]"#).unwrap_err();
    assert_eq!(error.pointer(), "/0", "{error}");
    let error = from_slice::<Path>(br#"[{"x": 1}, 2]"#).unwrap_err();
    assert_eq!(error.pointer(), "/1");
    let error = from_slice::<Path>(br#"{"x": 1}"#).unwrap_err();
    assert!(error.to_string().contains("array"), "{error}");
}

/// A typed value with a fragment: it is checked on the value's JSON form.
#[derive(Debug, Deserialize, Serialize, Validate)]
struct Typed {
    #[validate(schema = r#"{"anyOf": [{"maxLength": 0}, {"minLength": 3}]}"#)]
    code: String,
}

#[test]
fn a_typed_value_is_checked_as_json() {
    assert!(from_slice::<Typed>(br#"{"code": ""}"#).is_ok());
    assert!(from_slice::<Typed>(br#"{"code": "abc"}"#).is_ok());
    let error = from_slice::<Typed>(br#"{"code": "ab"}"#).unwrap_err();
    assert_eq!(error.pointer(), "/code");
    assert!(error.to_string().contains("anyOf"), "{error}");
}

//! `#[derive(Validate)]` on hand-written types: every constraint, on strings,
//! numbers, arrays, maps and JSON values; checked through the runtime's entry points.

mod support;

use eventbind_runtime::Validate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use support::{accepts, fault, faults, pair, with};

// ---------------------------------------------------------------------------
// String constraints

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Strings {
    #[validate(min_length = 2, max_length = 4)]
    code: String,
    #[validate(pattern = "^[A-Z]{3}$")]
    currency: String,
    #[serde(rename = "contactEmail")]
    #[validate(format = "email")]
    contact_email: String,
    #[validate(format = "uuid")]
    id: String,
    #[validate(format = "date-time")]
    at: String,
    #[validate(format = "ipv4")]
    host: String,
    #[validate(enum_values("open", "closed"))]
    status: String,
    #[validate(enum_values("v1"))]
    version: String,
    #[serde(rename = "a/b~c")]
    #[validate(max_length = 1)]
    escaped: String,
    #[validate(min_length = 1)]
    r#type: String,
}

fn strings() -> Value {
    json!({
        "code": "ab",
        "currency": "EUR",
        "contactEmail": "jane@example.com",
        "id": "c86fcc87-a137-4c37-8d19-17edc7199fef",
        "at": "2024-05-01T10:00:00Z",
        "host": "10.0.0.1",
        "status": "closed",
        "version": "v1",
        "a/b~c": "x",
        "type": "t",
    })
}

#[test]
fn string_constraints() {
    let ok = accepts::<Strings>(&strings());
    assert_eq!(ok.contact_email, "jane@example.com");
    // Lengths count code points: four two-byte characters fit max_length = 4.
    accepts::<Strings>(&with(&strings(), "/code", Some(json!("éééé"))));

    let cases = [
        (
            "/code",
            json!("a"),
            "must be at least 2 characters long, has 1",
        ),
        (
            "/code",
            json!("abcde"),
            "must be at most 4 characters long, has 5",
        ),
        (
            "/currency",
            json!("EURO"),
            "must match the pattern \"^[A-Z]{3}$\"",
        ),
        ("/contactEmail", json!("jane"), "must be a valid email"),
        (
            "/id",
            json!("c86fcc87a1374c378d1917edc7199fef"),
            "must be a valid uuid",
        ),
        ("/at", json!("2024-05-01"), "must be a valid date-time"),
        ("/host", json!("10.0.0.256"), "must be a valid ipv4"),
        (
            "/status",
            json!("pending"),
            "must be one of \"open\", \"closed\", found \"pending\"",
        ),
        ("/version", json!("v2"), "must be \"v1\", found \"v2\""),
        (
            "/a~1b~0c",
            json!("xy"),
            "must be at most 1 characters long, has 2",
        ),
        (
            "/type",
            json!(""),
            "must be at least 1 characters long, has 0",
        ),
    ];
    for (pointer, bad, message) in cases {
        let doc = with(&strings(), pointer, Some(bad));
        assert_eq!(fault::<Strings>(&doc), pair(pointer, message), "{doc}");
    }

    // A serde failure is located too, by its wire name.
    let doc = with(&strings(), "/contactEmail", Some(json!(7)));
    let (pointer, message) = fault::<Strings>(&doc);
    assert_eq!(pointer, "/contactEmail");
    assert!(
        message.starts_with("invalid type: integer `7`"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------
// Number constraints

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Numbers {
    #[validate(minimum = 1, maximum = 10)]
    quantity: i64,
    #[validate(exclusive_minimum = 0, exclusive_maximum = 100)]
    discount: f64,
    #[validate(multiple_of = 0.01)]
    price: f64,
    #[validate(multiple_of = 5)]
    step: u32,
    #[validate(minimum = -1.5)]
    offset: f32,
    #[validate(maximum = 200)]
    small: u8,
}

fn numbers() -> Value {
    json!({
        "quantity": 10,
        "discount": 99.5,
        "price": 19.99,
        "step": 15,
        "offset": -1.5,
        "small": 200,
    })
}

#[test]
fn number_constraints() {
    accepts::<Numbers>(&numbers());
    accepts::<Numbers>(&with(&numbers(), "/quantity", Some(json!(1))));

    let cases = [
        ("/quantity", json!(0), "must be at least 1, found 0"),
        ("/quantity", json!(11), "must be at most 10, found 11"),
        ("/discount", json!(0), "must be greater than 0, found 0"),
        ("/discount", json!(100), "must be less than 100, found 100"),
        (
            "/price",
            json!(19.995),
            "must be a multiple of 0.01, found 19.995",
        ),
        ("/step", json!(12), "must be a multiple of 5, found 12"),
        (
            "/offset",
            json!(-1.75),
            "must be at least -1.5, found -1.75",
        ),
        ("/small", json!(201), "must be at most 200, found 201"),
    ];
    for (pointer, bad, message) in cases {
        let doc = with(&numbers(), pointer, Some(bad));
        assert_eq!(fault::<Numbers>(&doc), pair(pointer, message), "{doc}");
    }

    // Every fault in one pass, in document order.
    let doc = json!({
        "quantity": 0, "discount": 0, "price": 0.001, "step": 1, "offset": -2, "small": 255,
    });
    assert_eq!(
        faults::<Numbers>(&doc),
        vec![
            pair("/quantity", "must be at least 1, found 0"),
            pair("/discount", "must be greater than 0, found 0"),
            pair("/price", "must be a multiple of 0.01, found 0.001"),
            pair("/step", "must be a multiple of 5, found 1"),
            pair("/offset", "must be at least -1.5, found -2"),
            pair("/small", "must be at most 200, found 255"),
        ]
    );
}

// ---------------------------------------------------------------------------
// Arrays, maps, JSON enums and embedded schemas

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Collections {
    #[validate(min_items = 1, max_items = 3, unique_items)]
    tags: Vec<String>,
    #[validate(min_properties = 1, max_properties = 2)]
    labels: BTreeMap<String, String>,
    #[validate(items(min_length = 3, format = "hostname"))]
    hosts: Vec<String>,
    #[validate(values(minimum = 0, maximum = 99))]
    stock: BTreeMap<String, i64>,
    #[validate(items(values(enum_values("r", "w"))))]
    grants: Vec<BTreeMap<String, String>>,
    #[validate(json_enum = r#"[1, "two", null, {"k": [3]}]"#)]
    choice: Value,
    #[validate(schema = r#"{"anyOf": [{"maxLength": 0}, {"minLength": 3}]}"#)]
    nickname: String,
    #[validate(
        schema = r#"{"type": "object", "properties": {"n": {"type": "integer", "minimum": 5}}}"#
    )]
    settings: Value,
}

fn collections() -> Value {
    json!({
        "tags": ["a", "b", "c"],
        "labels": {"env": "prod"},
        "hosts": ["api.example.com", "localhost"],
        "stock": {"apple": 0, "pear": 99},
        "grants": [{"alice": "r"}, {"bob": "w", "carol": "r"}],
        "choice": {"k": [3.0]},
        "nickname": "",
        "settings": {"n": 5},
    })
}

#[test]
fn collection_constraints() {
    accepts::<Collections>(&collections());
    accepts::<Collections>(&with(&collections(), "/nickname", Some(json!("bob"))));
    accepts::<Collections>(&with(&collections(), "/choice", Some(json!(null))));
    accepts::<Collections>(&with(&collections(), "/choice", Some(json!(1.0))));

    let cases = [
        (
            "/tags",
            "/tags",
            json!([]),
            "must have at least 1 items, has 0",
        ),
        (
            "/tags",
            "/tags",
            json!(["a", "b", "c", "d"]),
            "must have at most 3 items, has 4",
        ),
        (
            "/tags",
            "/tags",
            json!(["a", "b", "a"]),
            "items 0 and 2 are equal; items must be unique",
        ),
        (
            "/labels",
            "/labels",
            json!({}),
            "must have at least 1 properties, has 0",
        ),
        (
            "/labels",
            "/labels",
            json!({"a": "1", "b": "2", "c": "3"}),
            "must have at most 2 properties, has 3",
        ),
        (
            "/hosts/1",
            "/hosts/1",
            json!("db"),
            "must be at least 3 characters long, has 2",
        ),
        (
            "/hosts/0",
            "/hosts/0",
            json!("-bad-.com"),
            "must be a valid hostname",
        ),
        (
            "/stock/pear",
            "/stock/pear",
            json!(100),
            "must be at most 99, found 100",
        ),
        (
            "/stock/apple",
            "/stock/apple",
            json!(-1),
            "must be at least 0, found -1",
        ),
        (
            "/grants/1/carol",
            "/grants/1/carol",
            json!("x"),
            "must be one of \"r\", \"w\", found \"x\"",
        ),
        (
            "/choice",
            "/choice",
            json!("three"),
            r#"must be one of [1,"two",null,{"k":[3]}]"#,
        ),
    ];
    for (changed, pointer, bad, message) in cases {
        let doc = with(&collections(), changed, Some(bad));
        assert_eq!(fault::<Collections>(&doc), pair(pointer, message), "{doc}");
    }

    // The embedded schema's own pointer is appended to the field's.
    let doc = with(&collections(), "/nickname", Some(json!("ab")));
    let (pointer, message) = fault::<Collections>(&doc);
    assert_eq!(pointer, "/nickname");
    assert!(
        message.contains("anyOf") || message.contains("\"ab\""),
        "{message}"
    );
    let doc = with(&collections(), "/settings", Some(json!({"n": 4})));
    let (pointer, message) = fault::<Collections>(&doc);
    assert_eq!(pointer, "/settings/n");
    assert!(message.contains('5') && message.contains('4'), "{message}");
}

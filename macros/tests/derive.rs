//! `#[derive(Validate)]` and `#[derive(Route)]` on hand-written types, checked
//! through the runtime's entry points; and the derives' compile errors, with
//! trybuild.

use eventbind_runtime::serde_helpers::double_option;
use eventbind_runtime::{
    from_slice, from_value, ErrorKind, ParseError, Received, Route, Routing, UnknownEvent, Validate,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// Helpers

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// Parses `value` as `T`, which must succeed.
#[track_caller]
fn accepts<T: DeserializeOwned + Validate>(value: &Value) -> T {
    match from_slice::<T>(&bytes(value)) {
        Ok(typed) => typed,
        Err(error) => panic!("rejected a valid document: {error}\n{value:#}"),
    }
}

/// Every fault reported for `value` as `T`, as `(pointer, message)`; parsing
/// must fail with an invalid payload, and `from_value` must agree.
#[track_caller]
fn faults<T: DeserializeOwned + Validate + std::fmt::Debug>(
    value: &Value,
) -> Vec<(String, String)> {
    let error = match from_slice::<T>(&bytes(value)) {
        Ok(typed) => panic!("accepted an invalid document as {typed:?}\n{value:#}"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
    let from_value =
        from_value::<T>(value).expect_err("from_value accepted what from_slice did not");
    assert_eq!(from_value.errors(), error.errors());
    error
        .errors()
        .iter()
        .map(|e| (e.pointer.clone(), e.message.clone()))
        .collect()
}

/// The one fault reported for `value` as `T`.
#[track_caller]
fn fault<T: DeserializeOwned + Validate + std::fmt::Debug>(value: &Value) -> (String, String) {
    let mut all = faults::<T>(value);
    assert_eq!(all.len(), 1, "expected one fault, got {all:#?}");
    all.pop().unwrap()
}

/// `base` with the member at `pointer` replaced by `new` (or removed, for `None`).
fn with(base: &Value, pointer: &str, new: Option<Value>) -> Value {
    let mut value = base.clone();
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let parent = value
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match (parent, new) {
        (Value::Object(map), Some(new)) => {
            map.insert(last.replace("~1", "/").replace("~0", "~"), new);
        }
        (Value::Object(map), None) => {
            map.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        (Value::Array(items), Some(new)) => items[last.parse::<usize>().unwrap()] = new,
        (other, _) => panic!("cannot change {pointer} in {other}"),
    }
    value
}

fn pair(pointer: &str, message: &str) -> (String, String) {
    (pointer.to_string(), message.to_string())
}

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

// ---------------------------------------------------------------------------
// Optional fields, nesting, renames, flattening, newtypes, skipped fields

/// A tuple newtype with its own constraint.
#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct Sku(#[validate(pattern = "^SKU-[0-9]+$")] String);

#[derive(Debug, Deserialize, Serialize, Validate)]
struct LineItem {
    #[serde(rename = "name")]
    #[validate(min_length = 1, max_length = 20)]
    item_name: String,
    sku: Sku,
    #[validate(minimum = 1)]
    quantity: u32,
}

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Audit {
    #[serde(rename = "createdBy")]
    #[validate(min_length = 2)]
    created_by: String,
}

/// A type with no `Validate` impl, kept behind `skip`.
#[derive(Debug, Deserialize, Serialize)]
struct Opaque {
    anything: Value,
}

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Order {
    #[serde(rename = "orderId")]
    #[validate(format = "uuid")]
    order_id: String,
    #[validate(min_items = 1)]
    items: Vec<LineItem>,
    #[serde(rename(serialize = "out_skus", deserialize = "skus"))]
    #[validate(max_items = 2)]
    sku_list: Vec<Sku>,
    #[serde(default)]
    #[validate(max_length = 3)]
    note: Option<String>,
    #[serde(default)]
    #[validate(items(minimum = 0))]
    scores: Option<Vec<i32>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(min_length = 3)]
    alias: Option<Option<String>>,
    #[serde(default)]
    shipping: Option<Box<LineItem>>,
    #[validate(skip)]
    opaque: Opaque,
    #[validate(skip, min_length = 1)]
    reference: String,
    #[serde(flatten)]
    audit: Audit,
    #[serde(flatten)]
    #[validate(max_properties = 1, values(max_length = 4))]
    extra: BTreeMap<String, String>,
}

fn order() -> Value {
    json!({
        "orderId": "c86fcc87-a137-4c37-8d19-17edc7199fef",
        "items": [
            {"name": "Tea", "sku": "SKU-1", "quantity": 1},
            {"name": "Cup", "sku": "SKU-22", "quantity": 3},
        ],
        "skus": ["SKU-1"],
        "opaque": {"anything": [1, {"x": null}]},
        "reference": "r-1",
        "createdBy": "jo",
    })
}

#[test]
fn nested_optional_renamed_and_flattened_fields() {
    let typed = accepts::<Order>(&order());
    assert_eq!(typed.items[1].item_name, "Cup");
    assert_eq!(typed.items[1].sku, Sku("SKU-22".into()));
    assert_eq!(typed.alias, None);
    assert!(typed.extra.is_empty());

    // Absent and null optional fields are not checked; present ones are.
    let mut doc = order();
    doc["note"] = json!(null);
    doc["scores"] = json!(null);
    doc["alias"] = json!(null);
    doc["shipping"] = json!(null);
    let typed = accepts::<Order>(&doc);
    assert_eq!(typed.alias, Some(None));
    doc["note"] = json!("abc");
    doc["scores"] = json!([0, 7]);
    doc["alias"] = json!("abc");
    doc["shipping"] = json!({"name": "Post", "sku": "SKU-9", "quantity": 1});
    doc["tip"] = json!("1234");
    let typed = accepts::<Order>(&doc);
    assert_eq!(typed.alias, Some(Some("abc".into())));
    assert_eq!(typed.extra["tip"], "1234");

    // `skip` keeps the field's own constraints but does not call Validate on it.
    let (pointer, message) = fault::<Order>(&with(&order(), "/reference", Some(json!(""))));
    assert_eq!(
        (pointer.as_str(), message.as_str()),
        ("/reference", "must be at least 1 characters long, has 0")
    );

    let cases = [
        (
            "/items/1/name",
            json!(""),
            "/items/1/name",
            "must be at least 1 characters long, has 0",
        ),
        (
            "/items/0/name",
            json!("x".repeat(21)),
            "/items/0/name",
            "must be at most 20 characters long, has 21",
        ),
        (
            "/items/1/quantity",
            json!(0),
            "/items/1/quantity",
            "must be at least 1, found 0",
        ),
        (
            "/items/1/sku",
            json!("sku-2"),
            "/items/1/sku",
            "must match the pattern \"^SKU-[0-9]+$\"",
        ),
        (
            "/items",
            json!([]),
            "/items",
            "must have at least 1 items, has 0",
        ),
        (
            "/skus",
            json!(["SKU-1", "SKU-2", "SKU-3"]),
            "/skus",
            "must have at most 2 items, has 3",
        ),
        (
            "/skus",
            json!(["SKU-1", "SKU"]),
            "/skus/1",
            "must match the pattern \"^SKU-[0-9]+$\"",
        ),
        (
            "/note",
            json!("abcd"),
            "/note",
            "must be at most 3 characters long, has 4",
        ),
        (
            "/scores",
            json!([1, -1]),
            "/scores/1",
            "must be at least 0, found -1",
        ),
        (
            "/alias",
            json!("ab"),
            "/alias",
            "must be at least 3 characters long, has 2",
        ),
        (
            "/shipping",
            json!({"name": "", "sku": "SKU-1", "quantity": 1}),
            "/shipping/name",
            "must be at least 1 characters long, has 0",
        ),
        // Flattened members are located where they are in the document.
        (
            "/createdBy",
            json!("j"),
            "/createdBy",
            "must be at least 2 characters long, has 1",
        ),
        (
            "/tip",
            json!("12345"),
            "/tip",
            "must be at most 4 characters long, has 5",
        ),
    ];
    for (changed, bad, pointer, message) in cases {
        let doc = with(&order(), changed, Some(bad));
        assert_eq!(fault::<Order>(&doc), pair(pointer, message), "{doc}");
    }

    let mut doc = order();
    doc["tip"] = json!("1");
    doc["tap"] = json!("2");
    assert_eq!(
        fault::<Order>(&doc),
        pair("", "must have at most 1 properties, has 2")
    );

    // Several faults at once, deep and shallow, in document order.
    let mut doc = order();
    doc["orderId"] = json!("not-a-uuid");
    doc["items"][0]["name"] = json!("");
    doc["items"][1]["sku"] = json!("x");
    doc["items"][1]["quantity"] = json!(0);
    doc["createdBy"] = json!("");
    assert_eq!(
        faults::<Order>(&doc),
        vec![
            pair("/orderId", "must be a valid uuid"),
            pair("/items/0/name", "must be at least 1 characters long, has 0"),
            pair("/items/1/sku", "must match the pattern \"^SKU-[0-9]+$\""),
            pair("/items/1/quantity", "must be at least 1, found 0"),
            pair("/createdBy", "must be at least 2 characters long, has 0"),
        ]
    );

    // Serde's own faults are located by wire name as well.
    let doc = with(&order(), "/items/1/quantity", Some(json!("three")));
    let (pointer, _) = fault::<Order>(&doc);
    assert_eq!(pointer, "/items/1/quantity");
    let doc = with(&order(), "/items/1/name", None);
    let (pointer, message) = fault::<Order>(&doc);
    assert_eq!(pointer, "/items/1");
    assert_eq!(message, "missing field `name`");

    // Validate called directly on a value built in Rust.
    let item = LineItem {
        item_name: String::new(),
        sku: Sku("nope".into()),
        quantity: 0,
    };
    let errors = item.validate().unwrap_err();
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/name", "/sku", "/quantity"]);
    assert_eq!(Sku("SKU-7".into()).validate(), Ok(()));
    assert_eq!(Sku("7".into()).validate().unwrap_err()[0].pointer, "");
}

// ---------------------------------------------------------------------------
// Enums

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
#[serde(untagged)]
enum Contact {
    Email {
        #[validate(format = "email")]
        email: String,
        #[serde(rename = "displayName", default)]
        #[validate(max_length = 5)]
        display_name: Option<String>,
    },
    Phone(#[validate(pattern = "^\\+[0-9]{6,}$")] String),
    Many(#[validate(min_items = 2)] Vec<Contact>),
    Nothing,
}

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Person {
    contact: Contact,
}

#[test]
fn untagged_enum() {
    let person: Person = accepts(&json!({"contact": {"email": "a@b.co", "displayName": "Al"}}));
    assert!(matches!(person.contact, Contact::Email { .. }));
    let person: Person = accepts(&json!({"contact": "+4912345"}));
    assert_eq!(person.contact, Contact::Phone("+4912345".into()));
    let person: Person = accepts(&json!({"contact": null}));
    assert_eq!(person.contact, Contact::Nothing);
    accepts::<Person>(&json!({"contact": ["+4912345", {"email": "a@b.co"}]}));

    let cases = [
        (
            json!({"contact": {"email": "nope"}}),
            "/contact/email",
            "must be a valid email",
        ),
        (
            json!({"contact": {"email": "a@b.co", "displayName": "Alexander"}}),
            "/contact/displayName",
            "must be at most 5 characters long, has 9",
        ),
        (
            json!({"contact": "12"}),
            "/contact",
            "must match the pattern \"^\\\\+[0-9]{6,}$\"",
        ),
        (
            json!({"contact": ["+4912345"]}),
            "/contact",
            "must have at least 2 items, has 1",
        ),
        (
            json!({"contact": ["+4912345", {"email": "x"}]}),
            "/contact/1/email",
            "must be a valid email",
        ),
    ];
    for (doc, pointer, message) in cases {
        assert_eq!(fault::<Person>(&doc), pair(pointer, message), "{doc}");
    }
    // No variant fits: serde's error, at the enum.
    let (pointer, message) = fault::<Person>(&json!({"contact": 5}));
    assert_eq!(pointer, "/contact");
    assert!(message.contains("did not match any variant"), "{message}");
}

#[derive(Debug, Deserialize, Serialize, Validate)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Shape {
    Circle {
        #[validate(exclusive_minimum = 0)]
        radius: f64,
    },
    Square {
        #[serde(rename = "sideLength")]
        #[validate(minimum = 1)]
        side: u32,
    },
    Point,
}

#[test]
fn internally_tagged_enum() {
    accepts::<Shape>(&json!({"kind": "circle", "radius": 1.5}));
    accepts::<Shape>(&json!({"kind": "point"}));
    assert_eq!(
        fault::<Shape>(&json!({"kind": "circle", "radius": 0})),
        pair("/radius", "must be greater than 0, found 0")
    );
    assert_eq!(
        fault::<Shape>(&json!({"kind": "square", "sideLength": 0})),
        pair("/sideLength", "must be at least 1, found 0")
    );
}

// ---------------------------------------------------------------------------
// Routing: by a field

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct Meta {
    kind: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct Created {
    meta: Meta,
    #[validate(minimum = 1)]
    id: u64,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct CancelledByUser {
    meta: Meta,
    #[validate(min_length = 1)]
    user_id: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct CancelledBySystem {
    meta: Meta,
    #[validate(enum_values("timeout", "fraud"))]
    reason: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct Shipped {
    meta: Meta,
    carrier: String,
}

#[derive(Debug, Route, PartialEq)]
#[route(field = "/meta/kind")]
enum OrderEvent {
    #[route(message = "OrderCreated", key = "order.created", key = "order.new")]
    Created(Created),
    #[route(message = "OrderCancelledByUser", key = "order.cancelled")]
    CancelledByUser(CancelledByUser),
    #[route(message = "OrderCancelledBySystem", key = "order.cancelled")]
    CancelledBySystem(CancelledBySystem),
    /// No attribute: the variant name is the message name and its key.
    Shipped(Shipped),
    #[route(unknown)]
    Other(UnknownEvent),
}

#[test]
fn route_by_field() {
    assert_eq!(OrderEvent::ROUTING, Routing::Field("/meta/kind"));
    let names: Vec<_> = OrderEvent::MESSAGES
        .iter()
        .map(|m| (m.name, m.keys))
        .collect();
    assert_eq!(
        names,
        [
            ("OrderCreated", &["order.created", "order.new"][..]),
            ("OrderCancelledByUser", &["order.cancelled"][..]),
            ("OrderCancelledBySystem", &["order.cancelled"][..]),
            ("Shipped", &["Shipped"][..]),
        ]
    );

    for kind in ["order.created", "order.new"] {
        let event = OrderEvent::parse(&bytes(&json!({"meta": {"kind": kind}, "id": 7}))).unwrap();
        assert_eq!(
            event,
            OrderEvent::Created(Created {
                meta: Meta { kind: kind.into() },
                id: 7
            })
        );
        assert_eq!(event.message_name(), Some("OrderCreated"));
    }
    let event = OrderEvent::parse(&bytes(
        &json!({"carrier": "DHL", "meta": {"kind": "Shipped"}}),
    ))
    .unwrap();
    assert_eq!(event.message_name(), Some("Shipped"));
    assert!(matches!(event, OrderEvent::Shipped(_)));

    // A known key whose payload is invalid: the message's error, located.
    let error =
        OrderEvent::parse(&bytes(&json!({"meta": {"kind": "order.new"}, "id": 0}))).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.message(), Some("OrderCreated"));
    assert_eq!(error.key(), Some("order.new"));
    assert_eq!(error.pointer(), "/id");
    assert_eq!(error.errors()[0].message, "must be at least 1, found 0");

    // No string where the key should be.
    for doc in [
        json!({"meta": {}}),
        json!({"meta": {"kind": 5}}),
        json!([1]),
        json!("x"),
    ] {
        let error = OrderEvent::parse(&bytes(&doc)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnknownEvent, "{doc}");
        assert_eq!(error.pointer(), "/meta/kind", "{doc}");
    }

    // Malformed JSON, even when the key could be read before the fault.
    for raw in [
        &br#"{"meta": {"kind": "order.new"}, "id": 7"#[..],
        b"{\"meta\":}",
        b"",
        b"{} {}",
    ] {
        let error = OrderEvent::parse(raw).unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::MalformedJson,
            "{}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn route_unknown_keeps_the_bytes() {
    let raw = br#"{"id":1e2 , "meta" : {"kind":"order.\u0072efunded", "why": [null,true]},"x":"\ud83d\ude00"}"#;
    let event = OrderEvent::parse(raw).unwrap();
    assert_eq!(event.message_name(), None);
    let OrderEvent::Other(unknown) = &event else {
        panic!("expected the unknown variant, got {event:?}");
    };
    assert_eq!(unknown.raw().as_bytes(), &raw[..]);
    assert_eq!(unknown.key(), Some("order.refunded"));
    assert_eq!(serde_json::to_string(unknown).unwrap().as_bytes(), &raw[..]);

    let unknown = event.into_unknown().unwrap();
    let again = OrderEvent::from_unknown(unknown.clone());
    assert_eq!(again, OrderEvent::Other(unknown));
    let typed =
        OrderEvent::parse(&bytes(&json!({"meta": {"kind": "order.new"}, "id": 7}))).unwrap();
    assert!(typed.into_unknown().is_err());

    // Received keeps the exact body beside each outcome.
    use eventbind_runtime::route::Outcome;
    let received = Received::<OrderEvent>::parse(raw.to_vec());
    assert_eq!(&received.raw()[..], &raw[..]);
    assert!(matches!(received.outcome(), Outcome::Unknown(u) if u.raw().as_bytes() == raw));
    let body = bytes(&json!({"meta": {"kind": "order.new"}, "id": 7}));
    let received = Received::<OrderEvent>::parse(body.clone());
    assert!(matches!(
        received.outcome(),
        Outcome::Typed(OrderEvent::Created(_))
    ));
    assert_eq!(&received.raw()[..], &body[..]);
    let received = Received::<OrderEvent>::parse(&b"{oops"[..]);
    assert!(
        matches!(received.outcome(), Outcome::Invalid(e) if e.kind() == ErrorKind::MalformedJson)
    );
}

#[test]
fn route_shared_key_is_settled_by_validation() {
    let cancelled = |extra: Value| {
        let mut doc = json!({"meta": {"kind": "order.cancelled"}});
        doc.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        OrderEvent::parse(&bytes(&doc))
    };
    // Only one candidate deserializes.
    let event = cancelled(json!({"user_id": "u1"})).unwrap();
    assert!(matches!(event, OrderEvent::CancelledByUser(_)));
    assert_eq!(event.message_name(), Some("OrderCancelledByUser"));
    let event = cancelled(json!({"reason": "timeout"})).unwrap();
    assert_eq!(event.message_name(), Some("OrderCancelledBySystem"));

    // Both deserialize; validation rules one out.
    let event = cancelled(json!({"user_id": "u1", "reason": "because"})).unwrap();
    assert!(matches!(event, OrderEvent::CancelledByUser(_)));
    let event = cancelled(json!({"user_id": "", "reason": "fraud"})).unwrap();
    assert!(matches!(event, OrderEvent::CancelledBySystem(_)));

    // Both accept: ambiguous, an error rather than the first.
    let error: ParseError = cancelled(json!({"user_id": "u1", "reason": "fraud"})).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.key(), Some("order.cancelled"));
    assert_eq!(
        error.errors()[0].message,
        "payload matches more than one message (OrderCancelledByUser, OrderCancelledBySystem)"
    );

    // Neither accepts: the first candidate's error.
    let error = cancelled(json!({"user_id": "", "reason": "boredom"})).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.message(), Some("OrderCancelledByUser"));
    assert_eq!(error.pointer(), "/user_id");
}

// ---------------------------------------------------------------------------
// Routing: by which member is present

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct CertificateBody {
    #[validate(minimum = 1)]
    id: u64,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct CertificateEnvelope {
    certificate: CertificateBody,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct CustomerEnvelope {
    #[serde(alias = "client")]
    #[validate(min_properties = 1)]
    customer: BTreeMap<String, Value>,
}

#[derive(Debug, Route, PartialEq)]
#[route(presence)]
enum CertEvent {
    #[route(message = "CertificateChanged", key = "certificate")]
    Certificate(CertificateEnvelope),
    #[route(message = "CustomerChanged", key = "customer", key = "client")]
    Customer(CustomerEnvelope),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

#[test]
fn route_by_presence() {
    assert_eq!(CertEvent::ROUTING, Routing::Presence);
    let event = CertEvent::parse(br#"{"certificate": {"id": 3}, "other": 1}"#).unwrap();
    assert_eq!(
        event,
        CertEvent::Certificate(CertificateEnvelope {
            certificate: CertificateBody { id: 3 }
        })
    );
    assert_eq!(event.message_name(), Some("CertificateChanged"));
    for key in ["customer", "client"] {
        let event = CertEvent::parse(&bytes(&json!({key: {"id": 1}}))).unwrap();
        assert_eq!(event.message_name(), Some("CustomerChanged"), "{key}");
    }

    // Present, but invalid: the message's error at the member.
    let error = CertEvent::parse(br#"{"certificate": {"id": 0}}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.message(), Some("CertificateChanged"));
    assert_eq!(error.key(), Some("certificate"));
    assert_eq!(error.pointer(), "/certificate/id");
    let error = CertEvent::parse(br#"{"customer": {}}"#).unwrap_err();
    assert_eq!(error.pointer(), "/customer");
    assert_eq!(error.message(), Some("CustomerChanged"));

    // Two keys present: an error, never a guess.
    let error =
        CertEvent::parse(br#"{"customer": {"id": 1}, "certificate": {"id": 1}}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.pointer(), "/customer");
    assert!(error.errors()[0].message.contains("exactly one"), "{error}");
    let error = CertEvent::parse(br#"{"customer": {"id": 1}, "client": {"id": 1}}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);

    // None present: no message can be chosen.
    for raw in [&br#"{"certificates": {}}"#[..], b"{}", b"[]", b"null"] {
        let error = CertEvent::parse(raw).unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::UnknownEvent,
            "{}",
            String::from_utf8_lossy(raw)
        );
        assert!(
            error.errors()[0].message.contains("`certificate`"),
            "{error}"
        );
    }
    // A nested key does not count.
    let error = CertEvent::parse(br#"{"data": {"certificate": {"id": 1}}}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnknownEvent);

    let error = CertEvent::parse(br#"{"certificate": {"id": 1}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedJson);
}

// ---------------------------------------------------------------------------
// Routing: by a name given from outside the body

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct TimesheetSubmitted {
    #[validate(min_items = 1)]
    entries: Vec<u32>,
}

#[derive(Debug, Deserialize, Serialize, Validate, PartialEq)]
struct InvoicePaid {
    #[validate(exclusive_minimum = 0)]
    amount: f64,
}

#[derive(Debug, Route, PartialEq)]
#[route(name)]
enum Hook {
    #[route(message = "TimesheetSubmitted", key = "timesheet.submitted")]
    Timesheet(TimesheetSubmitted),
    #[route(key = "invoice.paid", key = "invoice.settled")]
    InvoicePaid(InvoicePaid),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

#[test]
fn route_by_name() {
    assert_eq!(Hook::ROUTING, Routing::Name);
    let event = Hook::parse_named("timesheet.submitted", br#"{"entries": [1, 2]}"#).unwrap();
    assert_eq!(
        event,
        Hook::Timesheet(TimesheetSubmitted {
            entries: vec![1, 2]
        })
    );
    assert_eq!(event.message_name(), Some("TimesheetSubmitted"));
    for name in ["invoice.paid", "invoice.settled"] {
        let event = Hook::parse_named(name, br#"{"amount": 5}"#).unwrap();
        assert_eq!(event.message_name(), Some("InvoicePaid"));
    }

    // The body does not name the event; the given name does.
    let error = Hook::parse_named("invoice.paid", br#"{"entries": [1]}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.message(), Some("InvoicePaid"));
    let error = Hook::parse_named("timesheet.submitted", br#"{"entries": []}"#).unwrap_err();
    assert_eq!(error.pointer(), "/entries");
    assert_eq!(
        error.errors()[0].message,
        "must have at least 1 items, has 0"
    );

    // An unknown name keeps the body whole.
    let raw = br#"[ 1, {"b" :2} ]"#;
    let event = Hook::parse_named("project.archived", raw).unwrap();
    assert_eq!(event.message_name(), None);
    match &event {
        Hook::Unknown(unknown) => {
            assert_eq!(unknown.raw().as_bytes(), &raw[..]);
            assert_eq!(unknown.key(), Some("project.archived"));
        }
        other => panic!("expected the unknown variant, got {other:?}"),
    }
    // ... but must still be one JSON document.
    let error = Hook::parse_named("project.archived", b"[1,").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedJson);

    // Without a name nothing can be chosen.
    let error = <Hook as Route>::route(None, br#"{"amount": 5}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnknownEvent);
    let received = Received::<Hook>::parse_named("invoice.paid", &br#"{"amount": 5}"#[..]);
    assert!(matches!(
        received.outcome(),
        eventbind_runtime::route::Outcome::Typed(Hook::InvoicePaid(_))
    ));
}

// ---------------------------------------------------------------------------
// Known bugs, kept as runnable repros (run with `--ignored`); each assertion
// states the correct behaviour.

#[derive(Debug, Deserialize, Serialize, Validate)]
#[serde(rename_all = "camelCase")]
struct CamelCase {
    #[validate(min_length = 3)]
    first_name: String,
}

#[test]
fn rename_all_names_fields_on_the_wire() {
    // Reported at `/first_name`, which is not in the document.
    assert_eq!(
        fault::<CamelCase>(&json!({"firstName": "Al"})),
        pair("/firstName", "must be at least 3 characters long, has 2")
    );
}

#[derive(Debug, Deserialize, Serialize, Validate)]
enum ExternallyTagged {
    Email {
        #[validate(format = "email")]
        email: String,
    },
    Phone(#[validate(min_length = 3)] String),
}

#[test]
fn tagged_enum_pointers_include_the_variant() {
    // Reported at `/email` and `` (the variant's member is left out).
    assert_eq!(
        fault::<ExternallyTagged>(&json!({"Email": {"email": "x"}})),
        pair("/Email/email", "must be a valid email")
    );
    assert_eq!(
        fault::<ExternallyTagged>(&json!({"Phone": "1"})),
        pair("/Phone", "must be at least 3 characters long, has 1")
    );
}

#[derive(Debug, Deserialize, Serialize, Validate)]
struct WithSkipped {
    id: u32,
    #[serde(skip)]
    #[validate(min_length = 1)]
    #[allow(dead_code)] // present to show it is not validated
    cache: String,
}

#[test]
fn serde_skip_fields_are_not_validated() {
    // Rejected with `/cache: must be at least 1 characters long`.
    accepts::<WithSkipped>(&json!({"id": 1}));
}

#[derive(Debug, Deserialize, Serialize, Validate)]
struct SlashKey {
    #[serde(rename = "a/b")]
    a: u8,
}

#[derive(Debug, Deserialize, Serialize, Validate)]
struct TildeKey {
    #[serde(rename = "c~d")]
    c: u8,
}

#[derive(Debug, Route)]
#[route(presence)]
#[allow(dead_code)]
enum OddKeys {
    #[route(key = "a/b")]
    Slash(SlashKey),
    #[route(key = "c~d")]
    Tilde(TildeKey),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

#[test]
fn presence_conflict_pointer_is_escaped() {
    let error = OddKeys::parse(br#"{"a/b": 1, "c~d": 2}"#).unwrap_err();
    // Reported as `/c~d`, which is not a valid JSON Pointer.
    assert_eq!(error.pointer(), "/c~0d");
}

#[test]
fn a_non_positive_divisor_is_a_fault_not_a_panic() {
    // The derive rejects a literal 0 at compile time (tests/ui/fail/multiple_of_zero.rs);
    // a divisor computed at run time is reported instead of dividing by zero.
    let zero = 0.0;
    let mut errors = eventbind_runtime::Errors::new();
    eventbind_runtime::check::multiple_of(4i64, zero, &eventbind_runtime::Path::Root, &mut errors);
    eventbind_runtime::check::multiple_of(
        i64::MIN,
        -1.0,
        &eventbind_runtime::Path::Root,
        &mut errors,
    );
    assert_eq!(errors.len(), 2);
}

// ---------------------------------------------------------------------------
// Compile errors and expansions that must build

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

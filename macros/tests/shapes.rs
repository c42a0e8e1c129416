//! `#[derive(Validate)]` on hand-written types of every shape: optional and
//! nested members, renames, flattening, newtypes, skipped members, enums; and
//! where each fault is located.

mod support;

use eventbind_runtime::__private::serde_helpers::double_option;
use eventbind_runtime::Validate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use support::{accepts, fault, faults, pair, with};

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
// Regressions: each was once wrong (the comment says how); the assertion is
// the behaviour that holds now.

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

#[test]
fn a_non_positive_divisor_is_a_fault_not_a_panic() {
    // The derive rejects a literal 0 at compile time (tests/ui/fail/multiple_of_zero.rs);
    // a divisor computed at run time is reported instead of dividing by zero.
    let zero = 0.0;
    let mut errors = eventbind_runtime::Errors::new();
    eventbind_runtime::__private::check::multiple_of(
        4i64,
        zero,
        &eventbind_runtime::Path::Root,
        &mut errors,
    );
    eventbind_runtime::__private::check::multiple_of(
        i64::MIN,
        -1.0,
        &eventbind_runtime::Path::Root,
        &mut errors,
    );
    assert_eq!(errors.len(), 2);
}

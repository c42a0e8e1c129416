//! Every constraint of the grammar, on the field types it applies to, with
//! `Option<..>` and `Option<Option<..>>` wrappers, in structs and enums.

use eventbind_runtime::__private::serde_helpers::double_option;
use eventbind_runtime::Validate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize, Serialize, Validate)]
struct Everything {
    #[validate(min_length = 1, max_length = 10, pattern = "^[a-z]+$")]
    text: String,
    #[validate(format = "date-time")]
    f1: String,
    #[validate(format = "date")]
    f2: String,
    #[validate(format = "time")]
    f3: Option<String>,
    #[validate(format = "email")]
    f4: String,
    #[validate(format = "hostname")]
    f5: String,
    #[validate(format = "ipv4")]
    f6: String,
    #[validate(format = "ipv6")]
    f7: String,
    #[validate(format = "uri")]
    f8: String,
    #[validate(format = "uri-reference")]
    f9: String,
    #[validate(format = "uuid")]
    f10: String,
    #[validate(format = "json-pointer")]
    f11: String,
    #[validate(format = "regex")]
    f12: String,
    #[validate(enum_values("a", "b"))]
    choice: Option<String>,
    #[validate(minimum = 0, maximum = 10.5, multiple_of = 0.5)]
    float: f64,
    #[validate(exclusive_minimum = -1, exclusive_maximum = 1000)]
    int: Option<i32>,
    #[validate(minimum = 1)]
    unsigned: u64,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(maximum = 3)]
    nullable: Option<Option<u8>>,
    #[validate(min_items = 1, max_items = 4, unique_items, items(minimum = 0))]
    list: Vec<i64>,
    #[validate(min_properties = 1, max_properties = 3, values(min_length = 1))]
    map: BTreeMap<String, String>,
    #[validate(values(items(format = "uuid")))]
    hash: HashMap<String, Vec<String>>,
    #[validate(json_enum = "[1, \"x\", null]")]
    any: serde_json::Value,
    #[validate(schema = "{\"type\": \"integer\"}")]
    embedded: serde_json::Value,
    #[validate(skip)]
    ip: std::net::IpAddr,
    nested: Option<Box<Everything>>,
}

#[derive(Deserialize, Serialize, Validate)]
#[serde(untagged)]
enum Mixed {
    Named {
        #[validate(min_length = 2)]
        name: String,
    },
    Tuple(
        #[validate(minimum = 1)] i64,
        #[validate(max_length = 1)] String,
    ),
    Unit,
}

/// Constraints on the container are checked on the value itself.
#[derive(Deserialize, Serialize, Validate)]
#[validate(json_enum = "[[1, 2], [3]]")]
struct Pairs(Vec<u8>);

fn main() {
    let mixed: Mixed = serde_json::from_str("[0, \"ab\"]").unwrap();
    let errors = mixed.validate().unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].message, "must be at least 1, found 0");
    assert!(Pairs(vec![3]).validate().is_ok());
    assert!(Pairs(vec![4]).validate().is_err());
    assert!(Mixed::Unit.validate().is_ok());
}

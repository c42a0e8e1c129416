//! `#[derive(OneOf)]` and `#[derive(AnyOf)]`: a branch matches when it reads
//! *and* validates, unlike serde's `untagged`, which takes the first that reads.

use eventbind_runtime::{from_slice, AnyOf, OneOf, Validate};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize, Validate)]
struct Small {
    #[validate(maximum = 9)]
    n: i64,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, Validate)]
struct Even {
    #[validate(multiple_of = 2)]
    n: i64,
}

#[derive(Debug, PartialEq, Serialize, OneOf, Validate)]
#[serde(untagged)]
enum Exactly {
    Small(Small),
    Even(Even),
}

#[derive(Debug, PartialEq, Serialize, AnyOf, Validate)]
#[serde(untagged)]
enum First {
    Small(Small),
    Even(Even),
    Text(#[validate(min_length = 2)] String),
    #[serde(deserialize_with = "eventbind_runtime::__private::wire::read")]
    Count(i64),
}

#[test]
fn one_of_takes_the_only_branch_that_holds() {
    assert_eq!(
        from_slice::<Exactly>(br#"{"n": 3}"#).unwrap(),
        Exactly::Small(Small { n: 3 })
    );
    // Small reads but fails its maximum; Even holds: serde's untagged would fail here.
    assert_eq!(
        from_slice::<Exactly>(br#"{"n": 12}"#).unwrap(),
        Exactly::Even(Even { n: 12 })
    );
    let both = from_slice::<Exactly>(br#"{"n": 4}"#).unwrap_err();
    assert!(both.to_string().contains("both Small and Even"), "{both}");
    let neither = from_slice::<Exactly>(br#"{"n": 13}"#).unwrap_err();
    assert!(neither.to_string().contains("matches none"), "{neither}");
    assert!(neither.to_string().contains("/n"), "{neither}");
}

#[test]
fn any_of_takes_the_first_branch_that_holds() {
    assert_eq!(
        from_slice::<First>(br#"{"n": 4}"#).unwrap(),
        First::Small(Small { n: 4 })
    );
    assert_eq!(
        from_slice::<First>(br#"{"n": 12}"#).unwrap(),
        First::Even(Even { n: 12 })
    );
    assert_eq!(
        from_slice::<First>(br#""ab""#).unwrap(),
        First::Text("ab".into())
    );
    // A constraint on the variant's value counts, and the wire reader is used.
    assert!(from_slice::<First>(br#""a""#).is_err());
    assert_eq!(from_slice::<First>(b"3.0").unwrap(), First::Count(3));
}

#[test]
fn the_fault_is_at_the_union() {
    #[derive(Debug, Serialize, Deserialize, Validate)]
    struct Holder {
        value: Exactly,
    }
    let error = from_slice::<Holder>(br#"{"value": {"n": 13}}"#).unwrap_err();
    assert_eq!(error.pointer(), "/value");
}

/// A recursive union whose branches overlap: a list of trees, or a list of
/// at least two trees. Read naively, `[[[[...]]]]` costs 2^depth.
#[derive(Debug, PartialEq, Serialize, OneOf, Validate)]
#[serde(untagged)]
enum Tree {
    Leaf(i64),
    Pair(#[validate(min_items = 2)] Vec<Tree>),
    Any(Vec<Tree>),
}

#[test]
fn a_deeply_nested_overlapping_union_is_refused_not_hung() {
    let shallow = from_slice::<Tree>(b"[[1], 2]").unwrap_err();
    assert!(shallow.to_string().contains("both"), "{shallow}");
    let depth = 60;
    let body = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let error = from_slice::<Tree>(body.as_bytes()).unwrap_err();
    assert!(
        error.to_string().contains("too many union branches"),
        "{error}"
    );
    // The budget is per read: the next value reads normally.
    assert_eq!(from_slice::<Tree>(b"7").unwrap(), Tree::Leaf(7));
}

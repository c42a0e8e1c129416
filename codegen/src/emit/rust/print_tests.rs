//! The printer against prettyplease: every shape, at every length around the
//! margin, laid out here and by prettyplease from the same source.

use super::*;
use crate::emit::rust::code::{Member, Variant};

fn word(text: &str) -> Arg {
    Arg::Word(text.to_string())
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

/// The printer's layout, whether its own or prettyplease's (for a shape it has none for).
fn printed(item: &Item) -> (String, bool) {
    let mut out = String::new();
    let own = lay_out(&mut out, item).is_some();
    if !own {
        out = prettyplease_item(&flat_source(item)).unwrap();
    }
    (out, own)
}

fn assert_same(item: &Item) -> bool {
    let expected = prettyplease_item(&flat_source(item)).unwrap();
    let (actual, own) = printed(item);
    assert_eq!(actual, expected, "source:\n{}", flat_source(item));
    own
}

fn attr_cases(n: usize) -> Vec<Attr> {
    vec![
        Attr::meta("serde", [format!("rename = {}", lit_str(&long(n)))]),
        Attr::meta(
            "serde",
            [
                "default".to_string(),
                format!("deserialize_with = {}", lit_str(&long(n))),
                "skip_serializing_if = \"Option::is_none\"".to_string(),
            ],
        ),
        Attr::Meta(Meta {
            path: "validate".into(),
            args: vec![
                Arg::List(Meta::new(
                    "items",
                    [
                        "min_length = 1".to_string(),
                        format!("pattern = {}", lit_str(&long(n))),
                    ],
                )),
                word("unique_items"),
            ],
        }),
        Attr::Meta(Meta {
            path: "cfg_attr".into(),
            args: vec![
                word("feature = \"schemars\""),
                Arg::List(Meta::new(
                    "schemars",
                    [format!("schema_with = {}", lit_str(&long(n)))],
                )),
            ],
        }),
    ]
}

fn member(n: usize, ty: &str, attrs: Vec<Attr>) -> Member {
    Member {
        docs: vec!["A member.".into(), String::new(), "More.  ".into()],
        attrs,
        name: format!("m{}", long(n % 7)),
        wire: "m".into(),
        ty: ty.to_string(),
    }
}

#[test]
fn attributes_and_members_break_where_prettyplease_breaks_them() {
    let mut own = 0;
    for n in 30..110 {
        let ty_path = format!("X{}", long(n));
        let ty_generic = format!("Option<Vec<X{}>>", long(n.saturating_sub(20)));
        let ty_map = format!(
            "std::collections::BTreeMap<String, Option<Vec<X{}>>>",
            long(n.saturating_sub(40))
        );
        let item = Item {
            docs: vec![format!("Docs {}", long(n)), String::new()],
            attrs: attr_cases(n),
            body: Body::Struct {
                name: "S".into(),
                members: vec![
                    member(n, &ty_path, attr_cases(n)),
                    member(n, "std::collections::BTreeMap<String, i64>", vec![]),
                ],
            },
        };
        own += usize::from(assert_same(&item));
        let generic = Item {
            docs: vec![],
            attrs: vec![],
            body: Body::Struct {
                name: "G".into(),
                members: vec![member(n, &ty_generic, vec![]), member(n, &ty_map, vec![])],
            },
        };
        own += usize::from(assert_same(&generic));
        let alias = Item {
            docs: vec![],
            attrs: vec![],
            body: Body::Alias {
                name: "A".into(),
                ty: ty_generic.clone(),
            },
        };
        own += usize::from(assert_same(&alias));
    }
    // Every length is laid out here, not handed to prettyplease.
    assert_eq!(own, 3 * 80);
}

#[test]
fn tuple_fields_break_where_prettyplease_breaks_them() {
    for n in 1..100 {
        let payload = |attrs: Vec<Attr>, ty: String| Payload { attrs, ty };
        let wire = Attr::meta(
            "serde",
            ["deserialize_with = \"eventbind_runtime::__private::wire::read\""],
        );
        let newtype = Item {
            docs: vec![],
            attrs: vec![Attr::meta("serde", ["transparent"])],
            body: Body::Newtype {
                name: format!("N{}", long(n)),
                inner: payload(vec![wire], "i64".into()),
            },
        };
        assert_same(&newtype);
        let variants = vec![
            Variant {
                docs: vec!["Unit.".into()],
                attrs: vec![Attr::meta(
                    "serde",
                    [format!("rename = {}", lit_str(&long(n)))],
                )],
                name: "U".into(),
                payload: None,
            },
            Variant {
                docs: vec![],
                attrs: vec![],
                name: format!("V{}", long(n)),
                payload: Some(payload(vec![], format!("T{}", long(n / 2)))),
            },
            Variant {
                docs: vec![],
                attrs: vec![Attr::meta(
                    "route",
                    [
                        format!("message = {}", lit_str(&long(n))),
                        "declares_key".to_string(),
                    ],
                )],
                name: "W".into(),
                payload: Some(payload(
                    attr_cases(n / 2).into_iter().take(2).collect(),
                    "String".into(),
                )),
            },
            Variant {
                docs: vec![],
                attrs: vec![],
                name: "G".into(),
                payload: Some(payload(vec![], format!("Option<T{}>", long(n)))),
            },
        ];
        let item = Item {
            docs: vec!["An enum.".into()],
            attrs: vec![Attr::meta("derive", ["Debug", "Clone"])],
            body: Body::Enum {
                name: "E".into(),
                variants,
            },
        };
        assert_same(&item);
    }
}

#[test]
fn empty_bodies_are_laid_out_as_prettyplease_lays_them_out() {
    for body in [
        Body::Struct {
            name: "S".into(),
            members: vec![],
        },
        Body::Enum {
            name: "E".into(),
            variants: vec![],
        },
    ] {
        assert!(assert_same(&Item {
            docs: vec![],
            attrs: vec![],
            body
        }));
    }
}

//! `#[derive(Route)]` with each routing rule gives the `Route` impl and the
//! matching entry point (`parse`, or `parse_named` for `#[route(name)]`).

use eventbind_runtime::{ParseError, Route, Routing, UnknownEvent, Validate};
use serde::Deserialize;

#[derive(Debug, Deserialize, Validate)]
struct A {
    a: u8,
}

#[derive(Debug, Deserialize, Validate)]
struct B {
    b: u8,
}

#[derive(Debug, Route)]
#[route(field = "/type")]
enum ByField {
    #[route(message = "A", key = "a")]
    A(A),
    B(B),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

#[derive(Debug, Route)]
#[route(presence)]
enum ByPresence {
    #[route(key = "a")]
    A(A),
    #[route(key = "b")]
    B(B),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

#[derive(Debug, Route)]
#[route(name)]
enum ByName {
    /// Documented variants keep their docs.
    #[route(message = "A")]
    #[route(key = "a.created", key = "a.new")]
    A(A),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

fn main() {
    let _: fn(&[u8]) -> Result<ByField, ParseError> = ByField::parse;
    let _: fn(&[u8]) -> Result<ByPresence, ParseError> = ByPresence::parse;
    let _: fn(&str, &[u8]) -> Result<ByName, ParseError> = ByName::parse_named;
    assert_eq!(ByField::ROUTING, Routing::Field("/type"));
    assert_eq!(ByField::MESSAGES[1].name, "B");
    assert_eq!(ByField::MESSAGES[1].keys, ["B"]);
    assert_eq!(ByPresence::ROUTING, Routing::Presence);
    assert_eq!(ByName::MESSAGES[0].keys, ["a.created", "a.new"]);

    assert!(matches!(
        ByField::parse(br#"{"type": "a", "a": 1}"#),
        Ok(ByField::A(A { a: 1 }))
    ));
    assert!(matches!(
        ByPresence::parse(br#"{"b": 2}"#),
        Ok(ByPresence::B(B { b: 2 }))
    ));
    assert!(matches!(
        ByName::parse_named("a.new", br#"{"a": 3}"#),
        Ok(ByName::A(A { a: 3 }))
    ));
    assert!(matches!(
        ByName::parse_named("z", b"{}"),
        Ok(ByName::Unknown(_))
    ));
}

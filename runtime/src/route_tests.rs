//! Tests of routing (`route.rs`), in a file of their own to keep that one short.

use super::*;
use serde_json::Value;

/// Two messages sharing key `x`: `A` accepts a document whose member `a`
/// is a number, `B` one whose `b` is; each requires its member.
#[derive(Debug, PartialEq)]
enum Shared {
    A(Value),
    B(Value),
    Unknown(UnknownEvent),
}

thread_local! {
    /// The messages `parse_message` or `try_message` was asked for, in order.
    static TRIED: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Shared {
    fn read(index: usize, bytes: &[u8]) -> Result<Self, ParseError> {
        let value: Value = crate::parse::from_slice(bytes)?;
        let member = ["a", "b"][index];
        match value.get(member) {
            Some(n) if !n.is_number() => Err(ParseError::single(
                ErrorKind::InvalidPayload,
                format!("/{member}"),
                "not a number",
            )),
            Some(_) if index == 0 => Ok(Shared::A(value)),
            Some(_) => Ok(Shared::B(value)),
            None => Err(ParseError::single(
                ErrorKind::InvalidPayload,
                "",
                format!("no member {member}"),
            )),
        }
    }
}

impl Route for Shared {
    const ROUTING: Routing = Routing::Field("/k");
    const MESSAGES: &'static [MessageInfo] = &[
        MessageInfo {
            name: "A",
            keys: &["x"],
            requires: Some("/a"),
            declares_key: false,
        },
        MessageInfo {
            name: "B",
            keys: &["x", "y"],
            requires: Some("/b"),
            declares_key: false,
        },
    ];

    fn parse_message(index: usize, bytes: &[u8]) -> Result<Self, ParseError> {
        TRIED.with(|tried| tried.borrow_mut().push(index));
        Self::read(index, bytes)
    }

    fn try_message(index: usize, bytes: &[u8]) -> Option<Self> {
        TRIED.with(|tried| tried.borrow_mut().push(index));
        Self::read(index, bytes).ok()
    }

    fn from_unknown(event: UnknownEvent) -> Self {
        Shared::Unknown(event)
    }

    fn into_unknown(self) -> Result<UnknownEvent, Self> {
        match self {
            Shared::Unknown(event) => Ok(event),
            other => Err(other),
        }
    }

    fn message_name(&self) -> Option<&'static str> {
        match self {
            Shared::A(_) => Some("A"),
            Shared::B(_) => Some("B"),
            Shared::Unknown(_) => None,
        }
    }
}

#[test]
fn the_error_with_fewest_faults_is_chosen_and_the_first_of_equals() {
    let error = |name: &'static str, faults: usize| {
        let list = (0..faults)
            .map(|i| crate::error::PointerError::new(format!("/{i}"), "bad"))
            .collect();
        ParseError::new(ErrorKind::InvalidPayload, list).with_message(name)
    };
    let chosen = |errors: Vec<ParseError>| fewest_faults(errors.into_iter()).unwrap().message();
    assert_eq!(chosen(vec![error("a", 3), error("b", 2)]), Some("b"));
    assert_eq!(chosen(vec![error("a", 2), error("b", 2)]), Some("a"));
    assert_eq!(
        chosen(vec![error("a", 2), error("b", 1), error("c", 1)]),
        Some("b")
    );
    assert_eq!(fewest_faults(std::iter::empty()), None);
}

#[test]
fn quick_and_checked_routing_agree_on_shared_keys() {
    let docs: [&[u8]; 11] = [
        br#"{"k":"x","a":1}"#,
        br#"{"k":"x","b":1}"#,
        br#"{"k":"x","a":1,"b":2}"#,
        br#"{"k":"x"}"#,
        br#"{"k":"x","a":"1"}"#,
        br#"{"k":"y","a":"1"}"#,
        br#"{"k":"x","a":"1","b":"2"}"#,
        br#"{"k":"y","a":1}"#,
        br#"{"k":"z","a":1}"#,
        br#"{"k":"x","a":1"#,
        br#"{"kk":"x","a":1}"#,
    ];
    for doc in docs {
        assert_eq!(
            route::<Shared>(None, doc),
            checked_route::<Shared>(None, doc),
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
    // Each is tried only with the member it requires.
    let tried = |doc: &[u8]| {
        TRIED.with(|tried| tried.borrow_mut().clear());
        let _ = route::<Shared>(None, doc);
        TRIED.with(|tried| tried.borrow().clone())
    };
    assert_eq!(tried(br#"{"k":"x","b":1}"#), [1]);
    assert_eq!(tried(br#"{"k":"x","a":1}"#), [0]);
    assert_eq!(tried(br#"{"k":"x","a":1,"b":2}"#)[..2], [0, 1]);
    // Neither has its member, or both refuse it: not the whole route
    // again, but the candidates read to fail, in order, until one has a
    // single fault (none can have fewer): A, reported.
    assert_eq!(tried(br#"{"k":"x"}"#), [0]);
    assert_eq!(tried(br#"{"k":"x","a":"1","b":"2"}"#), [0, 1, 0]);
    let closest = route::<Shared>(None, br#"{"k":"x"}"#).unwrap_err();
    assert_eq!(closest.message(), Some("A"), "{closest}");
    let both = route::<Shared>(None, br#"{"k":"x","a":1,"b":2}"#).unwrap_err();
    assert!(both.to_string().contains("more than one message"), "{both}");
    assert!(matches!(
        route::<Shared>(None, br#"{"k":"x","b":1}"#),
        Ok(Shared::B(_))
    ));
}

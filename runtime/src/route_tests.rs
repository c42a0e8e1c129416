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

/// The envelope every [`Topic`] message reads: `t` names it (declared, so a
/// second `t` is refused, as the generated types do), `n` is read as a
/// number (so `1e400` is out of its range).
#[derive(Debug, PartialEq, serde::Deserialize)]
struct Envelope {
    t: String,
    n: Option<f64>,
    b: Option<Value>,
    c: Option<Value>,
}

impl crate::validate::Validate for Envelope {
    fn validate_at(&self, _: &crate::path::Path<'_>, _: &mut crate::validate::Errors) {}
}

/// Field routing on `/t`, every message declaring it: `a` alone, `s` shared
/// by two (each requiring its member, `b` or `c`).
#[derive(Debug, PartialEq)]
enum Topic {
    A(Envelope),
    S(usize, Envelope),
    Unknown(UnknownEvent),
}

impl Route for Topic {
    const ROUTING: Routing = Routing::Field("/t");
    const MESSAGES: &'static [MessageInfo] = &[
        MessageInfo {
            name: "A",
            keys: &["a"],
            requires: None,
            declares_key: true,
        },
        MessageInfo {
            name: "S1",
            keys: &["s"],
            requires: Some("/b"),
            declares_key: true,
        },
        MessageInfo {
            name: "S2",
            keys: &["s"],
            requires: Some("/c"),
            declares_key: true,
        },
    ];

    fn parse_message(index: usize, bytes: &[u8]) -> Result<Self, ParseError> {
        TRIED.with(|tried| tried.borrow_mut().push(index));
        let envelope = crate::parse::from_slice::<Envelope>(bytes)?;
        // What `requires` says: the shared key's messages require `b`, `c`.
        let lacking = match index {
            1 => envelope.b.is_none().then_some("b"),
            2 => envelope.c.is_none().then_some("c"),
            _ => None,
        };
        if let Some(member) = lacking {
            let message = format!("missing field `{member}`");
            return Err(ParseError::single(ErrorKind::InvalidPayload, "", message));
        }
        Ok(match index {
            0 => Topic::A(envelope),
            _ => Topic::S(index, envelope),
        })
    }

    fn try_message(index: usize, bytes: &[u8]) -> Option<Self> {
        Self::parse_message(index, bytes).ok()
    }

    fn from_unknown(event: UnknownEvent) -> Self {
        Topic::Unknown(event)
    }

    fn into_unknown(self) -> Result<UnknownEvent, Self> {
        match self {
            Topic::Unknown(event) => Ok(event),
            other => Err(other),
        }
    }

    fn message_name(&self) -> Option<&'static str> {
        match self {
            Topic::A(_) => Some("A"),
            Topic::S(index, _) => Some(Self::MESSAGES[*index].name),
            Topic::Unknown(_) => None,
        }
    }
}

/// The messages [`route`] read `doc` as, in order.
fn read_as<R: Route>(name: Option<&str>, doc: &[u8]) -> Vec<usize> {
    TRIED.with(|tried| tried.borrow_mut().clear());
    let _ = route::<R>(name, doc);
    TRIED.with(|tried| tried.borrow().clone())
}

#[test]
fn malformed_json_past_the_first_key_is_reported_as_first_found() {
    let malformed: [&[u8]; 16] = [
        // The fault after the key: read once, by the one message it names.
        br#"{"t":"a","n":1,"#,
        br#"{"t":"a","n":[1,],"x":2}"#,
        br#"{"t":"a","n":"x","y":tru}"#,
        br#"{"t":"a","n":1e400}"#,
        b"{\"t\":\"a\",\n\"n\":\n1x}",
        br#"{"t":"ZZ","n":1,"#,
        br#"{"t":"ZZ","n":[1,}"#,
        br#"{"t":"a" "#,
        // Before the key, or the key broken off: the checked route decides.
        br#"{"n":[1,],"t":"a"}"#,
        br#"{"n":1e400,"t":"a"}"#,
        br#"{"t":"a"#,
        br#"{"t":"a""#,
        // A shared key: the candidates with their required member read.
        br#"{"t":"s","b":1,"n":1e400}"#,
        br#"{"t":"s","b":1,"n":1,"#,
        br#"{"t":"s","b":1,"c":2,"n":1,"#,
        br#"{"t":"s","n":1,"#,
    ];
    // A second key before the fault: the checking peek refuses it first.
    let second_key: [&[u8]; 4] = [
        br#"{"t":"a","n":1,"t":"a","#,
        br#"{"t":"a","n":1,"t":"b"} x"#,
        br#"{"t":"ZZ","n":1,"t":"a","#,
        br#"{"t":"a","n":1e400,"t":"a"}"#,
    ];
    for (doc, kind) in malformed
        .iter()
        .map(|doc| (doc, ErrorKind::MalformedJson))
        .chain(
            second_key
                .iter()
                .map(|doc| (doc, ErrorKind::InvalidPayload)),
        )
    {
        let text = String::from_utf8_lossy(doc);
        let quick = route::<Topic>(None, doc);
        assert_eq!(quick, checked_route::<Topic>(None, doc), "{text}");
        assert_eq!(quick.map_err(|e| e.kind()).err(), Some(kind), "{text}");
    }
    assert_eq!(read_as::<Topic>(None, br#"{"t":"a","n":1,"#), [0]);
    assert_eq!(read_as::<Topic>(None, br#"{"t":"a","n":1e400}"#), [0]);
    assert!(read_as::<Topic>(None, br#"{"t":"ZZ","n":1,"#).is_empty());
    // Not past the key, or a second key: read again by the checked route.
    assert_eq!(read_as::<Topic>(None, br#"{"n":1e400,"t":"a"}"#), [0, 0]);
    assert_eq!(read_as::<Topic>(None, br#"{"t":"a","n":1,"t":"a","#), [0]);
    // A shared key: read by those with their required member, to fail.
    assert_eq!(read_as::<Topic>(None, br#"{"t":"s","b":1,"n":1e400}"#), [1]);
    assert_eq!(
        read_as::<Topic>(None, br#"{"t":"s","b":1,"c":2,"n":1,"#),
        [1, 2, 1]
    );
    // Broken off, the required members are not known absent: both read.
    assert_eq!(read_as::<Topic>(None, br#"{"t":"s","n":1,"#), [1, 2, 1]);
}

#[test]
fn quick_and_checked_routing_agree_on_first_keys() {
    let docs: [&[u8]; 8] = [
        br#"{"t":"a","n":1}"#,
        br#"{"t":"a","n":"1"}"#,
        br#"{"t":"ZZ","n":1}"#,
        br#"{"t":"a","n":1,"t":"a"}"#,
        br#"{"t":"ZZ","n":1,"t":"a"}"#,
        br#"{"t":"s","c":1}"#,
        br#"{"t":"s","c":1,"n":"x"}"#,
        br#"{"n":1}"#,
    ];
    for doc in docs {
        assert_eq!(
            route::<Topic>(None, doc),
            checked_route::<Topic>(None, doc),
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
}

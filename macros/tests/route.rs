//! `#[derive(Route)]` on hand-written event enums: by a field, by which
//! member is present, by a name given from outside the body.

mod support;

use eventbind_runtime::{ErrorKind, ParseError, Received, Route, Routing, UnknownEvent, Validate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use support::bytes;

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
// Regressions: each was once wrong (the comment says how).

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

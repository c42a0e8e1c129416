//! Objects that name a member twice. The router and the parse never read
//! different members: a routing key named twice is refused (the event it
//! names is ambiguous) by both routing paths; a declared member named twice
//! is refused by the derived struct; inside maps (`data`, undeclared
//! members) the last is kept, as `serde_json::Value` keeps it.

use eventbind_avalara_certcapture::CertCaptureEvent;
use eventbind_commenda::CommendaEvent;
use eventbind_runtime::route::{checked_route, route};
use eventbind_runtime::ErrorKind;
use serde_json::Value;

/// A capture's body, as compact JSON text without its opening `{`.
fn body_rest(capture: &str) -> String {
    let file: Value = serde_json::from_str(capture).expect("a capture file");
    let text = file["body"].to_string();
    text.strip_prefix('{').expect("an object").to_string()
}

fn nexus() -> String {
    body_rest(include_str!(
        "../../specs/commenda/captures/NEXUS.THRESHOLD.STATE.ALERT-1.json"
    ))
}

#[test]
fn a_routing_key_named_twice_is_refused_by_both_routing_paths() {
    let known = "NEXUS.THRESHOLD.STATE.ALERT";
    for (first, second) in [
        ("UNKNOWN.TOPIC", known),
        (known, "UNKNOWN.TOPIC"),
        (known, known),
        ("A", "B"),
    ] {
        // The body's own `topic` follows: a third naming when it differs.
        let doc = format!("{{\"topic\":\"{first}\",\"topic\":\"{second}\",{}", nexus());
        let error = CommendaEvent::parse(doc.as_bytes()).expect_err(&doc);
        assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
        assert!(
            error.to_string().contains("duplicate member `topic`"),
            "{error}"
        );
        assert_eq!(
            route::<CommendaEvent>(None, doc.as_bytes()),
            checked_route::<CommendaEvent>(None, doc.as_bytes())
        );
    }
    // Named once, after the rest: routed as usual.
    let once = format!("{{{}", nexus());
    assert!(CommendaEvent::parse(once.as_bytes()).is_ok());
}

#[test]
fn a_declared_member_named_twice_is_refused() {
    let doc = format!("{{\"webhook_id\":\"w-1\",{}", nexus());
    let error = CommendaEvent::parse(doc.as_bytes()).expect_err("duplicate webhook_id");
    assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
    assert!(
        error.to_string().contains("duplicate field `webhook_id`"),
        "{error}"
    );

    // Presence routing: the member that routes is named twice.
    let cert = r#"{"client_id": 1, "action": "update", "customer": {"id": 1, "customer_number": "a"}, "customer": {"id": 2, "customer_number": "b"}}"#;
    let error = CertCaptureEvent::parse(cert.as_bytes()).expect_err("duplicate customer");
    assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
    assert!(
        error.to_string().contains("duplicate field `customer`"),
        "{error}"
    );
    assert_eq!(
        route::<CertCaptureEvent>(None, cert.as_bytes()),
        checked_route::<CertCaptureEvent>(None, cert.as_bytes())
    );
}

#[test]
fn inside_maps_the_last_member_is_kept_as_json_values_keep_it() {
    // Undeclared members (at the top and in `data`) are held in maps.
    let doc = format!(
        "{{\"x-note\":\"first\",\"x-note\":\"last\",{}",
        nexus().replacen("\"data\":{", "\"data\":{\"x-in\":1,\"x-in\":2,", 1)
    );
    let event = CommendaEvent::parse(doc.as_bytes()).expect("parses");
    let read = serde_json::to_value(&event).expect("serialises");
    let value: Value = serde_json::from_str(&doc).expect("parses as JSON");
    assert_eq!(
        (&read["x-note"], &value["x-note"]),
        (&"last".into(), &"last".into())
    );
    assert_eq!(
        (&read["data"]["x-in"], &value["data"]["x-in"]),
        (&2.into(), &2.into())
    );
    // A declared member of `data` named twice is refused, as at the top.
    let doc = format!(
        "{{{}",
        nexus().replacen("\"data\":{", "\"data\":{\"state\":\"XX\",", 1)
    );
    let error = CommendaEvent::parse(doc.as_bytes()).expect_err("duplicate state");
    assert_eq!(error.errors()[0].pointer, "/data", "{error}");
    assert!(
        error.to_string().contains("duplicate field `state`"),
        "{error}"
    );
}

//! The Commenda module written by `build.rs` parses, validates and routes real
//! payloads: every example of `specs/commenda/asyncapi.yaml`, read at test
//! time, comes back as the message it is an example of.

use eventbind_build_script_test::commenda::{self, CommendaEvent};
use eventbind_runtime::__private::check::json_equal;
use eventbind_runtime::{ErrorKind, Route};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const KNOWN_TOPIC_EXAMPLE: &str = "REGISTRATIONS.NEW.SUCCEEDED";

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../specs/commenda/asyncapi.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// `(message name, example name, payload)` for every example of every message.
fn examples() -> Vec<(String, String, Value)> {
    let spec = spec();
    let messages = spec["components"]["messages"]
        .as_object()
        .expect("components.messages is a map");
    let mut out = Vec::new();
    for (key, message) in messages {
        let name = message["name"]
            .as_str()
            .unwrap_or_else(|| panic!("message {key} has a name"));
        let examples = message["examples"]
            .as_array()
            .unwrap_or_else(|| panic!("message {key} has examples"));
        assert!(!examples.is_empty(), "message {key} has no example");
        for example in examples {
            let example_name = example["name"].as_str().unwrap_or("(unnamed)").to_string();
            out.push((name.to_string(), example_name, example["payload"].clone()));
        }
    }
    out
}

fn example_of(message: &str) -> Value {
    examples()
        .into_iter()
        .find(|(name, _, _)| name == message)
        .map(|(_, _, payload)| payload)
        .unwrap_or_else(|| panic!("no example of {message}"))
}

fn topic_example() -> Value {
    examples()
        .into_iter()
        .map(|(_, _, payload)| payload)
        .find(|payload| payload["topic"] == KNOWN_TOPIC_EXAMPLE)
        .expect("an example with a known topic")
}

#[test]
fn the_spec_messages_are_the_enum_messages() {
    let spec = spec();
    let from_spec: BTreeSet<&str> = spec["components"]["messages"]
        .as_object()
        .unwrap()
        .values()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    let from_enum: BTreeSet<&str> = CommendaEvent::MESSAGES.iter().map(|m| m.name).collect();
    assert_eq!(from_spec, from_enum);
    assert_eq!(from_spec.len(), 9);
    assert_eq!(
        CommendaEvent::ROUTING,
        eventbind_runtime::Routing::Field("/topic")
    );
}

#[test]
fn every_example_parses_as_its_message() {
    let examples = examples();
    assert!(
        examples.len() >= 11,
        "found only {} examples",
        examples.len()
    );
    for (name, example, payload) in &examples {
        let bytes = serde_json::to_vec(payload).unwrap();
        let event = CommendaEvent::parse(&bytes)
            .unwrap_or_else(|e| panic!("{name}/{example} does not parse: {e}"));
        assert!(
            !matches!(event, CommendaEvent::Unknown(_)),
            "{name}/{example} came back as an unknown event"
        );
        assert_eq!(
            Route::message_name(&event),
            Some(name.as_str()),
            "{name}/{example} was routed to the wrong message"
        );
        // Nothing is dropped or invented: the typed event writes the example back
        // (numbers compared by value, since `100000` is read into an f64).
        let written = serde_json::to_value(&event).unwrap();
        assert!(
            json_equal(&written, payload),
            "{name}/{example} does not round-trip:\n{written:#}\n!=\n{payload:#}"
        );
    }
}

#[test]
fn typed_fields_hold_the_example_values() {
    let bytes = serde_json::to_vec(&example_of("NexusThresholdStateAlert")).unwrap();
    let CommendaEvent::NexusThresholdStateAlert(event) = CommendaEvent::parse(&bytes).unwrap()
    else {
        panic!("not a nexus alert");
    };
    assert_eq!(event.triggered_at, 1727284490);
    assert_eq!(event.data.state, "AK");
    assert_eq!(event.data.nexus_rule.transaction_threshold, 200);
    assert_eq!(event.data.nexus_rule.sales_threshold, 100000.0);
    assert_eq!(event.data.calculation.sales_exposure_percentage, 0.8);
    assert!(!event.data.is_nexus_breached);
    assert_eq!(event.data.date_of_breach, None);
    assert!(event.extra.is_empty() && event.data.extra.is_empty());

    let bytes = serde_json::to_vec(&example_of("ExemptionCertificatesVerificationFailed")).unwrap();
    let CommendaEvent::ExemptionCertificatesVerificationFailed(event) =
        CommendaEvent::parse(&bytes).unwrap()
    else {
        panic!("not a failed exemption certificate");
    };
    assert_eq!(event.data.error.r#type, "PURCHASER.NAME_MISMATCH");
    assert_eq!(event.data.error.doc_url, "<link_to_documentation>");
}

#[test]
fn the_shared_topic_is_settled_by_the_payload() {
    let topic = "EXEMPTION_CERTIFICATES.VERIFICATION.SUCCEEDED";
    let mut certificate = example_of("ExemptionCertificatesVerificationSucceeded");
    let mut customs = example_of("CustomsDutyCustomsCodeUpdate");
    assert_eq!(certificate["topic"], topic);
    assert_eq!(customs["topic"], topic);

    let event = CommendaEvent::parse(&serde_json::to_vec(&certificate).unwrap()).unwrap();
    assert!(matches!(
        event,
        CommendaEvent::ExemptionCertificatesVerificationSucceeded(_)
    ));
    let event = CommendaEvent::parse(&serde_json::to_vec(&customs).unwrap()).unwrap();
    assert!(matches!(
        event,
        CommendaEvent::CustomsDutyCustomsCodeUpdate(_)
    ));

    // A payload both messages accept is ambiguous, not silently the first.
    let both = {
        let mut data = certificate["data"].as_object().unwrap().clone();
        data.extend(customs["data"].as_object().unwrap().clone());
        let mut payload = certificate.clone();
        payload["data"] = Value::Object(data);
        payload
    };
    let error = CommendaEvent::parse(&serde_json::to_vec(&both).unwrap()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert!(
        error.errors()[0].message.contains("more than one message"),
        "{error}"
    );
    assert_eq!(error.key(), Some(topic));

    // A payload neither accepts is invalid, not unknown.
    certificate["data"] = json!({ "corporation_id": "c" });
    let error = CommendaEvent::parse(&serde_json::to_vec(&certificate).unwrap()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);

    // The documented customs topic has a single candidate.
    customs["topic"] = json!("CUSTOMS_DUTY.CUSTOMS_CODE.UPDATE");
    customs["data"]["rules"][0]["units"] = json!("KG");
    let error = CommendaEvent::parse(&serde_json::to_vec(&customs).unwrap()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.pointer(), "/data/rules/0/units");
    assert_eq!(error.message(), Some("CustomsDutyCustomsCodeUpdate"));
}

#[test]
fn an_unknown_topic_is_kept_byte_for_byte() {
    // Odd spacing, key order, escapes and number forms must all survive.
    let input =
        br#"{"topic" : "NEW.TOPIC.NOBODY.DOCUMENTED",  "id":"\u0041bc", "triggered_at": 1.50e3,
 "data": {"nested": [1, 2.0, {"x": null}]}, "extra": "\u00e9"}"#;
    let event = CommendaEvent::parse(input).unwrap();
    assert_eq!(Route::message_name(&event), None);
    let CommendaEvent::Unknown(unknown) = &event else {
        panic!("expected an unknown event, got {event:?}");
    };
    assert_eq!(unknown.raw().as_bytes(), &input[..]);
    assert_eq!(unknown.key(), Some("NEW.TOPIC.NOBODY.DOCUMENTED"));
    assert_eq!(serde_json::to_vec(&event).unwrap(), &input[..]);

    // An envelope that would fail every typed message still is not an error
    // when its topic is unknown.
    let mut payload = topic_example();
    payload["topic"] = json!("REGISTRATIONS.NEW.SUCCEEDED.V2");
    payload["data"] = json!("not even an object");
    let bytes = serde_json::to_vec(&payload).unwrap();
    match CommendaEvent::parse(&bytes).unwrap() {
        CommendaEvent::Unknown(unknown) => assert_eq!(unknown.raw().as_bytes(), &bytes[..]),
        other => panic!("expected an unknown event, got {other:?}"),
    }
}

#[test]
fn a_wrong_type_is_an_invalid_payload_at_its_pointer() {
    for (name, example, mut payload) in examples() {
        payload["triggered_at"] = json!("1727284490");
        let bytes = serde_json::to_vec(&payload).unwrap();
        let error = CommendaEvent::parse(&bytes)
            .expect_err(&format!("{name}/{example} accepted a string triggered_at"));
        assert_eq!(
            error.kind(),
            ErrorKind::InvalidPayload,
            "{name}/{example}: {error}"
        );
        assert_eq!(
            error.pointer(),
            "/triggered_at",
            "{name}/{example}: {error}"
        );
        assert_eq!(error.key(), payload["topic"].as_str(), "{name}/{example}");
    }

    let mut payload = topic_example();
    payload["triggered_at"] = json!("yesterday");
    let error = CommendaEvent::parse(&serde_json::to_vec(&payload).unwrap()).unwrap_err();
    assert_eq!(error.message(), Some("RegistrationsNewSucceeded"));
    assert!(
        error.errors()[0].message.contains("invalid type"),
        "{error}"
    );

    let mut payload = topic_example();
    payload["data"]
        .as_object_mut()
        .unwrap()
        .remove("registration_id");
    let error = CommendaEvent::parse(&serde_json::to_vec(&payload).unwrap()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.pointer(), "/data");
    assert!(
        error.errors()[0].message.contains("registration_id"),
        "{error}"
    );
}

#[test]
fn a_message_type_checks_its_topic() {
    let mut payload = topic_example();
    payload["topic"] = json!("REGISTRATIONS.NEW.INVALID");
    let error = eventbind_runtime::from_slice::<commenda::RegistrationsNewSucceededEvent>(
        &serde_json::to_vec(&payload).unwrap(),
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.pointer(), "/topic");
    assert!(
        error.errors()[0]
            .message
            .contains("\"REGISTRATIONS.NEW.SUCCEEDED\""),
        "{error}"
    );
}

#[test]
fn malformed_json_is_malformed_json() {
    let cases: [&[u8]; 5] = [
        br#"{"topic": "REGISTRATIONS.NEW.SUCCEEDED", "id": "#,
        br#"{"topic": "REGISTRATIONS.NEW.SUCCEEDED",}"#,
        br#"{"topic": "NEW.TOPIC"} trailing"#,
        b"",
        b"\xff\xfe",
    ];
    for bytes in cases {
        let error = CommendaEvent::parse(bytes).expect_err("malformed JSON was accepted");
        assert_eq!(
            error.kind(),
            ErrorKind::MalformedJson,
            "{:?}: {error}",
            String::from_utf8_lossy(bytes)
        );
    }
    // A well-formed body with no topic is not malformed: it names no event.
    let error = CommendaEvent::parse(br#"{"id": "x"}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnknownEvent);
    assert_eq!(error.pointer(), "/topic");
}

//! Payloads that serde's defaults would read wrongly, and that the generated
//! code must not: each was once accepted as something it is not.

use eventbind_avalara_certcapture::CertCaptureEvent;
use eventbind_runtime::{from_slice, ErrorKind};
use eventbind_vertex::{DeliveredEvent, EventDelivery, VertexEvent};
use serde_json::{json, Value};

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn fault(result: Result<impl std::fmt::Debug, eventbind_runtime::ParseError>) -> (String, String) {
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
    let first = &error.errors()[0];
    (first.pointer.clone(), first.message.clone())
}

#[test]
fn an_object_sent_as_an_array_is_not_read_field_by_field() {
    // serde reads a struct from `[5]` as `{"id": 5}` unless told otherwise.
    let body = json!({"client_id": 1, "action": "add", "certificate": [5]});
    let (pointer, message) = fault(CertCaptureEvent::parse(&bytes(&body)));
    assert_eq!(pointer, "/certificate", "{message}");
    assert!(message.contains("sequence"), "{message}");
    let ok = json!({"client_id": 1, "action": "add", "certificate": {"id": 5}});
    assert!(CertCaptureEvent::parse(&bytes(&ok)).is_ok());
}

#[test]
fn a_string_enum_is_read_from_a_string_only() {
    // serde's enum derive also takes the externally tagged `{"add": null}`.
    let body = json!({"client_id": 1, "action": {"add": null}, "certificate": {"id": 5}});
    let (pointer, _) = fault(CertCaptureEvent::parse(&bytes(&body)));
    assert_eq!(pointer, "/action");
    let body = json!({"client_id": 1, "action": "drop", "certificate": {"id": 5}});
    let (pointer, message) = fault(CertCaptureEvent::parse(&bytes(&body)));
    assert_eq!(pointer, "/action");
    assert!(message.contains("`add`, `update`, `delete`"), "{message}");
}

#[test]
fn date_times_and_uuids_are_read_in_their_formats_only() {
    // chrono and uuid parse more than RFC 3339 and the 8-4-4-4-12 form.
    for (member, value) in [
        ("/eventExpiresAt", "2025-06-06 15:09:44Z"),
        ("/eventExpiresAt", "2025-06-06T15:09:44 +0000"),
        ("/eventExpiresAt", "2025-06-06T22:59:60Z"),
        ("/eventId", "{c86fcc87-a137-4c37-8d19-17edc7199fef}"),
        ("/eventId", "c86fcc87a1374c378d1917edc7199fef"),
        ("/eventId", "urn:uuid:c86fcc87-a137-4c37-8d19-17edc7199fef"),
    ] {
        let mut body = json!({});
        body[&member[1..]] = json!(value);
        let (pointer, _) = fault(from_slice::<EventDelivery>(&bytes(&body)));
        assert_eq!(pointer, member, "{value}");
    }
    let ok = json!({"eventExpiresAt": "2016-12-31T23:59:60Z", "eventId": "C86FCC87-A137-4C37-8D19-17EDC7199FEF"});
    assert!(from_slice::<EventDelivery>(&bytes(&ok)).is_ok());
}

#[test]
fn an_integral_float_is_an_integer() {
    let body = json!({"replayAttempt": 1.0, "retryAttempt": 2});
    let delivery = from_slice::<EventDelivery>(&bytes(&body)).unwrap();
    assert_eq!(delivery.replay_attempt, Some(1));
    let (pointer, _) = fault(from_slice::<EventDelivery>(br#"{"replayAttempt": 1.5}"#));
    assert_eq!(pointer, "/replayAttempt");
}

#[test]
fn a_union_branch_that_fits_but_fails_its_constraint_is_not_taken() {
    // `payloadSizeKb` is an integer or a string of digits: "55" fits only the string.
    let event: DeliveredEvent = from_slice(br#"{"payloadSizeKb": "55"}"#).unwrap();
    assert!(event.payload_size_kb.is_some());
    let event: DeliveredEvent = from_slice(br#"{"payloadSizeKb": 55.0}"#).unwrap();
    assert!(event.payload_size_kb.is_some());
    let (pointer, message) = fault(from_slice::<DeliveredEvent>(br#"{"payloadSizeKb": "5x"}"#));
    assert_eq!(pointer, "/payloadSizeKb");
    assert!(message.contains("matches none"), "{message}");
}

#[test]
fn a_delivery_envelope_sent_as_an_array_is_invalid() {
    let body = json!([{"eventId": "c86fcc87-a137-4c37-8d19-17edc7199fef"}]);
    let error = VertexEvent::parse_named("EventDelivery", &bytes(&body)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
}

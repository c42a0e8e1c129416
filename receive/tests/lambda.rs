//! The Lambda adapter on real `SqsEvent` JSON: the fixtures that
//! aws_lambda_events 1.2.1 ships (copied, unchanged, into
//! tests/fixtures/lambda/; MIT licensed) and CertCapture's captured
//! messages put into the fixture's record shape.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use eventbind_avalara_certcapture::CertCaptureEvent;
use eventbind_receive::delivery::Disposition;
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::lambda::{delivery, must_come_back, SqsLambda, RECEIVE_COUNT_HEADER};
use eventbind_receive::receive::{Class, Reason, Receiver};
use eventbind_runtime::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    let path = manifest().join("tests/fixtures/lambda").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn event(name: &str) -> SqsEvent {
    serde_json::from_str(&fixture(name)).expect("the fixture is an SqsEvent")
}

/// The body of a CertCapture capture under specs/, as the JSON text the
/// vendor sends.
fn capture(name: &str) -> String {
    let path: PathBuf = manifest()
        .join("../specs/avalara-certcapture/captures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let capture: serde_json::Value = serde_json::from_str(&text).expect("a capture is JSON");
    capture["body"].to_string()
}

/// A batch of `(message id, body)` records in the fixture's record shape,
/// from the queue `arn`.
fn batch(arn: &str, records: &[(&str, &str)]) -> SqsEvent {
    let template = event("example-sqs-event.json").records.remove(0);
    let mut event = SqsEvent::default();
    event.records = records
        .iter()
        .map(|(id, body)| {
            let mut record: SqsMessage = template.clone();
            record.message_id = Some((*id).to_owned());
            record.body = Some((*body).to_owned());
            record.event_source_arn = Some(arn.to_owned());
            record
        })
        .collect();
    event
}

const STANDARD: &str = "arn:aws:sqs:us-west-2:123456789012:certcapture";
const FIFO: &str = "arn:aws:sqs:us-west-2:123456789012:certcapture.fifo";

fn failures(response: &SqsBatchResponse) -> Vec<&str> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect()
}

/// What the handlers saw, in order.
#[derive(Clone, Default)]
struct Calls(Arc<Mutex<Vec<String>>>);

impl Calls {
    fn push(&self, call: String) {
        self.0.lock().unwrap().push(call);
    }

    fn all(&self) -> Vec<String> {
        let mut calls = self.0.lock().unwrap().clone();
        calls.sort();
        calls
    }
}

/// CertCapture's pipeline: certificate 13 and customer 7 ask for a retry
/// (say, CertCapture's API was down when the handler fetched them); the
/// first certificate handler call yields a few times first, so later
/// records finish before it.
fn certcapture(calls: &Calls) -> SqsLambda<Receiver<Dispatcher<CertCaptureEvent>>> {
    let calls = calls.clone();
    let handlers = Dispatcher::<CertCaptureEvent>::new().on_any(move |event, context| {
        let calls = calls.clone();
        async move {
            let (call, retry) = match &event {
                CertCaptureEvent::CertificateChangeNotification(change) => (
                    format!("certificate {}", change.certificate.id),
                    change.certificate.id == 13,
                ),
                CertCaptureEvent::CustomerChangeNotification(change) => (
                    format!("customer {}", change.customer.id),
                    change.customer.id == 7,
                ),
                _ => ("other".to_owned(), false),
            };
            if context.dedup_key() == "slow" {
                for _ in 0..20 {
                    tokio::task::yield_now().await;
                }
            }
            calls.push(format!("{} {call}", context.dedup_key()));
            if retry {
                Disposition::RetryLater
            } else {
                Disposition::Acknowledge
            }
        }
    });
    SqsLambda::new(Receiver::new(handlers))
}

#[test]
fn a_fixture_record_becomes_the_delivery_the_sqs_consumer_builds() {
    let event = event("example-sqs-event.json");
    let record = &event.records[0];
    let named = delivery(record, Some("Attribute1"));
    assert_eq!(&named.body[..], b"Message Body");
    assert_eq!(named.transport_id.as_deref(), Some("MessageID_1"));
    assert_eq!(named.transport.as_deref(), Some("sqs"));
    assert_eq!(named.name.as_deref(), Some("AttributeValue1"));
    let headers: Vec<(&str, &str)> = named.headers.iter().collect();
    // String and Number attributes as headers, sorted; the Binary one has
    // no text form.
    assert_eq!(
        headers,
        [
            ("attribute1", "AttributeValue1"),
            ("attribute2", "123"),
            (RECEIVE_COUNT_HEADER, "2"),
        ]
    );
    assert_eq!(delivery(record, None).name, None);
}

#[tokio::test]
async fn fixture_bodies_that_are_no_certcapture_event_come_back() {
    let calls = Calls::default();
    // "Message Body" is not JSON; {"a":"Test","b":123} has neither
    // `certificate` nor `customer`, so nothing names its message. Both are
    // rejected: they come back and end in the dead-letter queue.
    for (name, kind) in [
        ("example-sqs-event.json", ErrorKind::MalformedJson),
        ("example-sqs-event-obj.json", ErrorKind::UnknownEvent),
    ] {
        // A pipeline each: both fixtures are `MessageID_1`, and a reused id
        // with another body is a conflict.
        let lambda = certcapture(&calls);
        let report = lambda.reports(&event(name)).await.remove(0).expect("run");
        assert_eq!(report.disposition, Disposition::Reject, "{name}");
        let summary = report.summary.expect("routed");
        assert_eq!(
            (summary.class, summary.kind),
            (Class::Invalid, Some(kind)),
            "{name}"
        );
        // Delivered again, it is rejected again (without a handler).
        let response = lambda.handle(event(name)).await;
        assert_eq!(failures(&response), ["MessageID_1"], "{name}");
    }
    assert!(calls.all().is_empty(), "no typed handler ran");
}

#[tokio::test]
async fn acknowledged_records_are_deleted_and_the_others_come_back() {
    let calls = Calls::default();
    let lambda = certcapture(&calls);
    let certificate = capture("CertificateChangeNotification-1.json");
    let customer = capture("CustomerChangeNotification-1.json");
    let retry_certificate = certificate.replace("300", "13");
    let retry_customer = customer.replace("\"id\":123", "\"id\":7");
    let invalid = certificate.replace("300", "\"300\"");
    let records = [
        ("slow", certificate.as_str()),
        ("m-retry-cert", retry_certificate.as_str()),
        ("m-customer", customer.as_str()),
        ("m-invalid", invalid.as_str()),
        ("m-retry-customer", retry_customer.as_str()),
    ];
    let response = lambda.handle(batch(STANDARD, &records)).await;
    // In record order, though "slow" finished last.
    assert_eq!(
        failures(&response),
        ["m-retry-cert", "m-invalid", "m-retry-customer"]
    );
    assert_eq!(
        calls.all(),
        [
            "m-customer customer 123",
            "m-retry-cert certificate 13",
            "m-retry-customer customer 7",
            "slow certificate 300",
        ]
    );
    // Lambda delivers the failures again (and, being at-least-once, maybe a
    // handled one): the handled ones are duplicates now, acknowledged
    // without a handler; the retries run again.
    let again = batch(STANDARD, &records);
    let reports = lambda.reports(&again).await;
    let reasons: Vec<Reason> = reports.iter().map(|r| r.clone().unwrap().reason).collect();
    assert_eq!(reasons[0], Reason::Duplicate);
    assert_eq!(reasons[2], Reason::Duplicate);
    assert_eq!(
        reports
            .iter()
            .map(|r| must_come_back(r.as_ref().unwrap().disposition))
            .collect::<Vec<_>>(),
        [false, true, false, true, true]
    );
    assert_eq!(calls.all().len(), 6, "only the two retries ran again");
}

#[tokio::test]
async fn a_fifo_batch_stops_at_its_first_failure() {
    let calls = Calls::default();
    let lambda = certcapture(&calls);
    let certificate = capture("CertificateChangeNotification-1.json");
    let retry = certificate.replace("300", "13");
    let customer = capture("CustomerChangeNotification-1.json");
    let records = [
        ("f1", certificate.as_str()),
        ("f2", retry.as_str()),
        ("f3", customer.as_str()),
    ];
    let response = lambda.handle(batch(FIFO, &records)).await;
    // f3 is not run: handling it before f2 would break the queue's order,
    // so it comes back behind f2.
    assert_eq!(failures(&response), ["f2", "f3"]);
    assert_eq!(calls.all(), ["f1 certificate 300", "f2 certificate 13"]);
    // The same records from a standard queue are all run.
    let calls = Calls::default();
    let lambda = certcapture(&calls);
    let response = lambda.handle(batch(STANDARD, &records)).await;
    assert_eq!(failures(&response), ["f2"]);
    assert_eq!(calls.all().len(), 3);
}

#[tokio::test]
async fn the_response_has_the_shape_lambda_reads() {
    let lambda = certcapture(&Calls::default()).concurrency(1);
    let certificate = capture("CertificateChangeNotification-1.json");
    let retry = certificate.replace("300", "13");
    let records = [
        ("id1", certificate.as_str()),
        ("id2", retry.as_str()),
        ("id3", certificate.as_str()),
        ("id4", "not json"),
    ];
    let response = lambda.handle(batch(STANDARD, &records)).await;
    let expected: serde_json::Value =
        serde_json::from_str(&fixture("example-sqs-batch-response.json")).unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), expected);
    // An empty batch has nothing to return.
    let empty = lambda.handle(SqsEvent::default()).await;
    assert!(empty.batch_item_failures.is_empty());
}

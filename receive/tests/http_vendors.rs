//! The HTTP receiver with the Avaza and Vertex enums, and the other
//! security schemes, over real loopback requests.

mod support;

use eventbind_avaza::AvazaEvent;
use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::{Delivery, Disposition, Headers};
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::http::{HttpReceiver, Method, StatusCode};
use eventbind_receive::idempotency::DedupKeys;
use eventbind_receive::receive::Receiver;
use eventbind_receive::verify::{BasicAuth, BearerToken, HmacSha256, Verify};
use eventbind_runtime::Route;
use eventbind_vertex::VertexEvent;
use support::http::{post, send, Server, JSON};
use support::{commenda, signed, vertex, Calls, AVAZA_TIMESHEET};

#[test]
fn avaza_events_are_named_by_the_mounted_path() {
    let calls = Calls::default();
    let seen = calls.clone();
    let dispatcher = Dispatcher::<AvazaEvent>::new()
        .on("timesheet_created", move |event, _| {
            let seen = seen.clone();
            async move {
                match event {
                    AvazaEvent::TimesheetCreated(_) => seen.push("timesheet_created"),
                    other => seen.push(format!("{:?}", other.message_name())),
                }
                Disposition::Acknowledge
            }
        })
        .unwrap();
    let store = std::sync::Arc::new(eventbind_receive::store::MemoryStore::default());
    assert!(Dispatcher::<AvazaEvent>::new()
        .on("timesheet_exploded", |_, _| async {
            Disposition::Acknowledge
        })
        .is_err());
    let server = Server::start(
        HttpReceiver::new(Receiver::new(dispatcher).store(store.clone())).path("/hooks/{event}"),
    );
    let hook = |event: &str| format!("{}/hooks/{event}", server.url);

    let typed = post(
        &hook("timesheet_created"),
        &[JSON],
        AVAZA_TIMESHEET.as_bytes(),
    );
    assert_eq!(typed.status, 200, "{}", typed.body);
    assert!(
        typed.body.contains("\"timesheet_created\""),
        "{}",
        typed.body
    );

    let novel = post(&hook("expense_created"), &[JSON], b"[{\"ExpenseID\": 1}]");
    assert_eq!(novel.status, 200);
    let kept = support::stored_of(&*store, eventbind_receive::receive::Class::Unknown);
    assert_eq!(
        kept[0].record.routing_key.as_deref(),
        Some("expense_created")
    );
    assert_eq!(kept[0].record.name.as_deref(), Some("expense_created"));

    // A timesheet that is not an array of one entity fails its schema.
    let wrong = post(
        &hook("timesheet_created"),
        &[JSON],
        b"{\"TimeSheetEntryID\": 1}",
    );
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(calls.all(), ["timesheet_created"]);
}

#[test]
fn vertex_test_deliveries_skip_handlers_and_idempotency_keys_dedup() {
    let calls = Calls::default();
    let seen = calls.clone();
    let dispatcher = Dispatcher::<VertexEvent>::new()
        .on("EventDelivery", move |_, context| {
            seen.push(context.dedup_key().to_owned());
            async { Disposition::Acknowledge }
        })
        .unwrap();
    let hmac = HmacSha256::new("vertex-hmac-sha256", "vertex-secret");
    let receiver = Receiver::new(dispatcher)
        .verify(hmac.clone())
        .dedup(DedupKeys::new().header("idempotency-key").field("/eventId"))
        .test_delivery(|headers| {
            headers.is_true("vertex-webhook-test") || headers.is_true("vertex-webhooks-test")
        });
    let server = Server::start(
        HttpReceiver::new(receiver)
            .path("/vertex")
            .methods([Method::POST, Method::PUT, Method::PATCH])
            .success_status(StatusCode::ACCEPTED),
    );
    let url = format!("{}/vertex", server.url);
    let body = vertex("c86fcc87-a137-4c37-8d19-17edc7199fef");
    let signature = signed(&hmac, &body);

    let test = post(
        &url,
        &[
            JSON,
            ("vertex-hmac-sha256", &signature),
            ("Vertex-Webhooks-Test", "true"),
        ],
        body.as_bytes(),
    );
    assert_eq!(test.status, 202, "{}", test.body);
    assert!(test.body.contains("test_delivery"), "{}", test.body);
    // A test delivery still has to be signed.
    let unsigned_test = post(
        &url,
        &[JSON, ("vertex-webhook-test", "true")],
        body.as_bytes(),
    );
    assert_eq!(unsigned_test.status, 401);
    assert!(calls.all().is_empty());

    let put = send(
        "PUT",
        &url,
        &[
            JSON,
            ("vertex-hmac-sha256", &signature),
            ("idempotency-key", "idem-1"),
        ],
        body.as_bytes(),
    );
    assert_eq!(put.status, 202, "{}", put.body);
    let again = send(
        "PATCH",
        &url,
        &[
            JSON,
            ("vertex-hmac-sha256", &signature),
            ("idempotency-key", "idem-1"),
        ],
        body.as_bytes(),
    );
    assert_eq!(again.status, 202);
    assert!(again.body.contains("duplicate"), "{}", again.body);
    // Without the header the eventId is the key.
    let by_event = post(
        &url,
        &[JSON, ("vertex-hmac-sha256", &signature)],
        body.as_bytes(),
    );
    assert_eq!(by_event.status, 202);
    assert_eq!(
        calls.all(),
        ["idem-1", "c86fcc87-a137-4c37-8d19-17edc7199fef"]
    );
}

#[test]
fn basic_auth_and_bearer_tokens() {
    use base64::Engine as _;
    let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let basic = BasicAuth::new("vertex", "pa55").credentials("vertex", "next");
    for (value, ok) in [
        (format!("Basic {}", encode("vertex:pa55")), true),
        (format!("basic {}", encode("vertex:next")), true),
        (format!("Basic {}", encode("vertex:wrong")), false),
        (format!("Basic {}", encode("no-colon")), false),
        ("Basic !!!".to_owned(), false),
        (format!("Bearer {}", encode("vertex:pa55")), false),
    ] {
        let delivery = Delivery::new(b"{}".to_vec())
            .with_headers(Headers::from_pairs([("Authorization", value.clone())]));
        assert_eq!(basic.verify(&delivery).is_ok(), ok, "{value}");
    }
    let bearer = BearerToken::new(|token| token == "token-1");
    let receiver = Receiver::new(Dispatcher::<CommendaEvent>::new()).verify(bearer);
    let server = Server::start(HttpReceiver::new(receiver));
    let body = commenda("evt-bearer");
    assert_eq!(
        post(
            &server.url,
            &[JSON, ("authorization", "Bearer token-1")],
            body.as_bytes()
        )
        .status,
        200
    );
    assert_eq!(
        post(
            &server.url,
            &[JSON, ("authorization", "Bearer token-2")],
            body.as_bytes()
        )
        .status,
        401
    );
    assert_eq!(post(&server.url, &[JSON], body.as_bytes()).status, 401);
}

#[test]
fn oversized_bodies_get_413() {
    let receiver = Receiver::new(Dispatcher::<CommendaEvent>::new());
    let server = Server::start(HttpReceiver::new(receiver).body_limit(64));
    let body = commenda("evt-big");
    assert!(body.len() > 64);
    assert_eq!(post(&server.url, &[JSON], body.as_bytes()).status, 413);
}

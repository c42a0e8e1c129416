//! The receiving pipeline driven directly (as any transport drives it):
//! handler choice, unknown events kept, stores, in-flight duplicates.

mod support;

use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::{BoxFuture, Delivery, Disposition, Headers};
use eventbind_receive::dispatch::{Dispatcher, UnknownLog};
use eventbind_receive::idempotency::{Claim, DedupKeys, IdempotencyStore, StoreError};
use eventbind_receive::receive::{Class, Reason, Receiver};
use std::sync::Arc;
use std::time::Duration;
use support::{commenda, commenda_invalid, commenda_topic, Calls};

fn recorded(
    calls: &Calls,
    name: &'static str,
) -> impl Fn(CommendaEvent, eventbind_receive::receive::Context) -> BoxFuture<'static, Disposition>
       + Send
       + Sync
       + 'static {
    let calls = calls.clone();
    move |_, _| {
        calls.push(name);
        Box::pin(async { Disposition::Acknowledge })
    }
}

#[tokio::test]
async fn a_message_handler_wins_over_on_any_and_the_report_names_the_outcome() {
    let calls = Calls::default();
    let dispatcher = Dispatcher::<CommendaEvent>::new()
        .on_any(recorded(&calls, "any"))
        .on("RegistrationsNewSucceeded", recorded(&calls, "own"))
        .unwrap();
    let receiver = Receiver::new(dispatcher).dedup(DedupKeys::new().field("/id"));
    let own = receiver.receive(Delivery::new(commenda("a"))).await;
    let other = receiver
        .receive(Delivery::new(commenda_topic(
            "b",
            "REGISTRATIONS.EXISTING.VALIDATION.SUCCEEDED",
        )))
        .await;
    assert_eq!(calls.all(), ["own", "any"]);
    let summary = own.summary.unwrap();
    assert_eq!(
        (summary.class, summary.message.as_deref()),
        (Class::Typed, Some("RegistrationsNewSucceeded"))
    );
    assert_eq!(summary.key.as_deref(), Some("REGISTRATIONS.NEW.SUCCEEDED"));
    assert_eq!(own.dedup_key.as_deref(), Some("a"));
    assert_eq!(
        other.summary.unwrap().message.as_deref(),
        Some("RegistrationsExistingValidationSucceeded")
    );

    let invalid = receiver.receive(Delivery::new(commenda_invalid("c"))).await;
    assert_eq!(invalid.disposition, Disposition::Reject);
    let summary = invalid.summary.unwrap();
    assert_eq!(summary.class, Class::Invalid);
    assert_eq!(summary.errors[0].pointer, "/triggered_at");
}

#[tokio::test]
async fn when_the_unknown_log_is_full_the_event_is_retried_not_lost() {
    let log = UnknownLog::new(1, 1 << 20);
    let receiver = Receiver::new(Dispatcher::<CommendaEvent>::with_unknown_log(log.clone()))
        .dedup(DedupKeys::new().field("/id"));
    let first = receiver
        .receive(Delivery::new(commenda_topic("u1", "NEW.TOPIC")))
        .await;
    assert_eq!(
        (first.disposition, first.summary.unwrap().class),
        (Disposition::Acknowledge, Class::Unknown)
    );
    let second = receiver
        .receive(Delivery::new(commenda_topic("u2", "NEW.TOPIC")))
        .await;
    assert_eq!(second.disposition, Disposition::RetryLater);
    // Once the user has taken the kept events out, the redelivery is kept.
    assert_eq!(log.drain()[0].dedup_key, "u1");
    let again = receiver
        .receive(Delivery::new(commenda_topic("u2", "NEW.TOPIC")))
        .await;
    assert_eq!(again.disposition, Disposition::Acknowledge);
    assert_eq!(log.snapshot()[0].dedup_key, "u2");
}

#[tokio::test]
async fn an_invalid_payload_handler_can_acknowledge_and_is_then_deduplicated() {
    let calls = Calls::default();
    let seen = calls.clone();
    let dispatcher = Dispatcher::<CommendaEvent>::new().on_invalid(move |error, context| {
        seen.push(format!("{}:{}", context.dedup_key(), error.kind()));
        async { Disposition::Acknowledge }
    });
    let receiver = Receiver::new(dispatcher);
    for _ in 0..2 {
        let report = receiver.receive(Delivery::new(b"{not json".to_vec())).await;
        assert_eq!(report.disposition, Disposition::Acknowledge);
    }
    assert_eq!(calls.all().len(), 1, "{:?}", calls.all());
    assert!(
        calls.all()[0].ends_with(":malformed JSON"),
        "{:?}",
        calls.all()
    );
}

#[tokio::test]
async fn a_duplicate_arriving_while_the_first_is_handled_is_retried_later() {
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let released = Arc::new(tokio::sync::Mutex::new(Some(released)));
    let dispatcher = Dispatcher::<CommendaEvent>::new().on_any(move |_, _| {
        let released = Arc::clone(&released);
        async move {
            if let Some(wait) = released.lock().await.take() {
                let _ = wait.await;
            }
            Disposition::Acknowledge
        }
    });
    let receiver = Arc::new(Receiver::new(dispatcher).dedup(DedupKeys::new().field("/id")));
    let first = tokio::spawn({
        let receiver = Arc::clone(&receiver);
        async move { receiver.receive(Delivery::new(commenda("same"))).await }
    });
    // Give the first delivery time to claim the key and block in its handler.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = receiver.receive(Delivery::new(commenda("same"))).await;
    assert_eq!(
        (second.disposition, second.reason),
        (Disposition::RetryLater, Reason::InFlight)
    );
    release.send(()).unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.disposition, Disposition::Acknowledge);
    let third = receiver.receive(Delivery::new(commenda("same"))).await;
    assert_eq!(third.reason, Reason::Duplicate);
}

/// A shared store that is down.
struct Down;

impl IdempotencyStore for Down {
    fn claim<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async { Err(StoreError("connection refused".into())) })
    }
    fn complete<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async { Err(StoreError("connection refused".into())) })
    }
    fn release<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async { Err(StoreError("connection refused".into())) })
    }
}

#[tokio::test]
async fn a_store_that_is_down_means_retry_later_without_running_the_handler() {
    let calls = Calls::default();
    let receiver =
        Receiver::new(Dispatcher::<CommendaEvent>::new().on_any(recorded(&calls, "any")))
            .store(Arc::new(Down));
    let report = receiver.receive(Delivery::new(commenda("s"))).await;
    assert_eq!(report.disposition, Disposition::RetryLater);
    assert_eq!(report.reason, Reason::Store("connection refused".into()));
    assert!(calls.all().is_empty());
}

#[tokio::test]
async fn test_deliveries_are_acknowledged_without_handlers_or_dedup() {
    let calls = Calls::default();
    let receiver =
        Receiver::new(Dispatcher::<CommendaEvent>::new().on_any(recorded(&calls, "any")))
            .test_delivery(|headers| headers.is_true("x-test"));
    let test = Delivery::new(commenda("t")).with_headers(Headers::from_pairs([("X-Test", "true")]));
    assert_eq!(receiver.receive(test).await.reason, Reason::TestDelivery);
    // The real delivery of the same bytes is not a duplicate of the test.
    assert_eq!(
        receiver.receive(Delivery::new(commenda("t"))).await.reason,
        Reason::Handled
    );
    assert_eq!(calls.all(), ["any"]);
}

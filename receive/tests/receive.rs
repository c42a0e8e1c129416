//! The receiving pipeline driven directly (as any transport drives it):
//! handler choice, unknown events kept, stores, in-flight duplicates.

mod support;

use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::{BoxFuture, Delivery, Disposition, Headers};
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::idempotency::{BodyHash, DedupKeys};
use eventbind_receive::receive::{Class, Reason, Receiver};
use eventbind_receive::store::{Filter, MemoryStore, State, Store};
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
async fn unknown_events_are_kept_in_the_store_and_replayed() {
    let store = Arc::new(MemoryStore::default());
    let receiver = Receiver::new(Dispatcher::<CommendaEvent>::new())
        .store(store.clone())
        .dedup(DedupKeys::new().field("/id"));
    let body = commenda_topic("u1", "NEW.TOPIC");
    let first = receiver.receive(Delivery::new(body.clone())).await;
    assert_eq!(
        (first.disposition, first.summary.unwrap().class),
        (Disposition::Acknowledge, Class::Unknown)
    );
    let unknown = Filter {
        class: Some(Class::Unknown),
        ..Filter::default()
    };
    let kept = store.list(&unknown).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].record.body, body.as_bytes());
    assert_eq!(kept[0].state, State::Handled);
    // Replayed through a handler that now takes it: run once, class kept.
    let calls = Calls::default();
    let seen = calls.clone();
    let later = Receiver::new(Dispatcher::<CommendaEvent>::new().on_unknown(move |e, _| {
        seen.push(e.key().unwrap_or_default().to_owned());
        async { Disposition::Acknowledge }
    }))
    .store(store.clone());
    let replayed = later.replay(&unknown).await.unwrap();
    assert_eq!(replayed.len(), 1);
    assert_eq!(replayed[0].report.reason, Reason::Handled);
    assert_eq!(calls.all(), ["NEW.TOPIC"]);
    assert_eq!(store.list(&unknown).await.unwrap()[0].attempts, 2);
}

#[tokio::test]
async fn a_key_reused_with_another_body_is_a_conflict_not_a_duplicate() {
    let store = Arc::new(MemoryStore::default());
    let calls = Calls::default();
    let receiver =
        Receiver::new(Dispatcher::<CommendaEvent>::new().on_any(recorded(&calls, "any")))
            .store(store.clone())
            .dedup(DedupKeys::new().field("/id"))
            .body_hash(BodyHash::new().ignore("/triggered_at"));
    let first = commenda("k");
    assert_eq!(
        receiver.receive(Delivery::new(first.clone())).await.reason,
        Reason::Handled
    );
    // Differs only where the hash looks away: a duplicate.
    let retry = first.replace("1727284490", "1727284499");
    assert_eq!(
        receiver.receive(Delivery::new(retry)).await.reason,
        Reason::Duplicate
    );
    let other = first.replace("v1.0", "v2.0");
    let report = receiver.receive(Delivery::new(other.clone())).await;
    assert_eq!(
        (report.disposition, report.reason),
        (Disposition::Acknowledge, Reason::Conflict)
    );
    assert_eq!(calls.all(), ["any"], "the handler ran once");
    let conflicts = store.conflicts("k").await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].body, other.as_bytes());
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

//! The durable stores' semantics, the same checks on SQLite (a file) and on
//! a real PostgreSQL: claims, outcomes, conflicts, takeover of a lapsed
//! lease, replay's retake, and the schema surviving a reopen.

use bytes::Bytes;
use eventbind_receive::receive::Class;
use eventbind_receive::store::{
    self, now_ms, Claim, Filter, Record, Routing, Settle, State, Store,
};
use eventbind_test_support::Postgres;
use std::sync::Arc;
use std::time::Duration;

fn record(key: &str, hash: &str) -> Record {
    Record {
        dedup_key: key.into(),
        body_hash: hash.into(),
        body: Bytes::from(format!("{{\"id\":\"{key}\"}}")),
        headers: vec![("content-type".into(), "application/json".into())],
        transport: "http".into(),
        spec: "test".into(),
        name: None,
        message: None,
        routing_key: Some("k".into()),
        class: Class::Unknown,
        received_at: now_ms(),
    }
}

async fn semantics(url: &str) {
    let store: Arc<dyn Store> = store::open(url).await.unwrap();
    let long = Duration::from_secs(60);
    let a = record("a", "h1");
    assert_eq!(store.claim(&a, long).await.unwrap(), Claim::New);
    assert_eq!(store.claim(&a, long).await.unwrap(), Claim::InFlight);
    store.settle("a", &Settle::Handled).await.unwrap();
    assert_eq!(store.claim(&a, long).await.unwrap(), Claim::Done);
    assert_eq!(
        store.claim(&record("a", "h2"), long).await.unwrap(),
        Claim::Conflict
    );
    assert_eq!(store.conflicts("a").await.unwrap()[0].body_hash, "h2");

    // A failed delivery is claimed again, one attempt more.
    let b = record("b", "h");
    assert_eq!(store.claim(&b, long).await.unwrap(), Claim::New);
    store
        .settle("b", &Settle::Failed("down".into()))
        .await
        .unwrap();
    let failed = Filter {
        state: Some(State::Failed),
        ..Filter::default()
    };
    let listed = store.list(&failed).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_error.as_deref(), Some("down"));
    assert_eq!(store.claim(&b, long).await.unwrap(), Claim::New);
    store
        .settle("b", &Settle::Dead("bad".into()))
        .await
        .unwrap();
    assert_eq!(store.claim(&b, long).await.unwrap(), Claim::Dead);

    // Due: failed ones, taken by one caller only.
    let c = record("c", "h");
    assert_eq!(store.claim(&c, long).await.unwrap(), Claim::New);
    store
        .settle("c", &Settle::Failed("later".into()))
        .await
        .unwrap();
    let due = store.take_due(10, long).await.unwrap();
    assert_eq!(
        due.iter()
            .map(|s| s.record.dedup_key.as_str())
            .collect::<Vec<_>>(),
        ["c"]
    );
    assert!(
        store.take_due(10, long).await.unwrap().is_empty(),
        "taken once"
    );
    store.settle("c", &Settle::Handled).await.unwrap();

    // Replay's retake routes anew and holds the lease.
    let typed = Routing {
        class: Class::Typed,
        message: Some("M".into()),
        routing_key: Some("k".into()),
    };
    let taken = store.retake("a", &typed, long).await.unwrap().unwrap();
    assert_eq!(
        (taken.record.class, taken.state),
        (Class::Typed, State::InFlight)
    );
    assert!(
        store.retake("a", &typed, long).await.unwrap().is_none(),
        "held"
    );
    store.settle("a", &Settle::Handled).await.unwrap();
    let all = store.list(&Filter::default()).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|s| (s.record.dedup_key.as_str(), s.state))
            .collect::<Vec<_>>(),
        [
            ("a", State::Handled),
            ("b", State::Dead),
            ("c", State::Handled)
        ]
    );
    assert_eq!(all[0].record.class, Class::Typed);
    drop(store);
    // Reopened: migrations are not run twice, and everything is there.
    let again = store::open(url).await.unwrap();
    assert_eq!(again.list(&Filter::default()).await.unwrap(), all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_the_store_semantics() {
    let dir = tempfile::tempdir().unwrap();
    semantics(&format!("sqlite:{}", dir.path().join("s.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_the_store_semantics_and_takes_over_lapsed_leases() {
    let postgres = Postgres::start();
    semantics(&postgres.url()).await;
    let store = store::open(&postgres.url()).await.unwrap();
    let d = record("d", "h");
    assert_eq!(
        store.claim(&d, Duration::from_millis(1)).await.unwrap(),
        Claim::New
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        store.claim(&d, Duration::from_secs(60)).await.unwrap(),
        Claim::New,
        "a lapsed lease is taken over"
    );
}

#[tokio::test]
async fn a_url_naming_no_store_is_refused() {
    for url in ["redis://x", "sqlite:", "mysql://x"] {
        assert!(store::open(url).await.is_err(), "{url}");
    }
}

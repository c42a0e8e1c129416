//! The per-sink outbox `serve` forwards from, the same contract on every
//! backend: memory, a SQLite file and a real PostgreSQL server.

use eventbind_receive::store::outbox::{Counts, Outbox};
use eventbind_test_support::Postgres;
use std::sync::Arc;
use std::time::Duration;

async fn contract(outbox: Arc<dyn Outbox>) {
    let sinks = vec!["a".to_owned(), "b".to_owned()];
    outbox.enqueue("k1", &sinks).await.unwrap();
    outbox.enqueue("k2", &sinks).await.unwrap();
    // Enqueued again (a delivery re-run after a crash): no second row.
    outbox.enqueue("k1", &sinks).await.unwrap();
    let lease = Duration::from_secs(60);
    let due = outbox.take_due("a", 10, lease).await.unwrap();
    let keys: Vec<&str> = due.iter().map(|d| d.dedup_key.as_str()).collect();
    assert_eq!(keys, ["k1", "k2"], "oldest first");
    assert!(due.iter().all(|d| d.attempts == 1));
    // Taken rows are held; the other sink's are its own.
    assert!(outbox.take_due("a", 10, lease).await.unwrap().is_empty());
    assert_eq!(outbox.take_due("b", 1, lease).await.unwrap().len(), 1);
    outbox.done("a", &["k1".to_owned()]).await.unwrap();
    outbox
        .failed("a", "k2", "sink down", Some(Duration::from_millis(1)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let again = outbox.take_due("a", 10, lease).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].dedup_key.as_str(), again[0].attempts), ("k2", 2));
    outbox.failed("a", "k2", "gave up", None).await.unwrap();
    assert_eq!(
        outbox.counts("a").await.unwrap(),
        Counts {
            pending: 0,
            done: 1,
            dead: 1
        }
    );
    // A lapsed lease (a killed forwarder's) makes the row due again.
    let short = outbox
        .take_due("b", 10, Duration::from_millis(1))
        .await
        .unwrap();
    assert_eq!(short.len(), 1);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // (k1 of sink b is still held by the first, long lease.)
    let lapsed = outbox.take_due("b", 10, lease).await.unwrap();
    assert_eq!(lapsed.len(), 1);
    assert_eq!(
        (lapsed[0].dedup_key.as_str(), lapsed[0].attempts),
        ("k2", 2)
    );
}

#[tokio::test]
async fn the_outbox_contract_holds_on_memory_sqlite_and_postgres() {
    contract(
        eventbind_receive::store::open_outbox("memory")
            .await
            .unwrap(),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("o.db").display());
    contract(eventbind_receive::store::open_outbox(&url).await.unwrap()).await;
    // Reopening migrates nothing again and keeps the rows.
    let reopened = eventbind_receive::store::open_outbox(&url).await.unwrap();
    assert_eq!(reopened.counts("a").await.unwrap().done, 1);
    let postgres = Postgres::start();
    contract(
        eventbind_receive::store::open_outbox(&postgres.url())
            .await
            .unwrap(),
    )
    .await;
    let reopened = eventbind_receive::store::open_outbox(&postgres.url())
        .await
        .unwrap();
    assert_eq!(reopened.counts("a").await.unwrap().dead, 1);
}

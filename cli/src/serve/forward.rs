//! One forwarder per sink: it takes the sink's due outbox rows, reads each
//! delivery from the inbox, sends them as CloudEvents and records the
//! outcome. A failed send is retried with exponential backoff and full
//! jitter, and is dead for that sink after its last attempt; a sink that is
//! down only holds back its own rows.

use super::cloudevents::CloudEvent;
use super::metrics::Metrics;
use super::sinks::Sink;
use eventbind_receive::store::outbox::Outbox;
use eventbind_receive::store::{now_ms, Filter, Store};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

/// What a CloudEvent needs of its route.
#[derive(Clone)]
pub struct RouteInfo {
    /// The spec folder's name.
    pub spec: String,
    /// Its emitted JSON Schemas.
    pub schemas: Option<PathBuf>,
}

/// Retry settings of a sink.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    /// Attempts before dead.
    pub max_attempts: u32,
    /// The first delay.
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Backoff {
    /// The delay before attempt `attempts + 1`: a random share of
    /// `initial * 2^(attempts-1)`, capped (full jitter, so senders that
    /// failed together do not retry together).
    pub fn delay(&self, attempts: u32) -> Duration {
        let exp = self
            .initial
            .saturating_mul(1u32 << attempts.saturating_sub(1).min(20))
            .min(self.max);
        let nanos = u64::try_from(exp.as_nanos()).unwrap_or(u64::MAX);
        // At least a tenth, so a retry is never immediate.
        Duration::from_nanos(nanos / 10 + jitter(nanos - nanos / 10))
    }
}

/// A random number below `bound` (0 for 0): a xorshift seeded from the clock
/// and a counter is plenty for spreading retries.
fn jitter(bound: u64) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    if bound == 0 {
        return 0;
    }
    let seed = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        ^ u64::try_from(now_ms()).unwrap_or(1);
    let mut x = seed | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x % bound
}

/// A sink's forwarder.
pub struct Forwarder {
    /// The sink's name.
    pub name: String,
    /// The sink.
    pub sink: Arc<dyn Sink>,
    /// The outbox.
    pub outbox: Arc<dyn Outbox>,
    /// The inbox.
    pub store: Arc<dyn Store>,
    /// Routes by name.
    pub routes: Arc<HashMap<String, RouteInfo>>,
    /// Retry settings.
    pub backoff: Backoff,
    /// How many events per batch.
    pub batch: usize,
    /// How long a taken row is held.
    pub lease: Duration,
    /// Wakes it when something is enqueued.
    pub wake: Arc<Notify>,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

impl Forwarder {
    /// Runs until `stop`; the batch in hand is finished first.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let sent = match self.once().await {
                Ok(sent) => sent,
                Err(error) => {
                    tracing::warn!(sink = %self.name, %error, "eventbind serve: forwarding paused");
                    0
                }
            };
            if sent == 0 {
                let mut stop = stop.clone();
                // Woken by new rows; the timer picks up retries coming due.
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        }
    }

    /// Takes and sends one batch; how many rows it took.
    async fn once(&self) -> Result<usize, eventbind_receive::store::StoreError> {
        let due = self
            .outbox
            .take_due(&self.name, self.batch, self.lease)
            .await?;
        if due.is_empty() {
            if let Ok(counts) = self.outbox.counts(&self.name).await {
                self.metrics.lag(&self.name, counts.pending, 0);
            }
            return Ok(0);
        }
        let mut events = Vec::with_capacity(due.len());
        let mut rows = Vec::with_capacity(due.len());
        let mut oldest = now_ms();
        for row in &due {
            let filter = Filter {
                key: Some(row.dedup_key.clone()),
                limit: Some(1),
                ..Filter::default()
            };
            let stored = self.store.list(&filter).await?;
            let Some(stored) = stored.into_iter().next() else {
                // The rows are written while the delivery is handled, and the
                // inbox may record it only with the outcome (SQLite does), a
                // moment later: tried again, as a failed send would be, and
                // dead only once the attempts run out. (Marking it dead at
                // once lost events that a sink took that moment.)
                let why = "the inbox has no record of it (yet)";
                let retry = (row.attempts < self.backoff.max_attempts)
                    .then(|| self.backoff.delay(row.attempts));
                self.outbox
                    .failed(&self.name, &row.dedup_key, why, retry)
                    .await?;
                continue;
            };
            let record = stored.record;
            let info = self.routes.get(&record.spec);
            let spec = info.map_or(record.spec.as_str(), |i| i.spec.as_str());
            let schemas = info.and_then(|i| i.schemas.as_deref());
            oldest = oldest.min(record.received_at);
            events.push(CloudEvent::of(&record, &record.spec, spec, schemas));
            rows.push(row);
        }
        let started = Instant::now();
        let results = self.sink.send(&events).await;
        let took = started.elapsed();
        let mut done = Vec::new();
        let (mut retried, mut dead) = (0, 0);
        for (row, result) in rows.iter().zip(results) {
            match result {
                Ok(()) => done.push(row.dedup_key.clone()),
                Err(why) => {
                    let retry = (row.attempts < self.backoff.max_attempts)
                        .then(|| self.backoff.delay(row.attempts));
                    if retry.is_some() {
                        retried += 1;
                    } else {
                        dead += 1;
                        tracing::error!(sink = %self.name, key = %row.dedup_key, attempts = row.attempts, error = %why, "eventbind serve: event dead for this sink");
                    }
                    self.outbox
                        .failed(&self.name, &row.dedup_key, &why, retry)
                        .await?;
                }
            }
        }
        self.outbox.done(&self.name, &done).await?;
        self.metrics
            .forward(&self.name, took, done.len() as u64, retried, dead);
        if let Ok(counts) = self.outbox.counts(&self.name).await {
            self.metrics
                .lag(&self.name, counts.pending, now_ms() - oldest);
        }
        Ok(due.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_row_the_inbox_does_not_have_yet_is_tried_again_not_dead() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = eventbind_receive::store::open_outbox("memory")
            .await
            .unwrap();
        outbox.enqueue("k1", &["file".to_owned()]).await.unwrap();
        let forwarder = Forwarder {
            name: "file".into(),
            sink: Arc::new(super::super::sinks::jsonl::JsonlSink::new(Some(
                dir.path().join("events.jsonl"),
            ))),
            outbox: Arc::clone(&outbox),
            // The inbox records the delivery only with its outcome, a moment
            // after the row: here, not yet.
            store: Arc::new(eventbind_receive::store::MemoryStore::new(10)),
            routes: Arc::default(),
            backoff: Backoff {
                max_attempts: 3,
                initial: Duration::from_millis(1),
                max: Duration::from_millis(1),
            },
            batch: 10,
            lease: Duration::from_secs(60),
            wake: Arc::default(),
            metrics: Arc::default(),
        };
        assert_eq!(forwarder.once().await.unwrap(), 1);
        let counts = outbox.counts("file").await.unwrap();
        assert_eq!((counts.pending, counts.dead), (1, 0), "{counts:?}");
        // Still missing when the attempts run out: dead, and said so.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            forwarder.once().await.unwrap();
        }
        let counts = outbox.counts("file").await.unwrap();
        assert_eq!((counts.pending, counts.dead), (0, 1), "{counts:?}");
    }

    #[test]
    fn delays_grow_and_stay_within_the_cap() {
        let backoff = Backoff {
            max_attempts: 5,
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        for attempts in 1..30 {
            let delay = backoff.delay(attempts);
            let ceiling =
                Duration::from_millis(100 * (1 << (attempts - 1).min(20))).min(backoff.max);
            assert!(delay <= ceiling, "{attempts}: {delay:?}");
            assert!(delay >= ceiling / 10, "{attempts}: {delay:?}");
        }
    }
}

//! The receiving pipeline every transport shares: verify the raw bytes, spot
//! test deliveries, route, store and claim (one durable write), skip
//! duplicates, run the handler, record its outcome (a second durable write),
//! and report; plus replaying and recovering stored deliveries.
//!
//! What routes and handles is a [`Handle`]: the typed
//! [`Dispatcher`](crate::dispatch::Dispatcher) over a generated event enum, or
//! the CLI's run-time router. Transports see only [`Process`].

use crate::delivery::{BoxFuture, Delivery, Disposition, Headers};
use crate::idempotency::{BodyHash, DedupKeys};
use crate::store::record::now_ms;
use crate::store::{Claim, MemoryStore, Record, Settle, Store, StoreError};
use crate::verify::{NoVerification, Verify, VerifyError};
use eventbind_runtime::error::{ErrorKind, PointerError};
use serde::Serialize;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use crate::store::{Filter, Routing};

pub use crate::delivery::Class;

/// What routing found, for reports and logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Typed, unknown or invalid.
    pub class: Class,
    /// The spec message, when routing chose one.
    pub message: Option<String>,
    /// The routing key seen (or given).
    pub key: Option<String>,
    /// Why it is invalid, when it is.
    pub kind: Option<ErrorKind>,
    /// What failed where, for an invalid payload.
    pub errors: Vec<PointerError>,
}

/// Routes a delivery and runs the handler for what it routed to.
pub trait Handle: Send + Sync + 'static {
    /// What routing produced (e.g. an [`Outcome`](eventbind_runtime::route::Outcome)).
    type Routed: Send + 'static;

    /// Routes `delivery` (no side effects: it is also called on replay).
    fn route(&self, delivery: &Delivery) -> (Self::Routed, Summary);

    /// Runs the handler; only called for deliveries not seen before.
    fn handle(&self, routed: Self::Routed, context: Context) -> BoxFuture<'_, Disposition>;
}

/// What a handler may want beside the event: the delivery as received and
/// its dedup key.
#[derive(Clone, Debug)]
pub struct Context {
    delivery: Arc<Delivery>,
    dedup_key: Arc<str>,
}

impl Context {
    /// The context of `delivery`, whose dedup key is `dedup_key`.
    pub fn new(delivery: Delivery, dedup_key: &str) -> Self {
        Context {
            delivery: Arc::new(delivery),
            dedup_key: Arc::from(dedup_key),
        }
    }

    /// The body exactly as received.
    pub fn raw(&self) -> &bytes::Bytes {
        &self.delivery.body
    }

    /// The headers as received (redacted when replayed from a store).
    pub fn headers(&self) -> &Headers {
        &self.delivery.headers
    }

    /// The whole delivery.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// Its dedup key.
    pub fn dedup_key(&self) -> &str {
        &self.dedup_key
    }
}

/// Why the pipeline answered as it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The handler ran and chose the disposition.
    Handled,
    /// Verification failed: rejected before routing.
    Unverified(VerifyError),
    /// A test delivery: acknowledged without running handlers.
    TestDelivery,
    /// Acknowledged before: acknowledged again, handler not run.
    Duplicate,
    /// The same key is being handled right now: try again later.
    InFlight,
    /// The store failed: try again later.
    Store(String),
    /// The dedup key was handled with another body: stored as a conflict,
    /// acknowledged, handler not run.
    Conflict,
    /// The handler panicked: try again later (the key is released).
    HandlerPanicked,
}

impl Reason {
    /// A short snake_case name, for logs and JSON lines.
    pub fn name(&self) -> &'static str {
        match self {
            Reason::Handled => "handled",
            Reason::Unverified(_) => "unverified",
            Reason::TestDelivery => "test_delivery",
            Reason::Duplicate => "duplicate",
            Reason::InFlight => "in_flight",
            Reason::Store(_) => "store_failed",
            Reason::Conflict => "conflict",
            Reason::HandlerPanicked => "handler_panicked",
        }
    }
}

/// What the pipeline did with one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What the transport should do.
    pub disposition: Disposition,
    /// Why.
    pub reason: Reason,
    /// `None` only when the delivery failed verification (an unverified body
    /// must not claim keys).
    pub dedup_key: Option<String>,
    /// `None` only when the delivery failed verification.
    pub summary: Option<Summary>,
}

/// The pipeline as transports see it.
pub trait Process: Send + Sync + 'static {
    /// Runs `delivery` through the pipeline.
    fn process(&self, delivery: Delivery) -> BoxFuture<'_, Report>;
}

type TestPredicate = Arc<dyn Fn(&Headers) -> bool + Send + Sync>;

/// The pipeline around a [`Handle`].
pub struct Receiver<H> {
    handler: H,
    verifier: Arc<dyn Verify>,
    dedup: DedupKeys,
    hash: BodyHash,
    store: Arc<dyn Store>,
    lease: Duration,
    spec: String,
    test_delivery: Option<TestPredicate>,
}

/// How long a claim holds by default before another delivery of the key
/// (or another replica) may take it over.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

impl<H: Handle> Receiver<H> {
    /// No verification, [`DedupKeys::default`], a [`MemoryStore`] (nothing
    /// survives the process: give a durable [`Store`] for anything real),
    /// [`DEFAULT_LEASE`], no test deliveries.
    pub fn new(handler: H) -> Self {
        Receiver {
            handler,
            verifier: Arc::new(NoVerification),
            dedup: DedupKeys::default(),
            hash: BodyHash::new(),
            store: Arc::new(MemoryStore::default()),
            lease: DEFAULT_LEASE,
            spec: String::new(),
            test_delivery: None,
        }
    }

    /// Like [`Receiver::new`], storing deliveries in the SQLite file at
    /// `path` (created if missing): the durable default.
    #[cfg(feature = "sqlite")]
    pub fn with_sqlite(handler: H, path: impl AsRef<std::path::Path>) -> Result<Self, StoreError> {
        let store = crate::store::SqliteStore::open(path)?;
        Ok(Receiver::new(handler).store(Arc::new(store)))
    }

    /// Checks each delivery's signature first.
    pub fn verify(mut self, verifier: impl Verify + 'static) -> Self {
        self.verifier = Arc::new(verifier);
        self
    }

    /// Where dedup keys come from.
    pub fn dedup(mut self, keys: DedupKeys) -> Self {
        self.dedup = keys;
        self
    }

    /// How bodies are hashed to tell a redelivery from another event reusing
    /// its key (e.g. leaving out Vertex's `/retryAttempt`).
    pub fn body_hash(mut self, hash: BodyHash) -> Self {
        self.hash = hash;
        self
    }

    /// Where deliveries and their states are kept (see [`crate::store`]).
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = store;
        self
    }

    /// How long a claim holds while its handler runs; keep it longer than
    /// the slowest handler, or a redelivery may run it a second time.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The spec (vendor) name written into each record.
    pub fn spec_name(mut self, name: impl Into<String>) -> Self {
        self.spec = name.into();
        self
    }

    /// Deliveries for which `is_test` holds are verified, routed for the
    /// report, and acknowledged without running any handler (nor storing).
    pub fn test_delivery(
        mut self,
        is_test: impl Fn(&Headers) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.test_delivery = Some(Arc::new(is_test));
        self
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// The store.
    pub fn stored(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Runs one delivery through the pipeline. It is acknowledged only once
    /// its record and the handler's outcome are durably stored.
    pub async fn receive(&self, delivery: Delivery) -> Report {
        if let Err(error) = self.verifier.verify(&delivery) {
            return Report {
                disposition: Disposition::Reject,
                reason: Reason::Unverified(error),
                dedup_key: None,
                summary: None,
            };
        }
        let key = self.dedup.key(&delivery);
        let (routed, summary) = self.handler.route(&delivery);
        if self
            .test_delivery
            .as_ref()
            .is_some_and(|is_test| is_test(&delivery.headers))
        {
            return report(
                Disposition::Acknowledge,
                Reason::TestDelivery,
                &key,
                summary,
            );
        }
        let record = Record {
            dedup_key: key.clone(),
            body_hash: self.hash.hash(&delivery.body),
            body: delivery.body.clone(),
            headers: crate::redact::redacted(&delivery.headers),
            transport: delivery.transport.clone().unwrap_or_default(),
            spec: self.spec.clone(),
            name: delivery.name.clone(),
            message: summary.message.clone(),
            routing_key: summary.key.clone(),
            class: summary.class,
            received_at: now_ms(),
        };
        let claimed = self.store.claim(&record, self.lease).await;
        let (disposition, reason) = match claimed {
            Ok(Claim::New) => return self.run(routed, delivery, key, summary).await,
            Ok(Claim::Done) => (Disposition::Acknowledge, Reason::Duplicate),
            Ok(Claim::Dead) => (Disposition::Reject, Reason::Duplicate),
            Ok(Claim::InFlight) => (Disposition::RetryLater, Reason::InFlight),
            Ok(Claim::Conflict) => {
                tracing::warn!(
                    dedup_key = key.as_str(),
                    body_hash = record.body_hash.as_str(),
                    "eventbind: a handled dedup key came again with another body; \
                     stored as a conflict, handler not run"
                );
                (Disposition::Acknowledge, Reason::Conflict)
            }
            Err(error) => (Disposition::RetryLater, Reason::Store(error.0)),
        };
        report(disposition, reason, &key, summary)
    }

    /// Runs the handler of a claimed delivery and records its outcome; a
    /// failure to record turns any answer into "retry later".
    async fn run(
        &self,
        routed: H::Routed,
        delivery: Delivery,
        key: String,
        summary: Summary,
    ) -> Report {
        let context = Context::new(delivery, &key);
        let (disposition, reason) = match CatchUnwind(self.handler.handle(routed, context)).await {
            Ok(disposition) => (disposition, Reason::Handled),
            Err(()) => (Disposition::RetryLater, Reason::HandlerPanicked),
        };
        let outcome = match (disposition, &reason) {
            (Disposition::Acknowledge, _) => Settle::Handled,
            (_, Reason::HandlerPanicked) => Settle::Failed("the handler panicked".into()),
            (Disposition::RetryLater, _) => {
                Settle::Failed("the handler answered retry-later".into())
            }
            (Disposition::Reject, _) => Settle::Dead(rejection(&summary)),
        };
        match self.store.settle(&key, &outcome).await {
            // Not durably marked: acknowledging now could lose the outcome,
            // so the delivery comes back (and runs again).
            Err(error) => report(
                Disposition::RetryLater,
                Reason::Store(error.0),
                &key,
                summary,
            ),
            Ok(()) => report(disposition, reason, &key, summary),
        }
    }

    /// Re-runs stored deliveries matching `filter` through the current
    /// routing and handler (yesterday's unknown events may be typed today),
    /// updating their stored class and state. Signatures are not checked
    /// again (they were on receipt, and secret headers are redacted).
    pub async fn replay(&self, filter: &Filter) -> Result<Vec<Replayed>, StoreError> {
        let mut replayed = Vec::new();
        for before in self.store.list(filter).await? {
            let delivery = stored_delivery(&before.record);
            let key = before.record.dedup_key.clone();
            let (routed, summary) = self.handler.route(&delivery);
            let routing = Routing {
                class: summary.class,
                message: summary.message.clone(),
                routing_key: summary.key.clone(),
            };
            let report = match self.store.retake(&key, &routing, self.lease).await? {
                Some(_) => self.run(routed, delivery, key, summary).await,
                None => report(Disposition::RetryLater, Reason::InFlight, &key, summary),
            };
            replayed.push(Replayed { before, report });
        }
        Ok(replayed)
    }

    /// Takes up to `limit` deliveries whose handling failed or whose lease
    /// lapsed (a crashed receiver's, or another replica's) and runs them:
    /// what an inbox worker calls in a loop. Several receivers may call it
    /// at once; none gets a delivery another holds.
    pub async fn recover(&self, limit: usize) -> Result<Vec<Report>, StoreError> {
        let mut reports = Vec::new();
        for due in self.store.take_due(limit, self.lease).await? {
            let delivery = stored_delivery(&due.record);
            let (routed, summary) = self.handler.route(&delivery);
            let key = due.record.dedup_key;
            reports.push(self.run(routed, delivery, key, summary).await);
        }
        Ok(reports)
    }
}

/// A stored delivery re-run by [`Receiver::replay`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// As it was stored before the replay.
    pub before: crate::store::Stored,
    /// What the pipeline did with it now.
    pub report: Report,
}

fn report(disposition: Disposition, reason: Reason, key: &str, summary: Summary) -> Report {
    Report {
        disposition,
        reason,
        dedup_key: Some(key.to_owned()),
        summary: Some(summary),
    }
}

/// Why a rejected delivery is dead, for its record.
fn rejection(summary: &Summary) -> String {
    match (summary.class, summary.kind, summary.errors.first()) {
        (Class::Invalid, _, Some(first)) => format!(
            "invalid at `{}`: {}{}",
            first.pointer,
            first.message,
            match summary.errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            }
        ),
        (Class::Invalid, Some(kind), None) => format!("invalid: {kind:?}"),
        _ => "the handler rejected it".to_owned(),
    }
}

/// A delivery rebuilt from its record, for replay and recovery.
fn stored_delivery(record: &Record) -> Delivery {
    Delivery {
        body: record.body.clone(),
        headers: Headers::from_pairs(record.headers.iter().map(|(n, v)| (n, v.clone()))),
        name: record.name.clone(),
        transport_id: None,
        transport: Some(record.transport.clone()),
    }
}

impl<H: Handle> Process for Receiver<H> {
    fn process(&self, delivery: Delivery) -> BoxFuture<'_, Report> {
        Box::pin(self.receive(delivery))
    }
}

impl<P: Process + ?Sized> Process for Arc<P> {
    fn process(&self, delivery: Delivery) -> BoxFuture<'_, Report> {
        (**self).process(delivery)
    }
}

/// Turns a panic inside a handler into `Err(())`, so the pipeline can
/// release the dedup key and answer "retry later" instead of tearing down
/// the connection or the consumer.
struct CatchUnwind<'a>(BoxFuture<'a, Disposition>);

impl Future for CatchUnwind<'_> {
    type Output = Result<Disposition, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(disposition)) => Poll::Ready(Ok(disposition)),
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

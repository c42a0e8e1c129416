//! The receiving pipeline every transport shares: verify the raw bytes, spot
//! test deliveries, route, skip duplicates, run the handler, and report.
//!
//! What routes and handles is a [`Handle`]: the typed
//! [`Dispatcher`](crate::dispatch::Dispatcher) over a generated event enum, or
//! the CLI's run-time router. Transports see only [`Process`].

use crate::delivery::{BoxFuture, Delivery, Disposition, Headers};
use crate::idempotency::{Claim, DedupKeys, IdempotencyStore, MemoryStore};
use crate::verify::{NoVerification, Verify, VerifyError};
use eventbind_runtime::error::{ErrorKind, PointerError};
use serde::Serialize;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

/// Which of the three outcomes a delivery had; they never merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A message of the spec, valid.
    Typed,
    /// A routing key the spec does not know; the JSON is kept.
    Unknown,
    /// Malformed, unroutable, or failing its message's schema.
    Invalid,
}

/// What routing found, for reports and logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub class: Class,
    /// The spec message, when routing chose one.
    pub message: Option<String>,
    /// The routing key seen (or given).
    pub key: Option<String>,
    /// Why it is invalid, when it is.
    pub kind: Option<ErrorKind>,
    pub errors: Vec<PointerError>,
}

/// Routes a delivery and runs the handler for what it routed to.
pub trait Handle: Send + Sync + 'static {
    /// What routing produced (e.g. an [`Outcome`](eventbind_runtime::route::Outcome)).
    type Routed: Send + 'static;

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

    pub fn headers(&self) -> &Headers {
        &self.delivery.headers
    }

    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

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
    /// The idempotency store failed: try again later.
    Store(String),
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
            Reason::HandlerPanicked => "handler_panicked",
        }
    }
}

/// What the pipeline did with one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub disposition: Disposition,
    pub reason: Reason,
    /// `None` only when the delivery failed verification (an unverified body
    /// must not claim keys).
    pub dedup_key: Option<String>,
    /// `None` only when the delivery failed verification.
    pub summary: Option<Summary>,
}

/// The pipeline as transports see it.
pub trait Process: Send + Sync + 'static {
    fn process(&self, delivery: Delivery) -> BoxFuture<'_, Report>;
}

type TestPredicate = Arc<dyn Fn(&Headers) -> bool + Send + Sync>;

/// The pipeline around a [`Handle`].
pub struct Receiver<H> {
    handler: H,
    verifier: Arc<dyn Verify>,
    dedup: DedupKeys,
    store: Arc<dyn IdempotencyStore>,
    test_delivery: Option<TestPredicate>,
}

impl<H: Handle> Receiver<H> {
    /// No verification, [`DedupKeys::default`], a [`MemoryStore`], no test
    /// deliveries.
    pub fn new(handler: H) -> Self {
        Receiver {
            handler,
            verifier: Arc::new(NoVerification),
            dedup: DedupKeys::default(),
            store: Arc::new(MemoryStore::default()),
            test_delivery: None,
        }
    }

    pub fn verify(mut self, verifier: impl Verify + 'static) -> Self {
        self.verifier = Arc::new(verifier);
        self
    }

    pub fn dedup(mut self, keys: DedupKeys) -> Self {
        self.dedup = keys;
        self
    }

    /// A shared store (several receivers, or one that outlives the process).
    pub fn store(mut self, store: Arc<dyn IdempotencyStore>) -> Self {
        self.store = store;
        self
    }

    /// Deliveries for which `is_test` holds are verified, routed for the
    /// report, and acknowledged without running any handler.
    pub fn test_delivery(
        mut self,
        is_test: impl Fn(&Headers) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.test_delivery = Some(Arc::new(is_test));
        self
    }

    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// Runs one delivery through the pipeline.
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
        let report = |disposition, reason| Report {
            disposition,
            reason,
            dedup_key: Some(key.clone()),
            summary: Some(summary.clone()),
        };
        if self
            .test_delivery
            .as_ref()
            .is_some_and(|is_test| is_test(&delivery.headers))
        {
            return report(Disposition::Acknowledge, Reason::TestDelivery);
        }
        match self.store.claim(&key).await {
            Ok(Claim::New) => {}
            Ok(Claim::Done) => return report(Disposition::Acknowledge, Reason::Duplicate),
            Ok(Claim::InFlight) => return report(Disposition::RetryLater, Reason::InFlight),
            Err(error) => return report(Disposition::RetryLater, Reason::Store(error.0)),
        }
        let context = Context::new(delivery, &key);
        let (disposition, reason) = match CatchUnwind(self.handler.handle(routed, context)).await {
            Ok(disposition) => (disposition, Reason::Handled),
            Err(()) => (Disposition::RetryLater, Reason::HandlerPanicked),
        };
        let stored = if disposition == Disposition::Acknowledge {
            self.store.complete(&key).await
        } else {
            // Not acknowledged: the redelivery must reach the handler again.
            self.store.release(&key).await
        };
        match stored {
            // The handler's work is done even if the key was not recorded; a
            // redelivery may run it again, which is the lesser harm.
            Err(error) if disposition != Disposition::Acknowledge => {
                report(Disposition::RetryLater, Reason::Store(error.0))
            }
            _ => report(disposition, reason),
        }
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

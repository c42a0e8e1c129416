//! The handler each route's `Receiver` runs once a delivery is claimed in
//! the inbox: it routes with the spec's oracle router (as `listen` does) and
//! enqueues the delivery for every sink in the outbox before the answer, so
//! an acknowledged delivery is always on its way out. Plus the inbox worker
//! that finishes deliveries a killed process had claimed but not settled.

use super::metrics::Metrics;
use crate::oracle::Router;
use eventbind_receive::delivery::{BoxFuture, Delivery, Disposition, Headers};
use eventbind_receive::receive::{Class, Context, Handle, Summary};
use eventbind_receive::store::outbox::Outbox;
use eventbind_receive::store::{Settle, Store};
use eventbind_runtime::ErrorKind;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Where accepted deliveries go: the outbox rows for every sink.
#[derive(Clone)]
pub struct Enqueue {
    /// The outbox.
    pub outbox: Arc<dyn Outbox>,
    /// Every sink's name.
    pub sinks: Arc<Vec<String>>,
    /// Wakes the forwarders.
    pub wake: Arc<Notify>,
}

/// One route's handler.
pub struct Forwarding {
    /// The route's name.
    pub route: String,
    /// The oracle router.
    pub router: Router,
    /// Whether invalid deliveries are forwarded as well.
    pub forward_invalid: bool,
    /// The outbox.
    pub enqueue: Enqueue,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

impl Handle for Forwarding {
    type Routed = Class;

    fn route(&self, delivery: &Delivery) -> (Class, Summary) {
        // As `listen` classes them: a routing key no message has is
        // unknown (kept and forwarded), anything else that fails is invalid.
        let routed = self.router.route(delivery.name.as_deref(), &delivery.body);
        let class = if routed.valid {
            Class::Typed
        } else if routed.kind == Some(ErrorKind::UnknownEvent) && routed.key.is_some() {
            Class::Unknown
        } else {
            Class::Invalid
        };
        let invalid = class == Class::Invalid;
        let summary = Summary {
            class,
            message: routed.message,
            key: routed.key,
            kind: routed.kind.filter(|_| invalid),
            errors: if invalid { routed.errors } else { Vec::new() },
        };
        (class, summary)
    }

    fn handle(&self, class: Class, context: Context) -> BoxFuture<'_, Disposition> {
        Box::pin(async move {
            let forward = class != Class::Invalid || self.forward_invalid;
            if forward {
                let started = std::time::Instant::now();
                let enqueued = self
                    .enqueue
                    .outbox
                    .enqueue(context.dedup_key(), &self.enqueue.sinks)
                    .await;
                self.metrics.store_write(started.elapsed());
                if let Err(error) = enqueued {
                    // Not on its way out: the vendor must send it again.
                    tracing::error!(route = %self.route, %error, "eventbind serve: outbox write failed");
                    return Disposition::RetryLater;
                }
                self.enqueue.wake.notify_waiters();
            }
            match class {
                Class::Typed | Class::Unknown => Disposition::Acknowledge,
                Class::Invalid => Disposition::Reject,
            }
        })
    }
}

/// Takes deliveries whose claim lapsed (a killed `serve` had claimed them
/// and perhaps not yet enqueued them) and runs them through their route's
/// handler again, until `stop`.
pub async fn recover(
    store: Arc<dyn Store>,
    routes: Arc<HashMap<String, Arc<Forwarding>>>,
    lease: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let pause = (lease / 2).max(Duration::from_millis(200));
    loop {
        if *stop.borrow() {
            return;
        }
        match store.take_due(64, lease).await {
            Ok(due) if !due.is_empty() => {
                for stored in due {
                    let record = stored.record;
                    let Some(route) = routes.get(&record.spec) else {
                        tracing::warn!(route = %record.spec, key = %record.dedup_key, "eventbind serve: a stored delivery names no configured route; left as it is");
                        continue;
                    };
                    let delivery = Delivery {
                        body: record.body.clone(),
                        headers: Headers::from_pairs(
                            record.headers.iter().map(|(n, v)| (n, v.clone())),
                        ),
                        name: record.name.clone(),
                        transport_id: None,
                        transport: Some(record.transport.clone()),
                    };
                    let (class, summary) = route.route(&delivery);
                    let key = record.dedup_key.clone();
                    let disposition = route.handle(class, Context::new(delivery, &key)).await;
                    let outcome = match disposition {
                        Disposition::Acknowledge => Settle::Handled,
                        Disposition::RetryLater => Settle::Failed("the outbox write failed".into()),
                        Disposition::Reject => {
                            Settle::Dead(format!(
                                "invalid: {}",
                                summary.errors.first().map_or(
                                    "unroutable".to_owned(),
                                    |e| format!("{} {}", e.pointer, e.message)
                                )
                            ))
                        }
                    };
                    if let Err(error) = store.settle(&key, &outcome).await {
                        tracing::error!(%error, key = %key, "eventbind serve: could not settle a recovered delivery");
                    }
                }
                continue;
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "eventbind serve: inbox recovery could not read the store")
            }
        }
        let mut stop = stop.clone();
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// A route's handler shared by its receiver and the inbox worker.
pub struct Shared(pub Arc<Forwarding>);

impl Handle for Shared {
    type Routed = Class;

    fn route(&self, delivery: &Delivery) -> (Class, Summary) {
        self.0.route(delivery)
    }

    fn handle(&self, class: Class, context: Context) -> BoxFuture<'_, Disposition> {
        self.0.handle(class, context)
    }
}

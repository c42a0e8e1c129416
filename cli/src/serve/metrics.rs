//! `/metrics` in the Prometheus text format (prometheus-client): deliveries
//! by route, message, class and status; store write latency; forward
//! latency, retries and dead events per sink; inbox lag (pending outbox rows
//! per sink, and the age of the oldest one forwarded last).

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Mutex;
use std::time::Duration;

type Labels = Vec<(&'static str, String)>;

/// Every metric `serve` keeps.
pub struct Metrics {
    registry: Mutex<Registry>,
    deliveries: Family<Labels, Counter>,
    store_write: Histogram,
    forward: Family<Labels, Histogram, fn() -> Histogram>,
    retries: Family<Labels, Counter>,
    dead: Family<Labels, Counter>,
    forwarded: Family<Labels, Counter>,
    pending: Family<Labels, Gauge>,
    lag: Family<Labels, Gauge>,
}

fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let metrics = Metrics {
            registry: Mutex::new(Registry::default()),
            deliveries: Family::default(),
            store_write: seconds(),
            forward: Family::new_with_constructor(seconds as fn() -> Histogram),
            retries: Family::default(),
            dead: Family::default(),
            forwarded: Family::default(),
            pending: Family::default(),
            lag: Family::default(),
        };
        {
            let mut registry = metrics.registry.lock().unwrap_or_else(|p| p.into_inner());
            registry.register(
                "eventbind_deliveries",
                "Deliveries received, by route, message, class and answered status",
                metrics.deliveries.clone(),
            );
            registry.register(
                "eventbind_store_write_seconds",
                "Latency of the durable writes made before a delivery is answered",
                metrics.store_write.clone(),
            );
            registry.register(
                "eventbind_forward_seconds",
                "Latency of one send to a sink",
                metrics.forward.clone(),
            );
            registry.register(
                "eventbind_forward_retries",
                "Failed sends that will be retried, per sink",
                metrics.retries.clone(),
            );
            registry.register(
                "eventbind_forward_dead",
                "Events given up on after the sink's last attempt",
                metrics.dead.clone(),
            );
            registry.register(
                "eventbind_forwarded",
                "Events a sink acknowledged",
                metrics.forwarded.clone(),
            );
            registry.register(
                "eventbind_outbox_pending",
                "Events not yet acknowledged by a sink (inbox lag, in events)",
                metrics.pending.clone(),
            );
            registry.register(
                "eventbind_inbox_lag_milliseconds",
                "Age of the oldest event in a sink's last forwarded batch",
                metrics.lag.clone(),
            );
        }
        metrics
    }
}

impl Metrics {
    /// One delivery answered.
    pub fn delivery(&self, route: &str, message: Option<&str>, class: Option<&str>, status: u16) {
        self.deliveries
            .get_or_create(&vec![
                ("route", route.to_owned()),
                ("message", message.unwrap_or("").to_owned()),
                ("class", class.unwrap_or("").to_owned()),
                ("status", status.to_string()),
            ])
            .inc();
    }

    /// One durable write before an answer.
    pub fn store_write(&self, took: Duration) {
        self.store_write.observe(took.as_secs_f64());
    }

    /// One send to `sink`.
    pub fn forward(&self, sink: &str, took: Duration, ok: u64, retried: u64, dead: u64) {
        let labels = vec![("sink", sink.to_owned())];
        self.forward
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        self.forwarded.get_or_create(&labels).inc_by(ok);
        self.retries.get_or_create(&labels).inc_by(retried);
        self.dead.get_or_create(&labels).inc_by(dead);
    }

    /// How far `sink` is behind.
    pub fn lag(&self, sink: &str, pending: u64, oldest_ms: i64) {
        let labels = vec![("sink", sink.to_owned())];
        self.pending
            .get_or_create(&labels)
            .set(i64::try_from(pending).unwrap_or(i64::MAX));
        self.lag.get_or_create(&labels).set(oldest_ms.max(0));
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &registry);
        text
    }
}

//! The default handlers say what they did: an unknown event kept in the
//! store, an invalid payload rejected, a conflicting reuse of a dedup key,
//! each as a `tracing` event (the application's subscriber decides where it
//! goes).

mod support;

use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::{Delivery, Disposition};
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::idempotency::DedupKeys;
use eventbind_receive::receive::Receiver;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use support::{commenda, commenda_topic};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Records every event as `LEVEL field=value ...`.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = event.metadata().level().to_string();
        event.record(&mut Line(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn the_default_handlers_log_what_they_did() {
    let recorder = Recorder::default();
    let dispositions = tracing::subscriber::with_default(recorder.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let receiver = Receiver::new(Dispatcher::<CommendaEvent>::new())
                .dedup(DedupKeys::new().field("/id"));
            let mut out = Vec::new();
            for (id, body) in [
                ("u1", commenda_topic("u1", "NEW.TOPIC")),
                ("u2", commenda_topic("u2", "NEW.TOPIC")),
                ("bad", "{not json".to_string()),
                ("c1", commenda("c1")),
                (
                    "c1-again",
                    commenda("c1").replace("1727284490", "1727284491"),
                ),
            ] {
                out.push((id, receiver.receive(Delivery::new(body)).await.disposition));
            }
            out
        })
    });
    assert_eq!(
        dispositions,
        [
            ("u1", Disposition::Acknowledge),
            ("u2", Disposition::Acknowledge),
            ("bad", Disposition::Reject),
            ("c1", Disposition::Acknowledge),
            ("c1-again", Disposition::Acknowledge)
        ]
    );
    let lines = recorder.0.lock().unwrap().clone();
    let find = |level: Level, text: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(level.as_str()) && l.contains(text))
    };
    assert!(
        find(Level::WARN, "unknown event kept in the store"),
        "{lines:#?}"
    );
    assert!(find(Level::WARN, "dedup_key=\"u1\""), "{lines:#?}");
    assert!(find(Level::WARN, "key=\"NEW.TOPIC\""), "{lines:#?}");
    assert!(find(Level::WARN, "dedup_key=\"u2\""), "{lines:#?}");
    assert!(find(Level::WARN, "another body"), "{lines:#?}");
    assert!(find(Level::WARN, "dedup_key=\"c1\""), "{lines:#?}");
    assert!(find(Level::WARN, "invalid payload rejected"), "{lines:#?}");
}

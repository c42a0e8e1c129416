//! The default handlers say what they did: an unknown event kept, one that
//! could not be kept, an invalid payload rejected, each as a `tracing` event
//! (the application's subscriber decides where it goes).

mod support;

use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::{Delivery, Disposition};
use eventbind_receive::dispatch::{Dispatcher, UnknownLog};
use eventbind_receive::idempotency::DedupKeys;
use eventbind_receive::receive::Receiver;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use support::commenda_topic;
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
            let log = UnknownLog::new(1, 1 << 20);
            let receiver = Receiver::new(Dispatcher::<CommendaEvent>::with_unknown_log(log))
                .dedup(DedupKeys::new().field("/id"));
            let mut out = Vec::new();
            for (id, body) in [
                ("u1", commenda_topic("u1", "NEW.TOPIC")),
                ("u2", commenda_topic("u2", "NEW.TOPIC")),
                ("bad", "{not json".to_string()),
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
            ("u2", Disposition::RetryLater),
            ("bad", Disposition::Reject)
        ]
    );
    let lines = recorder.0.lock().unwrap().clone();
    let find = |level: Level, text: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(level.as_str()) && l.contains(text))
    };
    assert!(find(Level::WARN, "unknown event kept"), "{lines:#?}");
    assert!(find(Level::WARN, "dedup_key=\"u1\""), "{lines:#?}");
    assert!(find(Level::WARN, "key=\"NEW.TOPIC\""), "{lines:#?}");
    assert!(find(Level::ERROR, "unknown log full"), "{lines:#?}");
    assert!(find(Level::WARN, "invalid payload rejected"), "{lines:#?}");
}

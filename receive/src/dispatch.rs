//! Typed handlers over a generated event enum: one per message, one for any
//! other message, one for unknown events, one for invalid payloads.
//!
//! The three outcomes stay apart ([`Outcome`]). An unknown event is never
//! dropped: with no handler of the user's, it is kept in an [`UnknownLog`]
//! the user can read, and logged (a `tracing` warning); when that is full
//! the delivery is answered "retry later" so the vendor keeps it rather than
//! it being lost here. An invalid payload is rejected, and logged.

use crate::delivery::{BoxFuture, Delivery, Disposition};
use crate::receive::{Class, Context, Handle, Summary};
use eventbind_runtime::error::ParseError;
use eventbind_runtime::route::{routing_key, Outcome, Received, Route, Routing};
use eventbind_runtime::unknown::UnknownEvent;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

type Handler<T> = Arc<dyn Fn(T, Context) -> BoxFuture<'static, Disposition> + Send + Sync>;

fn boxed<T, F, Fut>(f: F) -> Handler<T>
where
    F: Fn(T, Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Disposition> + Send + 'static,
{
    Arc::new(move |value, context| Box::pin(f(value, context)))
}

/// A handler was registered for a message the event enum does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownMessage {
    pub name: String,
    pub known: Vec<&'static str>,
}

impl fmt::Display for UnknownMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no message `{}` in this event enum (it has {})",
            self.name,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownMessage {}

/// An unknown event kept for the user to read.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptUnknown {
    pub event: UnknownEvent,
    pub dedup_key: String,
    pub received_at: SystemTime,
}

/// A bounded, shared in-memory list of unknown events (clone it to read it
/// from elsewhere). Bounded in count and in bytes, since bodies can be large.
#[derive(Clone)]
pub struct UnknownLog {
    kept: Arc<Mutex<Kept>>,
    max_events: usize,
    max_bytes: usize,
}

#[derive(Default)]
struct Kept {
    events: VecDeque<KeptUnknown>,
    bytes: usize,
}

impl UnknownLog {
    pub fn new(max_events: usize, max_bytes: usize) -> Self {
        UnknownLog {
            kept: Arc::new(Mutex::new(Kept::default())),
            max_events,
            max_bytes,
        }
    }

    /// Keeps an event; `false` when it does not fit (nothing is evicted).
    pub fn push(&self, event: KeptUnknown) -> bool {
        let mut kept = self.lock();
        let size = event.event.raw().len();
        if kept.events.len() >= self.max_events || kept.bytes.saturating_add(size) > self.max_bytes
        {
            return false;
        }
        kept.bytes += size;
        kept.events.push_back(event);
        true
    }

    /// Takes every kept event out, oldest first, making room for more.
    pub fn drain(&self) -> Vec<KeptUnknown> {
        let mut kept = self.lock();
        kept.bytes = 0;
        kept.events.drain(..).collect()
    }

    /// A copy of the kept events, oldest first.
    pub fn snapshot(&self) -> Vec<KeptUnknown> {
        self.lock().events.iter().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.lock().events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // Each change is one push or drain: a poisoned list is still whole.
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for UnknownLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownLog")
            .field("len", &self.len())
            .field("max_events", &self.max_events)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

/// Typed handlers for event enum `E`.
pub struct Dispatcher<E> {
    /// Indexed like `E::MESSAGES`.
    by_message: Vec<Option<Handler<E>>>,
    any: Option<Handler<E>>,
    unknown: Handler<UnknownEvent>,
    invalid: Handler<ParseError>,
    unknown_log: UnknownLog,
}

impl<E: Route + Send + 'static> Default for Dispatcher<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Route + Send + 'static> Dispatcher<E> {
    /// No handlers: typed events are acknowledged, unknown events kept in an
    /// [`UnknownLog`] of up to 10,000 events and 64 MiB, invalid payloads
    /// rejected.
    pub fn new() -> Self {
        Self::with_unknown_log(UnknownLog::new(10_000, 64 << 20))
    }

    /// Like [`Dispatcher::new`], keeping unknown events in `unknown_log`
    /// (e.g. one shared by several dispatchers, or of another size).
    pub fn with_unknown_log(unknown_log: UnknownLog) -> Self {
        let log = unknown_log.clone();
        Dispatcher {
            by_message: E::MESSAGES.iter().map(|_| None).collect(),
            any: None,
            unknown: boxed(move |event: UnknownEvent, context: Context| {
                let key = event.key().map(str::to_owned);
                let bytes = event.raw().len();
                let kept = log.push(KeptUnknown {
                    event,
                    dedup_key: context.dedup_key().to_owned(),
                    received_at: SystemTime::now(),
                });
                if kept {
                    tracing::warn!(
                        key = key.as_deref(),
                        dedup_key = context.dedup_key(),
                        bytes,
                        "eventbind: unknown event kept in the unknown log (no on_unknown handler)"
                    );
                } else {
                    tracing::error!(
                        key = key.as_deref(),
                        dedup_key = context.dedup_key(),
                        bytes,
                        "eventbind: unknown log full; unknown event answered retry-later"
                    );
                }
                async move {
                    if kept {
                        Disposition::Acknowledge
                    } else {
                        Disposition::RetryLater
                    }
                }
            }),
            invalid: boxed(|error: ParseError, context: Context| {
                tracing::warn!(
                    dedup_key = context.dedup_key(),
                    error = %error,
                    "eventbind: invalid payload rejected (no on_invalid handler)"
                );
                async { Disposition::Reject }
            }),
            unknown_log,
        }
    }

    /// Handles spec message `message` (its name in the spec, as in
    /// `E::MESSAGES`).
    pub fn on<F, Fut>(mut self, message: &str, handler: F) -> Result<Self, UnknownMessage>
    where
        F: Fn(E, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Disposition> + Send + 'static,
    {
        let index = E::MESSAGES
            .iter()
            .position(|m| m.name == message)
            .ok_or_else(|| UnknownMessage {
                name: message.to_owned(),
                known: E::MESSAGES.iter().map(|m| m.name).collect(),
            })?;
        if let Some(slot) = self.by_message.get_mut(index) {
            *slot = Some(boxed(handler));
        }
        Ok(self)
    }

    /// Handles every typed event that has no handler of its own.
    pub fn on_any<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(E, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Disposition> + Send + 'static,
    {
        self.any = Some(boxed(handler));
        self
    }

    /// Replaces the default keeping of unknown events.
    pub fn on_unknown<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(UnknownEvent, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Disposition> + Send + 'static,
    {
        self.unknown = boxed(handler);
        self
    }

    /// Replaces the default rejection of invalid payloads (e.g. to store them
    /// and acknowledge).
    pub fn on_invalid<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(ParseError, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Disposition> + Send + 'static,
    {
        self.invalid = boxed(handler);
        self
    }

    /// Where the default unknown handler keeps events.
    pub fn unknown_log(&self) -> UnknownLog {
        self.unknown_log.clone()
    }

    /// Routes a delivery to an outcome. A name-routed enum with a single
    /// message needs no name (Vertex: every delivery is an `EventDelivery`).
    pub fn route_delivery(&self, delivery: &Delivery) -> Received<E> {
        match effective_name::<E>(delivery) {
            Some(name) => Received::parse_named(name, delivery.body.clone()),
            None => Received::parse(delivery.body.clone()),
        }
    }
}

/// The event name given with the delivery, or the only message's key when a
/// name-routed enum has just one message.
fn effective_name<E: Route>(delivery: &Delivery) -> Option<&str> {
    delivery
        .name
        .as_deref()
        .or(match (E::ROUTING, E::MESSAGES) {
            (Routing::Name, [only]) => only.keys.first().copied(),
            _ => None,
        })
}

fn summarise<E: Route>(name: Option<&str>, raw: &[u8], outcome: &Outcome<E>) -> Summary {
    match outcome {
        Outcome::Typed(event) => Summary {
            class: Class::Typed,
            message: event.message_name().map(str::to_owned),
            key: routing_key(E::ROUTING, E::MESSAGES, name, raw)
                .ok()
                .map(|k| k.into_owned()),
            kind: None,
            errors: Vec::new(),
        },
        Outcome::Unknown(event) => Summary {
            class: Class::Unknown,
            message: None,
            key: event.key().map(str::to_owned),
            kind: None,
            errors: Vec::new(),
        },
        Outcome::Invalid(error) => Summary {
            class: Class::Invalid,
            message: error.message().map(str::to_owned),
            key: error.key().map(str::to_owned),
            kind: Some(error.kind()),
            errors: error.errors().to_vec(),
        },
    }
}

impl<E: Route + Send + 'static> Handle for Dispatcher<E> {
    type Routed = Outcome<E>;

    fn route(&self, delivery: &Delivery) -> (Outcome<E>, Summary) {
        let received = self.route_delivery(delivery);
        let (raw, outcome) = received.into_parts();
        let summary = summarise(effective_name::<E>(delivery), &raw, &outcome);
        (outcome, summary)
    }

    fn handle(&self, routed: Outcome<E>, context: Context) -> BoxFuture<'_, Disposition> {
        match routed {
            Outcome::Typed(event) => {
                let own = event
                    .message_name()
                    .and_then(|name| E::MESSAGES.iter().position(|m| m.name == name))
                    .and_then(|index| self.by_message.get(index).cloned().flatten());
                match own.or_else(|| self.any.clone()) {
                    Some(handler) => handler(event, context),
                    // A spec message nobody asked for is still delivered fine.
                    None => Box::pin(async { Disposition::Acknowledge }),
                }
            }
            Outcome::Unknown(event) => (self.unknown)(event, context),
            Outcome::Invalid(error) => (self.invalid)(error, context),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(raw: &str) -> KeptUnknown {
        KeptUnknown {
            event: UnknownEvent::from_slice(Some("k".into()), raw.as_bytes()).unwrap(),
            dedup_key: raw.into(),
            received_at: SystemTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_unknown_log_refuses_what_does_not_fit_and_frees_room_when_drained() {
        let log = UnknownLog::new(2, 10);
        assert!(log.push(kept("[1,2,3]")));
        assert!(!log.push(kept("[1,2,3,4]")), "over the byte bound");
        assert!(log.push(kept("1")));
        assert!(!log.push(kept("2")), "over the count bound");
        assert_eq!(log.drain().len(), 2);
        assert!(log.is_empty());
        assert!(log.push(kept("[1,2,3,4]")));
    }
}

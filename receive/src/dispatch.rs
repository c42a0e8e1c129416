//! Typed handlers over a generated event enum: one per message, one for any
//! other message, one for unknown events, one for invalid payloads.
//!
//! The three outcomes stay apart ([`Outcome`]). An unknown event is never
//! dropped: the receiver stores every delivery before any handler runs, so
//! with no handler of the user's it is acknowledged and logged (a `tracing`
//! warning), its record the dead letter `replay` re-runs once the spec knows
//! it. An invalid payload is rejected, and logged; its record stays too.

use crate::delivery::{BoxFuture, Delivery, Disposition};
use crate::receive::{Class, Context, Handle, Summary};
use eventbind_runtime::error::ParseError;
use eventbind_runtime::route::{routing_key, Message, Outcome, Received, Route, Routing};
use eventbind_runtime::unknown::UnknownEvent;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

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
    /// The name given.
    pub name: String,
    /// The messages the enum has.
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

/// Typed handlers for event enum `E`.
pub struct Dispatcher<E> {
    /// Indexed like `E::MESSAGES`.
    by_message: Vec<Option<Handler<E>>>,
    any: Option<Handler<E>>,
    unknown: Handler<UnknownEvent>,
    invalid: Handler<ParseError>,
}

impl<E: Route + Send + 'static> Default for Dispatcher<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Route + Send + 'static> Dispatcher<E> {
    /// No handlers: typed events are acknowledged; unknown events are
    /// acknowledged and logged, their record in the receiver's store being
    /// the dead letter to replay once the spec knows them; invalid payloads
    /// are rejected and logged (their record kept as dead).
    pub fn new() -> Self {
        Dispatcher {
            by_message: E::MESSAGES.iter().map(|_| None).collect(),
            any: None,
            unknown: boxed(|event: UnknownEvent, context: Context| {
                tracing::warn!(
                    key = event.key(),
                    dedup_key = context.dedup_key(),
                    bytes = event.raw().len(),
                    "eventbind: unknown event kept in the store (no on_unknown handler)"
                );
                async { Disposition::Acknowledge }
            }),
            invalid: boxed(|error: ParseError, context: Context| {
                tracing::warn!(
                    dedup_key = context.dedup_key(),
                    error = %error,
                    "eventbind: invalid payload rejected and kept in the store as dead \
                     (no on_invalid handler)"
                );
                async { Disposition::Reject }
            }),
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

    /// Handles the message whose payload type is `M`, the handler taking
    /// the payload itself: no message name, no match on the enum again.
    /// `M` is inferred from the handler's argument, and a type that is not a
    /// message of `E` does not compile:
    ///
    /// ```
    /// # use eventbind_commenda::{CommendaEvent, NexusThresholdStateAlertEvent};
    /// # use eventbind_receive::{delivery::Disposition, dispatch::Dispatcher};
    /// let dispatcher = Dispatcher::<CommendaEvent>::new()
    ///     .on_message(|alert: NexusThresholdStateAlertEvent, _context| async move {
    ///         println!("nexus: {}", alert.data.state);
    ///         Disposition::Acknowledge
    ///     });
    /// ```
    ///
    /// (`Message` is derived for every payload type no other message of the
    /// enum shares; a shared one is handled by name with [`Dispatcher::on`].)
    pub fn on_message<M, F, Fut>(mut self, handler: F) -> Self
    where
        M: Message<E> + Send + 'static,
        F: Fn(M, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Disposition> + Send + 'static,
    {
        let Some(index) = E::MESSAGES.iter().position(|m| m.name == M::NAME) else {
            // Only a hand-written `Message` impl can name another enum's message.
            return self;
        };
        let handler = Arc::new(handler);
        self.by_message[index] = Some(boxed(move |event: E, context: Context| {
            let handler = Arc::clone(&handler);
            async move {
                match M::from_event(event) {
                    Ok(message) => handler(message, context).await,
                    // Routing chose this message's index: the event is this message.
                    Err(_) => Disposition::RetryLater,
                }
            }
        }));
        self
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

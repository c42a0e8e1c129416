//! What the store keeps about a delivery, and what it answers.

use crate::delivery::Class;
use bytes::Bytes;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One accepted delivery as received, with what routing found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The dedup key (see [`DedupKeys`](crate::idempotency::DedupKeys)).
    pub dedup_key: String,
    /// The hash of the body, fields varying per attempt left out (see
    /// [`BodyHash`](crate::idempotency::BodyHash)): tells a redelivery from
    /// another event reusing the key.
    pub body_hash: String,
    /// The body exactly as received.
    pub body: Bytes,
    /// The headers (or queue attributes), lower-cased names, secret values
    /// redacted as `eventbind capture` redacts them.
    pub headers: Vec<(String, String)>,
    /// `http`, `sqs`, or whatever the transport calls itself.
    pub transport: String,
    /// Which vendor or spec the receiver serves (as configured).
    pub spec: String,
    /// The event name given from outside the body (a URL segment).
    pub name: Option<String>,
    /// The spec message routing chose.
    pub message: Option<String>,
    /// The routing key seen.
    pub routing_key: Option<String>,
    /// Typed, unknown or invalid.
    pub class: Class,
    /// When it was received, in milliseconds since the Unix epoch.
    pub received_at: i64,
}

/// Where a stored delivery is in its handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// A handler is running it, under a lease.
    InFlight,
    /// Handled and acknowledged: later deliveries of the key are duplicates.
    Handled,
    /// The handler failed (answered retry-later or panicked); a redelivery,
    /// an inbox worker or a replay runs it again.
    Failed,
    /// Rejected (e.g. an invalid payload): kept as a dead letter, answered
    /// "reject" again on redelivery.
    Dead,
}

impl State {
    /// The name stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            State::InFlight => "in_flight",
            State::Handled => "handled",
            State::Failed => "failed",
            State::Dead => "dead",
        }
    }

    /// The state of a stored name.
    pub fn parse(name: &str) -> Option<State> {
        Some(match name {
            "in_flight" => State::InFlight,
            "handled" => State::Handled,
            "failed" => State::Failed,
            "dead" => State::Dead,
            _ => return None,
        })
    }
}

/// A stored delivery and its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The delivery as received.
    pub record: Record,
    /// Where its handling is.
    pub state: State,
    /// How many times a handler was started for it.
    pub attempts: u32,
    /// The last failure, for `failed` and `dead` deliveries.
    pub last_error: Option<String>,
}

/// What a claim found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Stored and claimed: the caller runs the handler (new, failed before,
    /// or taken over from a lapsed lease).
    New,
    /// Handled before: a duplicate, acknowledged without the handler.
    Done,
    /// Rejected before: rejected again without the handler.
    Dead,
    /// Another holder's lease is live: try again later.
    InFlight,
    /// The key was handled with another body: this delivery is stored as a
    /// conflict (see [`Store::conflicts`](super::Store::conflicts)), not
    /// dropped as a duplicate.
    Conflict,
}

/// The outcome of handling, recorded by [`Store::settle`](super::Store::settle).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settle {
    /// Acknowledged.
    Handled,
    /// Not acknowledged; to be run again. Holds why.
    Failed(String),
    /// Rejected; kept as a dead letter. Holds why.
    Dead(String),
}

impl Settle {
    /// The state it leaves the delivery in.
    pub fn state(&self) -> State {
        match self {
            Settle::Handled => State::Handled,
            Settle::Failed(_) => State::Failed,
            Settle::Dead(_) => State::Dead,
        }
    }

    /// Why, for failed and dead deliveries.
    pub fn error(&self) -> Option<&str> {
        match self {
            Settle::Handled => None,
            Settle::Failed(why) | Settle::Dead(why) => Some(why),
        }
    }
}

/// Which stored deliveries to list (or replay); every given part must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this class.
    pub class: Option<Class>,
    /// Only this state.
    pub state: Option<State>,
    /// Only those received at or after this (milliseconds since the epoch).
    pub since: Option<i64>,
    /// Only this dedup key.
    pub key: Option<String>,
    /// At most this many (none: all).
    pub limit: Option<usize>,
}

impl Filter {
    /// Whether `stored` matches.
    pub fn matches(&self, stored: &Stored) -> bool {
        self.class.is_none_or(|c| c == stored.record.class)
            && self.state.is_none_or(|s| s == stored.state)
            && self.since.is_none_or(|t| stored.record.received_at >= t)
            && self
                .key
                .as_deref()
                .is_none_or(|k| k == stored.record.dedup_key)
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    to_ms(SystemTime::now())
}

/// `time` in milliseconds since the Unix epoch (0 before it).
pub fn to_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A lease in milliseconds, at least one.
pub(crate) fn lease_ms(lease: Duration) -> i64 {
    i64::try_from(lease.as_millis()).unwrap_or(i64::MAX).max(1)
}

//! The durable inbox: every accepted delivery as received, its dedup claim
//! and its processing state, in one record.
//!
//! A claim and the record are one atomic write, made durable before the
//! transport is answered; the handler's outcome is a second durable write,
//! made before the delivery is acknowledged (2xx, or the SQS message
//! deleted). So a redelivery after a crash either finds the delivery
//! `handled` (a duplicate) or runs a delivery whose outcome never committed.
//!
//! Backends: [`MemoryStore`] (tests, development), [`SqliteStore`] (feature
//! `sqlite`: one receiver, a file, group commit) and [`PostgresStore`]
//! (feature `postgres`: any number of receivers on one database). [`open`]
//! picks one from a URL.

mod memory;
pub mod outbox;
mod outbox_open;
pub(crate) mod record;
mod url;

#[cfg(feature = "postgres")]
mod outbox_postgres;
#[cfg(feature = "sqlite")]
mod outbox_sqlite;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryStore;
pub use outbox_open::open as open_outbox;
pub use record::{now_ms, to_ms, Claim, Filter, Record, Settle, State, Stored};
pub use url::open;

#[cfg(feature = "postgres")]
pub use outbox_postgres::PostgresOutbox;
#[cfg(feature = "sqlite")]
pub use outbox_sqlite::SqliteOutbox;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::delivery::BoxFuture;
use std::fmt;
use std::time::Duration;

/// A store that could not answer (a database down, a disk full): the
/// delivery is answered "retry later", never acknowledged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// What the routing of a stored delivery found when it is routed again
/// (replay), so its stored class follows the current spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routing {
    /// `typed`, `unknown` or `invalid`.
    pub class: crate::delivery::Class,
    /// The spec message, when routing chose one.
    pub message: Option<String>,
    /// The routing key seen.
    pub routing_key: Option<String>,
}

/// Where deliveries, their dedup claims and their states live.
///
/// Every method is one atomic, durable write (or a read); implementations
/// decide how (a transaction per call, or a batch of calls per transaction).
pub trait Store: Send + Sync {
    /// Stores `record` and claims its dedup key in one write, unless the key
    /// is known: then says what it is (and stores a [`Claim::Conflict`] when
    /// the body differs). A claim holds for `lease`; after that another
    /// delivery (or another replica) may take it over.
    fn claim<'a>(
        &'a self,
        record: &'a Record,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Records the outcome of handling `key`: the end of its lease.
    fn settle<'a>(
        &'a self,
        key: &'a str,
        outcome: &'a Settle,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Claims a stored delivery again for re-running it (replay): routed
    /// anew as `routing`, in flight for `lease`. `None` when there is no such
    /// key or another holder's lease is still live.
    fn retake<'a>(
        &'a self,
        key: &'a str,
        routing: &'a Routing,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>>;

    /// Claims up to `limit` deliveries whose handling failed or whose lease
    /// lapsed (a crashed receiver's), oldest first, for `lease`: what an
    /// inbox worker drains. Concurrent callers never get the same delivery.
    fn take_due<'a>(
        &'a self,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>>;

    /// Stored deliveries matching `filter`, oldest first.
    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>>;

    /// Deliveries that reused `key` with another body, oldest first.
    fn conflicts<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Record>, StoreError>>;
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn claim<'a>(
        &'a self,
        record: &'a Record,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        (**self).claim(record, lease)
    }

    fn settle<'a>(
        &'a self,
        key: &'a str,
        outcome: &'a Settle,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).settle(key, outcome)
    }

    fn retake<'a>(
        &'a self,
        key: &'a str,
        routing: &'a Routing,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        (**self).retake(key, routing, lease)
    }

    fn take_due<'a>(
        &'a self,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        (**self).take_due(limit, lease)
    }

    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        (**self).list(filter)
    }

    fn conflicts<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Record>, StoreError>> {
        (**self).conflicts(key)
    }
}

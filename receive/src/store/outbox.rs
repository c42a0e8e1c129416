//! The per-sink outbox: where each stored delivery stands with each place it
//! is forwarded to (a CloudEvents sink of `eventbind serve`).
//!
//! One row per `(sink, dedup_key)`, so every sink has its own cursor: a sink
//! that is down or slow only delays its own rows. Rows are written by the
//! receiving pipeline before a delivery is acknowledged (insert-or-ignore, so
//! a delivery run twice after a crash is enqueued once), and a forwarder
//! takes due rows under a lease: a forwarder killed mid-send leaves its rows
//! to come due again when the lease lapses, so nothing is lost (a sink may
//! see an event twice only if the process died between its acknowledgement
//! and the `done` write).
//!
//! Backends follow the inbox's: [`MemoryOutbox`], `SqliteOutbox` (feature
//! `sqlite`, the inbox's file, its own versioned migrations) and
//! `PostgresOutbox` (feature `postgres`). [`open_outbox`](super::open_outbox)
//! picks one from the same URL as [`open`](super::open).

use super::record::{lease_ms, now_ms};
use super::StoreError;
use crate::delivery::BoxFuture;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Where one delivery stands with one sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Not yet acknowledged by the sink; due at its `next_attempt_at`.
    Pending,
    /// The sink acknowledged it.
    Done,
    /// Given up on after the sink's last attempt.
    Dead,
}

impl OutboxState {
    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Done => "done",
            OutboxState::Dead => "dead",
        }
    }
}

/// A row taken for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// The delivery's dedup key (its record in the inbox).
    pub dedup_key: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// How many rows of a sink are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Not yet acknowledged.
    pub pending: u64,
    /// Acknowledged.
    pub done: u64,
    /// Given up on.
    pub dead: u64,
}

/// Per-sink delivery state, durable like the inbox.
pub trait Outbox: Send + Sync {
    /// Adds `key` as pending for each of `sinks`, due now; rows already there
    /// are left as they are.
    fn enqueue<'a>(
        &'a self,
        key: &'a str,
        sinks: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Takes up to `limit` due pending rows of `sink`, oldest first, and
    /// holds them for `lease` (they come due again after it unless marked),
    /// counting an attempt each. Concurrent callers never get the same row.
    fn take_due<'a>(
        &'a self,
        sink: &'a str,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Due>, StoreError>>;

    /// Marks `keys` acknowledged by `sink`.
    fn done<'a>(
        &'a self,
        sink: &'a str,
        keys: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Records a failed attempt: due again after `retry_in`, or dead when it
    /// is `None`.
    fn failed<'a>(
        &'a self,
        sink: &'a str,
        key: &'a str,
        error: &'a str,
        retry_in: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// How many rows of `sink` are in each state.
    fn counts<'a>(&'a self, sink: &'a str) -> BoxFuture<'a, Result<Counts, StoreError>>;
}

struct Row {
    state: OutboxState,
    attempts: u32,
    next_attempt_at: i64,
    seq: u64,
}

/// Rows by `(sink, dedup_key)`, and the last arrival number given.
type Rows = (u64, HashMap<(String, String), Row>);

/// An in-process outbox (with a [`MemoryStore`](super::MemoryStore)):
/// nothing survives the process.
#[derive(Default)]
pub struct MemoryOutbox {
    rows: Mutex<Rows>,
}

impl MemoryOutbox {
    fn with<T>(&self, f: impl FnOnce(&mut u64, &mut HashMap<(String, String), Row>) -> T) -> T {
        // A panic while holding the lock leaves plain data behind: go on.
        let mut guard = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        let (seq, rows) = &mut *guard;
        f(seq, rows)
    }
}

impl Outbox for MemoryOutbox {
    fn enqueue<'a>(
        &'a self,
        key: &'a str,
        sinks: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.with(|seq, rows| {
                for sink in sinks {
                    rows.entry((sink.clone(), key.to_owned()))
                        .or_insert_with(|| {
                            *seq += 1;
                            Row {
                                state: OutboxState::Pending,
                                attempts: 0,
                                next_attempt_at: now_ms(),
                                seq: *seq,
                            }
                        });
                }
            });
            Ok(())
        })
    }

    fn take_due<'a>(
        &'a self,
        sink: &'a str,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Due>, StoreError>> {
        Box::pin(async move {
            let now = now_ms();
            Ok(self.with(|_, rows| {
                let mut due: Vec<(&(String, String), &mut Row)> = rows
                    .iter_mut()
                    .filter(|((s, _), r)| {
                        s == sink && r.state == OutboxState::Pending && r.next_attempt_at <= now
                    })
                    .collect();
                due.sort_by_key(|(_, r)| r.seq);
                due.into_iter()
                    .take(limit)
                    .map(|((_, key), row)| {
                        row.attempts += 1;
                        row.next_attempt_at = now + lease_ms(lease);
                        Due {
                            dedup_key: key.clone(),
                            attempts: row.attempts,
                        }
                    })
                    .collect()
            }))
        })
    }

    fn done<'a>(
        &'a self,
        sink: &'a str,
        keys: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.with(|_, rows| {
                for key in keys {
                    if let Some(row) = rows.get_mut(&(sink.to_owned(), key.clone())) {
                        row.state = OutboxState::Done;
                    }
                }
            });
            Ok(())
        })
    }

    fn failed<'a>(
        &'a self,
        sink: &'a str,
        key: &'a str,
        _error: &'a str,
        retry_in: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.with(|_, rows| {
                let row = rows.get_mut(&(sink.to_owned(), key.to_owned()));
                if let Some(row) = row.filter(|r| r.state == OutboxState::Pending) {
                    match retry_in {
                        Some(delay) => row.next_attempt_at = now_ms() + lease_ms(delay),
                        None => row.state = OutboxState::Dead,
                    }
                }
            });
            Ok(())
        })
    }

    fn counts<'a>(&'a self, sink: &'a str) -> BoxFuture<'a, Result<Counts, StoreError>> {
        Box::pin(async move {
            Ok(self.with(|_, rows| {
                let mut counts = Counts::default();
                for ((s, _), row) in rows.iter() {
                    if s == sink {
                        match row.state {
                            OutboxState::Pending => counts.pending += 1,
                            OutboxState::Done => counts.done += 1,
                            OutboxState::Dead => counts.dead += 1,
                        }
                    }
                }
                counts
            }))
        })
    }
}

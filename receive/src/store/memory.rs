//! An in-process store, for tests and development: nothing survives the
//! process, so `eventbind listen` without `--store` and the library's
//! `Receiver::new` use it, and nothing that must not lose deliveries should.

use super::record::{lease_ms, now_ms};
use super::{Claim, Filter, Record, Routing, Settle, State, Store, StoreError, Stored};
use crate::delivery::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

struct Entry {
    stored: Stored,
    /// Milliseconds since the epoch; only meaningful in flight.
    lease_until: i64,
    /// Arrival order, for oldest-first listings.
    seq: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Keys in arrival order, so the oldest settled ones are forgotten first.
    order: VecDeque<String>,
    conflicts: Vec<Record>,
    seq: u64,
}

/// Deliveries kept in memory, up to a capacity: past it the oldest settled
/// ones are forgotten (a later redelivery of one is then handled again).
pub struct MemoryStore {
    inner: Mutex<Inner>,
    capacity: usize,
}

impl Default for MemoryStore {
    /// Up to 100,000 deliveries.
    fn default() -> Self {
        MemoryStore::new(100_000)
    }
}

impl MemoryStore {
    /// Keeps up to `capacity` deliveries (at least one).
    pub fn new(capacity: usize) -> Self {
        MemoryStore {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
        }
    }

    /// How many deliveries are kept.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every change below leaves the maps consistent before it can panic.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn claim_now(&self, record: &Record, lease: Duration) -> Claim {
        let now = now_ms();
        let mut inner = self.lock();
        let inner = &mut *inner;
        if let Some(entry) = inner.entries.get_mut(&record.dedup_key) {
            let live = entry.stored.state == State::InFlight && entry.lease_until > now;
            if live {
                return Claim::InFlight;
            }
            if entry.stored.record.body_hash != record.body_hash {
                inner.conflicts.push(record.clone());
                return Claim::Conflict;
            }
            return match entry.stored.state {
                State::Handled => Claim::Done,
                State::Dead => Claim::Dead,
                State::Failed | State::InFlight => {
                    entry.stored.state = State::InFlight;
                    entry.stored.attempts += 1;
                    entry.stored.record.class = record.class;
                    entry.stored.record.message.clone_from(&record.message);
                    entry
                        .stored
                        .record
                        .routing_key
                        .clone_from(&record.routing_key);
                    entry.lease_until = now.saturating_add(lease_ms(lease));
                    Claim::New
                }
            };
        }
        inner.seq += 1;
        inner.entries.insert(
            record.dedup_key.clone(),
            Entry {
                stored: Stored {
                    record: record.clone(),
                    state: State::InFlight,
                    attempts: 1,
                    last_error: None,
                },
                lease_until: now.saturating_add(lease_ms(lease)),
                seq: inner.seq,
            },
        );
        inner.order.push_back(record.dedup_key.clone());
        forget_oldest(inner, self.capacity);
        Claim::New
    }

    fn take(entry: &mut Entry, lease: Duration, now: i64) -> Option<Stored> {
        if entry.stored.state == State::InFlight && entry.lease_until > now {
            return None;
        }
        entry.stored.state = State::InFlight;
        entry.stored.attempts += 1;
        entry.lease_until = now.saturating_add(lease_ms(lease));
        Some(entry.stored.clone())
    }
}

/// Forgets the oldest settled deliveries beyond `capacity`; ones in flight
/// are kept (their handler still runs), so the count may exceed it briefly.
fn forget_oldest(inner: &mut Inner, capacity: usize) {
    let mut kept = VecDeque::new();
    while inner.entries.len() > capacity {
        let Some(oldest) = inner.order.pop_front() else {
            break;
        };
        match inner.entries.get(&oldest) {
            Some(entry) if entry.stored.state == State::InFlight => kept.push_back(oldest),
            _ => {
                inner.entries.remove(&oldest);
            }
        }
    }
    while let Some(key) = kept.pop_back() {
        inner.order.push_front(key);
    }
}

impl Store for MemoryStore {
    fn claim<'a>(
        &'a self,
        record: &'a Record,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move { Ok(self.claim_now(record, lease)) })
    }

    fn settle<'a>(
        &'a self,
        key: &'a str,
        outcome: &'a Settle,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            if let Some(entry) = self.lock().entries.get_mut(key) {
                entry.stored.state = outcome.state();
                entry.stored.last_error = outcome.error().map(str::to_owned);
            }
            Ok(())
        })
    }

    fn retake<'a>(
        &'a self,
        key: &'a str,
        routing: &'a Routing,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        Box::pin(async move {
            let now = now_ms();
            let mut inner = self.lock();
            let Some(entry) = inner.entries.get_mut(key) else {
                return Ok(None);
            };
            let taken = MemoryStore::take(entry, lease, now);
            if taken.is_some() {
                let record = &mut entry.stored.record;
                record.class = routing.class;
                record.message.clone_from(&routing.message);
                record.routing_key.clone_from(&routing.routing_key);
            }
            Ok(taken.map(|_| entry.stored.clone()))
        })
    }

    fn take_due<'a>(
        &'a self,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        Box::pin(async move {
            let now = now_ms();
            let mut inner = self.lock();
            let mut due: Vec<&mut Entry> = inner
                .entries
                .values_mut()
                .filter(|e| {
                    e.stored.state == State::Failed
                        || (e.stored.state == State::InFlight && e.lease_until <= now)
                })
                .collect();
            due.sort_by_key(|e| e.seq);
            Ok(due
                .into_iter()
                .take(limit)
                .filter_map(|e| MemoryStore::take(e, lease, now))
                .collect())
        })
    }

    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        Box::pin(async move {
            let inner = self.lock();
            let mut found: Vec<&Entry> = inner
                .entries
                .values()
                .filter(|e| filter.matches(&e.stored))
                .collect();
            found.sort_by_key(|e| e.seq);
            let limit = filter.limit.unwrap_or(usize::MAX);
            Ok(found
                .into_iter()
                .take(limit)
                .map(|e| e.stored.clone())
                .collect())
        })
    }

    fn conflicts<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Record>, StoreError>> {
        Box::pin(async move {
            Ok(self
                .lock()
                .conflicts
                .iter()
                .filter(|r| r.dedup_key == key)
                .cloned()
                .collect())
        })
    }
}

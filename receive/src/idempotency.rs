//! Telling a redelivery from a new delivery.
//!
//! Vendors retry (Vertex five times, Avaza thirteen, SQS whenever a message is
//! not deleted in time), so a handler must not run twice for one event. Each
//! delivery gets a dedup key from the first source that has one, in the order
//! the user lists them (a header, a body field, the transport's id), else the
//! SHA-256 of the body. Which source fits which vendor is configuration, not
//! code here: the runtime knows no vendor.

use crate::delivery::{BoxFuture, Delivery};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where a dedup key may come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A request header, e.g. Vertex's `idempotency-key`.
    Header(String),
    /// A string at a JSON Pointer in the body, e.g. Commenda's `/id` or
    /// Vertex's `/eventId`.
    Field(String),
    /// The transport's id for the delivery, e.g. the SQS message id.
    TransportId,
}

/// The ordered list of key sources; the body hash is always the last resort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DedupKeys {
    sources: Vec<KeySource>,
}

impl Default for DedupKeys {
    /// The transport's id, else the body hash.
    fn default() -> Self {
        DedupKeys {
            sources: vec![KeySource::TransportId],
        }
    }
}

impl DedupKeys {
    /// No source yet: every key is the body hash until sources are added.
    pub fn new() -> Self {
        DedupKeys {
            sources: Vec::new(),
        }
    }

    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.sources.push(KeySource::Header(name.into()));
        self
    }

    pub fn field(mut self, pointer: impl Into<String>) -> Self {
        self.sources.push(KeySource::Field(pointer.into()));
        self
    }

    pub fn transport_id(mut self) -> Self {
        self.sources.push(KeySource::TransportId);
        self
    }

    pub fn sources(&self) -> &[KeySource] {
        &self.sources
    }

    /// The key of a delivery. Never fails: a body that is not JSON still has
    /// a hash.
    pub fn key(&self, delivery: &Delivery) -> String {
        for source in &self.sources {
            let found = match source {
                KeySource::Header(name) => delivery.headers.get(name).map(|v| v.trim().to_owned()),
                KeySource::Field(pointer) => {
                    eventbind_runtime::peek::string_at(&delivery.body, pointer)
                        .ok()
                        .flatten()
                        .map(|v| v.into_owned())
                }
                KeySource::TransportId => delivery.transport_id.clone(),
            };
            match found {
                Some(key) if key.len() > MAX_KEY_LEN => {
                    return format!("key-sha256:{}", hex::encode(Sha256::digest(key)))
                }
                Some(key) if !key.is_empty() => return key,
                _ => {}
            }
        }
        body_hash(&delivery.body)
    }
}

/// Longer keys are stored as their hash, so a huge header cannot bloat the
/// store.
const MAX_KEY_LEN: usize = 128;

/// `sha256:` and the hex SHA-256 of `body`.
pub fn body_hash(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// What a store says about a key being claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Not seen (or released): the caller now holds it.
    New,
    /// Acknowledged before: a duplicate.
    Done,
    /// Another delivery with this key is being handled right now.
    InFlight,
}

/// A store that could not answer (e.g. a shared database is down); the
/// delivery is retried later rather than handled twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "idempotency store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// Where dedup keys live. The default is [`MemoryStore`]; implement this over
/// a shared database when several receivers run side by side.
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for handling.
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, StoreError>>;
    /// The delivery was acknowledged: later ones with this key are duplicates.
    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    /// The delivery was not acknowledged: a redelivery must be handled again.
    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
}

enum Entry {
    InFlight(Instant),
    Done,
}

struct State {
    entries: HashMap<String, Entry>,
    /// Completed keys, oldest first, so the oldest are forgotten first.
    done: VecDeque<String>,
}

/// An in-process store: completed keys are remembered up to a capacity
/// (oldest forgotten first), and a claim not completed or released within
/// its lease (a handler cut off mid-way) lapses so redeliveries can proceed.
pub struct MemoryStore {
    state: Mutex<State>,
    capacity: usize,
    lease: Duration,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(100_000, Duration::from_secs(60))
    }
}

impl MemoryStore {
    pub fn new(capacity: usize, lease: Duration) -> Self {
        MemoryStore {
            state: Mutex::new(State {
                entries: HashMap::new(),
                done: VecDeque::new(),
            }),
            capacity: capacity.max(1),
            lease,
        }
    }

    /// How many completed keys are remembered.
    pub fn remembered(&self) -> usize {
        self.lock().done.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves the map consistent
        // (every change is a single insert or remove), so keep going.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn claim_now(&self, key: &str) -> Claim {
        let mut state = self.lock();
        match state.entries.get(key) {
            Some(Entry::Done) => Claim::Done,
            Some(Entry::InFlight(since)) if since.elapsed() < self.lease => Claim::InFlight,
            _ => {
                state
                    .entries
                    .insert(key.to_owned(), Entry::InFlight(Instant::now()));
                Claim::New
            }
        }
    }

    fn complete_now(&self, key: &str) {
        let mut state = self.lock();
        if let Some(Entry::Done) = state.entries.insert(key.to_owned(), Entry::Done) {
            return;
        }
        state.done.push_back(key.to_owned());
        while state.done.len() > self.capacity {
            if let Some(oldest) = state.done.pop_front() {
                state.entries.remove(&oldest);
            }
        }
    }

    fn release_now(&self, key: &str) {
        let mut state = self.lock();
        if let Some(Entry::InFlight(_)) = state.entries.get(key) {
            state.entries.remove(key);
        }
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move { Ok(self.claim_now(key)) })
    }

    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.complete_now(key);
            Ok(())
        })
    }

    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.release_now(key);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::Headers;

    #[test]
    fn key_comes_from_the_first_source_that_has_one() {
        let keys = DedupKeys::new()
            .header("idempotency-key")
            .field("/eventId")
            .transport_id();
        let body = br#"{"eventId":"e-1"}"#.to_vec();
        let with_header = Delivery::new(body.clone())
            .with_headers(Headers::from_pairs([("Idempotency-Key", " h-1 ")]));
        assert_eq!(keys.key(&with_header), "h-1");
        assert_eq!(keys.key(&Delivery::new(body.clone())), "e-1");
        let from_queue = Delivery::new(b"[]".to_vec()).with_transport_id("m-1");
        assert_eq!(keys.key(&from_queue), "m-1");
        let long = Delivery::new(b"[]".to_vec()).with_transport_id("x".repeat(200));
        assert!(keys.key(&long).starts_with("key-sha256:"));
        assert_eq!(keys.key(&long).len(), "key-sha256:".len() + 64);
        let bare = Delivery::new(b"not json".to_vec());
        assert_eq!(keys.key(&bare), body_hash(b"not json"));
        assert_eq!(
            body_hash(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn memory_store_claims_completes_releases_and_forgets() {
        let store = MemoryStore::new(2, Duration::from_secs(60));
        assert_eq!(store.claim_now("a"), Claim::New);
        assert_eq!(store.claim_now("a"), Claim::InFlight);
        store.release_now("a");
        assert_eq!(store.claim_now("a"), Claim::New);
        store.complete_now("a");
        assert_eq!(store.claim_now("a"), Claim::Done);
        for key in ["b", "c"] {
            assert_eq!(store.claim_now(key), Claim::New);
            store.complete_now(key);
        }
        assert_eq!(store.remembered(), 2);
        assert_eq!(
            store.claim_now("a"),
            Claim::New,
            "the oldest key is forgotten"
        );
    }

    #[test]
    fn a_lapsed_lease_frees_the_key() {
        let store = MemoryStore::new(10, Duration::ZERO);
        assert_eq!(store.claim_now("a"), Claim::New);
        assert_eq!(store.claim_now("a"), Claim::New);
    }
}

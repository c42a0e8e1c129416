//! Telling a redelivery from a new delivery.
//!
//! Vendors retry (Vertex five times, Avaza thirteen, SQS whenever a message is
//! not deleted in time), so a handler must not run twice for one event. Each
//! delivery gets a dedup key from the first source that has one, in the order
//! the user lists them (a header, a body field, the transport's id), else the
//! SHA-256 of the body. Which source fits which vendor is configuration, not
//! code here: the runtime knows no vendor. Claims themselves live in the
//! [`store`](crate::store).

use crate::delivery::Delivery;
use sha2::{Digest, Sha256};

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

    /// Tries header `name` next.
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.sources.push(KeySource::Header(name.into()));
        self
    }

    /// Tries the string at JSON Pointer `pointer` in the body next.
    pub fn field(mut self, pointer: impl Into<String>) -> Self {
        self.sources.push(KeySource::Field(pointer.into()));
        self
    }

    /// Tries the transport's id for the delivery next.
    pub fn transport_id(mut self) -> Self {
        self.sources.push(KeySource::TransportId);
        self
    }

    /// The sources, in the order tried.
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

/// How a body is hashed for the conflict check: the SHA-256 of the exact
/// bytes, or, when fields that vary per attempt are named (Vertex's
/// `/retryAttempt` and `/replayAttempt`), of the JSON with those fields left
/// out, so a retry is not mistaken for another event reusing the key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyHash {
    ignored: Vec<String>,
}

impl BodyHash {
    /// The exact bytes are hashed.
    pub fn new() -> Self {
        BodyHash::default()
    }

    /// Leaves the value at JSON Pointer `pointer` out of the hash.
    pub fn ignore(mut self, pointer: impl Into<String>) -> Self {
        self.ignored.push(pointer.into());
        self
    }

    /// The pointers left out.
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }

    /// The hash of `body`. A body that is not JSON is hashed as bytes.
    pub fn hash(&self, body: &[u8]) -> String {
        if self.ignored.is_empty() {
            return body_hash(body);
        }
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return body_hash(body);
        };
        for pointer in &self.ignored {
            remove_at(&mut value, pointer);
        }
        // Keys keep the body's order (serde_json's preserve_order), so the
        // same event re-sent hashes the same.
        format!(
            "sha256-json:{}",
            hex::encode(Sha256::digest(value.to_string()))
        )
    }
}

/// Removes the member or element at `pointer`, if there is one.
fn remove_at(value: &mut serde_json::Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(serde_json::Value::Object(map)) => {
            map.shift_remove(&last);
        }
        Some(serde_json::Value::Array(items)) => {
            if let Some(index) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                items.remove(index);
            }
        }
        _ => {}
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
    fn varying_fields_are_left_out_of_the_hash() {
        let hash = BodyHash::new().ignore("/retryAttempt").ignore("/a~1b");
        let first = br#"{"eventId":"e","retryAttempt":0,"a/b":1}"#;
        let retry = br#"{"eventId":"e","retryAttempt":3,"a/b":2}"#;
        let other = br#"{"eventId":"f","retryAttempt":0}"#;
        assert_eq!(hash.hash(first), hash.hash(retry));
        assert_ne!(hash.hash(first), hash.hash(other));
        assert_ne!(BodyHash::new().hash(first), BodyHash::new().hash(retry));
        assert_eq!(hash.hash(b"not json"), body_hash(b"not json"));
    }
}

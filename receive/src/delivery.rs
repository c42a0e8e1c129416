//! What every transport hands the receiving pipeline, and the answer it gets
//! back: the exact body and headers in, a [`Disposition`] out.
//!
//! HTTP and SQS (and the `eventbind listen` CLI) all speak this vocabulary, so
//! verification, deduplication and routing are written once.

use bytes::Bytes;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future: handlers and stores are stored as trait objects,
/// and `async fn` in traits is not object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What should become of a delivery, as the transport understands it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Done: answer 2xx, delete the queue message, remember the dedup key.
    Acknowledge,
    /// Bad signature or body: retrying cannot help (HTTP 4xx). On a queue the
    /// message is left alone so the redrive policy moves it to the dead-letter
    /// queue.
    Reject,
    /// A transient failure: answer 5xx, or leave the queue message to come
    /// back after its visibility timeout.
    RetryLater,
}

/// Request headers, names compared case-insensitively (HTTP header names are
/// case-insensitive; SQS attribute names are used as given, lower-cased).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// Lower-cased name, value; repeated names keep every value in order.
    pairs: Vec<(String, String)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Headers from name/value pairs; names are lower-cased.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut headers = Headers::new();
        for (name, value) in pairs {
            headers.append(name.as_ref(), value);
        }
        headers
    }

    /// Adds a value, keeping earlier values of the same name.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.push((name.to_ascii_lowercase(), value.into()));
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in the order received.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether any value of `name` reads `true` (any case, surrounding
    /// spaces ignored): how Vertex marks its test deliveries.
    pub fn is_true(&self, name: &str) -> bool {
        self.get_all(name)
            .any(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// All pairs, names lower-cased.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// One delivery as a transport received it.
#[derive(Clone, Debug, Default)]
pub struct Delivery {
    /// The body exactly as received: signatures are computed over these bytes.
    pub body: Bytes,
    /// The request headers (or queue message attributes).
    pub headers: Headers,
    /// The event name given from outside the body (a URL segment such as
    /// Avaza's one URL per event), for specs routed by name.
    pub name: Option<String>,
    /// The transport's own id for the delivery (an SQS message id), a
    /// fallback dedup key.
    pub transport_id: Option<String>,
    /// Which transport received it (`http`, `sqs`), for the stored record.
    pub transport: Option<String>,
}

impl Delivery {
    /// A delivery of `body` alone.
    pub fn new(body: impl Into<Bytes>) -> Self {
        Delivery {
            body: body.into(),
            ..Delivery::default()
        }
    }

    /// With these headers.
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// Named from outside the body.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// With the transport's id for it.
    pub fn with_transport_id(mut self, id: impl Into<String>) -> Self {
        self.transport_id = Some(id.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_case_insensitive_and_repeatable() {
        let headers = Headers::from_pairs([
            ("Vertex-HMAC-SHA256", "a"),
            ("vertex-hmac-sha256", "b"),
            ("Vertex-Webhooks-Test", " TRUE "),
        ]);
        assert_eq!(headers.get("VERTEX-hmac-sha256"), Some("a"));
        assert_eq!(
            headers.get_all("vertex-hmac-sha256").collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(headers.is_true("vertex-webhooks-test"));
        assert!(!headers.is_true("vertex-webhook-test"));
        assert_eq!(headers.get("missing"), None);
    }
}

/// Which of the three outcomes a delivery had; they never merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A message of the spec, valid.
    Typed,
    /// A routing key the spec does not know; the JSON is kept.
    Unknown,
    /// Malformed, unroutable, or failing its message's schema.
    Invalid,
}

impl Class {
    /// The name stored and printed: `typed`, `unknown` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Typed => "typed",
            Class::Unknown => "unknown",
            Class::Invalid => "invalid",
        }
    }

    /// The class of a name of [`Class::as_str`].
    pub fn parse(name: &str) -> Option<Class> {
        Some(match name {
            "typed" => Class::Typed,
            "unknown" => Class::Unknown,
            "invalid" => Class::Invalid,
            _ => return None,
        })
    }
}

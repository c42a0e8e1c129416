//! The [Standard Webhooks](https://www.standardwebhooks.com) scheme (Svix's,
//! and that of every sender using its libraries): three headers,
//!
//! - `webhook-id`: the message id, the same on every retry (a good dedup
//!   key: `DedupKeys::new().header("webhook-id")`);
//! - `webhook-timestamp`: Unix seconds, signed, checked against a tolerance
//!   (5 minutes by default) so a captured delivery cannot be replayed later;
//! - `webhook-signature`: a space-separated list of `v1,<base64>` entries
//!   (several while the sender rotates its key; other versions such as
//!   `v1a` are skipped),
//!
//! where each `v1` signature is HMAC-SHA256 over `{id}.{timestamp}.{body}`
//! with the secret's bytes, written `whsec_<base64>`.
//!
//! The MAC, the constant-time compare, rotation and the tolerance window are
//! [`HmacSha256`]'s: this module only reads the Standard Webhooks header
//! format into the form `HmacSha256` checks, so both schemes share one
//! implementation of the parts that must not be wrong.

use crate::delivery::{Delivery, Headers};
use crate::verify::{Encoding, HmacSha256, Signed, Verify, VerifyError};
use base64::Engine as _;
use std::fmt;
use std::time::{Duration, SystemTime};

/// How far `webhook-timestamp` may be from the clock, either way, by default
/// (the spec's recommendation).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The prefix the spec gives secrets; the base64 key follows it.
const SECRET_PREFIX: &str = "whsec_";

/// At most this many entries of one signature list are read, so a huge
/// header cannot make a request expensive.
const MAX_SIGNATURES: usize = 8;

/// The header names of the canonical form handed to [`HmacSha256`].
const ID: &str = "webhook-id";
const TIMESTAMP: &str = "webhook-timestamp";
const SIGNATURE: &str = "webhook-signature";

/// A secret that is not `whsec_` followed by base64 (or is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretError(String);

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "standard webhooks secret: {}", self.0)
    }
}

impl std::error::Error for SecretError {}

/// The key bytes of a secret: base64 after an optional `whsec_` prefix (the
/// reference libraries accept both forms, and senders show both).
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, SecretError> {
    let encoded = secret.trim();
    let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
    if encoded.is_empty() {
        return Err(SecretError("it is empty".into()));
    }
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| SecretError(format!("not base64 after `{SECRET_PREFIX}`: {e}")))?;
    if key.is_empty() {
        return Err(SecretError("it decodes to no bytes".into()));
    }
    Ok(key)
}

/// Verifies Standard Webhooks signatures; implements [`Verify`], so it goes
/// to `Receiver::verify` like any other scheme.
#[derive(Clone)]
pub struct StandardWebhooks {
    /// Checks the canonical form (see [`StandardWebhooks::canonical`]).
    inner: HmacSha256,
    /// Header-name prefixes tried in order (`webhook`, or `svix` then
    /// `webhook`).
    prefixes: Vec<&'static str>,
}

impl StandardWebhooks {
    /// Verifies with `secret` (`whsec_<base64>`, or the base64 alone), reading
    /// `webhook-*` headers, within [`DEFAULT_TOLERANCE`] of the system clock.
    pub fn new(secret: &str) -> Result<Self, SecretError> {
        let key = decode_secret(secret)?;
        let inner = HmacSha256::new(SIGNATURE, key)
            .encoding(Encoding::Base64)
            .signed([
                Signed::Header(ID.into()),
                Signed::Literal(".".into()),
                Signed::Header(TIMESTAMP.into()),
                Signed::Literal(".".into()),
                Signed::Body,
            ])
            .timestamp(TIMESTAMP, DEFAULT_TOLERANCE);
        Ok(StandardWebhooks {
            inner,
            prefixes: vec!["webhook"],
        })
    }

    /// Like [`StandardWebhooks::new`], reading Svix's branded `svix-id`,
    /// `svix-timestamp` and `svix-signature` headers (the unbranded
    /// `webhook-*` ones when those are absent).
    pub fn svix(secret: &str) -> Result<Self, SecretError> {
        let mut this = StandardWebhooks::new(secret)?;
        this.prefixes = vec!["svix", "webhook"];
        Ok(this)
    }

    /// Accepts another secret too, for rotation on the receiving side: old
    /// and new both verify until the old one is removed.
    pub fn secret(mut self, secret: &str) -> Result<Self, SecretError> {
        self.inner = self.inner.secret(decode_secret(secret)?);
        Ok(self)
    }

    /// How far the timestamp may be from the clock, in the past or the future.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.inner = self.inner.timestamp(TIMESTAMP, tolerance);
        self
    }

    /// The clock timestamps are compared with (tests set a fixed one).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.inner = self.inner.clock(clock);
        self
    }

    /// The `webhook-signature` value a sender writes for message `id` sent at
    /// `timestamp` (Unix seconds), with the first secret: `v1,<base64>`. For
    /// tests and for forwarding deliveries to a local receiver.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> Result<String, VerifyError> {
        let headers =
            Headers::from_pairs([(ID, id.to_owned()), (TIMESTAMP, timestamp.to_string())]);
        Ok(format!("v1,{}", self.inner.sign(&headers, body)?))
    }

    /// The first value of `header` (e.g. `id`) under any accepted prefix,
    /// with the name it was found under.
    fn header<'h>(&self, headers: &'h Headers, field: &str) -> Result<&'h str, VerifyError> {
        self.prefixes
            .iter()
            .find_map(|prefix| headers.get(&format!("{prefix}-{field}")))
            .ok_or_else(|| VerifyError::Missing(format!("{}-{field}", self.prefixes[0])))
    }

    /// The delivery's id, timestamp and `v1` signatures under the canonical
    /// names, the signatures as bare base64 separated by spaces: the form
    /// `inner` verifies.
    fn canonical(&self, headers: &Headers) -> Result<Headers, VerifyError> {
        let id = self.header(headers, "id")?;
        let timestamp = self.header(headers, "timestamp")?;
        let list = self.header(headers, "signature")?;
        let signatures: Vec<&str> = list
            .split_ascii_whitespace()
            .take(MAX_SIGNATURES)
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == "v1")
            .map(|(_, signature)| signature)
            .filter(|signature| !signature.is_empty())
            .collect();
        if signatures.is_empty() {
            return Err(VerifyError::Malformed {
                header: format!("{}-signature", self.prefixes[0]),
                reason: "no `v1,<base64>` entry in it".into(),
            });
        }
        Ok(Headers::from_pairs([
            (ID, id.to_owned()),
            (TIMESTAMP, timestamp.to_owned()),
            (SIGNATURE, signatures.join(" ")),
        ]))
    }
}

impl Verify for StandardWebhooks {
    fn verify(&self, delivery: &Delivery) -> Result<(), VerifyError> {
        let canonical = Delivery {
            // `Bytes` is reference-counted: the body is not copied.
            body: delivery.body.clone(),
            headers: self.canonical(&delivery.headers)?,
            ..Delivery::default()
        };
        self.inner.verify(&canonical)
    }
}

impl fmt::Debug for StandardWebhooks {
    // Secrets never reach logs (`HmacSha256`'s Debug shows only a count).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field("prefixes", &self.prefixes)
            .field("inner", &self.inner)
            .finish()
    }
}

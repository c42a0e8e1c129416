//! Checking that a delivery comes from the vendor, on the exact raw bytes.
//!
//! One type per security scheme a spec can name: an HMAC-SHA256 signature
//! header, HTTP basic auth, a bearer token, or nothing. The vendors' docs
//! leave the HMAC details open (Vertex names the `vertex-hmac-sha256` header
//! but not what is signed nor the encoding), so every detail is configurable.
//! Secrets are compared in constant time (`subtle`); the MAC is `hmac` +
//! `sha2`, never hand-rolled.

use crate::delivery::{Delivery, Headers};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use subtle::{Choice, ConstantTimeEq};

/// Why a delivery failed verification. Every case is answered alike (HTTP
/// 401); the detail is for logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    Missing(String),
    /// A header is present but cannot be read (bad encoding, wrong length).
    Malformed {
        /// The header.
        header: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Well-formed, but no configured secret or credential matches.
    Mismatch(String),
    /// The signed timestamp is outside the tolerance window.
    Stale {
        /// The timestamp header.
        header: String,
        /// How far it is from the clock, in seconds (negative: in the past).
        skew_seconds: i64,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Missing(header) => write!(f, "header `{header}` is missing"),
            VerifyError::Malformed { header, reason } => {
                write!(f, "header `{header}` is malformed: {reason}")
            }
            VerifyError::Mismatch(header) => write!(f, "header `{header}` does not match"),
            VerifyError::Stale {
                header,
                skew_seconds,
            } => write!(
                f,
                "header `{header}` is {skew_seconds} s away from now, outside the tolerance"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// A security scheme check. Implement it for schemes not covered here.
pub trait Verify: Send + Sync {
    /// `Ok` when `delivery` passes the check.
    fn verify(&self, delivery: &Delivery) -> Result<(), VerifyError>;
}

/// The `NONE` scheme (Avaza, or a Vertex subscription without security).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoVerification;

impl Verify for NoVerification {
    fn verify(&self, _: &Delivery) -> Result<(), VerifyError> {
        Ok(())
    }
}

/// The current time, injectable so tolerance windows can be tested.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// How the signature header encodes the 32 MAC bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// 64 hex digits, either case.
    Hex,
    /// Standard or URL-safe base64, padded or not.
    Base64,
    /// Whichever decodes to 32 bytes (64 hex digits cannot be 32 bytes of
    /// base64, so the two never collide). For vendors that do not say.
    Auto,
}

/// One part of the signed message, concatenated in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// The raw body.
    Body,
    /// The value of a header (e.g. a timestamp), which must be present.
    Header(String),
    /// Fixed bytes (e.g. a `.` separator).
    Literal(String),
}

/// HMAC-SHA256 over the raw body (or over parts built around it).
#[derive(Clone)]
pub struct HmacSha256 {
    header: String,
    secrets: Vec<Vec<u8>>,
    encoding: Encoding,
    prefix: Option<String>,
    signed: Vec<Signed>,
    timestamp: Option<(String, Duration)>,
    clock: Clock,
}

/// At most this many signatures are tried from one header, so a huge header
/// cannot make a request expensive.
const MAX_CANDIDATES: usize = 8;

impl HmacSha256 {
    /// The signature is in `header`, computed with `secret` over the body,
    /// encoded as [`Encoding::Auto`].
    pub fn new(header: impl Into<String>, secret: impl AsRef<[u8]>) -> Self {
        HmacSha256 {
            header: header.into(),
            secrets: vec![secret.as_ref().to_vec()],
            encoding: Encoding::Auto,
            prefix: None,
            signed: vec![Signed::Body],
            timestamp: None,
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Accepts another secret too, for rotation: old and new both verify
    /// until the old one is removed.
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secrets.push(secret.as_ref().to_vec());
        self
    }

    /// How signatures are encoded (default: either, told apart by length).
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// A prefix each signature carries, e.g. `sha256=` (compared ignoring case).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// What is signed, in order; the default is the body alone.
    pub fn signed(mut self, parts: impl IntoIterator<Item = Signed>) -> Self {
        self.signed = parts.into_iter().collect();
        self
    }

    /// Requires `header` to hold a Unix time in seconds within `tolerance`
    /// of the clock. Sign it too (see [`HmacSha256::signed`]) or it protects
    /// nothing.
    pub fn timestamp(mut self, header: impl Into<String>, tolerance: Duration) -> Self {
        self.timestamp = Some((header.into(), tolerance));
        self
    }

    /// The clock timestamps are compared with (tests set a fixed one).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The header this scheme reads the signature from.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// The header value a sender would write, with the first secret: for
    /// tests and for forwarding deliveries to a local receiver.
    pub fn sign(&self, headers: &Headers, body: &[u8]) -> Result<String, VerifyError> {
        let secret = self.secrets.first().map(Vec::as_slice).unwrap_or_default();
        let mac = self.mac(secret, headers, body)?;
        let encoded = match self.encoding {
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(mac),
            Encoding::Hex | Encoding::Auto => hex::encode(mac),
        };
        Ok(format!("{}{encoded}", self.prefix.as_deref().unwrap_or("")))
    }

    fn mac(&self, secret: &[u8], headers: &Headers, body: &[u8]) -> Result<[u8; 32], VerifyError> {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .map_err(|_| VerifyError::Mismatch(self.header.clone()))?;
        for part in &self.signed {
            match part {
                Signed::Body => mac.update(body),
                Signed::Literal(text) => mac.update(text.as_bytes()),
                Signed::Header(name) => mac.update(
                    headers
                        .get(name)
                        .ok_or_else(|| VerifyError::Missing(name.clone()))?
                        .as_bytes(),
                ),
            }
        }
        Ok(mac.finalize().into_bytes().into())
    }

    fn check_timestamp(&self, headers: &Headers) -> Result<(), VerifyError> {
        let Some((header, tolerance)) = &self.timestamp else {
            return Ok(());
        };
        let value = headers
            .get(header)
            .ok_or_else(|| VerifyError::Missing(header.clone()))?;
        let sent: i64 = value.trim().parse().map_err(|_| VerifyError::Malformed {
            header: header.clone(),
            reason: "not a Unix time in seconds".into(),
        })?;
        let now = match (self.clock)().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let skew = now.saturating_sub(sent);
        let allowed = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
        if skew.unsigned_abs() > allowed.unsigned_abs() {
            return Err(VerifyError::Stale {
                header: header.clone(),
                skew_seconds: skew,
            });
        }
        Ok(())
    }

    /// The signatures the header carries: several may be sent (comma or
    /// space separated) while the vendor rotates its own secret.
    fn candidates(&self, headers: &Headers) -> Result<Vec<[u8; 32]>, VerifyError> {
        let mut present = false;
        let mut decoded = Vec::new();
        for value in headers.get_all(&self.header) {
            present = true;
            for token in value
                .split(|c: char| c == ',' || c.is_ascii_whitespace())
                .filter(|t| !t.is_empty())
                .take(MAX_CANDIDATES)
            {
                let token = match &self.prefix {
                    Some(prefix) => match strip_prefix_ignore_case(token, prefix) {
                        Some(rest) => rest,
                        None => continue,
                    },
                    None => token,
                };
                if let Some(bytes) = decode(token, self.encoding) {
                    decoded.push(bytes);
                }
            }
        }
        if !present {
            return Err(VerifyError::Missing(self.header.clone()));
        }
        if decoded.is_empty() {
            return Err(VerifyError::Malformed {
                header: self.header.clone(),
                reason: format!("no {} HMAC-SHA256 signature in it", self.encoding_name()),
            });
        }
        Ok(decoded)
    }

    fn encoding_name(&self) -> &'static str {
        match self.encoding {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
            Encoding::Auto => "hex or base64",
        }
    }
}

impl Verify for HmacSha256 {
    fn verify(&self, delivery: &Delivery) -> Result<(), VerifyError> {
        let given = self.candidates(&delivery.headers)?;
        self.check_timestamp(&delivery.headers)?;
        let mut matched = Choice::from(0);
        for secret in &self.secrets {
            let expected = self.mac(secret, &delivery.headers, &delivery.body)?;
            for candidate in &given {
                matched |= expected.ct_eq(candidate);
            }
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(VerifyError::Mismatch(self.header.clone()))
        }
    }
}

impl fmt::Debug for HmacSha256 {
    // Secrets never reach logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSha256")
            .field("header", &self.header)
            .field("secrets", &self.secrets.len())
            .field("encoding", &self.encoding)
            .field("prefix", &self.prefix)
            .field("signed", &self.signed)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

fn strip_prefix_ignore_case<'t>(token: &'t str, prefix: &str) -> Option<&'t str> {
    let head = token.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &token[prefix.len()..])
}

fn decode(token: &str, encoding: Encoding) -> Option<[u8; 32]> {
    let hex = || hex::decode(token).ok();
    let base64 = || {
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(token).ok())
    };
    let bytes = match encoding {
        Encoding::Hex => hex(),
        Encoding::Base64 => base64(),
        Encoding::Auto if token.len() == 64 => hex(),
        Encoding::Auto => base64(),
    }?;
    bytes.try_into().ok()
}

/// HTTP basic auth (Vertex's `BASIC_AUTH`), with several accepted
/// credentials for rotation.
#[derive(Clone)]
pub struct BasicAuth {
    /// SHA-256 of each accepted `user:password`: comparing digests keeps the
    /// compare constant-time whatever the lengths.
    accepted: Vec<[u8; 32]>,
}

impl BasicAuth {
    /// Accepts `user` with `password`.
    pub fn new(user: &str, password: &str) -> Self {
        BasicAuth {
            accepted: vec![digest_credentials(user.as_bytes(), password.as_bytes())],
        }
    }

    /// Accepts another pair as well (rotation).
    pub fn credentials(mut self, user: &str, password: &str) -> Self {
        self.accepted
            .push(digest_credentials(user.as_bytes(), password.as_bytes()));
        self
    }
}

fn digest_credentials(user: &[u8], password: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(user);
    hasher.update(b":");
    hasher.update(password);
    hasher.finalize().into()
}

impl Verify for BasicAuth {
    fn verify(&self, delivery: &Delivery) -> Result<(), VerifyError> {
        let token = authorization(&delivery.headers, "Basic")?;
        let malformed = |reason: &str| VerifyError::Malformed {
            header: "authorization".into(),
            reason: reason.into(),
        };
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .map_err(|_| malformed("basic credentials are not base64"))?;
        let colon = decoded
            .iter()
            .position(|b| *b == b':')
            .ok_or_else(|| malformed("basic credentials have no `:`"))?;
        let given = digest_credentials(&decoded[..colon], &decoded[colon + 1..]);
        let matched = self.accepted.iter().fold(Choice::from(0), |acc, accepted| {
            acc | accepted.ct_eq(&given)
        });
        if bool::from(matched) {
            Ok(())
        } else {
            Err(VerifyError::Mismatch("authorization".into()))
        }
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("credentials", &self.accepted.len())
            .finish()
    }
}

/// A bearer token (e.g. one issued by the receiver's OAuth2 token URL for
/// Vertex's `OAUTH2` scheme), checked by a function the user supplies.
#[derive(Clone)]
pub struct BearerToken {
    check: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

impl BearerToken {
    /// Accepts a token when `check` holds for it.
    pub fn new(check: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        BearerToken {
            check: Arc::new(check),
        }
    }
}

impl Verify for BearerToken {
    fn verify(&self, delivery: &Delivery) -> Result<(), VerifyError> {
        let token = authorization(&delivery.headers, "Bearer")?;
        if (self.check)(token) {
            Ok(())
        } else {
            Err(VerifyError::Mismatch("authorization".into()))
        }
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken")
    }
}

/// The credentials of an `Authorization: <scheme> <credentials>` header.
fn authorization<'h>(headers: &'h Headers, scheme: &str) -> Result<&'h str, VerifyError> {
    let value = headers
        .get("authorization")
        .ok_or_else(|| VerifyError::Missing("authorization".into()))?;
    let (given, credentials) =
        value
            .trim()
            .split_once(' ')
            .ok_or_else(|| VerifyError::Malformed {
                header: "authorization".into(),
                reason: format!("expected `{scheme} <credentials>`"),
            })?;
    if !given.eq_ignore_ascii_case(scheme) {
        return Err(VerifyError::Malformed {
            header: "authorization".into(),
            reason: format!("expected the {scheme} scheme"),
        });
    }
    Ok(credentials.trim())
}

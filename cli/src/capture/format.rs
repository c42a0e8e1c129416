//! The capture file: one HTTP delivery as one JSON document.
//!
//! ```json
//! {
//!   "eventbind_capture": 1,
//!   "event": "timesheet_created",
//!   "received_at": "2024-05-23T05:25:36.530Z",
//!   "method": "POST",
//!   "path": "/avaza/timesheet_created",
//!   "query": "a=1",
//!   "headers": ["content-type: application/json", "authorization: [redacted]"],
//!   "body_length": 312,
//!   "body": [ {"Duration": 4.0000} ]
//! }
//! ```
//!
//! `body` is the body's JSON text embedded verbatim (a `RawValue`), not a
//! re-serialisation: `4.0000` stays `4.0000`, key order and escapes stay as
//! sent, and the file stays readable. Whenever that text alone does not give
//! back the exact bytes (the body is not JSON, or has whitespace or a BOM
//! around the value), `body_base64` holds the exact bytes as well. So the
//! exact bytes are always `body_base64` if present, else the text of `body`.

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// The version written in `eventbind_capture`; readers refuse newer ones.
pub const VERSION: u32 = 1;

/// The value a redacted header or query value is replaced by.
pub const REDACTED: &str = "[redacted]";

/// One delivery, as received (headers and query already redacted if asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event name the receiver derived (path, header or body field).
    pub event: String,
    /// RFC 3339 time of receipt (UTC).
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// In the order received; names lower-case (HTTP/1 names are case-insensitive).
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Vec<u8>,
}

#[derive(Serialize)]
struct Written<'a> {
    eventbind_capture: u32,
    event: &'a str,
    received_at: &'a str,
    method: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<&'a str>,
    /// `name: value` lines, as on the wire: compact, ordered, repeats kept.
    headers: Vec<String>,
    body_length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

impl Delivery {
    /// The capture file's bytes (pretty JSON, ending in a newline).
    pub fn to_file_bytes(&self) -> serde_json::Result<Vec<u8>> {
        let text = std::str::from_utf8(&self.body).ok();
        let raw: Option<Box<RawValue>> = text.and_then(|t| serde_json::from_str(t).ok());
        // A RawValue drops whitespace around the value; keep the exact bytes then.
        let exact = raw
            .as_ref()
            .is_some_and(|r| r.get().as_bytes() == self.body);
        let written = Written {
            eventbind_capture: VERSION,
            event: &self.event,
            received_at: &self.received_at,
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: self
                .headers
                .iter()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect(),
            body_length: self.body.len(),
            body: raw.as_deref(),
            body_base64: (!exact)
                .then(|| base64::engine::general_purpose::STANDARD.encode(&self.body)),
        };
        let mut out = serde_json::to_vec_pretty(&written)?;
        out.push(b'\n');
        Ok(out)
    }
}

/// A capture file as read back; every member but the marker is optional so
/// hand-written captures need only `eventbind_capture` and `body`.
#[derive(Debug, Deserialize)]
pub struct CaptureFile {
    pub eventbind_capture: u32,
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub received_at: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default, deserialize_with = "header_lines")]
    pub headers: Vec<(String, String)>,
    /// Present (even when the body is JSON `null`) iff the body is JSON.
    #[serde(default, deserialize_with = "present")]
    pub body: Option<Box<RawValue>>,
    #[serde(default)]
    pub body_base64: Option<String>,
}

/// `Option<Box<RawValue>>` would read `"body": null` as absent; a body that
/// is the JSON text `null` must stay a body.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<RawValue>>, D::Error> {
    Box::<RawValue>::deserialize(d).map(Some)
}

/// `name: value` lines back into pairs (names have no `:`, values may).
fn header_lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    Vec::<String>::deserialize(d)?
        .into_iter()
        .map(|line| match line.split_once(':') {
            Some((name, value)) => Ok((name.trim().to_string(), value.trim_start().to_string())),
            None => Err(serde::de::Error::custom(format!(
                "header line {line:?} is not `name: value`"
            ))),
        })
        .collect()
}

/// Just enough to tell a capture file from a raw JSON body.
#[derive(Deserialize)]
struct Marker {
    eventbind_capture: Option<serde_json::Value>,
}

impl CaptureFile {
    /// `Ok(None)` when `bytes` are not a capture file (a raw body, or not
    /// JSON at all); an error when they claim to be one but are malformed.
    pub fn parse(bytes: &[u8]) -> Result<Option<CaptureFile>, String> {
        // serde reads a struct from an array too, so only an object is a candidate;
        // and only a numeric marker makes it a capture file.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Ok(None);
        }
        match serde_json::from_slice::<Marker>(bytes) {
            Ok(Marker {
                eventbind_capture: Some(serde_json::Value::Number(_)),
            }) => {}
            _ => return Ok(None),
        }
        let file: CaptureFile = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not a valid capture file: line {} column {}: {e}",
                e.line(),
                e.column()
            )
        })?;
        if file.eventbind_capture > VERSION {
            return Err(format!(
                "capture format version {} is newer than this eventbind reads ({VERSION})",
                file.eventbind_capture
            ));
        }
        if file.body.is_none() && file.body_base64.is_none() {
            return Err("a capture file needs `body` or `body_base64`".to_string());
        }
        Ok(Some(file))
    }

    /// The body as a reader should use it: the JSON text of `body` when
    /// present (what a person edits), else the exact bytes.
    pub fn body_for_reading(&self) -> Result<Vec<u8>, String> {
        match &self.body {
            Some(raw) => Ok(raw.get().as_bytes().to_vec()),
            None => self.exact_body(),
        }
    }

    /// The exact bytes received.
    pub fn exact_body(&self) -> Result<Vec<u8>, String> {
        match (&self.body_base64, &self.body) {
            (Some(encoded), _) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| format!("/body_base64: not base64: {e}")),
            (None, Some(raw)) => Ok(raw.get().as_bytes().to_vec()),
            (None, None) => Err("a capture file needs `body` or `body_base64`".to_string()),
        }
    }
}

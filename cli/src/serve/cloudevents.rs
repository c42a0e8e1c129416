//! CloudEvents 1.0 out of stored deliveries: the JSON event format
//! (structured mode) and the HTTP binary-mode headers, written with serde
//! after the spec's text (the `cloudevents-sdk` crate would bring its own
//! HTTP stack for what is a handful of attributes).
//!
//! - `id`: the dedup key; `source`: `/routes/<route>`;
//! - `type`: `<spec>.<message>` (`<spec>.unknown` / `<spec>.invalid` when no
//!   message was routed);
//! - `time`: when it was received (RFC 3339, UTC, milliseconds);
//! - `dataschema`: a `file:` URI of the message's emitted JSON Schema
//!   (`generated/<spec>/schemas/<Message>.json`), when there is one;
//! - `data`: the body as received when it is JSON (the very bytes, not
//!   re-serialised), else `data_base64`;
//! - `eventbindclass`: `typed`, `unknown` or `invalid`.

use eventbind_receive::store::Record;
use serde::Serialize;
use serde_json::value::RawValue;
use std::path::Path;

/// One event, ready to write.
#[derive(Clone, Debug, Serialize)]
pub struct CloudEvent {
    /// Always `1.0`.
    pub specversion: &'static str,
    /// The dedup key.
    pub id: String,
    /// `/routes/<route>`.
    pub source: String,
    /// `<spec>.<message>`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Received at.
    pub time: String,
    /// The body's media type.
    pub datacontenttype: String,
    /// The message's JSON Schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataschema: Option<String>,
    /// typed | unknown | invalid.
    pub eventbindclass: &'static str,
    /// A JSON body, as received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Box<RawValue>>,
    /// Any other body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_base64: Option<String>,
    /// The body as received (for binary mode).
    #[serde(skip)]
    pub body: bytes::Bytes,
}

impl CloudEvent {
    /// The event of a stored delivery of route `route` on spec `spec`,
    /// schemas from `schemas` (absolute).
    pub fn of(record: &Record, route: &str, spec: &str, schemas: Option<&Path>) -> CloudEvent {
        use base64::Engine as _;
        let json = std::str::from_utf8(&record.body)
            .ok()
            .and_then(|text| RawValue::from_string(text.trim().to_owned()).ok());
        let declared = record
            .headers
            .iter()
            .find(|(n, _)| n == "content-type")
            .map(|(_, v)| v.clone());
        let datacontenttype = match (&json, declared) {
            (_, Some(declared)) if !declared.is_empty() => declared,
            (Some(_), _) => "application/json".to_owned(),
            (None, _) => "application/octet-stream".to_owned(),
        };
        let ty = match &record.message {
            Some(message) => format!("{spec}.{message}"),
            None => format!("{spec}.{}", record.class.as_str()),
        };
        let dataschema = record.message.as_ref().and_then(|m| {
            let file = schemas?.join(format!("{m}.json"));
            file.is_file().then(|| file_uri(&file))
        });
        CloudEvent {
            specversion: "1.0",
            id: record.dedup_key.clone(),
            source: format!("/routes/{route}"),
            ty,
            time: rfc3339(record.received_at),
            datacontenttype,
            dataschema,
            eventbindclass: record.class.as_str(),
            data_base64: json
                .is_none()
                .then(|| base64::engine::general_purpose::STANDARD.encode(&record.body)),
            data: json,
            body: record.body.clone(),
        }
    }

    /// The structured-mode JSON.
    pub fn to_json(&self) -> String {
        // Only strings and a raw JSON value: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Binary-mode HTTP headers (`ce-*` and `content-type`).
    pub fn binary_headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("ce-specversion".to_owned(), self.specversion.to_owned()),
            ("ce-id".to_owned(), percent(&self.id)),
            ("ce-source".to_owned(), percent(&self.source)),
            ("ce-type".to_owned(), percent(&self.ty)),
            ("ce-time".to_owned(), self.time.clone()),
            (
                "ce-eventbindclass".to_owned(),
                self.eventbindclass.to_owned(),
            ),
            ("content-type".to_owned(), self.datacontenttype.clone()),
        ];
        if let Some(schema) = &self.dataschema {
            headers.push(("ce-dataschema".to_owned(), percent(schema)));
        }
        headers
    }
}

/// A `file:` URI of an absolute path.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut uri = String::from("file://");
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// Header values are percent-encoded outside printable ASCII (CloudEvents
/// HTTP binding, 3.1.3.2), and `%` itself.
fn percent(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b' '..=b'~' if byte != b'%' && byte != b'"' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// RFC 3339 in UTC with milliseconds.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventbind_receive::receive::Class;

    fn record(body: &str, content_type: Option<&str>) -> Record {
        Record {
            dedup_key: "A234-1234-1234".into(),
            body_hash: String::new(),
            body: bytes::Bytes::from(body.to_owned()),
            headers: content_type
                .map(|c| vec![("content-type".to_owned(), c.to_owned())])
                .unwrap_or_default(),
            transport: "http".into(),
            spec: "commenda".into(),
            name: None,
            message: Some("NexusThresholdStateAlert".into()),
            routing_key: None,
            class: Class::Typed,
            received_at: 1_522_836_246_000,
        }
    }

    /// The JSON event format's example (CloudEvents JSON format 1.0, section
    /// 3.1 "Handling of data"), with `data` a JSON value:
    /// `{"specversion":"1.0","type":"com.example.someevent","source":"/mycontext",
    /// "id":"A234-1234-1234","time":"2018-04-05T17:31:00Z","comexampleextension1":"value",
    /// "datacontenttype":"application/json","data":{"appinfoA":"abc","appinfoB":123,"appinfoC":true}}`.
    /// Ours has the same shape: required attributes as strings, an extension
    /// attribute as a top-level lower-case member, `data` the JSON itself.
    #[test]
    fn structured_events_follow_the_json_format_example() {
        let body = r#"{"appinfoA":"abc","appinfoB":123,"appinfoC":true}"#;
        let event = CloudEvent::of(
            &record(body, Some("application/json")),
            "commenda",
            "commenda",
            None,
        );
        let json: serde_json::Value = serde_json::from_str(&event.to_json()).unwrap();
        let example: serde_json::Value = serde_json::from_str(
            r#"{"specversion":"1.0","type":"com.example.someevent","source":"/mycontext",
                "id":"A234-1234-1234","time":"2018-04-05T17:31:00Z","comexampleextension1":"value",
                "datacontenttype":"application/json","data":{"appinfoA":"abc","appinfoB":123,"appinfoC":true}}"#,
        )
        .unwrap();
        for attribute in ["specversion", "id", "datacontenttype", "data"] {
            assert_eq!(json[attribute], example[attribute], "{attribute}");
        }
        assert_eq!(json["type"], "commenda.NexusThresholdStateAlert");
        assert_eq!(json["source"], "/routes/commenda");
        assert_eq!(json["time"], "2018-04-04T10:04:06.000Z");
        assert_eq!(json["eventbindclass"], "typed");
        assert!(json.get("data_base64").is_none());
        // Attribute names are lower-case a-z0-9 only (spec 3.1.1).
        for name in json.as_object().unwrap().keys() {
            assert!(
                name == "data_base64"
                    || name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{name}"
            );
        }
    }

    /// The format's binary example: `"data_base64" : "...base64 encoded string..."`
    /// for data that is not JSON.
    #[test]
    fn a_body_that_is_not_json_is_data_base64() {
        let event = CloudEvent::of(
            &record("not json \u{1}", Some("text/plain")),
            "r",
            "s",
            None,
        );
        let json: serde_json::Value = serde_json::from_str(&event.to_json()).unwrap();
        assert_eq!(json["data_base64"], "bm90IGpzb24gAQ==");
        assert!(json.get("data").is_none());
        assert_eq!(json["datacontenttype"], "text/plain");
    }

    #[test]
    fn data_keeps_the_bytes_as_received() {
        let body = r#"{"b":1.50,"a":"x"}"#;
        let event = CloudEvent::of(&record(body, None), "r", "s", None);
        assert!(event.to_json().contains(r#""data":{"b":1.50,"a":"x"}"#));
    }

    #[test]
    fn binary_headers_are_percent_encoded() {
        let mut rec = record("{}", None);
        rec.dedup_key = "é 100%".into();
        let headers = CloudEvent::of(&rec, "r", "s", None).binary_headers();
        assert!(headers.contains(&("ce-id".to_owned(), "%C3%A9 100%25".to_owned())));
        assert!(headers.contains(&("ce-specversion".to_owned(), "1.0".to_owned())));
    }
}

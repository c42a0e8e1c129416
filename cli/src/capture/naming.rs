//! Naming a delivery by its event: from the URL path, a header or a body
//! field, made safe to use as a file name.

use std::fmt;
use std::str::FromStr;

/// The name used when the chosen source does not name the event.
pub const UNNAMED: &str = "unnamed";

/// Longest event name kept in a file name (file systems allow 255 bytes; the
/// counter and extension need the rest).
const MAX_LEN: usize = 120;

/// Where a delivery's event name comes from (`--name-from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameFrom {
    /// The last non-empty segment of the URL path (`/hooks/timesheet_created`).
    Path,
    /// The value of this header (case-insensitive).
    Header(String),
    /// The string (or number) at this JSON Pointer in a JSON body.
    Field(String),
}

impl FromStr for NameFrom {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text == "path" {
            return Ok(NameFrom::Path);
        }
        if let Some(name) = text.strip_prefix("header:") {
            if name.is_empty() {
                return Err("`header:` needs a header name, e.g. header:x-event".into());
            }
            return Ok(NameFrom::Header(name.to_ascii_lowercase()));
        }
        if let Some(pointer) = text.strip_prefix("field:") {
            if !(pointer.is_empty() || pointer.starts_with('/')) {
                return Err(format!(
                    "`field:` needs a JSON Pointer starting with `/`, not {pointer:?}"
                ));
            }
            return Ok(NameFrom::Field(pointer.to_string()));
        }
        Err(format!(
            "expected `path`, `header:NAME` or `field:/json/pointer`, not {text:?}"
        ))
    }
}

impl fmt::Display for NameFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameFrom::Path => write!(f, "path"),
            NameFrom::Header(name) => write!(f, "header:{name}"),
            NameFrom::Field(pointer) => write!(f, "field:{pointer}"),
        }
    }
}

impl NameFrom {
    /// The event name of a delivery, already safe as a file name; headers
    /// are `(lower-case name, value)` pairs as received (before redaction).
    pub fn event_name(&self, path: &str, headers: &[(String, String)], body: &[u8]) -> String {
        let found = match self {
            NameFrom::Path => path
                .split('/')
                .rev()
                .find(|s| !s.is_empty())
                .map(str::to_string),
            NameFrom::Header(name) => headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            NameFrom::Field(pointer) => serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| match v.pointer(pointer) {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                }),
        };
        sanitise(found.as_deref().unwrap_or(UNNAMED))
    }
}

/// Keeps letters, digits, `.`, `_` and `-` (so `NEXUS.THRESHOLD.STATE.ALERT`
/// stays readable) and replaces anything else with `_`; never empty, never
/// hidden (leading `.`), never `..`, and at most `MAX_LEN` bytes.
pub fn sanitise(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .take(MAX_LEN)
        .collect();
    if out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out = UNNAMED.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        let headers = vec![("x-event".to_string(), "invoice_sent".to_string())];
        let body = br#"{"topic": "NEXUS.THRESHOLD.STATE.ALERT", "n": 7}"#;
        let path: NameFrom = "path".parse().unwrap();
        assert_eq!(
            path.event_name("/a/timesheet_created/", &[], b""),
            "timesheet_created"
        );
        assert_eq!(path.event_name("/", &[], b""), UNNAMED);
        let header: NameFrom = "header:X-Event".parse().unwrap();
        assert_eq!(header.event_name("/", &headers, b""), "invoice_sent");
        let field: NameFrom = "field:/topic".parse().unwrap();
        assert_eq!(
            field.event_name("/", &[], body),
            "NEXUS.THRESHOLD.STATE.ALERT"
        );
        let number: NameFrom = "field:/n".parse().unwrap();
        assert_eq!(number.event_name("/", &[], body), "7");
        assert_eq!(field.event_name("/", &[], b"not json"), UNNAMED);
        assert!("field:topic".parse::<NameFrom>().is_err());
        assert!("query".parse::<NameFrom>().is_err());
    }

    #[test]
    fn file_safe() {
        assert_eq!(sanitise("../etc/passwd"), "_._etc_passwd");
        assert_eq!(sanitise(".."), "_.");
        assert_eq!(sanitise(""), UNNAMED);
        assert_eq!(sanitise("a b/c\u{e9}"), "a_b_c_");
        assert_eq!(sanitise(&"x".repeat(500)).len(), MAX_LEN);
    }
}

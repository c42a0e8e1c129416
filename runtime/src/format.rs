//! `format` keyword checks, each delegating to a crate that implements the
//! grammar where one exists.

/// The formats generated code checks on strings. (`date-time`, `date` and
/// `uuid` usually become typed fields instead, checked while parsing.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    DateTime,
    Date,
    Time,
    Email,
    Hostname,
    Ipv4,
    Ipv6,
    Uri,
    UriReference,
    Uuid,
    JsonPointer,
    Regex,
}

impl Format {
    /// The format named by a schema's `format` keyword, if checked here.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "time" => Format::Time,
            "email" => Format::Email,
            "hostname" => Format::Hostname,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "uri" => Format::Uri,
            "uri-reference" => Format::UriReference,
            "uuid" => Format::Uuid,
            "json-pointer" => Format::JsonPointer,
            "regex" => Format::Regex,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Email => "email",
            Format::Hostname => "hostname",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
            Format::UriReference => "uri-reference",
            Format::Uuid => "uuid",
            Format::JsonPointer => "json-pointer",
            Format::Regex => "regex",
        }
    }

    pub fn is_valid(self, value: &str) -> bool {
        match self {
            Format::DateTime => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
            Format::Date => is_date(value),
            Format::Time => is_time(value),
            Format::Email => value.parse::<email_address::EmailAddress>().is_ok(),
            Format::Hostname => is_hostname(value),
            Format::Ipv4 => value.parse::<std::net::Ipv4Addr>().is_ok(),
            Format::Ipv6 => value.parse::<std::net::Ipv6Addr>().is_ok(),
            Format::Uri => fluent_uri::Uri::parse(value).is_ok(),
            Format::UriReference => fluent_uri::UriRef::parse(value).is_ok(),
            Format::Uuid => is_hyphenated_uuid(value),
            Format::JsonPointer => is_json_pointer(value),
            Format::Regex => regress::Regex::with_flags(value, "u").is_ok(),
        }
    }
}

/// RFC 3339 `full-date`: exactly `YYYY-MM-DD`, a real calendar day.
fn is_date(value: &str) -> bool {
    value.len() == 10 && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
}

/// RFC 3339 `full-time`: a time of day with an offset.
fn is_time(value: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(&format!("2000-01-01T{value}")).is_ok()
}

/// The canonical 8-4-4-4-12 form the `uuid` format means (the uuid crate also
/// accepts braced, URN and unhyphenated forms, which the format does not).
pub fn is_hyphenated_uuid(value: &str) -> bool {
    value.len() == 36
        && value.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
fn is_hostname(value: &str) -> bool {
    let value = value.strip_suffix('.').unwrap_or(value);
    !value.is_empty()
        && value.len() <= 253
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// RFC 6901: empty, or `/`-prefixed tokens where `~` is followed by 0 or 1.
fn is_json_pointer(value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    if !value.starts_with('/') {
        return false;
    }
    let bytes = value.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(i, b)| *b != b'~' || matches!(bytes.get(i + 1), Some(b'0') | Some(b'1')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(Format::DateTime.is_valid("2016-05-23T05:25:36.53Z"));
        assert!(!Format::DateTime.is_valid("2016-05-23"));
        assert!(Format::Date.is_valid("2025-02-27"));
        assert!(!Format::Date.is_valid("2025-02-30"));
        assert!(Format::Uuid.is_valid("c86fcc87-a137-4c37-8d19-17edc7199fef"));
        assert!(!Format::Uuid.is_valid("c86fcc87a1374c378d1917edc7199fef"));
        assert!(!Format::Uuid.is_valid("c86fcc87-a137-4c37-8d19-17edc7199fe"));
        assert!(Format::Email.is_valid("jane.doe@vertexinc.com"));
        assert!(!Format::Email.is_valid("jane.doe"));
        assert!(Format::Uri.is_valid("https://jane.com/inbox"));
        assert!(!Format::Uri.is_valid("/relative"));
        assert!(Format::UriReference.is_valid("/relative"));
        assert!(Format::Hostname.is_valid("api.avaza.com"));
        assert!(!Format::Hostname.is_valid("-bad.com"));
        assert!(Format::JsonPointer.is_valid("/a~1b"));
        assert!(!Format::JsonPointer.is_valid("/a~2"));
        assert!(Format::Ipv4.is_valid("127.0.0.1"));
        assert!(Format::Ipv6.is_valid("::1"));
        assert!(Format::Time.is_valid("08:30:06Z"));
    }
}

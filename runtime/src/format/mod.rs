//! `format` keyword checks, each delegating to a crate that implements the
//! grammar where one exists (chrono, email_address, idna, fluent-uri,
//! regress); RFC 3339 and URI templates are checked by their ABNF here.

mod hostname;
pub mod rfc3339;
mod uri_template;

/// The formats generated code checks on strings: draft 7's, and `uuid`.
/// (`date-time`, `date` and `uuid` usually become typed fields instead,
/// read as strictly while parsing.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `date-time`: an RFC 3339 `date-time`.
    DateTime,
    /// `date`: an RFC 3339 `full-date`, a day that exists.
    Date,
    /// `time`: an RFC 3339 `full-time`, with its offset.
    Time,
    /// `email`: an ASCII address (RFC 5322 `addr-spec`, as `email_address` reads it).
    Email,
    /// `idn-email`: the same, with Unicode allowed (RFC 6531).
    IdnEmail,
    /// `hostname`: an RFC 1123 host name; `xn--` labels must be valid A-labels.
    Hostname,
    /// `idn-hostname`: an internationalised host name (IDNA2008).
    IdnHostname,
    /// `ipv4`: a dotted-quad address, as [`std::net::Ipv4Addr`] parses it.
    Ipv4,
    /// `ipv6`: an address as [`std::net::Ipv6Addr`] parses it (no zone index).
    Ipv6,
    /// `uri`: an absolute URI (RFC 3986).
    Uri,
    /// `uri-reference`: a URI or a relative reference (RFC 3986).
    UriReference,
    /// `iri`: an absolute IRI (RFC 3987).
    Iri,
    /// `iri-reference`: an IRI or a relative reference (RFC 3987).
    IriReference,
    /// `uri-template`: an RFC 6570 URI template.
    UriTemplate,
    /// `uuid`: the hyphenated 8-4-4-4-12 form only.
    Uuid,
    /// `json-pointer`: an RFC 6901 JSON Pointer.
    JsonPointer,
    /// `relative-json-pointer`: a relative JSON Pointer (draft-handrews).
    RelativeJsonPointer,
    /// `regex`: an ECMA-262 regular expression that compiles (with the `u` flag).
    Regex,
}

/// Every format, with its name in a schema.
const NAMES: &[(Format, &str)] = &[
    (Format::DateTime, "date-time"),
    (Format::Date, "date"),
    (Format::Time, "time"),
    (Format::Email, "email"),
    (Format::IdnEmail, "idn-email"),
    (Format::Hostname, "hostname"),
    (Format::IdnHostname, "idn-hostname"),
    (Format::Ipv4, "ipv4"),
    (Format::Ipv6, "ipv6"),
    (Format::Uri, "uri"),
    (Format::UriReference, "uri-reference"),
    (Format::Iri, "iri"),
    (Format::IriReference, "iri-reference"),
    (Format::UriTemplate, "uri-template"),
    (Format::Uuid, "uuid"),
    (Format::JsonPointer, "json-pointer"),
    (Format::RelativeJsonPointer, "relative-json-pointer"),
    (Format::Regex, "regex"),
];

impl Format {
    /// Every format checked here, in the order of their names.
    pub fn all() -> impl Iterator<Item = Format> {
        NAMES.iter().map(|(format, _)| *format)
    }

    /// The format named by a schema's `format` keyword, if checked here.
    pub fn from_name(name: &str) -> Option<Format> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    /// The name a schema's `format` keyword gives this format, e.g. `date-time`.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, n)| n)
    }

    /// Whether `value` is in this format, by the grammar its RFC gives.
    pub fn is_valid(self, value: &str) -> bool {
        match self {
            Format::DateTime => rfc3339::date_time(value),
            Format::Date => rfc3339::full_date(value).is_some(),
            Format::Time => rfc3339::full_time(value).is_some(),
            Format::Email => value.is_ascii() && is_email(value),
            Format::IdnEmail => is_email(value),
            Format::Hostname => hostname::is_hostname(value),
            Format::IdnHostname => hostname::is_idn_hostname(value),
            Format::Ipv4 => value.parse::<std::net::Ipv4Addr>().is_ok(),
            Format::Ipv6 => value.parse::<std::net::Ipv6Addr>().is_ok(),
            Format::Uri => fluent_uri::Uri::parse(value).is_ok(),
            Format::UriReference => fluent_uri::UriRef::parse(value).is_ok(),
            Format::Iri => fluent_uri::Iri::parse(value).is_ok(),
            Format::IriReference => fluent_uri::IriRef::parse(value).is_ok(),
            Format::UriTemplate => uri_template::is_valid(value),
            Format::Uuid => is_hyphenated_uuid(value),
            Format::JsonPointer => is_json_pointer(value),
            Format::RelativeJsonPointer => is_relative_json_pointer(value),
            Format::Regex => regress::Regex::with_flags(value, "u").is_ok(),
        }
    }
}

fn is_email(value: &str) -> bool {
    value.parse::<email_address::EmailAddress>().is_ok()
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

/// draft-handrews-relative-json-pointer: a non-negative integer (no
/// leading zero), then `#` or a JSON Pointer.
fn is_relative_json_pointer(value: &str) -> bool {
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits > 1 && value.starts_with('0')) {
        return false;
    }
    let rest = &value[digits..];
    rest == "#" || is_json_pointer(rest)
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

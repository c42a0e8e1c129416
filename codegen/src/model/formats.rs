//! The `format` values generated code checks: the names
//! `eventbind_runtime::format::Format` knows. The generator does not link the
//! runtime, so the list is kept here too; a test holds the two equal.

/// The names of every format the runtime checks.
pub const CHECKED: &[&str] = &[
    "date-time",
    "date",
    "time",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Whether generated code checks the format of this name.
pub fn is_checked(name: &str) -> bool {
    CHECKED.contains(&name)
}

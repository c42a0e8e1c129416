//! Rust names from spec names: component keys, message names, property paths.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

/// Rust keywords that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Names generated code uses unqualified (the prelude and its imports): a
/// type of that name would shadow them.
const TAKEN_TYPE_NAMES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Serialize",
    "Deserialize",
    "Validate",
    "Route",
    "UnknownEvent",
    "Copy",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Default",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Extend",
    "Ord",
    "PartialOrd",
    "Unpin",
    "DoubleEndedIterator",
    "ExactSizeIterator",
];

/// A name for a generated type: like [`type_name`], but never one that would
/// shadow a name the generated code relies on (`String` becomes `StringType`).
pub fn item_name(name: &str) -> String {
    let name = type_name(name);
    if TAKEN_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// Words for the symbols that carry meaning in names (GitHub's `+1` reaction).
fn spell_symbols(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        match c {
            '+' if i == 0 => out.push_str("plus "),
            '-' if i == 0 => out.push_str("minus "),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// Names converted so far on this thread, by spec name: a large schema asks
/// for the same few hundred property names thousands of times (each one
/// several thousand instructions through `heck`), so a lookup is cheaper.
type Memo = RefCell<HashMap<String, String>>;

thread_local! {
    static TYPE_NAMES: Memo = RefCell::new(HashMap::new());
    static FIELD_NAMES: Memo = RefCell::new(HashMap::new());
}

/// Entries a memo holds before it starts afresh (a long-lived process that
/// generates from many specs keeps a bounded one).
const MEMO_LIMIT: usize = 1 << 16;

/// `convert(name)`, from `memo` when it was converted before.
fn memoized(memo: &'static LocalKey<Memo>, name: &str, convert: fn(&str) -> String) -> String {
    memo.with(|memo| {
        if let Some(known) = memo.borrow().get(name) {
            return known.clone();
        }
        let converted = convert(name);
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(name.to_string(), converted.clone());
        converted
    })
}

/// A type or variant name: `change-notifications` → `ChangeNotifications`.
pub fn type_name(name: &str) -> String {
    memoized(&TYPE_NAMES, name, convert_type_name)
}

fn convert_type_name(name: &str) -> String {
    let pascal: String = spell_symbols(name)
        .to_upper_camel_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match pascal.chars().next() {
        None => "Value".to_string(),
        Some(c) if c.is_ascii_digit() => format!("V{pascal}"),
        Some(_) if pascal == "Self" => "SelfValue".to_string(),
        Some(_) => pascal,
    }
}

/// A field name: `TimeSheetEntryID` → `time_sheet_entry_id`, `type` → `r#type`.
pub fn field_name(wire: &str) -> String {
    memoized(&FIELD_NAMES, wire, convert_field_name)
}

fn convert_field_name(wire: &str) -> String {
    let snake: String = spell_symbols(wire)
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let snake = match snake.chars().next() {
        None => "value".to_string(),
        Some(c) if c.is_ascii_digit() => format!("n{snake}"),
        Some(_) => snake,
    };
    if matches!(snake.as_str(), "self" | "Self" | "super" | "crate") {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The event enum name for an operation: `receiveCertCaptureChangeNotification`
/// → `CertCaptureChangeNotificationEvent`.
pub fn enum_name(operation_id: &str) -> String {
    let base = type_name(operation_id);
    let base = ["Receive", "Consume", "Handle", "Subscribe", "On"]
        .iter()
        .find_map(|verb| {
            base.strip_prefix(verb)
                .filter(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        })
        .unwrap_or(&base)
        .to_string();
    if base.ends_with("Event") {
        base
    } else {
        format!("{base}Event")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            type_name("certcapture/change-notifications"),
            "CertcaptureChangeNotifications"
        );
        assert_eq!(type_name("timesheet_created"), "TimesheetCreated");
        assert_eq!(type_name("HMAC_SHA256"), "HmacSha256");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name("1abc"), "V1abc");
        assert_eq!(type_name(""), "Value");
        assert_eq!(item_name("string"), "StringType");
        assert_eq!(item_name("Tag"), "Tag");
        assert_eq!(field_name("TimeSheetEntryID"), "time_sheet_entry_id");
        assert_eq!(field_name("isBillable"), "is_billable");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(
            field_name("p95DeliveryCompletionMs"),
            "p95_delivery_completion_ms"
        );
        assert_eq!(field_name("vertex-hmac-sha256"), "vertex_hmac_sha256");
        assert_eq!(field_name("+1"), "plus_1");
        assert_eq!(field_name("[...]"), "value");
        assert_eq!(
            enum_name("receiveCertCaptureChangeNotification"),
            "CertCaptureChangeNotificationEvent"
        );
        assert_eq!(enum_name("onboardingEvent"), "OnboardingEvent");
    }
}

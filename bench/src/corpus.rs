//! A corpus of deliveries built from the spec examples, with varied values
//! that stay valid.
//!
//! Each example's leaves (strings and numbers) are varied the way real
//! deliveries differ: fresh UUIDs, other digits in numbers and ids, other
//! letters in free strings, other dates that are still dates. Leaves the
//! schema pins (enums, consts, topics, patterns, bounds) must not change:
//! which leaves may vary is found by trying, per example, several variations
//! of each leaf alone against the caller's validity check. Each delivery is
//! then checked whole; a variation that fails is drawn again, and after a few
//! failures the example itself is used (the count is reported).
//!
//! These are the valid deliveries; [`crate::mix`] turns a share of them into
//! invalid, unknown and malformed ones, and [`crate::sizes`] grows them.

use crate::Example;
use serde_json::{Number, Value};

/// A small deterministic generator (splitmix64): same seed, same corpus.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence `seed` decides.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next number of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `low..=high` (`low <= high`).
    pub fn range(&mut self, low: u32, high: u32) -> u32 {
        low + self.below(u64::from(high - low + 1)) as u32
    }

    /// Shuffles in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// What a delivery is, as every path must find it: a message of the spec
/// that satisfies its schema, one that does not, an event the spec does not
/// know, or bytes that are not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Valid,
    Invalid,
    Unknown,
    Malformed,
}

impl Class {
    /// Every class, in the order the reports list them.
    pub const ALL: [Class; 4] = [
        Class::Valid,
        Class::Invalid,
        Class::Unknown,
        Class::Malformed,
    ];

    /// The name the reports print.
    pub fn name(self) -> &'static str {
        match self {
            Class::Valid => "valid",
            Class::Invalid => "invalid",
            Class::Unknown => "unknown",
            Class::Malformed => "malformed",
        }
    }
}

/// One delivery: the vendor, the message it is (the name passed to
/// `parse_named` for vendors that name events from outside; for an invalid,
/// unknown or malformed delivery, the message it was made from, or the
/// unknown name it is delivered as), its body, and what it is.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub vendor: &'static str,
    pub message: String,
    pub body: Vec<u8>,
    pub class: Class,
}

/// What building the corpus took.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Leaves over all examples, and how many of them are varied.
    pub leaves: usize,
    pub varied_leaves: usize,
    /// Whole deliveries whose variation failed the check and was drawn again.
    pub redrawn: usize,
    /// Deliveries that are an unvaried example (variation failed repeatedly).
    pub unvaried: usize,
}

/// How many trials decide that a leaf may vary, and how many draws a delivery gets.
const LEAF_TRIALS: usize = 6;
const DRAWS: usize = 8;

/// `per_vendor` deliveries for each vendor of `examples`, shuffled together.
///
/// `names` gives the message names an example may be delivered as (Avaza's
/// `timesheet_created` body is also a `timesheet_updated` body); `valid`
/// decides whether a delivery is valid, and must accept every example.
pub fn build(
    examples: &[Example],
    per_vendor: usize,
    seed: u64,
    names: impl Fn(&Example) -> Vec<String>,
    mut valid: impl FnMut(&Delivery) -> bool,
) -> Result<(Vec<Delivery>, Report), String> {
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    let mut prepared = Vec::new();
    for example in examples {
        let names = names(example);
        let first = names
            .first()
            .cloned()
            .unwrap_or_else(|| example.message.clone());
        let original = delivery(example.vendor, &first, &example.payload);
        if !valid(&original) {
            return Err(format!(
                "the {} example of {} is not valid as {first}",
                example.vendor, example.message
            ));
        }
        let leaves = count_leaves(&example.payload);
        let mutable: Vec<bool> = (0..leaves)
            .map(|leaf| {
                (0..LEAF_TRIALS).all(|_| {
                    let varied = vary(&example.payload, &|i| i == leaf, &mut rng);
                    valid(&delivery(example.vendor, &first, &varied))
                })
            })
            .collect();
        report.leaves += leaves;
        report.varied_leaves += mutable.iter().filter(|m| **m).count();
        prepared.push((example, names, mutable));
    }
    let mut out = Vec::new();
    let vendors: Vec<&'static str> = {
        let mut v: Vec<&'static str> = examples.iter().map(|e| e.vendor).collect();
        v.dedup();
        v
    };
    for vendor in vendors {
        let own: Vec<_> = prepared.iter().filter(|p| p.0.vendor == vendor).collect();
        for n in 0..per_vendor {
            let (example, names, mutable) = own[n % own.len()];
            let name = &names[rng.below(names.len() as u64) as usize];
            let mut chosen = None;
            for _ in 0..DRAWS {
                let varied = vary(&example.payload, &|i| mutable[i], &mut rng);
                let candidate = delivery(vendor, name, &varied);
                if valid(&candidate) {
                    chosen = Some(candidate);
                    break;
                }
                report.redrawn += 1;
            }
            out.push(chosen.unwrap_or_else(|| {
                report.unvaried += 1;
                delivery(vendor, name, &example.payload)
            }));
        }
    }
    rng.shuffle(&mut out);
    Ok((out, report))
}

/// A valid delivery of `payload` as `message`.
pub fn delivery(vendor: &'static str, message: &str, payload: &Value) -> Delivery {
    Delivery {
        vendor,
        message: message.to_string(),
        // Serialising a `Value` cannot fail.
        body: serde_json::to_vec(payload).unwrap_or_default(),
        class: Class::Valid,
    }
}

/// Strings, numbers and booleans of `value`, in document order.
pub fn count_leaves(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(count_leaves).sum(),
        Value::Object(members) => members.values().map(count_leaves).sum(),
        Value::Null => 0,
        _ => 1,
    }
}

/// `value` with the leaves `mutable` selects (by document-order index) varied.
pub fn vary(value: &Value, mutable: &dyn Fn(usize) -> bool, rng: &mut Rng) -> Value {
    let mut index = 0;
    vary_at(value, mutable, rng, &mut index)
}

fn vary_at(
    value: &Value,
    mutable: &dyn Fn(usize) -> bool,
    rng: &mut Rng,
    index: &mut usize,
) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| vary_at(v, mutable, rng, index))
                .collect(),
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), vary_at(v, mutable, rng, index)))
                .collect(),
        ),
        Value::Null => Value::Null,
        leaf => {
            let this = *index;
            *index += 1;
            if !mutable(this) {
                return leaf.clone();
            }
            match leaf {
                Value::String(s) => Value::String(vary_string(s, rng)),
                Value::Number(n) => vary_number(n, rng),
                other => other.clone(),
            }
        }
    }
}

fn vary_string(s: &str, rng: &mut Rng) -> String {
    if is_uuid(s) {
        return vary_uuid(s, rng);
    }
    if let Some(date) = vary_date(s, rng) {
        return date;
    }
    // A URI keeps its scheme; everything else keeps its punctuation.
    let keep = s.find("://").map_or(0, |i| i + 3);
    let (head, tail) = s.split_at(keep);
    let mut out = String::with_capacity(s.len());
    out.push_str(head);
    out.extend(tail.chars().map(|c| vary_char(c, rng)));
    out
}

fn vary_char(c: char, rng: &mut Rng) -> char {
    let pick = |base: u8, n: u64, rng: &mut Rng| (base + rng.below(n) as u8) as char;
    match c {
        'a'..='z' => pick(b'a', 26, rng),
        'A'..='Z' => pick(b'A', 26, rng),
        '0'..='9' => pick(b'0', 10, rng),
        other => other,
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Other hex digits, same case; the version and variant nibbles are kept.
fn vary_uuid(s: &str, rng: &mut Rng) -> String {
    s.char_indices()
        .map(|(i, c)| match (i, c) {
            (8 | 13 | 14 | 18 | 19 | 23, c) => c,
            (_, c) => {
                let digit = char::from_digit(rng.below(16) as u32, 16).unwrap_or('0');
                if c.is_ascii_uppercase() {
                    digit.to_ascii_uppercase()
                } else {
                    digit
                }
            }
        })
        .collect()
}

/// `YYYY-MM-DD`, optionally followed by `THH:MM:SS` and more: other digits
/// that still make a calendar date and a time; zone and punctuation kept.
fn vary_date(s: &str, rng: &mut Rng) -> Option<String> {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        range
            .clone()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return None;
    }
    let mut out = format!(
        "{:04}-{:02}-{:02}",
        rng.range(2000, 2029),
        rng.range(1, 12),
        rng.range(1, 28)
    );
    let mut rest = &s[10..];
    if matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19)
    {
        out.push_str(&s[10..11]);
        out.push_str(&format!(
            "{:02}:{:02}:{:02}",
            rng.range(0, 23),
            rng.range(0, 59),
            rng.range(0, 59)
        ));
        rest = &s[19..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
            out.push('.');
            out.extend((0..n).map(|_| vary_char('0', rng)));
            rest = &fraction[n..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Another number with as many digits and the same sign (integers stay integers).
fn vary_number(n: &Number, rng: &mut Rng) -> Value {
    if let Some(i) = n.as_i64() {
        let digits = i.unsigned_abs().to_string().len().min(18) as u32;
        let low = if digits == 1 {
            0
        } else {
            10u64.pow(digits - 1)
        };
        let high = 10u64.pow(digits) - 1;
        let magnitude = (low + rng.below(high - low + 1)) as i64;
        return Value::from(if i < 0 { -magnitude } else { magnitude });
    }
    if n.is_u64() {
        return Value::Number(n.clone());
    }
    let text = n.to_string();
    let varied: String = text
        .chars()
        .enumerate()
        .map(|(i, c)| match c {
            '0'..='9' if i == 0 || text[..i].chars().all(|p| p == '-' || p == '0') => c,
            c => vary_char(c, rng),
        })
        .collect();
    varied
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::Number(n.clone()), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variations_keep_shapes() {
        let mut rng = Rng::new(7);
        let u = vary_string("c86fcc87-a137-4c37-8d19-17edc7199fef", &mut rng);
        assert!(is_uuid(&u) && &u[14..15] == "4" && &u[19..20] == "8");
        let d = vary_string("2025-06-06T15:09:44.789Z", &mut rng);
        assert_eq!(d.len(), 24);
        assert!(d.ends_with('Z') && &d[10..11] == "T");
        let s = vary_string("https://ab.cd/ef-1", &mut rng);
        assert!(s.starts_with("https://") && s.len() == 18 && &s[16..17] == "-");
        let n = vary_number(&Number::from(1727284490i64), &mut rng);
        assert_eq!(n.to_string().len(), 10);
        let doc = serde_json::json!({"a": [1, "x"], "b": {"c": true, "d": null}});
        assert_eq!(count_leaves(&doc), 3);
        assert_eq!(vary(&doc, &|_| false, &mut rng), doc);
    }
}

//! A realistic mix: valid deliveries of [`crate::corpus`], a share of which
//! (per vendor, so every vendor has each class) become invalid (one fault of
//! [`crate::faults`], the kinds taken in turn), unknown (a routing key the
//! spec does not have) or malformed (truncated, a stray byte).
//!
//! A changed delivery is kept only when the caller's paths agree on what it
//! is, and it is what was meant; otherwise another change is drawn. So every
//! path is timed on the same work, and a fault that happens to leave the
//! payload valid (a member that was optional) is not counted as invalid.

use crate::corpus::{Class, Delivery, Rng};
use crate::faults::{self, Fault, Malformation};
use serde_json::Value;
use std::collections::BTreeMap;

/// Shares of the deliveries to change, of each vendor's count.
#[derive(Debug, Clone, Copy)]
pub struct Shares {
    pub invalid: f64,
    pub unknown: f64,
    pub malformed: f64,
}

/// The mix issue 14 asks for: 20% invalid, 5% unknown, 2% malformed.
pub const REALISTIC: Shares = Shares {
    invalid: 0.20,
    unknown: 0.05,
    malformed: 0.02,
};

/// How a vendor's deliveries name their message, for making unknown ones.
#[derive(Debug, Clone)]
pub enum KeyRule {
    /// A string at this JSON Pointer (Commenda's `/topic`).
    Field(String),
    /// Which of these top-level members is present (CertCapture).
    Presence(Vec<String>),
    /// From outside the body; the names the spec knows.
    Name(Vec<String>),
}

/// What the caller's paths agree a delivery is.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub class: Class,
    /// For a valid delivery, the message it parsed as.
    pub message: Option<String>,
    /// For an invalid one, the kind of the first fault the schema reports
    /// that has a kind (`None`: only keywords like `oneOf` were reported).
    pub fault: Option<Fault>,
}

/// What mixing did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Deliveries per vendor and class, after mixing.
    pub counts: BTreeMap<(&'static str, &'static str), usize>,
    /// Invalid deliveries by the kind of fault the schema reported.
    pub faults: BTreeMap<&'static str, usize>,
    /// Malformed deliveries by how.
    pub malformed: BTreeMap<&'static str, usize>,
    /// Changes drawn and not kept (still valid, or another class than meant).
    pub redrawn: usize,
    /// Deliveries meant to change that stayed valid (every draw failed).
    pub unchanged: usize,
    /// Changed deliveries the paths did not agree on (a bug in one of
    /// them), with the first few bodies; none is kept.
    pub disagreements: usize,
    pub disagreeing: Vec<String>,
}

/// Draws per delivery; after half of them, an invalid delivery whose fault
/// is not of the kind meant is kept (some kinds apply to few nodes).
const DRAWS: usize = 24;

/// Changes a share of `deliveries` (all valid) in place.
///
/// `rule` gives each vendor's [`KeyRule`]; `judge` runs the caller's paths
/// on a delivery and says what they agree it is, or, as `Err`, how they
/// disagree.
pub fn mix(
    deliveries: &mut [Delivery],
    shares: Shares,
    seed: u64,
    rule: &dyn Fn(&str) -> KeyRule,
    judge: &mut dyn FnMut(&Delivery) -> Result<Verdict, String>,
) -> Report {
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    let mut vendors: Vec<&'static str> = deliveries.iter().map(|d| d.vendor).collect();
    vendors.sort_unstable();
    vendors.dedup();
    for vendor in vendors {
        let rule = rule(vendor);
        let mut own: Vec<usize> = (0..deliveries.len())
            .filter(|i| deliveries[*i].vendor == vendor)
            .collect();
        rng.shuffle(&mut own);
        let share = |s: f64| (own.len() as f64 * s).ceil() as usize;
        let plan = std::iter::repeat_n(Class::Invalid, share(shares.invalid))
            .chain(std::iter::repeat_n(Class::Unknown, share(shares.unknown)))
            .chain(std::iter::repeat_n(
                Class::Malformed,
                share(shares.malformed),
            ));
        for (turn, (index, class)) in own.iter().zip(plan).enumerate() {
            let meant = Fault::ALL[turn % Fault::ALL.len()];
            let base = &deliveries[*index];
            match change(base, class, meant, &rule, &mut rng, judge, &mut report) {
                Some(changed) => deliveries[*index] = changed,
                None => report.unchanged += 1,
            }
        }
    }
    for d in deliveries.iter() {
        *report.counts.entry((d.vendor, d.class.name())).or_default() += 1;
    }
    report
}

/// One delivery of class `class` made from `base`, if a draw gives one.
fn change(
    base: &Delivery,
    class: Class,
    meant: Fault,
    rule: &KeyRule,
    rng: &mut Rng,
    judge: &mut dyn FnMut(&Delivery) -> Result<Verdict, String>,
    report: &mut Report,
) -> Option<Delivery> {
    let value: Value = serde_json::from_slice(&base.body).ok()?;
    for draw in 0..DRAWS {
        // The kind meant first; then, as it may apply nowhere here, the others.
        let fault = match draw < DRAWS / 2 {
            true => meant,
            false => Fault::ALL[(meant as usize + draw) % Fault::ALL.len()],
        };
        let mut how = None;
        let candidate = match class {
            Class::Invalid => faults::inject(&value, fault, rng).map(|v| with_body(base, &v)),
            Class::Unknown => unknown(base, &value, rule, rng),
            Class::Malformed => {
                let (body, m) = faults::malform(&base.body, rng);
                how = Some(m);
                Some(Delivery {
                    body,
                    ..base.clone()
                })
            }
            Class::Valid => return None,
        };
        let Some(mut candidate) = candidate else {
            report.redrawn += 1;
            continue;
        };
        candidate.class = class;
        let verdict = match judge(&candidate) {
            Ok(verdict) => verdict,
            Err(why) => {
                report.disagreements += 1;
                if report.disagreeing.len() < 3 {
                    let body = String::from_utf8_lossy(&candidate.body);
                    let cut: String = body.chars().take(400).collect();
                    report
                        .disagreeing
                        .push(format!("{}: {why}: {cut}", base.vendor));
                }
                continue;
            }
        };
        let kept = verdict.class == class
            && (class != Class::Invalid || verdict.fault == Some(meant) || draw >= DRAWS / 2);
        if !kept {
            report.redrawn += 1;
            continue;
        }
        match class {
            Class::Invalid => {
                let name = verdict.fault.map_or("other (oneOf, anyOf)", Fault::name);
                *report.faults.entry(name).or_default() += 1;
            }
            Class::Malformed => {
                let name = match how {
                    Some(Malformation::Truncated) => "truncated",
                    _ => "stray byte",
                };
                *report.malformed.entry(name).or_default() += 1;
            }
            _ => {}
        }
        return Some(candidate);
    }
    None
}

fn with_body(base: &Delivery, value: &Value) -> Delivery {
    Delivery {
        // Serialising a `Value` cannot fail.
        body: serde_json::to_vec(value).unwrap_or_default(),
        ..base.clone()
    }
}

/// Topics, members and names no vendor spec has: events a vendor added
/// after the spec was written.
const UNKNOWN_TOPICS: &[&str] = &[
    "INVOICES.CREATED",
    "FILINGS.RETURN.SUBMITTED",
    "REGISTRATIONS.CLOSED",
    "NEXUS.THRESHOLD.STATE.CLEARED",
];
const UNKNOWN_MEMBERS: &[&str] = &["contact", "exposure_zone", "vendor"];
const UNKNOWN_NAMES: &[&str] = &[
    "invoice_created",
    "company_created",
    "expense_updated",
    "DocumentArchived",
];

fn pick<'a>(list: &[&'a str], rng: &mut Rng) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

/// `base` with its routing key replaced by one the spec does not know.
fn unknown(base: &Delivery, value: &Value, rule: &KeyRule, rng: &mut Rng) -> Option<Delivery> {
    match rule {
        KeyRule::Field(pointer) => {
            let mut value = value.clone();
            *value.pointer_mut(pointer)? = Value::from(pick(UNKNOWN_TOPICS, rng));
            Some(with_body(base, &value))
        }
        KeyRule::Presence(keys) => {
            let map = value.as_object()?;
            let renamed = pick(UNKNOWN_MEMBERS, rng);
            // The member that named the message now has a name the spec lacks.
            let object: serde_json::Map<String, Value> = map
                .iter()
                .map(|(k, v)| match keys.contains(k) {
                    true => (renamed.to_string(), v.clone()),
                    false => (k.clone(), v.clone()),
                })
                .collect();
            Some(with_body(base, &Value::Object(object)))
        }
        KeyRule::Name(known) => {
            let name = pick(UNKNOWN_NAMES, rng);
            if known.iter().any(|k| k == name) {
                return None;
            }
            Some(Delivery {
                message: name.to_string(),
                ..base.clone()
            })
        }
    }
}

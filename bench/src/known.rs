//! The two paths that read a delivery into generated types: (a) the
//! generated crate's own entry point (route + parse + validate), and (b)
//! serde into the concrete type the caller already knows. Shared by the
//! route bench and by the instruction counter (`examples/route-count.rs`),
//! so that both measure the same calls.

use crate::corpus::{Class, Delivery};
use eventbind_runtime::{ErrorKind, Route};
use serde_json::value::RawValue;
use serde_json::Value;

/// Parsing into one concrete type: from bytes checked as UTF-8 once (the
/// fair (b)), from bytes (`EVENTBIND_BENCH_B=slice`) or from a value ((c)).
/// Each answers whether serde accepts the input.
pub struct Typed {
    pub text: fn(&[u8]) -> bool,
    pub slice: fn(&[u8]) -> bool,
    pub value: fn(Value) -> bool,
}

macro_rules! typed {
    ($t:ty) => {
        Typed {
            text: |b| std::str::from_utf8(b).is_ok_and(|t| serde_json::from_str::<$t>(t).is_ok()),
            slice: |b| serde_json::from_slice::<$t>(b).is_ok(),
            value: |v| serde_json::from_value::<$t>(v).is_ok(),
        }
    };
}

/// The Rust type of each message's payload, `None` for a message the
/// corpus does not hold.
pub fn typed(vendor: &str, message: &str) -> Option<Typed> {
    use eventbind_avalara_certcapture as cc;
    use eventbind_commenda as cm;
    Some(match (vendor, message) {
        ("avalara-certcapture", "CertificateChangeNotification") => {
            typed!(cc::CertificateChangePayload)
        }
        ("avalara-certcapture", "CustomerChangeNotification") => typed!(cc::CustomerChangePayload),
        ("commenda", "RegistrationsExistingValidationSucceeded") => {
            typed!(cm::RegistrationsExistingValidationSucceededEvent)
        }
        ("commenda", "RegistrationsExistingValidationFailed") => {
            typed!(cm::RegistrationsExistingValidationFailedEvent)
        }
        ("commenda", "RegistrationsNewSucceeded") => typed!(cm::RegistrationsNewSucceededEvent),
        ("commenda", "RegistrationsNewInvalid") => typed!(cm::RegistrationsNewInvalidEvent),
        ("commenda", "NexusThresholdStateAlert") => typed!(cm::NexusThresholdStateAlertEvent),
        ("commenda", "ExemptionCertificatesVerificationSucceeded") => {
            typed!(cm::ExemptionCertificatesVerificationSucceededEvent)
        }
        ("commenda", "ExemptionCertificatesVerificationFailed") => {
            typed!(cm::ExemptionCertificatesVerificationFailedEvent)
        }
        ("commenda", "ExemptionCertificatesExpiration") => {
            typed!(cm::ExemptionCertificatesExpirationEvent)
        }
        ("commenda", "CustomsDutyCustomsCodeUpdate") => {
            typed!(cm::CustomsDutyCustomsCodeUpdateEvent)
        }
        ("avaza", m) if m.starts_with("timesheet_") => typed!(eventbind_avaza::TimesheetBody),
        ("vertex", "EventDelivery") => typed!(eventbind_vertex::EventDelivery),
        _ => return None,
    })
}

/// (a): the generated crate's own entry point for `vendor` (an index into
/// [`crate::VENDORS`]); the message it parsed as (`None`: unknown).
pub fn generated(vendor: usize, delivery: &Delivery) -> Result<Option<&'static str>, ErrorKind> {
    let body = &delivery.body;
    let name = &delivery.message;
    let named = match vendor {
        0 => eventbind_avalara_certcapture::CertCaptureEvent::parse(body).map(|e| e.message_name()),
        1 => eventbind_avaza::AvazaEvent::parse_named(name, body).map(|e| e.message_name()),
        2 => eventbind_commenda::CommendaEvent::parse(body).map(|e| e.message_name()),
        _ => eventbind_vertex::VertexEvent::parse_named(name, body).map(|e| e.message_name()),
    };
    named.map_err(|e| e.kind())
}

/// The class (a)'s outcome puts a delivery in.
pub fn class_of(outcome: Result<Option<&str>, ErrorKind>) -> Class {
    match outcome {
        Ok(Some(_)) => Class::Valid,
        Ok(None) | Err(ErrorKind::UnknownEvent) => Class::Unknown,
        Err(ErrorKind::InvalidPayload) => Class::Invalid,
        Err(ErrorKind::MalformedJson) => Class::Malformed,
    }
}

/// (b): serde into the type the caller already knows (`typed`, from
/// [`typed`]), no routing, no validation; an unknown event is kept as raw
/// JSON, as (a) keeps it. `true` if serde accepts the body.
pub fn known_type(delivery: &Delivery, typed: Option<&Typed>, from_slice: bool) -> bool {
    let body = delivery.body.as_slice();
    if delivery.class == Class::Unknown {
        return if from_slice {
            serde_json::from_slice::<Box<RawValue>>(body).is_ok()
        } else {
            std::str::from_utf8(body)
                .is_ok_and(|t| serde_json::from_str::<Box<RawValue>>(t).is_ok())
        };
    }
    typed.is_some_and(|t| match from_slice {
        true => (t.slice)(body),
        false => (t.text)(body),
    })
}

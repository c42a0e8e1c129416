//! Parsing the spec examples through the generated event enums (route +
//! parse + validate) against `serde_json::from_slice` into the concrete type
//! already known (no routing, no validation): the cost of what eventbind adds.
//!
//! Both paths run over the same bytes, interleaved in rounds, in one process;
//! the ratio is printed. Run: `cargo bench -p eventbind-bench --bench parse`.

use eventbind_bench::{spec_examples, Delivery};
use eventbind_runtime::Route;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// (a): the generated crate's own entry point.
fn through_event_enum(d: &Delivery) -> bool {
    match d.vendor {
        "avalara-certcapture" => eventbind_avalara_certcapture::CertCaptureEvent::parse(&d.body)
            .map(|e| e.message_name().is_some()),
        "commenda" => {
            eventbind_commenda::CommendaEvent::parse(&d.body).map(|e| e.message_name().is_some())
        }
        "avaza" => eventbind_avaza::AvazaEvent::parse_named(&d.message, &d.body)
            .map(|e| e.message_name().is_some()),
        _ => eventbind_vertex::VertexEvent::parse_named(&d.message, &d.body)
            .map(|e| e.message_name().is_some()),
    }
    .unwrap_or(false)
}

/// (b): the limit: serde into the type the caller already knows.
fn into_known_type(d: &Delivery) -> bool {
    use eventbind_avalara_certcapture as cc;
    use eventbind_commenda as cm;
    macro_rules! parse {
        ($t:ty) => {
            serde_json::from_slice::<$t>(&d.body).is_ok()
        };
    }
    match (d.vendor, d.message.as_str()) {
        ("avalara-certcapture", "CertificateChangeNotification") => {
            parse!(cc::CertificateChangePayload)
        }
        ("avalara-certcapture", _) => parse!(cc::CustomerChangePayload),
        ("commenda", "RegistrationsExistingValidationSucceeded") => {
            parse!(cm::RegistrationsExistingValidationSucceededEvent)
        }
        ("commenda", "RegistrationsExistingValidationFailed") => {
            parse!(cm::RegistrationsExistingValidationFailedEvent)
        }
        ("commenda", "RegistrationsNewSucceeded") => parse!(cm::RegistrationsNewSucceededEvent),
        ("commenda", "RegistrationsNewInvalid") => parse!(cm::RegistrationsNewInvalidEvent),
        ("commenda", "NexusThresholdStateAlert") => parse!(cm::NexusThresholdStateAlertEvent),
        ("commenda", "ExemptionCertificatesVerificationSucceeded") => {
            parse!(cm::ExemptionCertificatesVerificationSucceededEvent)
        }
        ("commenda", "ExemptionCertificatesVerificationFailed") => {
            parse!(cm::ExemptionCertificatesVerificationFailedEvent)
        }
        ("commenda", "ExemptionCertificatesExpiration") => {
            parse!(cm::ExemptionCertificatesExpirationEvent)
        }
        ("commenda", _) => parse!(cm::CustomsDutyCustomsCodeUpdateEvent),
        ("avaza", _) => parse!(eventbind_avaza::TimesheetBody),
        _ => parse!(eventbind_vertex::EventDelivery),
    }
}

fn time(deliveries: &[Delivery], repeat: usize, f: fn(&Delivery) -> bool) -> Duration {
    let start = Instant::now();
    for _ in 0..repeat {
        for d in deliveries {
            black_box(f(black_box(d)));
        }
    }
    start.elapsed()
}

fn main() {
    let deliveries = spec_examples();
    assert!(
        deliveries.iter().all(through_event_enum),
        "every example must route and validate"
    );
    assert!(
        deliveries.iter().all(into_known_type),
        "every example must parse into its type"
    );
    let rounds = 15;
    let repeat = 2_000;
    let per_round = (deliveries.len() * repeat) as f64;
    let (mut enum_times, mut serde_times) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which path goes first so neither always runs on a warm cache.
        if round % 2 == 0 {
            enum_times.push(time(&deliveries, repeat, through_event_enum));
            serde_times.push(time(&deliveries, repeat, into_known_type));
        } else {
            serde_times.push(time(&deliveries, repeat, into_known_type));
            enum_times.push(time(&deliveries, repeat, through_event_enum));
        }
    }
    enum_times.sort();
    serde_times.sort();
    let median = |v: &[Duration]| v[v.len() / 2].as_secs_f64();
    let enum_rate = per_round / median(&enum_times);
    let serde_rate = per_round / median(&serde_times);
    println!(
        "corpus: {} spec examples x {repeat} per round, {rounds} rounds (median shown)",
        deliveries.len()
    );
    println!("(a) event enum: route + parse + validate   {enum_rate:>12.0} msgs/s");
    println!("(b) serde_json::from_slice, type known      {serde_rate:>12.0} msgs/s");
    println!("ratio a/b: {:.2}", enum_rate / serde_rate);
    println!("per vendor (a/b, same method):");
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let subset: Vec<&Delivery> = deliveries.iter().filter(|d| d.vendor == vendor).collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            a.push(time_refs(&subset, repeat, through_event_enum));
            b.push(time_refs(&subset, repeat, into_known_type));
        }
        a.sort();
        b.sort();
        println!("  {vendor:<20} {:.2}", median(&b) / median(&a));
    }
}

fn time_refs(deliveries: &[&Delivery], repeat: usize, f: fn(&Delivery) -> bool) -> Duration {
    let start = Instant::now();
    for _ in 0..repeat {
        for d in deliveries {
            black_box(f(black_box(d)));
        }
    }
    start.elapsed()
}

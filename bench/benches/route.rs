//! Routing benchmark: a corpus of varied, valid deliveries (100,000 by
//! default, a quarter per vendor, shuffled together) built from the spec
//! examples, read three ways over the same bytes, interleaved in one run:
//!
//! - (a) the generated crate: route + parse + validate in one call
//!   (`CommendaEvent::parse`, `CertCaptureEvent::parse`,
//!   `AvazaEvent::parse_named`, `VertexEvent::parse_named`);
//! - (b) the limit: `serde_json::from_slice` into the concrete type already
//!   known, no routing, no validation;
//! - (c) without eventbind: `serde_json::Value`, routed by hand from the
//!   value, checked by a `jsonschema` validator of the source schema compiled
//!   once per message, then `serde_json::from_value` into the concrete type.
//!
//! The machine is shared (2 cores, builds running beside): time is the CPU
//! time of the benchmark thread, which leaves out the time it waits for a
//! core; within a round the three paths take turns every 1,000 deliveries
//! (`EVENTBIND_BENCH_CHUNK`), so what remains of the interference (caches)
//! falls on all three alike; each ratio is the median of the rounds' ratios.
//!
//! Run: `cargo bench -p eventbind-bench --bench route`. Environment:
//! `EVENTBIND_BENCH_DELIVERIES` (corpus size), `EVENTBIND_BENCH_ROUNDS`,
//! `EVENTBIND_BENCH_ONLY=a|b|c` (time one path alone, for a profiler: the
//! functions to collect are `route::profile_generated`, `route::profile_known`
//! and `route::profile_by_hand`), `EVENTBIND_BENCH_VENDOR` (with `ONLY`: that
//! vendor's deliveries alone), `EVENTBIND_BENCH_SHOW=n` (print the first n
//! deliveries), `EVENTBIND_BENCH_B=str` ((b) checks the UTF-8 of the whole
//! body once and uses `serde_json::from_str`, as (a) does: a/b then measures
//! only what routing and validation add).

use eventbind_bench::corpus::{self, Delivery};
use eventbind_bench::stats::{chunked_round, cpu_time, env_usize, median_f64, thousands, Samples};
use eventbind_bench::{spec_examples, specs_dir, Example, VENDORS};
use eventbind_codegen::model::{Action, RouteRule};
use eventbind_runtime::Route;
use serde_json::Value;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

/// Parsing into a concrete type, from bytes (b), from bytes checked as UTF-8
/// once (b with `EVENTBIND_BENCH_B=str`) or from a value (c).
struct Typed {
    slice: fn(&[u8]) -> bool,
    text: fn(&[u8]) -> bool,
    value: fn(Value) -> bool,
}

macro_rules! typed {
    ($t:ty) => {
        Typed {
            slice: |b| serde_json::from_slice::<$t>(b).is_ok(),
            text: |b| std::str::from_utf8(b).is_ok_and(|t| serde_json::from_str::<$t>(t).is_ok()),
            value: |v| serde_json::from_value::<$t>(v).is_ok(),
        }
    };
}

/// The Rust type of each message's payload.
fn typed(vendor: &str, message: &str) -> Option<Typed> {
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

/// One message of one vendor, with what paths (b) and (c) need for it.
struct Message {
    vendor: usize,
    name: String,
    /// The payload's type in the model, as JSON (messages sharing it share a body).
    payload: String,
    typed: Option<Typed>,
    validator: Option<jsonschema::Validator>,
}

/// How path (c) routes a vendor's deliveries: the spec's routing rule, and
/// the messages each routing key selects.
struct Router {
    rule: RouteRule,
    keys: Vec<(String, Vec<usize>)>,
}

impl Router {
    fn candidates(&self, key: &str) -> &[usize] {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[], |(_, m)| m.as_slice())
    }
}

struct Context {
    messages: Vec<Message>,
    routers: Vec<Router>,
    /// (b) reads the body as `&str` (`EVENTBIND_BENCH_B=str`).
    b_from_str: bool,
}

/// A delivery with its vendor and message resolved to indices.
#[derive(Clone, Copy)]
struct Item<'a> {
    delivery: &'a Delivery,
    vendor: usize,
    message: usize,
}

fn load() -> Result<Context, String> {
    let mut messages = Vec::new();
    let mut routers = Vec::new();
    for (v, vendor) in VENDORS.iter().enumerate() {
        let loaded =
            eventbind_codegen::load(&specs_dir().join(vendor)).map_err(|e| e.to_string())?;
        let catalog = &loaded.catalog;
        let operation = catalog
            .operations
            .iter()
            .find(|o| o.action == Action::Receive)
            .or_else(|| catalog.operations.first())
            .ok_or_else(|| format!("{vendor}: no operation"))?;
        let first = messages.len();
        for message in &catalog.messages {
            let origin = message.payload_origin.clone().unwrap_or_default();
            let typed = typed(vendor, &message.name);
            // Compiled once per message, only for those the corpus holds.
            let validator = match typed {
                Some(_) => Some(
                    eventbind::oracle::source_validator(&loaded, &origin)
                        .map_err(|e| e.to_string())?,
                ),
                None => None,
            };
            messages.push(Message {
                vendor: v,
                name: message.name.clone(),
                payload: serde_json::to_string(&message.payload).map_err(|e| e.to_string())?,
                typed,
                validator,
            });
        }
        let mut keys: Vec<(String, Vec<usize>)> = Vec::new();
        for routed in &operation.messages {
            let index = (first..messages.len())
                .find(|i| messages[*i].name == routed.message)
                .ok_or_else(|| format!("{vendor}: no message {}", routed.message))?;
            for key in &routed.keys {
                match keys.iter_mut().find(|(k, _)| k == key) {
                    Some((_, list)) => list.push(index),
                    None => keys.push((key.clone(), vec![index])),
                }
            }
        }
        routers.push(Router {
            rule: operation.route.clone(),
            keys,
        });
    }
    let b_from_str = std::env::var("EVENTBIND_BENCH_B").is_ok_and(|b| b == "str");
    Ok(Context {
        messages,
        routers,
        b_from_str,
    })
}

/// (a): the generated crate's own entry point.
fn generated(item: &Item) -> Option<&'static str> {
    let body = &item.delivery.body;
    let name = match item.vendor {
        0 => eventbind_avalara_certcapture::CertCaptureEvent::parse(body).map(|e| e.message_name()),
        1 => eventbind_avaza::AvazaEvent::parse_named(&item.delivery.message, body)
            .map(|e| e.message_name()),
        2 => eventbind_commenda::CommendaEvent::parse(body).map(|e| e.message_name()),
        _ => eventbind_vertex::VertexEvent::parse_named("EventDelivery", body)
            .map(|e| e.message_name()),
    };
    name.ok().flatten()
}

/// (b): serde into the type the caller already knows.
fn known_type(ctx: &Context, item: &Item) -> bool {
    ctx.messages[item.message].typed.as_ref().is_some_and(|t| {
        let parse = if ctx.b_from_str { t.text } else { t.slice };
        parse(&item.delivery.body)
    })
}

/// (c): what a user writes without eventbind.
fn by_hand(ctx: &Context, item: &Item) -> bool {
    let Ok(value) = serde_json::from_slice::<Value>(&item.delivery.body) else {
        return false;
    };
    let router = &ctx.routers[item.vendor];
    let candidates = match &router.rule {
        RouteRule::Field { pointer } => match value.pointer(pointer).and_then(Value::as_str) {
            Some(key) => router.candidates(key),
            None => return false,
        },
        RouteRule::Presence => {
            let Some(object) = value.as_object() else {
                return false;
            };
            let mut present = router.keys.iter().filter(|(k, _)| object.contains_key(k));
            match (present.next(), present.next()) {
                (Some((_, messages)), None) => messages.as_slice(),
                _ => return false,
            }
        }
        RouteRule::Name => router.candidates(&item.delivery.message),
    };
    let mut accepted = None;
    for &m in candidates {
        let valid = ctx.messages[m]
            .validator
            .as_ref()
            .is_some_and(|v| v.is_valid(&value));
        if valid {
            if accepted.is_some() {
                return false;
            }
            accepted = Some(m);
        }
    }
    match accepted.and_then(|m| ctx.messages[m].typed.as_ref()) {
        Some(typed) => (typed.value)(value),
        None => false,
    }
}

/// CPU time of this thread for `f` over `items`.
fn pass(items: &[Item], f: impl Fn(&Item) -> bool) -> Duration {
    cpu_time(|| {
        let mut ok = 0usize;
        for item in items {
            ok += usize::from(f(black_box(item)));
        }
        black_box(ok);
    })
}

/// Path (a), out of line so a profiler can collect just this.
#[inline(never)]
fn profile_generated(items: &[Item]) -> Duration {
    pass(items, |i| generated(i).is_some())
}

/// Path (b), out of line so a profiler can collect just this.
#[inline(never)]
fn profile_known(ctx: &Context, items: &[Item]) -> Duration {
    pass(items, |i| known_type(ctx, i))
}

/// Path (c), out of line so a profiler can collect just this.
#[inline(never)]
fn profile_by_hand(ctx: &Context, items: &[Item]) -> Duration {
    pass(items, |i| by_hand(ctx, i))
}

fn main() -> Result<(), String> {
    let deliveries = env_usize("EVENTBIND_BENCH_DELIVERIES", 100_000);
    let rounds = env_usize("EVENTBIND_BENCH_ROUNDS", 9).max(1);
    let only = std::env::var("EVENTBIND_BENCH_ONLY").ok();
    let ctx = load()?;
    let index: HashMap<(usize, &str), usize> = ctx
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| ((m.vendor, m.name.as_str()), i))
        .collect();
    let vendor_of = |v: &str| VENDORS.iter().position(|x| *x == v).unwrap_or(0);
    let item = |d: &'_ Delivery| -> Option<(usize, usize)> {
        let v = vendor_of(d.vendor);
        Some((v, *index.get(&(v, d.message.as_str()))?))
    };
    // Every path must accept every delivery, as the message it is.
    let valid = |d: &Delivery| {
        let Some((vendor, message)) = item(d) else {
            return false;
        };
        let it = Item {
            delivery: d,
            vendor,
            message,
        };
        generated(&it).is_some_and(|n| n == ctx.messages[message].name)
            && known_type(&ctx, &it)
            && by_hand(&ctx, &it)
    };
    // Avaza names events from outside: a body may be delivered as any
    // message with the same payload type.
    let names = |e: &Example| -> Vec<String> {
        let v = vendor_of(e.vendor);
        let payload = index
            .get(&(v, e.message.as_str()))
            .map(|i| ctx.messages[*i].payload.as_str());
        let same: Vec<String> = ctx
            .messages
            .iter()
            .filter(|m| v == 1 && m.vendor == v && Some(m.payload.as_str()) == payload)
            .map(|m| m.name.clone())
            .collect();
        if same.is_empty() {
            vec![e.message.clone()]
        } else {
            same
        }
    };
    let examples = spec_examples()?;
    let per_vendor = deliveries.div_ceil(VENDORS.len());
    let built = std::time::Instant::now();
    let (corpus, report) = corpus::build(&examples, per_vendor, 0x5eed, names, valid)?;
    let items: Vec<Item> = corpus
        .iter()
        .filter_map(|d| {
            let (vendor, message) = item(d)?;
            Some(Item {
                delivery: d,
                vendor,
                message,
            })
        })
        .collect();
    assert_eq!(
        items.len(),
        corpus.len(),
        "every delivery names a known message"
    );
    let bytes: usize = corpus.iter().map(|d| d.body.len()).sum();
    println!(
        "corpus: {} deliveries ({} per vendor, {} KiB) from {} spec examples; {} of {} leaves varied; \
         {} variations redrawn, {} deliveries left unvaried; built and checked by (a), (b), (c) in {:.1} s",
        thousands(corpus.len() as f64),
        thousands(per_vendor as f64),
        thousands(bytes as f64 / 1024.0),
        examples.len(),
        report.varied_leaves,
        report.leaves,
        report.redrawn,
        report.unvaried,
        built.elapsed().as_secs_f64()
    );
    for d in corpus.iter().take(env_usize("EVENTBIND_BENCH_SHOW", 0)) {
        println!(
            "{} {}: {}",
            d.vendor,
            d.message,
            String::from_utf8_lossy(&d.body)
        );
    }
    if let Some(path) = only {
        let vendor = std::env::var("EVENTBIND_BENCH_VENDOR").ok();
        let chosen: Vec<Item> = items
            .iter()
            .copied()
            .filter(|i| vendor.as_deref().is_none_or(|v| VENDORS[i.vendor] == v))
            .collect();
        let run = |_| match path.as_str() {
            "b" => profile_known(&ctx, &chosen),
            "c" => profile_by_hand(&ctx, &chosen),
            _ => profile_generated(&chosen),
        };
        let samples = Samples((0..rounds).map(run).collect());
        let rate = chosen.len() as f64 / samples.median().as_secs_f64();
        println!(
            "({path}) alone, {} deliveries: {} msgs/s",
            chosen.len(),
            thousands(rate)
        );
        return Ok(());
    }
    let subsets: Vec<Vec<Item>> = (0..VENDORS.len())
        .map(|v| items.iter().copied().filter(|i| i.vendor == v).collect())
        .collect();
    let sets: Vec<(&str, &[Item])> = std::iter::once(("all vendors", items.as_slice()))
        .chain(
            VENDORS
                .iter()
                .zip(&subsets)
                .map(|(v, s)| (*v, s.as_slice())),
        )
        .collect();
    let chunk = env_usize("EVENTBIND_BENCH_CHUNK", 1_000);
    // Per set: each path's time per round, and the ratios a/b and a/c per round.
    let mut samples = vec![vec![Samples::default(); 3]; sets.len()];
    let mut ratios = vec![(Vec::new(), Vec::new()); sets.len()];
    // A first pass of every path, not counted: caches, lazily built state.
    chunked_round(
        items.len(),
        chunk,
        0,
        &mut [
            &mut |r| profile_generated(&items[r]),
            &mut |r| profile_known(&ctx, &items[r]),
            &mut |r| profile_by_hand(&ctx, &items[r]),
        ],
    );
    for round in 0..rounds {
        for (s, (_, set)) in sets.iter().enumerate() {
            let totals = chunked_round(
                set.len(),
                chunk,
                round,
                &mut [
                    &mut |r| profile_generated(&set[r]),
                    &mut |r| profile_known(&ctx, &set[r]),
                    &mut |r| profile_by_hand(&ctx, &set[r]),
                ],
            );
            for (path, total) in totals.iter().enumerate() {
                samples[s][path].0.push(*total);
            }
            let secs = |d: Duration| d.as_secs_f64();
            ratios[s].0.push(secs(totals[1]) / secs(totals[0]));
            ratios[s].1.push(secs(totals[2]) / secs(totals[0]));
        }
    }
    println!(
        "{rounds} rounds over the same bytes; within a round the three paths take turns every {chunk} deliveries; \
         CPU time of the thread; rates from the median round, ratios the median of the rounds' ratios"
    );
    println!(
        "{:<20} {:>13} {:>13} {:>13} {:>6} {:>6}   spread of (a) (b) (c)",
        "", "(a) msgs/s", "(b) msgs/s", "(c) msgs/s", "a/b", "a/c"
    );
    for (((name, set), s), (ab, ac)) in sets.iter().zip(&samples).zip(&ratios) {
        let rate = |s: &Samples| set.len() as f64 / s.median().as_secs_f64();
        println!(
            "{name:<20} {:>13} {:>13} {:>13} {:>6.2} {:>6.2}   {} {} {}",
            thousands(rate(&s[0])),
            thousands(rate(&s[1])),
            thousands(rate(&s[2])),
            median_f64(ab),
            median_f64(ac),
            s[0].spread(),
            s[1].spread(),
            s[2].spread()
        );
    }
    let b = if ctx.b_from_str {
        "UTF-8 checked once, then serde_json::from_str"
    } else {
        "serde_json::from_slice"
    };
    println!("goals: a/b >= 0.8, a/c >= 2 (a: generated route+parse+validate; b: {b}, type known; c: Value + jsonschema + from_value)");
    Ok(())
}

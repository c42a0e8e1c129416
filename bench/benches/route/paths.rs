//! The three ways of reading a delivery, what each makes of it, and the check
//! that they agree before anything is timed.

use eventbind_bench::corpus::{Class, Delivery};
use eventbind_bench::faults::Fault;
use eventbind_bench::known::{self, class_of, typed, Typed};
use eventbind_bench::mix::{KeyRule, Verdict};
use eventbind_bench::stats::cpu_time;
use eventbind_bench::{specs_dir, VENDORS};
use eventbind_codegen::model::{Action, RouteRule};
use eventbind_runtime::ErrorKind;
use serde_json::Value;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

/// One message of one vendor, with what paths (b) and (c) need for it.
pub struct Message {
    pub vendor: usize,
    pub name: String,
    /// The payload's type in the model, as JSON (messages sharing it share a body).
    pub payload: String,
    typed: Option<Typed>,
    validator: Option<jsonschema::Validator>,
}

/// How path (c) routes a vendor's deliveries: the spec's routing rule, and
/// the messages each routing key selects.
pub struct Router {
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

    /// The rule for making deliveries this router does not know.
    pub fn key_rule(&self) -> KeyRule {
        let keys = self.keys.iter().map(|(k, _)| k.clone()).collect();
        match &self.rule {
            RouteRule::Field { pointer } => KeyRule::Field(pointer.clone()),
            RouteRule::Presence => KeyRule::Presence(keys),
            RouteRule::Name => KeyRule::Name(keys),
        }
    }
}

pub struct Context {
    pub messages: Vec<Message>,
    pub routers: Vec<Router>,
    index: HashMap<(usize, String), usize>,
    /// (b) reads bytes with `from_slice` (`EVENTBIND_BENCH_B=slice`), which
    /// checks UTF-8 string by string where (a) checks the body once.
    pub b_from_slice: bool,
}

/// A delivery with its vendor and message resolved to indices (`None` for
/// a name the spec does not have).
#[derive(Clone, Copy)]
pub struct Item<'a> {
    pub delivery: &'a Delivery,
    pub vendor: usize,
    pub message: Option<usize>,
}

impl Context {
    pub fn item<'a>(&self, delivery: &'a Delivery) -> Item<'a> {
        let vendor = VENDORS
            .iter()
            .position(|v| *v == delivery.vendor)
            .unwrap_or(0);
        let message = self.index.get(&(vendor, delivery.message.clone())).copied();
        Item {
            delivery,
            vendor,
            message,
        }
    }
}

pub fn load() -> Result<Context, String> {
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
    let index = messages
        .iter()
        .enumerate()
        .map(|(i, m)| ((m.vendor, m.name.clone()), i))
        .collect();
    let b_from_slice = std::env::var("EVENTBIND_BENCH_B").is_ok_and(|b| b == "slice");
    Ok(Context {
        messages,
        routers,
        index,
        b_from_slice,
    })
}

/// (a): the generated crate's own entry point; the message it parsed as.
pub fn generated(item: &Item) -> Result<Option<&'static str>, ErrorKind> {
    known::generated(item.vendor, item.delivery)
}

/// (b): serde into the type the caller already knows (see
/// [`known::known_type`]). `true` if serde accepts the body.
pub fn known_type(ctx: &Context, item: &Item) -> bool {
    let typed = item.message.and_then(|m| ctx.messages[m].typed.as_ref());
    known::known_type(item.delivery, typed, ctx.b_from_slice)
}

/// (c): what a user writes without eventbind: a `Value`, routed by hand as
/// the runtime routes, checked by `jsonschema`, then read into the type.
pub fn by_hand(ctx: &Context, item: &Item) -> Class {
    let Ok(value) = serde_json::from_slice::<Value>(&item.delivery.body) else {
        return Class::Malformed;
    };
    let router = &ctx.routers[item.vendor];
    let candidates = match &router.rule {
        RouteRule::Field { pointer } => match value.pointer(pointer).and_then(Value::as_str) {
            Some(key) => router.candidates(key),
            None => return Class::Unknown,
        },
        RouteRule::Presence => {
            let Some(object) = value.as_object() else {
                return Class::Unknown;
            };
            let mut present = router.keys.iter().filter(|(k, _)| object.contains_key(k));
            match (present.next(), present.next()) {
                (Some((_, messages)), None) => messages.as_slice(),
                (None, _) => return Class::Unknown,
                _ => return Class::Invalid,
            }
        }
        RouteRule::Name => router.candidates(&item.delivery.message),
    };
    if candidates.is_empty() {
        // Kept, as (a) keeps an unknown event.
        black_box(&value);
        return Class::Unknown;
    }
    let mut accepted = None;
    for &m in candidates {
        let valid = ctx.messages[m]
            .validator
            .as_ref()
            .is_some_and(|v| v.is_valid(&value));
        if valid {
            if accepted.is_some() {
                return Class::Invalid;
            }
            accepted = Some(m);
        }
    }
    match accepted.and_then(|m| ctx.messages[m].typed.as_ref()) {
        Some(typed) if (typed.value)(value) => Class::Valid,
        _ => Class::Invalid,
    }
}

/// What the three paths make of a delivery, if they agree: (a) and (c) on
/// the class; (b) accepts what is valid or unknown and refuses what is
/// malformed (it may accept an invalid delivery: it does not validate).
pub fn judge(ctx: &Context, delivery: &Delivery) -> Result<Verdict, String> {
    let item = ctx.item(delivery);
    let a = generated(&item);
    let class = class_of(a);
    let c = by_hand(ctx, &item);
    if class != c {
        return Err(format!("(a) {} ({a:?}), (c) {}", class.name(), c.name()));
    }
    // (b) reads by the delivery's label; a change that made it another
    // class than meant is redrawn, so only a match is held to (b).
    let b = known_type(ctx, &item);
    let b_agrees = match class {
        _ if class != delivery.class => true,
        Class::Valid | Class::Unknown => b,
        Class::Malformed => !b,
        Class::Invalid => true,
    };
    if !b_agrees {
        return Err(format!("(b) {} a {} delivery", b, class.name()));
    }
    let fault = match (class, item.message) {
        (Class::Invalid, Some(m)) => {
            let value: Value = serde_json::from_slice(&delivery.body).unwrap_or_default();
            ctx.messages[m].validator.as_ref().and_then(|v| {
                v.iter_errors(&value)
                    .find_map(|e| Fault::of_keyword(e.kind().keyword()))
            })
        }
        _ => None,
    };
    Ok(Verdict {
        class,
        message: a.ok().flatten().map(str::to_string),
        fault,
    })
}

/// CPU time of this thread for `f` over `items`.
fn pass(items: &[Item], f: impl Fn(&Item) -> usize) -> Duration {
    cpu_time(|| {
        let mut sum = 0usize;
        for item in items {
            sum += f(black_box(item));
        }
        black_box(sum);
    })
}

/// Path (a), out of line so a profiler can collect just this.
#[inline(never)]
pub fn profile_generated(items: &[Item]) -> Duration {
    pass(items, |i| class_of(generated(i)) as usize)
}

/// Path (b), out of line so a profiler can collect just this.
#[inline(never)]
pub fn profile_known(ctx: &Context, items: &[Item]) -> Duration {
    pass(items, |i| usize::from(known_type(ctx, i)))
}

/// Path (c), out of line so a profiler can collect just this.
#[inline(never)]
pub fn profile_by_hand(ctx: &Context, items: &[Item]) -> Duration {
    pass(items, |i| by_hand(ctx, i) as usize)
}

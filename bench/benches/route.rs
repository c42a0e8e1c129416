//! Routing benchmark: a realistic mix of deliveries read three ways over the
//! same bytes, interleaved in one run, then a sweep of body sizes.
//!
//! The corpus (100,000 deliveries by default, a quarter per vendor, shuffled
//! together) is built from the spec examples with varied values
//! (`corpus`); then, per vendor, 20% become invalid (one fault each, the
//! kinds the differential test makes, in turn: wrong type, missing required
//! member, value outside an enum, pattern or format violated, bound
//! violated, extra member on a closed object), 5% unknown (a routing key the
//! spec does not have) and 2% malformed (truncated, a stray byte) (`mix`).
//! The sweep grows Vertex's payload string and Commenda's arrays to ~1 KB,
//! ~100 KB and ~1 MB bodies, 20% of them invalid (`sizes`).
//!
//! - (a) the generated crate: route + parse + validate in one call
//!   (`CommendaEvent::parse`, `CertCaptureEvent::parse`,
//!   `AvazaEvent::parse_named`, `VertexEvent::parse_named`);
//! - (b) the limit: the body's UTF-8 checked once, as (a) does, then
//!   `serde_json::from_str` into the concrete type already known (an unknown
//!   event: into a `RawValue`, which is what (a) keeps), no routing, no
//!   validation; on an invalid delivery it does what serde does (fail, or
//!   accept what it does not validate);
//! - (c) without eventbind: `serde_json::Value`, routed by hand, checked by
//!   a `jsonschema` validator of the source schema compiled once per
//!   message, then `serde_json::from_value` into the concrete type.
//!
//! Before anything is timed, every delivery is read by all three, which must
//! agree on what it is (valid as its message, invalid, unknown, malformed;
//! (b) may accept an invalid one), so each path is timed on the same work.
//!
//! The machine is shared (2 cores, builds running beside): time is the CPU
//! time of the benchmark thread, which leaves out the time it waits for a
//! core; within a round the three paths take turns every 1,000 deliveries
//! (`EVENTBIND_BENCH_CHUNK`; fewer for large bodies), so what remains of the
//! interference (caches) falls on all three alike; each ratio is the median
//! of the rounds' ratios.
//!
//! Run: `cargo bench -p eventbind-bench --bench route`. Environment:
//! `EVENTBIND_BENCH_DELIVERIES` (corpus size), `EVENTBIND_BENCH_ROUNDS`,
//! `EVENTBIND_BENCH_SIZES=0` (no size sweep), `EVENTBIND_BENCH_ONLY=a|b|c`
//! (time one path alone over the mix, for a profiler: the functions to
//! collect are `paths::profile_generated`, `paths::profile_known` and
//! `paths::profile_by_hand`), `EVENTBIND_BENCH_VENDOR` and
//! `EVENTBIND_BENCH_CLASS` (with `ONLY`: that vendor's or class's deliveries
//! alone), `EVENTBIND_BENCH_SHOW=n` (print the first n deliveries),
//! `EVENTBIND_BENCH_SAVE=file` (write the mix to `file` and stop: the
//! corpus `examples/route-count.rs` counts instructions over),
//! `EVENTBIND_BENCH_B=slice` ((b) reads bytes with `from_slice`, which checks
//! UTF-8 string by string: flattering to (a), which checks it once; the
//! tables then say so).

// The paths live beside this file, in a folder cargo does not take for a target.
#[path = "route/paths.rs"]
mod paths;

use eventbind_bench::corpus::{self, Class, Delivery, Rng};
use eventbind_bench::measure::{figures, print_table, time_groups, Row, Timings};
use eventbind_bench::mix::{self, Report, Shares};
use eventbind_bench::sizes::{self, Growth};
use eventbind_bench::stats::{env_usize, thousands, Samples};
use eventbind_bench::{spec_examples, Example, VENDORS};
use paths::{judge, profile_by_hand, profile_generated, profile_known, Context, Item};

fn main() -> Result<(), String> {
    let deliveries = env_usize("EVENTBIND_BENCH_DELIVERIES", 100_000);
    let rounds = env_usize("EVENTBIND_BENCH_ROUNDS", 9).max(1);
    let chunk = env_usize("EVENTBIND_BENCH_CHUNK", 1_000);
    let ctx = paths::load()?;
    let built = std::time::Instant::now();
    let (corpus, report) = build_mix(&ctx, deliveries)?;
    let bytes: usize = corpus.iter().map(|d| d.body.len()).sum();
    println!(
        "corpus: {} deliveries ({} KiB), built and checked by (a), (b), (c) in {:.1} s",
        thousands(corpus.len() as f64),
        thousands(bytes as f64 / 1024.0),
        built.elapsed().as_secs_f64()
    );
    print_report(&report);
    if let Ok(path) = std::env::var("EVENTBIND_BENCH_SAVE") {
        eventbind_bench::saved::save(path.as_ref(), &corpus)?;
        println!("corpus saved to {path} (for examples/route-count.rs)");
        return Ok(());
    }
    let items: Vec<Item> = corpus.iter().map(|d| ctx.item(d)).collect();
    for d in corpus.iter().take(env_usize("EVENTBIND_BENCH_SHOW", 0)) {
        let body = String::from_utf8_lossy(&d.body);
        println!("{} {} {}: {body}", d.class.name(), d.vendor, d.message);
    }
    if let Ok(path) = std::env::var("EVENTBIND_BENCH_ONLY") {
        return alone(&ctx, &items, &path, rounds);
    }
    let b = match ctx.b_from_slice {
        true => "(b) serde_json::from_slice: FLATTERING to (a), which checks UTF-8 once and (b) per string",
        false => "(b) UTF-8 checked once, then serde_json::from_str, type known, no validation",
    };
    println!(
        "{rounds} rounds over the same bytes; within a round the three paths take turns every {chunk} deliveries; \
         CPU time of the thread; rates from the median round, ratios the median of the rounds' ratios"
    );
    println!("{b}; (a) generated route+parse+validate; (c) Value + jsonschema + from_value");
    // Group 0 is the whole shuffled mix; then one group per vendor and class.
    let mut groups: Vec<Vec<Item>> = vec![items.clone()];
    let mut keys = vec![None];
    for v in 0..VENDORS.len() {
        for class in Class::ALL {
            let set: Vec<Item> = items
                .iter()
                .copied()
                .filter(|i| i.vendor == v && i.delivery.class == class)
                .collect();
            groups.push(set);
            keys.push(Some((v, class)));
        }
    }
    let timings = time(&ctx, &groups, rounds, chunk);
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    let select = |f: &dyn Fn(usize, Class) -> bool| -> Vec<usize> {
        (1..keys.len())
            .filter(|g| keys[*g].is_some_and(|(v, c)| f(v, c)) && sizes[*g] > 0)
            .collect()
    };
    let mut rows = vec![Row {
        name: "all (shuffled mix)".into(),
        groups: vec![0],
    }];
    for class in Class::ALL {
        rows.push(Row {
            name: format!("{} (all vendors)", class.name()),
            groups: select(&|_, c| c == class),
        });
    }
    for (v, vendor) in VENDORS.iter().enumerate() {
        rows.push(Row {
            name: format!("{vendor} (all classes)"),
            groups: select(&|w, _| w == v),
        });
    }
    for (v, vendor) in VENDORS.iter().enumerate() {
        for class in Class::ALL {
            rows.push(Row {
                name: format!("  {vendor} {}", class.name()),
                groups: select(&|w, c| w == v && c == class),
            });
        }
    }
    let table: Vec<_> = rows
        .iter()
        .filter(|r| !r.groups.is_empty())
        .map(|r| (r.name.clone(), figures(r, &sizes, &timings)))
        .collect();
    print_table(&table);
    if env_usize("EVENTBIND_BENCH_SIZES", 1) != 0 {
        sweep(&ctx, &corpus, rounds)?;
    }
    println!(
        "goals: a/b >= 0.9 overall and >= 0.8 per vendor and size; a/c >= 2; on invalid deliveries a/c >= 1"
    );
    Ok(())
}

/// The valid corpus, then the realistic mix made from it.
fn build_mix(ctx: &Context, deliveries: usize) -> Result<(Vec<Delivery>, Report), String> {
    let valid = |d: &Delivery| {
        judge(ctx, d)
            .is_ok_and(|v| v.class == Class::Valid && v.message.as_ref() == Some(&d.message))
    };
    // Avaza names events from outside: a body may be delivered as any
    // message with the same payload type.
    let names = |e: &Example| -> Vec<String> {
        let v = VENDORS.iter().position(|x| *x == e.vendor).unwrap_or(0);
        let payload = ctx
            .messages
            .iter()
            .find(|m| m.vendor == v && m.name == e.message)
            .map(|m| m.payload.as_str());
        let same: Vec<String> = ctx
            .messages
            .iter()
            .filter(|m| e.vendor == "avaza" && m.vendor == v && Some(m.payload.as_str()) == payload)
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
    let (mut corpus, built) = corpus::build(&examples, per_vendor, 0x5eed, names, valid)?;
    println!(
        "valid deliveries from {} spec examples: {} of {} leaves varied; {} variations redrawn, {} left unvaried",
        examples.len(),
        built.varied_leaves,
        built.leaves,
        built.redrawn,
        built.unvaried
    );
    let report = mix_in(ctx, &mut corpus, mix::REALISTIC, 0x0dd5);
    Ok((corpus, report))
}

fn mix_in(ctx: &Context, corpus: &mut [Delivery], shares: Shares, seed: u64) -> Report {
    let rule = |vendor: &str| {
        let v = VENDORS.iter().position(|x| *x == vendor).unwrap_or(0);
        ctx.routers[v].key_rule()
    };
    mix::mix(corpus, shares, seed, &rule, &mut |d| judge(ctx, d))
}

fn print_report(report: &Report) {
    let mut line = String::from("mix:");
    for class in Class::ALL {
        let n: usize = report
            .counts
            .iter()
            .filter(|((_, c), _)| *c == class.name())
            .map(|(_, n)| n)
            .sum();
        line.push_str(&format!(" {} {},", thousands(n as f64), class.name()));
    }
    let list = |m: &std::collections::BTreeMap<&str, usize>| {
        m.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("{line} per vendor alike");
    println!(
        "  invalid by the fault jsonschema reports: {}",
        list(&report.faults)
    );
    println!("  malformed: {}", list(&report.malformed));
    println!(
        "  {} changes redrawn (still valid, or another class), {} meant to change left valid; \
         {} changes the paths disagreed on (none kept)",
        report.redrawn, report.unchanged, report.disagreements
    );
    for d in &report.disagreeing {
        println!("  disagreement: {d}");
    }
}

/// Times the three paths over `groups`.
fn time(ctx: &Context, groups: &[Vec<Item>], rounds: usize, chunk: usize) -> Timings {
    let sets: Vec<&[Item]> = groups.iter().map(Vec::as_slice).collect();
    let a = |s: &[Item]| profile_generated(s);
    let b = |s: &[Item]| profile_known(ctx, s);
    let c = |s: &[Item]| profile_by_hand(ctx, s);
    time_groups(&sets, rounds, chunk, [&a, &b, &c])
}

/// One path alone over the mix (for a profiler).
fn alone(ctx: &Context, items: &[Item], path: &str, rounds: usize) -> Result<(), String> {
    let vendor = std::env::var("EVENTBIND_BENCH_VENDOR").ok();
    let class = std::env::var("EVENTBIND_BENCH_CLASS").ok();
    let chosen: Vec<Item> = items
        .iter()
        .copied()
        .filter(|i| vendor.as_deref().is_none_or(|v| VENDORS[i.vendor] == v))
        .filter(|i| {
            class
                .as_deref()
                .is_none_or(|c| i.delivery.class.name() == c)
        })
        .collect();
    let run = |_| match path {
        "b" => profile_known(ctx, &chosen),
        "c" => profile_by_hand(ctx, &chosen),
        _ => profile_generated(&chosen),
    };
    let samples = Samples((0..rounds).map(run).collect());
    let rate = chosen.len() as f64 / samples.median().as_secs_f64();
    println!(
        "({path}) alone, {} deliveries: {} msgs/s",
        chosen.len(),
        thousands(rate)
    );
    Ok(())
}

/// Deliveries per vendor at each size of the sweep: fewer as they grow, so
/// each size takes a few seconds.
const SWEEP_COUNTS: [usize; 3] = [2_000, 200, 20];

/// The size sweep: Vertex and Commenda, valid and 20% invalid, per size.
fn sweep(ctx: &Context, corpus: &[Delivery], rounds: usize) -> Result<(), String> {
    let grown_vendors = [
        ("vertex", Growth::Text("/event/payload")),
        ("commenda", Growth::Arrays),
    ];
    let mut rng = Rng::new(0x517e);
    for ((label, target), count) in sizes::SIZES.iter().zip(SWEEP_COUNTS) {
        let mut set = Vec::new();
        let mut refused = 0;
        for (vendor, growth) in grown_vendors {
            let bases: Vec<&Delivery> = corpus
                .iter()
                .filter(|d| d.vendor == vendor && d.class == Class::Valid)
                .collect();
            let mut made = 0;
            for base in bases.iter().cycle().take(count * 20) {
                if made == count {
                    break;
                }
                // Donors: other deliveries of the same message, a few dozen.
                let donors: Vec<&Delivery> = bases
                    .iter()
                    .filter(|d| d.message == base.message)
                    .take(48)
                    .copied()
                    .collect();
                let Some(grown) = sizes::grow(base, growth, &donors, *target, &mut rng) else {
                    continue;
                };
                let ok = judge(ctx, &grown).is_ok_and(|v| {
                    v.class == Class::Valid && v.message.as_ref() == Some(&grown.message)
                });
                if ok {
                    set.push(grown);
                    made += 1;
                } else {
                    refused += 1;
                }
            }
        }
        rng.shuffle(&mut set);
        let shares = Shares {
            invalid: mix::REALISTIC.invalid,
            unknown: 0.0,
            malformed: 0.0,
        };
        let report = mix_in(ctx, &mut set, shares, 0x5123 ^ *target as u64);
        let items: Vec<Item> = set.iter().map(|d| ctx.item(d)).collect();
        let mean = set.iter().map(|d| d.body.len()).sum::<usize>() / set.len().max(1);
        let chunk = (1_000_000 / mean.max(1)).clamp(1, 1_000);
        println!();
        println!(
            "size {label}: {} deliveries, mean body {} bytes (Vertex payload string, Commenda arrays grown; \
             {refused} grown ones refused as not valid); invalid by fault: {}; {} changes disagreed on; \
             the paths take turns every {chunk} deliveries",
            set.len(),
            thousands(mean as f64),
            report
                .faults
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            report.disagreements
        );
        let mut groups = Vec::new();
        let mut names = Vec::new();
        for (vendor, _) in grown_vendors {
            for class in [Class::Valid, Class::Invalid] {
                let g: Vec<Item> = items
                    .iter()
                    .copied()
                    .filter(|i| i.delivery.vendor == vendor && i.delivery.class == class)
                    .collect();
                names.push(format!("  {vendor} {}", class.name()));
                groups.push(g);
            }
        }
        let timings = time(ctx, &groups, rounds, chunk);
        let counts: Vec<usize> = groups.iter().map(Vec::len).collect();
        let row = |name: &str, groups: Vec<usize>| {
            let groups: Vec<usize> = groups.into_iter().filter(|g| counts[*g] > 0).collect();
            let row = Row {
                name: name.to_string(),
                groups,
            };
            (row.name.clone(), figures(&row, &counts, &timings))
        };
        let mut table = vec![
            row(&format!("all {label}"), vec![0, 1, 2, 3]),
            row("vertex", vec![0, 1]),
            row("commenda", vec![2, 3]),
        ];
        for (g, name) in names.iter().enumerate() {
            if counts[g] > 0 {
                table.push(row(name, vec![g]));
            }
        }
        print_table(&table);
    }
    Ok(())
}

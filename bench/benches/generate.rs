//! Generation benchmark: eventbind against typify, in-process, on the same
//! inputs: GitHub's webhook schemas (octokit, 630 KB of draft-07) and the four
//! vendor specs. Each tool reads the file, builds its model and renders
//! formatted Rust (eventbind: `load` + `emit::rust::module`; typify:
//! `TypeSpace` + `to_stream` + prettyplease). typify reads no AsyncAPI, so for
//! a vendor spec it is given the document's `components.schemas`.
//!
//! Times are CPU time of the benchmark thread (the machine is shared: this
//! leaves out the time spent waiting for a core; both tools run on one
//! thread), medians of interleaved rounds, each sample repeating a tool until
//! it has run for about 50 ms. Peak memory is `VmHWM` of a child process (this
//! binary again) that runs one tool once on one input; the baseline child
//! reads the input and does nothing else.
//!
//! Run: `cargo bench -p eventbind-bench --bench generate`
//! (`EVENTBIND_BENCH_ROUNDS`, default 7). To profile one tool on one input:
//! `EVENTBIND_BENCH_CHILD=eventbind:PATH EVENTBIND_BENCH_REPEAT=20 perf record -g BINARY`
//! (or `typify:PATH`).

#[path = "../dev/typify_driver.rs"]
mod typify_driver;

use eventbind_bench::stats::{cpu_time, env_usize, human, interleaved, mib, Samples};
use eventbind_bench::{peak_rss_bytes, specs_dir, VENDORS};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CHILD: &str = "EVENTBIND_BENCH_CHILD";

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Eventbind,
    Typify,
    Baseline,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Eventbind => "eventbind",
            Tool::Typify => "typify",
            Tool::Baseline => "baseline",
        }
    }

    fn run(self, path: &Path) -> Result<String, String> {
        match self {
            Tool::Eventbind => typify_driver::guarded(|| {
                let loaded = eventbind_codegen::load(path).map_err(|e| e.to_string())?;
                let module = eventbind_codegen::rust_module(&loaded.catalog, "by the benchmark")
                    .map_err(|e| e.to_string())?;
                Ok(module)
            }),
            Tool::Typify => typify_driver::generate(path),
            Tool::Baseline => typify_driver::read(path).map(|_| String::new()),
        }
    }
}

/// In a child: run one tool once and print the peak resident memory.
fn child(spec: &str) -> ! {
    let (tool, path) = spec.split_once(':').unwrap_or(("", spec));
    let tool = [Tool::Eventbind, Tool::Typify, Tool::Baseline]
        .into_iter()
        .find(|t| t.name() == tool)
        .unwrap_or(Tool::Baseline);
    std::panic::set_hook(Box::new(|_| {}));
    // More than one run only for a profiler (the peak is the same).
    let runs = env_usize("EVENTBIND_BENCH_REPEAT", 1).max(1);
    let ok = (0..runs).all(|_| tool.run(Path::new(path)).is_ok());
    println!(
        "{} {}",
        if ok { "ok" } else { "failed" },
        peak_rss_bytes().unwrap_or(0)
    );
    std::process::exit(0)
}

/// Peak memory of `tool` on `path`, measured in a fresh child process.
fn peak(tool: Tool, path: &Path) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let output = Command::new(exe)
        .env(CHILD, format!("{}:{}", tool.name(), path.display()))
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let (status, bytes) = text.trim().split_once(' ')?;
    (status == "ok").then(|| bytes.parse().ok()).flatten()
}

struct Outcome {
    median: Option<Duration>,
    spread: String,
    lines: usize,
    error: Option<String>,
    peak: Option<u64>,
}

/// Times `tools` on `path`, interleaved; `None` for a tool that fails.
fn measure(path: &Path, rounds: usize) -> Vec<Outcome> {
    let tools = [Tool::Eventbind, Tool::Typify];
    let mut warm = Vec::new();
    for tool in tools {
        let mut result = Err(String::new());
        let took = cpu_time(|| result = tool.run(path));
        warm.push((result, took));
    }
    // Repeat a tool within one sample until the sample lasts ~50 ms.
    let reps: Vec<u32> = warm
        .iter()
        .map(|(_, took)| (0.05 / took.as_secs_f64().max(1e-6)).clamp(1.0, 1000.0) as u32)
        .collect();
    let sample = |tool: Tool, reps: u32| {
        move || {
            let total = cpu_time(|| {
                for _ in 0..reps {
                    std::hint::black_box(tool.run(path).map(|s| s.len()).unwrap_or(0));
                }
            });
            total / reps
        }
    };
    let (mut e, mut t) = (sample(tools[0], reps[0]), sample(tools[1], reps[1]));
    let both_ok = warm.iter().all(|(r, _)| r.is_ok());
    let samples = if both_ok {
        interleaved(rounds, &mut [&mut e, &mut t])
    } else {
        let mut only = Vec::new();
        for (i, (result, _)) in warm.iter().enumerate() {
            only.push(match result {
                Ok(_) if i == 0 => interleaved(rounds, &mut [&mut e]).remove(0),
                Ok(_) => interleaved(rounds, &mut [&mut t]).remove(0),
                Err(_) => Samples::default(),
            });
        }
        only
    };
    warm.into_iter()
        .zip(samples)
        .zip(tools)
        .map(|(((result, _), samples), tool)| Outcome {
            median: result.is_ok().then(|| samples.median()),
            spread: samples.spread(),
            lines: result.as_ref().map(|s| s.lines().count()).unwrap_or(0),
            error: result.err(),
            peak: peak(tool, path),
        })
        .collect()
}

fn cell(o: &Outcome) -> String {
    match o.median {
        Some(m) => format!("{} ({})", human(m), o.spread),
        None => "failed".to_string(),
    }
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
    }
    // typify's panics are caught and reported; keep them off the report.
    std::panic::set_hook(Box::new(|_| {}));
    let rounds = env_usize("EVENTBIND_BENCH_ROUNDS", 7).max(1);
    let octokit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpora/octokit-webhooks-schemas/schema.json");
    let mut inputs: Vec<(String, PathBuf)> = vec![("octokit".into(), octokit)];
    inputs.extend(VENDORS.iter().map(|v| (v.to_string(), specs_dir().join(v))));
    println!(
        "{rounds} rounds, eventbind and typify interleaved; CPU time per run, median (spread of the rounds)"
    );
    println!(
        "{:<20} {:>24} {:>24} {:>6} {:>15} {:>24}",
        "input", "eventbind", "typify", "e/t", "lines e / t", "peak RSS e / t (base)"
    );
    let (mut sum_e, mut sum_t, mut summed) = (Duration::ZERO, Duration::ZERO, 0);
    let mut failures = Vec::new();
    for (name, path) in &inputs {
        if !path.exists() {
            println!("{name:<20} missing: {}", path.display());
            continue;
        }
        let out = measure(path, rounds);
        let (e, t) = (&out[0], &out[1]);
        let ratio = match (e.median, t.median) {
            (Some(a), Some(b)) => {
                if name != "octokit" {
                    sum_e += a;
                    sum_t += b;
                    summed += 1;
                }
                format!("{:.2}", a.as_secs_f64() / b.as_secs_f64())
            }
            _ => "-".to_string(),
        };
        let memory = |p: Option<u64>| p.map_or("-".to_string(), |b| mib(b).replace(" MiB", ""));
        println!(
            "{name:<20} {:>24} {:>24} {:>6} {:>15} {:>24}",
            cell(e),
            cell(t),
            ratio,
            format!("{} / {}", e.lines, t.lines),
            format!(
                "{} / {} ({}) MiB",
                memory(e.peak),
                memory(t.peak),
                memory(peak(Tool::Baseline, path))
            ),
        );
        for (tool, o) in [("eventbind", e), ("typify", t)] {
            if let Some(error) = &o.error {
                failures.push(format!("{name}: {tool} failed: {error}"));
            }
        }
    }
    if sum_t > Duration::ZERO {
        println!(
            "{:<20} {:>24} {:>24} {:>6.2}   (the vendor specs where both succeed)",
            format!("{summed} of 4 specs, sum"),
            human(sum_e),
            human(sum_t),
            sum_e.as_secs_f64() / sum_t.as_secs_f64()
        );
    }
    for failure in failures {
        println!("{failure}");
    }
    println!("goal: eventbind/typify <= 0.5. Peak RSS: VmHWM of a child process running the tool once; base = the child reading the input only.");
}

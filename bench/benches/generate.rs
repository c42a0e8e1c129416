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
//! Then, on octokit only: the command lines' wall time (`eventbind generate`
//! against `cargo typify`, see `dev/cli_wall.rs`) and instruction counts
//! under callgrind (`dev/callgrind.rs`; typify up to the unformatted text,
//! as cargo-typify before rustfmt), and the three ratios side by side.
//!
//! Run: `cargo bench -p eventbind-bench --bench generate`
//! (`EVENTBIND_BENCH_ROUNDS`, default 7; `EVENTBIND_BENCH_CLI_RUNS`, default the
//! rounds; `EVENTBIND_BENCH_CALLGRIND=0` skips callgrind). To profile one tool on one input:
//! `EVENTBIND_BENCH_CHILD=eventbind:PATH EVENTBIND_BENCH_REPEAT=20 perf record -g BINARY`
//! (or `typify:PATH`).

#[path = "../dev/callgrind.rs"]
mod callgrind;
#[path = "../dev/cli_wall.rs"]
mod cli_wall;
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
    /// typify up to the unformatted text, as cargo-typify before rustfmt.
    TypifyUnformatted,
    Baseline,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Eventbind => "eventbind",
            Tool::Typify => "typify",
            Tool::TypifyUnformatted => "typify-unformatted",
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
            Tool::TypifyUnformatted => typify_driver::unformatted(path),
            Tool::Baseline => typify_driver::read(path).map(|_| String::new()),
        }
    }
}

/// In a child: run one tool once and print the peak resident memory.
fn child(spec: &str) -> ! {
    let (tool, path) = spec.split_once(':').unwrap_or(("", spec));
    let tool = [
        Tool::Eventbind,
        Tool::Typify,
        Tool::TypifyUnformatted,
        Tool::Baseline,
    ]
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
    // The callgrind child and the CLIs run elsewhere than this folder.
    let octokit = octokit.canonicalize().unwrap_or(octokit);
    println!(
        "load average at the start (1, 5, 15 min): {}",
        cli_wall::load_average()
    );
    let in_process = in_process(&octokit, rounds);
    let wall = if octokit.is_file() {
        cli_figures(
            &octokit,
            env_usize("EVENTBIND_BENCH_CLI_RUNS", rounds).max(1),
        )
    } else {
        None
    };
    let instructions = if octokit.is_file() && env_usize("EVENTBIND_BENCH_CALLGRIND", 1) != 0 {
        instruction_figures(&octokit)
    } else {
        None
    };
    let figure = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.2}"));
    println!();
    println!("octokit, eventbind/typify, side by side (goals of issue 14):");
    println!("  CLI wall time       {:>6}   (goal <= 0.4)", figure(wall));
    println!(
        "  instructions        {:>6}   (goal <= 0.6; typify without its formatting)",
        figure(instructions)
    );
    println!(
        "  in-process CPU time {:>6}   (goal <= 0.5)",
        figure(in_process)
    );
    println!(
        "load average at the end (1, 5, 15 min): {}",
        cli_wall::load_average()
    );
}

/// The in-process table (every input); gives octokit's ratio.
fn in_process(octokit: &Path, rounds: usize) -> Option<f64> {
    let mut inputs: Vec<(String, PathBuf)> = vec![("octokit".into(), octokit.to_path_buf())];
    inputs.extend(VENDORS.iter().map(|v| (v.to_string(), specs_dir().join(v))));
    println!(
        "In-process: {rounds} rounds, eventbind and typify interleaved; CPU time per run, median (spread of the rounds)"
    );
    println!(
        "{:<20} {:>24} {:>24} {:>6} {:>15} {:>24}",
        "input", "eventbind", "typify", "e/t", "lines e / t", "peak RSS e / t (base)"
    );
    let (mut sum_e, mut sum_t, mut summed) = (Duration::ZERO, Duration::ZERO, 0);
    let mut octokit_ratio = None;
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
                let ratio = a.as_secs_f64() / b.as_secs_f64();
                if name != "octokit" {
                    sum_e += a;
                    sum_t += b;
                    summed += 1;
                } else {
                    octokit_ratio = Some(ratio);
                }
                format!("{ratio:.2}")
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
    octokit_ratio
}

/// A folder of its own for this run's output, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("eventbind-bench-{what}-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The CLIs on octokit, wall time, interleaved; gives eventbind/typify.
fn cli_figures(schema: &Path, runs: usize) -> Option<f64> {
    println!();
    println!("CLI on octokit: wall time per run, median of {runs} interleaved runs (spread), each into an empty folder");
    let eventbind = cli_wall::eventbind_binary();
    let typify = cli_wall::typify_binary();
    let scratch = Scratch::new("cli");
    let (e_out, t_out) = (scratch.0.join("eventbind"), scratch.0.join("typify.rs"));
    let mut failure = None;
    let mut timed = |result: Result<Duration, String>| {
        result.unwrap_or_else(|error| {
            failure.get_or_insert(error);
            Duration::ZERO
        })
    };
    let samples = match (&eventbind, &typify) {
        (Ok(e), Some(t)) => {
            let run_e = || cli_wall::run(cli_wall::eventbind_command(e, schema, &e_out));
            let run_t = || cli_wall::run(cli_wall::typify_command(t, schema, &t_out));
            let (mut se, mut st) = (Samples::default(), Samples::default());
            for round in 0..runs {
                let pair = if round % 2 == 0 {
                    let e = run_e();
                    (e, run_t())
                } else {
                    let t = run_t();
                    (run_e(), t)
                };
                se.0.push(timed(pair.0));
                st.0.push(timed(pair.1));
            }
            Some((se, st))
        }
        _ => None,
    };
    match &eventbind {
        Ok(binary) => println!(
            "  eventbind: {} generate --spec SCHEMA --out DIR",
            binary.display()
        ),
        Err(error) => println!("  eventbind: no release binary: {error}"),
    }
    match &typify {
        Some(binary) => println!("  typify:    {} typify --no-builder SCHEMA -o FILE (formats with rustfmt)", binary.display()),
        None => println!(
            "  typify:    cargo-typify is not installed, so there is no CLI comparison; install it with `{}`",
            cli_wall::TYPIFY_INSTALL
        ),
    }
    if let Some(error) = failure {
        println!("  a run failed: {error}");
        return None;
    }
    let (se, st) = samples?;
    let ratio = se.median().as_secs_f64() / st.median().as_secs_f64();
    println!(
        "  eventbind {} ({}), cargo-typify {} ({}), e/t {ratio:.2} (goal <= 0.4)",
        human(se.median()),
        se.spread(),
        human(st.median()),
        st.spread()
    );
    Some(ratio)
}

/// One run of each tool's child mode under callgrind; gives eventbind/typify.
fn instruction_figures(schema: &Path) -> Option<f64> {
    println!();
    println!("Instructions on octokit, one run each under callgrind (this binary's child mode):");
    let Some(version) = callgrind::valgrind_version() else {
        println!("  valgrind is not installed, so there are no instruction counts (apt-get install valgrind)");
        return None;
    };
    let exe = std::env::current_exe().ok()?;
    let scratch = Scratch::new("callgrind");
    let count = |tool: Tool| {
        let env = [(CHILD, format!("{}:{}", tool.name(), schema.display()))];
        callgrind::instructions(&exe, &[], &env, &scratch.0)
    };
    let rows = [
        (Tool::Baseline, "baseline: the child reading the file only"),
        (
            Tool::Eventbind,
            "eventbind: load + rust_module (formatted: the layout prettyplease gives)",
        ),
        (
            Tool::TypifyUnformatted,
            "typify: TypeSpace + to_stream().to_string(), cargo-typify's work before rustfmt",
        ),
        (
            Tool::Typify,
            "typify, formatted in-process (+ syn::parse2 + prettyplease), for reference",
        ),
    ];
    let mut counts = Vec::new();
    for (tool, what) in rows {
        let result = count(tool);
        match &result {
            Ok(n) => println!("  {:>10}  {what}", callgrind::giga(*n)),
            Err(error) => println!("  {:>10}  {what}: {error}", "failed"),
        }
        counts.push(result.ok());
    }
    // The whole CLI too, both threads (schemas and docs besides the Rust).
    if let Ok(binary) = cli_wall::eventbind_binary() {
        let out = scratch.0.join("cli");
        let args = [
            "generate".as_ref(),
            "--spec".as_ref(),
            schema.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ];
        match callgrind::instructions(&binary, &args, &[], &scratch.0) {
            Ok(n) => println!(
                "  {:>10}  eventbind generate (the CLI: Rust, schemas, docs, files; both threads)",
                callgrind::giga(n)
            ),
            Err(error) => println!("  {:>10}  eventbind generate: {error}", "failed"),
        }
    }
    println!("  ({version})");
    let (e, t) = (counts[1]?, counts[2]?);
    let ratio = e as f64 / t as f64;
    println!("  eventbind/typify {ratio:.2} (goal <= 0.6)");
    Some(ratio)
}

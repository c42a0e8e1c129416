//! Instructions per delivery of the route bench's paths (a) (the generated
//! crate: route + parse + validate) and (b) (serde into the known type), per
//! vendor and class, counted by `valgrind --tool=callgrind`. Unlike the
//! bench's times, the counts hardly depend on what else the machine does,
//! so they are the figures to compare a change by.
//!
//! ```sh
//! EVENTBIND_BENCH_DELIVERIES=4000 EVENTBIND_BENCH_SAVE=/tmp/mix.tsv \
//!     cargo bench -p eventbind-bench --bench route
//! cargo build --profile bench -p eventbind-bench --example route-count
//! target/release/examples/route-count /tmp/mix.tsv          # the table
//! ```
//!
//! The table runs this program once per vendor, class and path under
//! callgrind, collecting only the function that reads the deliveries
//! (`work_a` or `work_b`), each delivery of the group read `REPS` times
//! (enough for about 1,000 readings; second argument). The profiles are
//! kept in `$TMPDIR/route-count/` for `callgrind_annotate`. The child mode,
//! `route-count run FILE a|b VENDOR CLASS REPS`, is that one run.

use eventbind_bench::corpus::{Class, Delivery};
use eventbind_bench::known::{class_of, generated, known_type, typed, Typed};
use eventbind_bench::VENDORS;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("run") => {
            let [file, path, vendor, class, reps] = &args[2..] else {
                return Err("run FILE a|b VENDOR CLASS REPS".into());
            };
            let reps = reps.parse().map_err(|_| "REPS: a number")?;
            let n = child(file.as_ref(), path, vendor, class, reps)?;
            println!("{n}");
            Ok(())
        }
        Some(file) => {
            let readings = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1_000);
            table(file.as_ref(), readings)
        }
        None => Err("usage: route-count FILE [READINGS] | route-count run ...".into()),
    }
}

/// The deliveries of one vendor and class.
fn group(file: &Path, vendor: &str, class: &str) -> Result<Vec<Delivery>, String> {
    Ok(eventbind_bench::saved::load(file)?
        .into_iter()
        .filter(|d| d.vendor == vendor && d.class.name() == class)
        .collect())
}

/// One run: the group read by `path`, `reps` times; the readings made.
fn child(file: &Path, path: &str, vendor: &str, class: &str, reps: usize) -> Result<usize, String> {
    let set = group(file, vendor, class)?;
    let v = VENDORS.iter().position(|x| *x == vendor).unwrap_or(0);
    let types: Vec<Option<Typed>> = set.iter().map(|d| typed(d.vendor, &d.message)).collect();
    let mut sum = 0;
    for _ in 0..reps {
        sum += match path {
            "a" => work_a(v, &set),
            _ => work_b(&set, &types),
        };
    }
    black_box(sum);
    Ok(set.len() * reps)
}

/// Path (a) over `set`: what the callgrind runs collect.
#[inline(never)]
fn work_a(vendor: usize, set: &[Delivery]) -> usize {
    set.iter()
        .map(|d| class_of(generated(vendor, black_box(d))) as usize)
        .sum()
}

/// Path (b) over `set`.
#[inline(never)]
fn work_b(set: &[Delivery], types: &[Option<Typed>]) -> usize {
    set.iter()
        .zip(types)
        .map(|(d, t)| usize::from(known_type(black_box(d), t.as_ref(), false)))
        .sum()
}

/// Instructions of one child run under callgrind, and its readings.
fn count(
    file: &Path,
    path: &str,
    vendor: &str,
    class: Class,
    reps: usize,
    out: &Path,
) -> Result<(u64, usize), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--toggle-collect=*work_{path}*"))
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(&me)
        .args(["run", &file.display().to_string(), path, vendor])
        .args([class.name(), &reps.to_string()])
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let readings = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|_| "child printed no count")?;
    let text = std::fs::read_to_string(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let total = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .ok_or("no total in the profile")?;
    Ok((total, readings))
}

/// Prints instructions per delivery of (a) and (b), and b/a (what the
/// bench's a/b of rates is, in instructions), per vendor and class, then
/// per class and over the whole mix (weighted by the mix's counts).
fn table(file: &Path, readings: usize) -> Result<(), String> {
    let dir: PathBuf = std::env::temp_dir().join("route-count");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let all = eventbind_bench::saved::load(file)?;
    println!(
        "{:<22} {:<10} {:>6} {:>10} {:>10} {:>6}",
        "vendor", "class", "count", "(a)/deliv", "(b)/deliv", "a/b"
    );
    // Per class: [a instructions, b instructions] over the mix's counts.
    let mut by_class = vec![[0f64; 2]; Class::ALL.len()];
    let mut by_vendor = vec![[0f64; 2]; VENDORS.len()];
    for (v, vendor) in VENDORS.iter().enumerate() {
        for (c, class) in Class::ALL.iter().enumerate() {
            let n = all
                .iter()
                .filter(|d| d.vendor == *vendor && d.class == *class)
                .count();
            if n == 0 {
                continue;
            }
            let reps = readings.div_ceil(n).max(1);
            let mut per = [0f64; 2];
            for (p, path) in ["a", "b"].iter().enumerate() {
                let out = dir.join(format!("{vendor}-{}-{path}.out", class.name()));
                let (total, made) = count(file, path, vendor, *class, reps, &out)?;
                per[p] = total as f64 / made as f64;
            }
            println!(
                "{vendor:<22} {:<10} {n:>6} {:>10.0} {:>10.0} {:>6.2}",
                class.name(),
                per[0],
                per[1],
                per[1] / per[0]
            );
            for p in 0..2 {
                by_class[c][p] += per[p] * n as f64;
                by_vendor[v][p] += per[p] * n as f64;
            }
        }
    }
    let ratio = |s: [f64; 2]| s[1] / s[0];
    for (c, class) in Class::ALL.iter().enumerate() {
        let n = all.iter().filter(|d| d.class == *class).count() as f64;
        let s = by_class[c];
        println!(
            "all vendors            {:<10} {:>6} {:>10.0} {:>10.0} {:>6.2}",
            class.name(),
            n,
            s[0] / n,
            s[1] / n,
            ratio(s)
        );
    }
    for (v, vendor) in VENDORS.iter().enumerate() {
        let n = all.iter().filter(|d| d.vendor == *vendor).count() as f64;
        let s = by_vendor[v];
        println!(
            "{vendor:<22} {:<10} {:>6} {:>10.0} {:>10.0} {:>6.2}",
            "all",
            n,
            s[0] / n,
            s[1] / n,
            ratio(s)
        );
    }
    let s = by_class
        .iter()
        .fold([0f64; 2], |t, s| [t[0] + s[0], t[1] + s[1]]);
    let n = all.len() as f64;
    println!(
        "all                    all        {:>6} {:>10.0} {:>10.0} {:>6.2}",
        n,
        s[0] / n,
        s[1] / n,
        ratio(s)
    );
    Ok(())
}

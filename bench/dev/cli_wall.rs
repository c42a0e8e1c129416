//! The generation benchmark's command-line comparison: the wall time of
//! `eventbind generate --spec SCHEMA --out DIR` (the release binary) against
//! `cargo typify --no-builder SCHEMA -o FILE` (the cargo-typify binary, which
//! formats with rustfmt), each run into a fresh folder, interleaved.
//!
//! Wall time, not CPU time: the CLI uses a second thread for schemas and
//! docs, and cargo-typify a rustfmt process, and a user waits for both.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How to install cargo-typify, printed when it is not found.
pub const TYPIFY_INSTALL: &str = "cargo install cargo-typify --locked --version '^0.8'";

/// The eventbind release binary, built first (a no-op when it is current)
/// so that the figures are of the code in the work tree. `Err` says why
/// there is none.
pub fn eventbind_binary() -> Result<PathBuf, String> {
    // The bench runs as `<target>/release/deps/generate-<hash>`.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("no target folder above the bench binary")?;
    let binary = release.join(format!("eventbind{}", std::env::consts::EXE_SUFFIX));
    // `cargo bench` tells its children which cargo it is; the build goes to
    // the same target folder (`CARGO_TARGET_DIR` is inherited).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "eventbind",
            "--bin",
            "eventbind",
        ])
        .stdout(Stdio::null())
        .status();
    match built {
        Ok(status) if status.success() => {}
        Ok(_) | Err(_) if binary.is_file() => {
            println!(
                "note: `cargo build --release -p eventbind` failed; timing the existing {}",
                binary.display()
            );
        }
        _ => {
            return Err(format!(
                "`cargo build --release -p eventbind` failed and {} is missing",
                binary.display()
            ))
        }
    }
    Ok(binary)
}

/// The cargo-typify binary on `PATH` (or in `~/.cargo/bin`), if installed.
pub fn typify_binary() -> Option<PathBuf> {
    let name = format!("cargo-typify{}", std::env::consts::EXE_SUFFIX);
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
}

/// One command-line run: the wall time, or what went wrong.
pub fn run(mut command: Command) -> Result<Duration, String> {
    let start = Instant::now();
    let output = command
        .stdout(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    if output.status.success() {
        Ok(took)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "{}: {}",
            output.status,
            stderr.lines().last().unwrap_or("")
        ))
    }
}

/// The eventbind command writing `schema`'s crate into `out` (made empty
/// first, outside the timing, so that every run writes every file).
pub fn eventbind_command(binary: &Path, schema: &Path, out: &Path) -> Command {
    let _ = std::fs::remove_dir_all(out);
    let mut command = Command::new(binary);
    command
        .arg("generate")
        .arg("--spec")
        .arg(schema)
        .arg("--out")
        .arg(out);
    command
}

/// cargo-typify writing `schema`'s types to `out` (removed first). The
/// binary is run as cargo runs it (`cargo-typify typify ...`), without
/// cargo's own start-up; `--no-builder` as in the in-process comparison.
pub fn typify_command(binary: &Path, schema: &Path, out: &Path) -> Command {
    let _ = std::fs::remove_file(out);
    let mut command = Command::new(binary);
    command
        .arg("typify")
        .arg("--no-builder")
        .arg(schema)
        .arg("-o")
        .arg(out);
    command
}

/// The load average over the last minute, five and fifteen (`/proc/loadavg`).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "-".to_string())
}

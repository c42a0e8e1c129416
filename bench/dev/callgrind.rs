//! Instruction counts for the generation benchmark: one run of a command
//! under `valgrind --tool=callgrind`, its total instructions read from the
//! profile callgrind writes. Unlike times, the count hardly depends on what
//! else the machine is doing, so it is the figure to compare changes by.

use std::path::Path;
use std::process::{Command, Stdio};

/// valgrind's version line, or `None` when it cannot be run.
pub fn valgrind_version() -> Option<String> {
    let output = Command::new("valgrind").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Instructions executed by `program args` (every thread; not its child
/// processes), with `envs` set; `scratch` holds the profile.
pub fn instructions(
    program: &Path,
    args: &[&std::ffi::OsStr],
    envs: &[(&str, String)],
    scratch: &Path,
) -> Result<u64, String> {
    let profile = scratch.join("callgrind.out");
    let _ = std::fs::remove_file(&profile);
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", profile.display()))
        .arg(program)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in envs {
        command.env(name, value);
    }
    let output = command.output().map_err(|e| format!("valgrind: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The bench's own child mode says whether the tool succeeded.
    if !output.status.success() || stdout.starts_with("failed") {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "{}: {}",
            output.status,
            stderr.lines().last().unwrap_or("")
        ));
    }
    let text =
        std::fs::read_to_string(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
    // `summary:` in the header, or `totals:` at the end (older valgrind).
    text.lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no instruction total in {}", profile.display()))
}

/// `1.18 G` for a count of instructions.
pub fn giga(n: u64) -> String {
    format!("{:.3} G", n as f64 / 1e9)
}

//! `eventbind drift`: the drift report, for people (default) or as JSON.

use crate::drift::{drift_with, MessageReport, Report};
use crate::{Error, Result};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Exit 1 when a payload is invalid or its event unknown, else 0; undeclared
/// fields alone are warnings.
pub fn run(
    spec: &Path,
    options: &eventbind_codegen::LoadOptions,
    message: Option<&str>,
    inputs: &[PathBuf],
    json: bool,
) -> Result<i32> {
    let report = drift_with(spec, options, inputs, message)?;
    if json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::new("<stdout>", "", e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", human(&report));
    }
    Ok(if report.failed() { 1 } else { 0 })
}

/// The report as text, one finding per line.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "drift of {} over {}: {} valid, {} invalid, {} not routed",
        report.spec,
        count(report.payloads, "payload"),
        report.valid,
        report.invalid,
        report.unrouted
    );
    for message in &report.messages {
        write_message(&mut out, message);
    }
    if !report.unrouted_payloads.is_empty() {
        let _ = writeln!(out, "\nnot routed:");
        for unrouted in &report.unrouted_payloads {
            let key = unrouted
                .key
                .as_deref()
                .map(|k| format!(" (key {k:?})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}: {}{key}", unrouted.file, unrouted.kind);
            for error in &unrouted.errors {
                let _ = writeln!(out, "    {error}");
            }
        }
    }
    if !report.messages_not_seen.is_empty() {
        let _ = writeln!(
            out,
            "\nmessages with no payload: {}",
            report.messages_not_seen.join(", ")
        );
    }
    let warnings: usize = report.messages.iter().map(|m| m.undeclared.len()).sum();
    let _ = writeln!(out);
    if report.failed() {
        let _ = writeln!(
            out,
            "FAILED: {} invalid, {} not routed",
            report.invalid, report.unrouted
        );
    } else if warnings > 0 {
        let _ = writeln!(
            out,
            "clean, with {warnings} undeclared field paths (warnings, not failures)"
        );
    } else {
        let _ = writeln!(out, "clean");
    }
    out
}

fn write_message(out: &mut String, message: &MessageReport) {
    let _ = writeln!(
        out,
        "\n{}: {}, {} valid",
        message.message,
        count(message.payloads, "payload"),
        message.valid
    );
    for invalid in &message.invalid {
        let _ = writeln!(out, "  invalid: {}", invalid.file);
        for error in &invalid.errors {
            let _ = writeln!(out, "    {error}");
        }
    }
    for finding in &message.outside_enum {
        let allowed: Vec<String> = finding.allowed.iter().map(|v| v.to_string()).collect();
        let _ = writeln!(
            out,
            "  outside enum: {} = {} (allowed: {}) in {}, e.g. {}#{}",
            finding.path,
            finding.value,
            allowed.join(", "),
            count(finding.payloads, "payload"),
            finding.example.file,
            finding.example.pointer
        );
    }
    for finding in &message.undeclared {
        let _ = writeln!(
            out,
            "  undeclared (warning): {} in {}, e.g. {}#{}",
            finding.path,
            count(finding.payloads, "payload"),
            finding.example.file,
            finding.example.pointer
        );
    }
    for path in &message.never_seen {
        let _ = writeln!(out, "  declared, never seen: {path}");
    }
}

fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

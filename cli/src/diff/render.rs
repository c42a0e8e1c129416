//! The text form of a report: one line per change, its places in both
//! specs and its witness indented below, then a count per class.

use super::{Class, Report};
use std::fmt::Write;

/// The report as text, as `eventbind diff` prints it without `--json`.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let messages = match change.messages.as_slice() {
            [] => String::new(),
            [one] => format!("{one} "),
            [first, rest @ ..] => format!("{first} (+{} more) ", rest.len()),
        };
        let path = if change.path.is_empty() {
            String::new()
        } else {
            format!("{} ", change.path)
        };
        let part = serde_json::to_value(change.part)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<13} {messages}{part} {path}{}: {}",
            change.class.label(),
            change.kind,
            change.description
        );
        let place = |p: &Option<String>| p.clone().unwrap_or_else(|| "(absent)".into());
        let _ = writeln!(out, "{:14}old {}", "", place(&change.old));
        let _ = writeln!(out, "{:14}new {}", "", place(&change.new));
        if let Some(witness) = &change.witness {
            let name = witness
                .name
                .as_ref()
                .map(|n| format!(" (named {n})"))
                .unwrap_or_default();
            let _ = writeln!(out, "{:14}witness{name}: {}", "", witness.instance);
            if let Some(error) = witness.new_errors.first() {
                let _ = writeln!(
                    out,
                    "{:14}  old accepts; new rejects at {:?}: {}",
                    "", error.pointer, error.message
                );
            }
        } else if change.class == Class::Breaking {
            let _ = writeln!(out, "{:14}(no witness found)", "");
        }
    }
    let _ = writeln!(
        out,
        "{} breaking, {} code-breaking, {} compatible",
        report.count(Class::Breaking),
        report.count(Class::CodeBreaking),
        report.count(Class::Compatible)
    );
    out
}

//! Runs every case of the draft7 suite against the generated types and holds
//! the result to `known-failures.txt`: a case not listed there must pass, and
//! a listed case must still fail (so the list stays true).

use eventbind_conformance::{Case, Group, GROUPS};
use std::collections::BTreeSet;

/// `file | group | case` for a case.
fn key(group: &Group, case: &Case) -> String {
    format!(
        "{} | {} | {}",
        group.file, group.description, case.description
    )
}

fn known_failures() -> BTreeSet<String> {
    let text = include_str!("../known-failures.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            // `file | group | case | reason`: the reason is for people.
            let parts: Vec<&str> = l.split(" | ").collect();
            (parts.len() >= 4).then(|| parts[..3].join(" | "))
        })
        .collect()
}

#[test]
fn draft7_conformance() {
    let known = known_failures();
    let (mut required_total, mut required_passed, mut format_total, mut format_passed) =
        (0, 0, 0, 0);
    let mut unexpected_failures = Vec::new();
    let mut unexpected_passes = Vec::new();
    let mut failing = Vec::new();
    let (mut typed_cases, mut typed_passed) = (0, 0);
    for group in GROUPS {
        for case in group.tests {
            if std::env::var_os("CONFORMANCE_TRACE").is_some() {
                eprintln!(
                    "{} | {} | {}",
                    group.file, group.description, case.description
                );
            }
            let passed = match group.parse {
                Some(parse) => parse(case.data.as_bytes()) == case.valid,
                None => false,
            };
            if group.set == "required" && !group.fragments && group.parse.is_some() {
                typed_cases += 1;
                typed_passed += passed as usize;
            }
            let is_format = group.set == "format";
            if is_format {
                format_total += 1;
                format_passed += passed as usize;
            } else {
                required_total += 1;
                required_passed += passed as usize;
            }
            let key = key(group, case);
            // `file | group | *` lists every case of a group (one whose code does not compile).
            let whole_group = format!("{} | {} | *", group.file, group.description);
            let listed = known.contains(&key) || known.contains(&whole_group);
            if !passed {
                let why = group.generation_error.unwrap_or(if case.valid {
                    "rejected a valid instance"
                } else {
                    "accepted an invalid instance"
                });
                failing.push(format!("{key} ({why})"));
                if !listed {
                    unexpected_failures.push(format!("{key} | {why}"));
                }
            } else if listed {
                unexpected_passes.push(key);
            }
        }
    }
    let required_failed = required_total - required_passed;
    println!(
        "draft7 conformance: passed {required_passed} of {required_total} required ({required_failed} failed), passed {format_passed} of {format_total} format"
    );
    println!(
        "  of the required cases, {typed_cases} are decided by Rust types and plain attributes alone (passed {typed_passed}); the rest by compiled schema fragments"
    );
    for line in &failing {
        println!("  failing: {line}");
    }
    assert!(
        unexpected_failures.is_empty(),
        "{} cases fail that known-failures.txt does not list:\n{}",
        unexpected_failures.len(),
        unexpected_failures.join("\n")
    );
    assert!(
        unexpected_passes.is_empty(),
        "{} listed cases now pass; remove them from known-failures.txt:\n{}",
        unexpected_passes.len(),
        unexpected_passes.join("\n")
    );
    // The suite read is the one these figures are about (and was read at all).
    assert_eq!(
        (required_total, format_total),
        (927, 676),
        "the draft7 suite under ../shared/corpora has changed size"
    );
    assert!(
        required_passed * 100 >= required_total * 95,
        "only {required_passed} of {required_total} required cases pass (95% needed)"
    );
}

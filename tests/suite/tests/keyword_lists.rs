//! The keyword lists kept in crates that cannot depend on one another agree.
//!
//! The loader (eventbind-codegen) writes schema fragments that the derive
//! (eventbind-macros, a proc macro: it cannot share items) compiles, and the
//! schemars comparison here reads both. Each keeps its own list; this test
//! reads them from the sources and holds them together.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The strings of `const NAME: &[&str] = &[...]` in any `.rs` file under `dir`.
fn list(dir: &str, name: &str) -> BTreeSet<String> {
    let mut found = Vec::new();
    let mut pending = vec![repo().join(dir)];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let needle = format!("const {name}: &[&str] = &[");
        if let Some(start) = text.find(&needle) {
            let body = &text[start + needle.len()..];
            let body = &body[..body.find("];").expect("the list ends")];
            found.push(
                body.split('"')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect::<BTreeSet<_>>(),
            );
        }
    }
    assert_eq!(found.len(), 1, "one list {name} under {dir}");
    found.pop().unwrap()
}

#[test]
fn every_annotation_the_loader_keeps_in_a_fragment_is_one_the_derive_ignores() {
    let kept = list("codegen/src/load", "KEPT_ANNOTATIONS");
    let ignored_by_derive = list("macros/src", "ANNOTATIONS");
    assert!(kept.len() >= 5, "{kept:?}");
    let missing: Vec<_> = kept.difference(&ignored_by_derive).collect();
    assert!(missing.is_empty(), "the derive would reject {missing:?}");
}

#[test]
fn the_schemars_comparison_knows_only_annotations_the_loader_knows() {
    let compared = list("tests/suite/tests/schemas", "ANNOTATIONS");
    let mut known = list("codegen/src/load", "KEPT_ANNOTATIONS");
    known.extend(list("codegen/src/load", "OTHER_ANNOTATIONS"));
    let unknown: Vec<_> = compared.difference(&known).collect();
    assert!(unknown.is_empty(), "{unknown:?}");
}

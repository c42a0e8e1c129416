//! Every `$ref` of a spec checked at once: when one cannot be resolved, the
//! others that cannot are reported with it, so a spec is fixed in one pass.

use super::documents::{Documents, Location};
use crate::error::Error;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Members whose values are instance data: a `$ref` there is not a reference.
const DATA_KEYWORDS: &[&str] = &["enum", "const", "examples", "example", "default"];
/// Most faults listed in one error.
const MAX_LISTED: usize = 100;

/// The `$ref`s reachable from `root` (the document, and every file its
/// references reach) that do not resolve, in file and document order.
pub fn unresolved(documents: &mut Documents, root: &Path) -> Vec<Error> {
    let mut faults = Vec::new();
    let mut scanned: BTreeSet<PathBuf> = BTreeSet::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(file) = pending.pop() {
        if !scanned.insert(file.clone()) {
            continue;
        }
        let mut references = Vec::new();
        if let Some(document) = documents.root(&file) {
            collect(document, &mut String::new(), &mut references);
        }
        for (at, reference) in references {
            let from = Location::new(&file, at);
            match documents.resolve(&from, &reference) {
                Ok(target) => {
                    if !scanned.contains(&target.file) {
                        pending.push(target.file);
                    }
                }
                Err(error) => faults.push(error),
            }
        }
        // Files read meanwhile (through `$id`s) are checked too.
        pending.extend(documents.files().filter(|f| !scanned.contains(*f)).cloned());
        pending.sort();
        pending.dedup();
        pending.reverse();
    }
    faults
}

/// The pointers of every object holding a string `$ref` below `node`.
fn collect(node: &Value, at: &mut String, out: &mut Vec<(String, String)>) {
    let len = at.len();
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push((at.clone(), reference.clone()));
            }
            for (key, child) in map {
                if DATA_KEYWORDS.contains(&key.as_str()) || !child.is_object() && !child.is_array()
                {
                    continue;
                }
                at.push('/');
                super::pointer::push_escaped(at, key);
                collect(child, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push('/');
                at.push_str(&index.to_string());
                collect(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// One error for many faults: the first's file and pointer, every fault listed.
pub fn combined(mut faults: Vec<Error>) -> Option<Error> {
    match faults.len() {
        0 => None,
        1 => faults.pop(),
        count => {
            let mut message = format!("{count} $refs cannot be resolved:");
            for fault in faults.iter().take(MAX_LISTED) {
                message.push_str(&format!("\n  {fault}"));
            }
            if count > MAX_LISTED {
                message.push_str(&format!("\n  ... and {} more", count - MAX_LISTED));
            }
            Some(Error::new(
                &faults[0].file,
                faults[0].pointer.clone(),
                message,
            ))
        }
    }
}

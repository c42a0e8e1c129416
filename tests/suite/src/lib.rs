//! Helpers shared by the workspace-level tests: where the repository's
//! folders are, and the examples each spec carries.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// `specs/<vendor>`.
pub fn spec_dir(vendor: &str) -> PathBuf {
    root().join("specs").join(vendor)
}

/// `../shared/corpora/<name>` beside the repository; panics naming the
/// place when it is missing (the corpora are not in this repository: the
/// project's `shared` folder must sit at `../shared` beside the clone).
pub fn corpus(name: &str) -> PathBuf {
    let path = root().join("../shared/corpora").join(name);
    assert!(
        path.exists(),
        "the test corpus {} is missing: clone the repository beside the project's `shared` \
         folder, so that `../shared/corpora/{name}` exists (see README, \"Before you start\")",
        path.display()
    );
    path
}

/// The vendors whose specs ship with eventbind.
pub const VENDORS: &[&str] = &["avalara-certcapture", "avaza", "commenda", "vertex"];

/// One example payload of a message in a spec.
#[derive(Debug, Clone)]
pub struct SpecExample {
    pub vendor: String,
    pub message: String,
    pub name: String,
    pub payload: Value,
}

/// Every message example of a vendor's spec, read from its AsyncAPI document.
pub fn examples(vendor: &str) -> Vec<SpecExample> {
    let path = spec_dir(vendor).join("asyncapi.yaml");
    let text = std::fs::read_to_string(&path).expect("spec readable");
    let doc: Value = serde_norway::from_str(&text).expect("spec is YAML");
    let mut out = Vec::new();
    let messages = doc
        .pointer("/components/messages")
        .and_then(Value::as_object)
        .expect("components/messages");
    for (key, message) in messages {
        let name = message
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string();
        for (index, example) in message
            .get("examples")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(payload) = example.get("payload") {
                out.push(SpecExample {
                    vendor: vendor.to_string(),
                    message: name.clone(),
                    name: example
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| index.to_string()),
                    payload: payload.clone(),
                });
            }
        }
    }
    out
}

//! Shared by the benchmarks: the spec examples, a large corpus of varied
//! deliveries built from them (valid ones, then a realistic share of invalid,
//! unknown and malformed ones, and ones grown to a size), and the timing and
//! statistics the reports print.

pub mod corpus;
pub mod faults;
pub mod known;
pub mod measure;
pub mod mix;
pub mod saved;
pub mod sizes;
pub mod stats;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The four vendors, in the order the reports list them.
pub const VENDORS: [&str; 4] = ["avalara-certcapture", "avaza", "commenda", "vertex"];

/// One message example of a spec: which vendor and message, and its payload.
#[derive(Debug, Clone)]
pub struct Example {
    pub vendor: &'static str,
    pub message: String,
    pub payload: Value,
}

/// The repository's `specs/` folder.
pub fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// Every message example of the four vendor specs.
pub fn spec_examples() -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for vendor in VENDORS {
        let path = specs_dir().join(vendor).join("asyncapi.yaml");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc: Value =
            serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let Some(messages) = doc
            .pointer("/components/messages")
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (key, message) in messages {
            let name = message.get("name").and_then(Value::as_str).unwrap_or(key);
            let examples = message.get("examples").and_then(Value::as_array);
            for example in examples.into_iter().flatten() {
                if let Some(payload) = example.get("payload") {
                    out.push(Example {
                        vendor,
                        message: name.to_string(),
                        payload: payload.clone(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Peak resident memory of this process (`VmHWM`), in bytes, where `/proc` has it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

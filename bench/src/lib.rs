//! Shared by the benchmarks: the spec examples, as the bytes a receiver gets.

use serde_json::Value;
use std::path::Path;

/// One delivery: which vendor and message, and its body.
pub struct Delivery {
    pub vendor: &'static str,
    pub message: String,
    pub body: Vec<u8>,
}

/// Every message example of the four vendor specs.
pub fn spec_examples() -> Vec<Delivery> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut out = Vec::new();
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let text = std::fs::read_to_string(specs.join(vendor).join("asyncapi.yaml"))
            .expect("spec readable");
        let doc: Value = serde_yaml::from_str(&text).expect("spec parses");
        let Some(messages) = doc
            .pointer("/components/messages")
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (key, message) in messages {
            let name = message.get("name").and_then(Value::as_str).unwrap_or(key);
            for example in message
                .get("examples")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(payload) = example.get("payload") {
                    out.push(Delivery {
                        vendor,
                        message: name.to_string(),
                        body: serde_json::to_vec(payload).expect("serialises"),
                    });
                }
            }
        }
    }
    out
}

//! `route` reads a clean delivery once, finding its key with an unchecked
//! scan; `checked_route` peeks with serde first. They must agree on every
//! input, valid or not: the same event, or the same error (kind, message,
//! key, pointers). Checked here on the spec examples and on many mutations of
//! them (bytes deleted, replaced, inserted; truncations), deterministically.

use eventbind_avalara_certcapture::CertCaptureEvent;
use eventbind_avaza::AvazaEvent;
use eventbind_bench::spec_examples;
use eventbind_commenda::CommendaEvent;
use eventbind_runtime::route::{checked_route, route, Route};
use eventbind_vertex::VertexEvent;
use std::fmt::Debug;

/// Bytes that change how JSON text reads.
const INTERESTING: &[u8] = b"\"\\{}[],: x0u\x01\xff";

fn agree<E: Route + PartialEq + Debug>(name: Option<&str>, bytes: &[u8]) {
    let quick = route::<E>(name, bytes);
    let checked = checked_route::<E>(name, bytes);
    assert_eq!(
        quick,
        checked,
        "{name:?} {:?}",
        String::from_utf8_lossy(bytes)
    );
}

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// One random edit of `doc`.
fn mutate(doc: &mut Vec<u8>, rng: &mut Rng) {
    let at = rng.below(doc.len() + 1);
    let byte = INTERESTING[rng.below(INTERESTING.len())];
    match rng.below(3) {
        0 if at < doc.len() => {
            doc.remove(at);
        }
        1 if at < doc.len() => doc[at] = byte,
        _ => doc.insert(at, byte),
    }
}

/// The documents to try for one example: as is (compact, pretty, members
/// reversed), every
/// tenth truncation, and mutated copies.
fn variants(payload: &serde_json::Value, seed: u64) -> Vec<Vec<u8>> {
    let compact = serde_json::to_vec(payload).unwrap();
    let pretty = serde_json::to_vec_pretty(payload).unwrap();
    let mut out = vec![compact.clone(), pretty.clone()];
    // Members in reverse order: the routing key last.
    if let Some(object) = payload.as_object() {
        let reversed: serde_json::Map<_, _> = object
            .iter()
            .rev()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.push(serde_json::to_vec(&reversed).unwrap());
    }
    // A second routing member after a valid document (the key once more,
    // another value, the name escaped, not a string), and a name needing
    // decoding after the key: a router that stops at the first must still
    // agree.
    if let Some(topic) = payload.get("topic") {
        let body = &compact[..compact.len() - 1];
        for tail in [
            format!(r#","topic":{topic}}}"#),
            r#","topic":"NO.SUCH.TOPIC"}"#.to_string(),
            format!(r#","t\u006fpic":{topic}}}"#),
            r#","topic":7}"#.to_string(),
            r#","x\u0041":1}"#.to_string(),
        ] {
            out.push([body, tail.as_bytes()].concat());
        }
    }
    out.extend(
        (0..compact.len())
            .step_by(10)
            .map(|end| compact[..end].to_vec()),
    );
    let mut rng = Rng(seed | 1);
    for base in [&compact, &pretty] {
        for edits in [1, 1, 1, 2, 3] {
            for _ in 0..120 {
                let mut doc = base.clone();
                for _ in 0..edits {
                    mutate(&mut doc, &mut rng);
                }
                out.push(doc);
            }
        }
    }
    out
}

/// Hand-made documents around the routing keys: escapes, duplicates, a key
/// found before a fault, unknown keys, non-objects.
fn edge_cases() -> Vec<&'static [u8]> {
    vec![
        br#"{"topic":"REGISTRATIONS.NEW.SUCCEEDED", garbage"#,
        br#"{"topic":"NO.SUCH.TOPIC","x":1}"#,
        br#"{"topic":"NO.SUCH.TOPIC","x":1} trailing"#,
        br#"{"topic":"NO.SUCH.\u0054OPIC"}"#,
        br#"{"t\u006fpic":"NO.SUCH.TOPIC"}"#,
        br#"{"topic":1,"topic":"NO.SUCH.TOPIC"}"#,
        br#"{"topic":"A","topic":"B"}"#,
        br#"{"topics":"A","topic":"NO.SUCH.TOPIC"}"#,
        br#"{"certificates":{"id":1},"customer":{"id":2},"client_id":1,"action":"add"}"#,
        b"{\"\xff\":1,\"topic\":\"NO.SUCH.TOPIC\"}",
        b"{\"topic\":\"NO\x01\"}",
        br#"{"x":"\ud800","topic":"NO.SUCH.TOPIC"}"#,
        br#"{"\ud800":1,"topic":"NO.SUCH.TOPIC"}"#,
        br#"{"certificate":{"id":1},"customer":{"id":2},"client_id":1,"action":"add"}"#,
        br#"{"c\u0065rtificate":{"id":1},"client_id":1,"action":"add"}"#,
        br#"{"certificate":1e999,"client_id":1,"action":"add"}"#,
        br#"[1,"add",{"id":5}]"#,
        br#""certificate""#,
        b"",
        b"   ",
        b"null",
        b"{}",
        b"[]",
    ]
}

#[test]
fn quick_and_checked_routing_agree() {
    let examples = spec_examples().unwrap();
    let avaza_names: Vec<String> = examples
        .iter()
        .filter(|e| e.vendor == "avaza")
        .map(|e| e.message.clone())
        .chain(["company_created".to_string(), "no_such_event".to_string()])
        .collect();
    let mut docs: Vec<(&str, Vec<u8>)> = Vec::new();
    for (i, example) in examples.iter().enumerate() {
        for doc in variants(&example.payload, 0x9e37_79b9_7f4a_7c15 ^ i as u64) {
            docs.push((example.vendor, doc));
        }
    }
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        for doc in edge_cases() {
            docs.push((vendor, doc.to_vec()));
        }
    }
    for (vendor, doc) in &docs {
        match *vendor {
            "avalara-certcapture" => agree::<CertCaptureEvent>(None, doc),
            "commenda" => agree::<CommendaEvent>(None, doc),
            "avaza" => {
                for name in &avaza_names {
                    agree::<AvazaEvent>(Some(name), doc);
                }
                agree::<AvazaEvent>(None, doc);
            }
            _ => {
                agree::<VertexEvent>(Some("EventDelivery"), doc);
                agree::<VertexEvent>(Some("Other"), doc);
            }
        }
    }
    // Every vendor's routing rule is exercised on documents that route.
    assert!(docs.len() > 10_000, "{} documents", docs.len());
}

//! An invalid payload read through a generated crate reports every fault,
//! each at its pointer, as `eventbind route` (a JSON Schema validator on the
//! source schemas) does for the same bytes.

use eventbind_suite::{examples, spec_dir, SpecExample, VENDORS};
use serde_json::Value;
use std::collections::BTreeSet;

fn parse_generated(
    example: &SpecExample,
    bytes: &[u8],
) -> Result<(), eventbind_runtime::ParseError> {
    match example.vendor.as_str() {
        "avalara-certcapture" => {
            eventbind_avalara_certcapture::CertCaptureEvent::parse(bytes).map(drop)
        }
        "commenda" => eventbind_commenda::CommendaEvent::parse(bytes).map(drop),
        "avaza" => eventbind_avaza::AvazaEvent::parse_named(&example.message, bytes).map(drop),
        "vertex" => eventbind_vertex::VertexEvent::parse_named(&example.message, bytes).map(drop),
        other => panic!("no generated crate for {other}"),
    }
}

/// Pointers of the scalar leaves of `value`, in document order.
fn leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                leaves(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                leaves(child, format!("{at}/{index}"), out);
            }
        }
        _ => out.push(at),
    }
}

/// A value of another JSON type than `value`.
fn wrong_type(value: &Value) -> Value {
    match value {
        Value::String(_) => Value::from(12345),
        Value::Number(_) => Value::from("not a number"),
        Value::Bool(_) => Value::from("not a boolean"),
        _ => Value::from(true),
    }
}

#[test]
fn every_fault_is_reported_with_the_validators_pointers() {
    let mut compared = 0;
    let mut with_several = 0;
    for vendor in VENDORS {
        let loaded = eventbind_codegen::load(&spec_dir(vendor)).expect("spec loads");
        let router = eventbind::oracle::Router::for_spec(&loaded).expect("router");
        for example in examples(vendor) {
            let mut places = Vec::new();
            leaves(&example.payload, String::new(), &mut places);
            // Leave the routing member alone: the body must still route.
            places.retain(|p| p != "/topic" && p != "/action" && !p.is_empty());
            // Three leaves far apart: first, middle and last.
            let picked: BTreeSet<String> = [0, places.len() / 2, places.len().saturating_sub(1)]
                .into_iter()
                .filter_map(|i| places.get(i).cloned())
                .collect();
            if picked.is_empty() {
                continue;
            }
            let mut damaged = example.payload.clone();
            for place in &picked {
                let slot = damaged.pointer_mut(place).unwrap();
                *slot = wrong_type(slot);
            }
            let bytes = serde_json::to_vec(&damaged).unwrap();
            let name = matches!(*vendor, "avaza" | "vertex").then_some(example.message.as_str());
            let oracle = router.route(name, &bytes);
            let generated = parse_generated(&example, &bytes);
            let label = format!("{vendor} {} {}", example.message, example.name);
            if oracle.valid {
                // Open types (any JSON) accept a value of another type.
                assert!(generated.is_ok(), "{label}: {:?}", generated.err());
                continue;
            }
            let error = generated.expect_err(&label);
            let ours: BTreeSet<&str> = error.errors().iter().map(|e| e.pointer.as_str()).collect();
            let theirs: BTreeSet<&str> = oracle.errors.iter().map(|e| e.pointer.as_str()).collect();
            assert_eq!(
                ours,
                theirs,
                "{label}: ours {:?}, validator {:?}",
                error.errors(),
                oracle.errors
            );
            compared += 1;
            if ours.len() > 1 {
                with_several += 1;
            }
        }
    }
    assert!(compared >= 10, "only {compared} damaged examples compared");
    assert!(with_several >= 5, "only {with_several} with several faults");
}

#[test]
fn a_missing_member_and_a_wrong_type_are_both_reported() {
    let body = serde_json::json!({
        "client_id": "one",
        "action": "add",
        "certificate": {"id": "five"}
    });
    let error =
        eventbind_avalara_certcapture::CertCaptureEvent::parse(&serde_json::to_vec(&body).unwrap())
            .unwrap_err();
    let pointers: Vec<&str> = error.errors().iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        ["/client_id", "/certificate/id"],
        "{:?}",
        error.errors()
    );
}

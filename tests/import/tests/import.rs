//! `import!` expands to exactly what a build script writes, and its types
//! are the generated crates' types: the expansion (formatted) equals
//! `eventbind_codegen::rust_module`'s output (formatted the same way), and
//! every example of the four specs parses the same through both.

use eventbind_import_test::{avalara_certcapture, avaza, commenda, vertex};
use eventbind_runtime::{Route, Routing};
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn spec(vendor: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs")
        .join(vendor)
}

/// The module a build script writes for `vendor`, formatted as the
/// expansion is (comments are not tokens, so they are not compared).
fn build_script_module(vendor: &str) -> String {
    let loaded = eventbind_codegen::load(&spec(vendor)).unwrap();
    let origin = format!(
        "from the spec {:?} by the build script",
        loaded.catalog.name
    );
    let source = eventbind_codegen::rust_module(&loaded.catalog, &origin).unwrap();
    prettyplease::unparse(&syn::parse_file(&source).unwrap())
}

#[test]
fn the_expansion_is_the_build_script_module() {
    let expansions = [
        (
            "commenda",
            eventbind_import::expansion!("../../specs/commenda"),
        ),
        ("vertex", eventbind_import::expansion!("../../specs/vertex")),
        ("avaza", eventbind_import::expansion!("../../specs/avaza")),
        (
            "avalara-certcapture",
            eventbind_import::expansion!("../../specs/avalara-certcapture"),
        ),
    ];
    for (vendor, expansion) in expansions {
        let expected = build_script_module(vendor);
        assert!(expected.contains("pub enum"), "{vendor}: an empty module");
        if expansion != expected {
            let line = expansion
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{vendor}: the expansion differs from the build-script module at line {}:\n{:?}\n{:?}",
                line + 1,
                expansion.lines().nth(line),
                expected.lines().nth(line)
            );
        }
    }
}

/// Every example payload of the spec, with its message name.
fn examples(vendor: &str) -> Vec<(String, Value)> {
    let loaded = eventbind_codegen::load(&spec(vendor)).unwrap();
    loaded
        .catalog
        .messages
        .iter()
        .flat_map(|m| {
            m.examples
                .iter()
                .filter_map(|e| Some((m.name.clone(), e.payload.clone()?)))
        })
        .collect()
}

/// Parses each example through both enums: same message, same value
/// written back, or the same error. Returns how many parsed.
fn same<A: Route + Serialize, B: Route + Serialize>(vendor: &str) -> usize {
    let examples = examples(vendor);
    assert!(!examples.is_empty(), "{vendor}: no examples");
    let mut parsed = 0;
    for (message, payload) in &examples {
        let name = match A::ROUTING {
            Routing::Name => A::MESSAGES
                .iter()
                .find(|m| m.name == message)
                .and_then(|m| m.keys.first().copied()),
            _ => None,
        };
        let bytes = serde_json::to_vec(payload).unwrap();
        match (A::route(name, &bytes), B::route(name, &bytes)) {
            (Ok(a), Ok(b)) => {
                assert_eq!(
                    a.message_name(),
                    Some(message.as_str()),
                    "{vendor}/{message}"
                );
                assert_eq!(a.message_name(), b.message_name(), "{vendor}/{message}");
                assert_eq!(
                    serde_json::to_value(&a).unwrap(),
                    serde_json::to_value(&b).unwrap(),
                    "{vendor}/{message}"
                );
                parsed += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{vendor}/{message}"),
            (a, b) => panic!(
                "{vendor}/{message}: import! says {:?}, the crate says {:?}",
                a.map(|e| e.message_name()).map_err(|e| e.to_string()),
                b.map(|e| e.message_name()).map_err(|e| e.to_string())
            ),
        }
    }
    parsed
}

#[test]
fn examples_parse_the_same_through_both() {
    let parsed = same::<commenda::CommendaEvent, eventbind_commenda::CommendaEvent>("commenda")
        + same::<vertex::VertexEvent, eventbind_vertex::VertexEvent>("vertex")
        + same::<avaza::AvazaEvent, eventbind_avaza::AvazaEvent>("avaza")
        + same::<
            avalara_certcapture::CertCaptureEvent,
            eventbind_avalara_certcapture::CertCaptureEvent,
        >("avalara-certcapture");
    assert!(parsed >= 15, "only {parsed} examples parsed");
}

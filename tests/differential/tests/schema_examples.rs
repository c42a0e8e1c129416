//! Every example a spec gives on a schema (not only on a message) parses and
//! validates as the Rust type generated for that schema.

use eventbind_differential::TYPES;
use std::path::Path;

#[test]
fn every_schema_example_reads_as_its_generated_type() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut checked = 0;
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let loaded = eventbind_codegen::load(&specs.join(vendor)).expect("spec loads");
        for def in loaded
            .catalog
            .types
            .iter()
            .filter(|d| !d.examples.is_empty())
        {
            let generated = TYPES
                .iter()
                .find(|t| t.vendor == vendor && t.name == def.name)
                .unwrap_or_else(|| panic!("{vendor}: no generated type {}", def.name));
            for example in &def.examples {
                let bytes = serde_json::to_vec(example).unwrap();
                if let Err(error) = (generated.parse)(&bytes) {
                    panic!(
                        "{vendor} {}: example {example} is rejected: {error}",
                        def.name
                    );
                }
                checked += 1;
            }
        }
    }
    println!("{checked} schema examples read as their generated types");
    // The Vertex seed alone documents its models with examples.
    assert!(checked >= 9, "only {checked} schema examples found");
}

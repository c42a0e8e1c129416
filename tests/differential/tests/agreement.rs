//! For every schema of the four vendor specs, random instances (valid ones
//! and near misses) must get the same verdict from the generated code and
//! from the `jsonschema` crate validating against the source schema.

use eventbind_differential::{Generator, TYPES};
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::path::Path;

/// Instances per vendor spec, spread over its types.
const PER_VENDOR: usize = 10_000;

#[test]
fn generated_validators_agree_with_jsonschema() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut report = Vec::new();
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let loaded = eventbind_codegen::load(&specs.join(vendor)).expect("spec loads");
        let types: Vec<_> = TYPES.iter().filter(|t| t.vendor == vendor).collect();
        assert!(!types.is_empty(), "{vendor}: no types");
        let validators: Vec<_> = types
            .iter()
            .map(|t| {
                let def = loaded
                    .catalog
                    .type_named(t.name)
                    .expect("type in the model");
                eventbind::oracle::source_validator(&loaded, &def.origin)
                    .expect("source schema compiles")
            })
            .collect();
        // Fixed seed: a failure reproduces; the instances differ per vendor.
        let seed: [u8; 32] =
            std::array::from_fn(|i| (i as u8).wrapping_mul(31) ^ vendor.len() as u8);
        let mut generator = Generator::new(
            &loaded.catalog,
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
        );
        let (mut valid, mut invalid) = (0, 0);
        for n in 0..PER_VENDOR {
            let index = n % types.len();
            let instance = generator.instance(types[index].name);
            let bytes = serde_json::to_vec(&instance).unwrap();
            let ours = (types[index].parse)(&bytes);
            let theirs: Vec<String> = validators[index]
                .iter_errors(&instance)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect();
            if ours.is_ok() != theirs.is_empty() {
                panic!(
                    "{vendor} {}: generated code says {}, jsonschema says {}\ninstance: {instance}\nours: {:?}\ntheirs: {theirs:?}",
                    types[index].name,
                    if ours.is_ok() { "valid" } else { "invalid" },
                    if theirs.is_empty() { "valid" } else { "invalid" },
                    ours.err().map(|e| e.to_string()),
                );
            }
            if theirs.is_empty() {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        // Both verdicts must be common, or agreement says little.
        assert!(
            valid * 5 >= PER_VENDOR && invalid * 5 >= PER_VENDOR,
            "{vendor}: {valid} valid and {invalid} invalid of {PER_VENDOR}: the generator no longer makes both"
        );
        report.push(format!("{vendor}: {PER_VENDOR} instances over {} types, {valid} valid, {invalid} invalid, 0 disagreements", types.len()));
    }
    for line in report {
        println!("{line}");
    }
}

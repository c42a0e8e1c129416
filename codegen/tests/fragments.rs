//! Keywords with no Rust form travel as schema fragments: into the Rust code
//! (compiled by the derive) and into the emitted JSON Schemas, with the
//! types their `$ref`s name; unknown keywords and formats are reported.

use std::path::Path;

const SPEC: &str = r##"
asyncapi: 3.0.0
info: {title: Fragments, version: '1'}
channels:
  hooks:
    address: /hooks
    messages:
      Reading: {$ref: '#/components/messages/Reading'}
operations:
  receive:
    action: receive
    channel: {$ref: '#/channels/hooks'}
components:
  messages:
    Reading:
      payload:
        type: object
        required: [value]
        properties:
          value:
            not: {$ref: '#/components/schemas/Negative'}
          code:
            type: string
            format: sku-code
            x-internal: true
            tsType: string
  schemas:
    Negative:
      type: number
      exclusiveMaximum: 0
"##;

fn load(dir: &Path) -> eventbind_codegen::Loaded {
    std::fs::write(dir.join("asyncapi.yaml"), SPEC).unwrap();
    eventbind_codegen::load(dir).expect("spec loads")
}

#[test]
fn a_ref_inside_a_fragment_names_the_generated_type() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load(dir.path());
    let source = eventbind_codegen::rust_module(&loaded.catalog, "for a test").unwrap();
    assert!(
        source.contains(r##"schema = "{\"not\":{\"$ref\":\"#/definitions/Negative\"}}""##),
        "{source}"
    );
    assert!(source.contains("pub struct Negative"), "{source}");
}

#[test]
fn unknown_keywords_and_formats_are_reported_not_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let warnings = load(dir.path()).catalog.warnings;
    let says = |text: &str| warnings.iter().any(|w| w.contains(text));
    assert!(says("unknown keyword `tsType` is ignored"), "{warnings:#?}");
    assert!(says("format \"sku-code\" is not checked"), "{warnings:#?}");
    // Extensions are the spec author's, not validation: no warning.
    assert!(!says("x-internal"), "{warnings:#?}");
}

#[test]
fn the_emitted_schema_defines_what_its_fragments_refer_to() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load(dir.path());
    let message = &loaded.catalog.messages[0];
    let emitted = eventbind_codegen::message_schema(&loaded.catalog, message, "specs/fragments");
    assert!(
        emitted.pointer("/definitions/Negative").is_some(),
        "{emitted:#}"
    );
    let validator = jsonschema::draft7::new(&emitted).expect("emitted schema compiles");
    assert!(validator.is_valid(&serde_json::json!({"value": 3})));
    assert!(!validator.is_valid(&serde_json::json!({"value": -3})));
}

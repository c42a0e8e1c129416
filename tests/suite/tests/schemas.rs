//! The JSON Schemas under `generated/<vendor>/schemas/`: every example
//! validates against them in an independent validator (the `jsonschema`
//! crate), the core tests' near misses fail them, they say what the source
//! schemas say (keyword by keyword, and on thousands of near misses), and
//! what schemars derives from the generated Rust types has their shape.

// Helpers live in `schemas/`; a test crate's root looks for modules beside it.
#[path = "schemas/compare.rs"]
mod compare;
#[path = "schemas/flat.rs"]
mod flat;
#[path = "schemas/mutate.rs"]
mod mutate;
#[path = "schemas/support.rs"]
mod support;

use compare::Side;
use eventbind_suite::{examples, VENDORS};
use serde_json::{json, Value};
use support::{
    derived, emitted_documents, errors, example_sites, schema_at, validator, vendor, Vendor,
};

#[test]
fn every_example_validates_against_its_emitted_schema() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in VENDORS {
        let vendor = vendor(name);
        // The spec's message examples, against the message's schema and the bundle.
        let bundle = validator(&vendor.bundle());
        for example in examples(name) {
            let message = vendor
                .loaded
                .catalog
                .message_named(&example.message)
                .expect("message");
            let schema = validator(&vendor.message_schema(message));
            for (what, validator) in [("its schema", &schema), ("bundle.json", &bundle)] {
                for error in errors(validator, &example.payload) {
                    failures.push(format!(
                        "{name} {} {} against {what}: {error}",
                        example.message, example.name
                    ));
                }
                checked += 1;
            }
        }
        // Every `examples` the emitted schemas carry (types, members), where it sits.
        for (file, document) in emitted_documents(&vendor) {
            let mut sites = Vec::new();
            example_sites(&document, String::new(), &mut sites);
            for (pointer, list) in sites {
                let validator = validator(&schema_at(&document, &pointer));
                for example in list {
                    for error in errors(&validator, &example) {
                        failures.push(format!(
                            "{name} {file}#{pointer} example {example}: {error}"
                        ));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} examples checked");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `instance` must fail the message `message`'s schema (and the bundle, when
/// the body names its message), or the bundle's definition of `type_name`.
fn assert_fails(vendor: &Vendor, target: Target, instance: Value, why: &str) {
    let schemas: Vec<(String, Value)> = match target {
        Target::Message(name) => {
            let message = vendor.loaded.catalog.message_named(name).expect("message");
            let mut list = vec![(format!("{name}.json"), vendor.message_schema(message))];
            if vendor.bundle().get("oneOf").is_some() {
                list.push(("bundle.json".into(), vendor.bundle()));
            }
            list
        }
        Target::Type(name) => vec![(
            format!("bundle.json#/definitions/{name}"),
            vendor.bundle_at(&format!("/definitions/{name}")),
        )],
    };
    for (what, schema) in schemas {
        assert!(
            !validator(&schema).is_valid(&instance),
            "{} {what} accepts {why}: {instance}",
            vendor.name
        );
    }
}

fn assert_passes(vendor: &Vendor, target: Target, instance: Value) {
    let schema = match target {
        Target::Message(name) => {
            vendor.message_schema(vendor.loaded.catalog.message_named(name).unwrap())
        }
        Target::Type(name) => vendor.bundle_at(&format!("/definitions/{name}")),
    };
    let found = errors(&validator(&schema), &instance);
    assert!(
        found.is_empty(),
        "{} rejects {instance}: {found:?}",
        vendor.name
    );
}

#[derive(Clone, Copy)]
enum Target {
    Message(&'static str),
    Type(&'static str),
}

#[test]
fn the_core_tests_near_misses_fail_their_emitted_schema() {
    use Target::{Message, Type};
    let certcapture = vendor("avalara-certcapture");
    let certificate = Message("CertificateChangeNotification");
    assert_passes(
        &certcapture,
        certificate,
        json!({"client_id": 1, "action": "add", "certificate": {"id": 1}}),
    );
    let both =
        json!({"client_id": 1, "action": "add", "certificate": {"id": 1}, "customer": {"id": 2}});
    assert_fails(&certcapture, certificate, both, "both keys");
    let note = json!({"client_id": 1, "action": "add", "certificate": {"id": 1}, "note": "x"});
    assert_fails(&certcapture, certificate, note, "an unknown field");
    let email = json!({"client_id": 1, "action": "add", "customer": {"id": 1, "email": "x"}});
    assert_fails(
        &certcapture,
        Message("CustomerChangeNotification"),
        email,
        "an unknown nested field",
    );
    let archive = json!({"client_id": 1, "action": "archive", "certificate": {"id": 1}});
    assert_fails(
        &certcapture,
        certificate,
        archive,
        "an action outside the enum",
    );

    let commenda = vendor("commenda");
    let alert = examples("commenda")
        .into_iter()
        .find(|e| e.message == "NexusThresholdStateAlert")
        .unwrap();
    assert_passes(
        &commenda,
        Message("NexusThresholdStateAlert"),
        alert.payload.clone(),
    );
    let mut wrong = alert.payload.clone();
    wrong["data"]["nexus_rule"]["transaction_threshold"] = json!("200");
    assert_fails(
        &commenda,
        Message("NexusThresholdStateAlert"),
        wrong,
        "a string count",
    );
    let mut wrong = alert.payload.clone();
    wrong["triggered_at"] = json!("yesterday");
    assert_fails(
        &commenda,
        Message("NexusThresholdStateAlert"),
        wrong,
        "a string time",
    );
    let mut absent = alert.payload;
    absent["data"]
        .as_object_mut()
        .unwrap()
        .remove("date_of_breach");
    assert_fails(
        &commenda,
        Message("NexusThresholdStateAlert"),
        absent,
        "an absent required nullable",
    );

    let avaza = vendor("avaza");
    let capture = eventbind_suite::spec_dir("avaza").join("captures/timesheet_created.json");
    let body: Value = serde_json::from_slice(&std::fs::read(capture).unwrap()).unwrap();
    let timesheet = Message("timesheet_created");
    assert_passes(&avaza, timesheet, body.clone());
    assert_fails(&avaza, timesheet, body[0].clone(), "an object body");
    assert_fails(
        &avaza,
        timesheet,
        json!([body[0].clone(), body[0].clone()]),
        "two elements",
    );
    assert_fails(&avaza, timesheet, json!([]), "no element");
    let mut duration = body;
    duration[0]["Duration"] = json!("4.0000");
    assert_fails(&avaza, timesheet, duration, "a Duration string");

    let vertex = vendor("vertex");
    assert_passes(
        &vertex,
        Type("Subscription"),
        json!({"name": "ms365ForJaneDoe", "eventTypeCode": "einv.document.updated"}),
    );
    assert_fails(
        &vertex,
        Type("Subscription"),
        json!({"name": "ms", "eventTypeCode": "einv.document.updated"}),
        "a 2-char name",
    );
    assert_passes(&vertex, Type("PaginationParameters"), json!({"size": 100}));
    assert_fails(
        &vertex,
        Type("PaginationParameters"),
        json!({"page": 0, "size": 101}),
        "page size 101",
    );
    assert_fails(
        &vertex,
        Type("PaginationParameters"),
        json!({"size": 0}),
        "page size 0",
    );
    let delivery = Message("EventDelivery");
    assert_passes(
        &vertex,
        delivery,
        json!({"eventId": "c86fcc87-a137-4c37-8d19-17edc7199fef"}),
    );
    let bad = json!({"eventId": "c86fcc87-a137-4c37-8d19-17edc7199fe", "event": {"payload": "{\"a\":1}"}});
    assert_fails(&vertex, delivery, bad, "a bad uuid");
    assert_fails(
        &vertex,
        delivery,
        json!({"event": {"payloadRefId": "not-a-uuid"}}),
        "a bad nested uuid",
    );
}

#[test]
fn schemars_derives_the_emitted_structure_for_every_message_and_type() {
    let mut differences = Vec::new();
    let mut compared = 0;
    for name in VENDORS {
        let vendor = vendor(name);
        let catalog = &vendor.loaded.catalog;
        let derived = derived(name);
        let names: Vec<&str> = derived.iter().map(|(n, _)| *n).collect();
        let expected: Vec<&str> = catalog.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names, expected,
            "{name}: derived_json_schemas() does not cover every type"
        );
        let by_name = |type_name: &str| {
            &derived
                .iter()
                .find(|(n, _)| *n == type_name)
                .expect("derived")
                .1
        };
        let bundle = vendor.bundle();
        for def in &catalog.types {
            let root = by_name(&def.name);
            let emitted = Side::new(&bundle, &bundle["definitions"][&def.name]);
            let path = format!("{name} type {}", def.name);
            compare::structure(
                emitted,
                Side::new(root, root),
                &path,
                false,
                &mut differences,
            );
            compared += 1;
        }
        for message in &vendor.loaded.catalog.messages {
            let Some(eventbind_codegen::model::TyKind::Named { name: payload }) =
                message.payload.as_ref().map(|t| &t.kind)
            else {
                continue;
            };
            let file = vendor.message_schema(message);
            let root = by_name(payload.as_str());
            let path = format!("{name} message {}", message.name);
            compare::structure(
                Side::new(&file, &file),
                Side::new(root, root),
                &path,
                false,
                &mut differences,
            );
            compared += 1;
        }
    }
    assert!(compared > 80, "only {compared} schemas compared");
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn emitted_schemas_state_every_constraint_of_the_source() {
    let mut differences = Vec::new();
    for name in VENDORS {
        let vendor = vendor(name);
        let bundle = vendor.bundle();
        let spec = &vendor.spec;
        for def in &vendor.loaded.catalog.types {
            let pointer = def.origin.split_once('#').map_or("", |(_, p)| p);
            let source = spec.pointer(pointer).expect("origin in the spec");
            let emitted = &bundle["definitions"][&def.name];
            let path = format!("{name} type {}", def.name);
            compare::constraints(
                Side::new(&bundle, emitted),
                Side::new(spec, source),
                &path,
                &mut differences,
            );
            // A type's own title, description and examples come along too.
            for key in ["title", "description"] {
                if emitted.get(key) != source.get(key) {
                    differences.push(format!("{path}: {key} differs"));
                }
            }
            let mut source_examples = source
                .get("examples")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            source_examples.extend(source.get("example").cloned());
            let emitted_examples = emitted
                .get("examples")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if emitted_examples != source_examples {
                differences.push(format!("{path}: examples differ"));
            }
        }
        for message in vendor.messages() {
            let Some(origin) = &message.payload_origin else {
                continue;
            };
            let pointer = origin.split_once('#').map_or("", |(_, p)| p);
            let source = spec.pointer(pointer).expect("payload in the spec");
            let file = vendor.message_schema(message);
            let path = format!("{name} message {}", message.name);
            compare::constraints(
                Side::new(&file, &file),
                Side::new(spec, source),
                &path,
                &mut differences,
            );
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn emitted_and_source_schemas_accept_the_same_near_misses() {
    let mut disagreements = Vec::new();
    let mut tried = 0;
    for name in VENDORS {
        let vendor = vendor(name);
        let mut cases: Vec<(String, Value, Value, Value)> = Vec::new();
        for message in vendor.messages() {
            let Some(origin) = &message.payload_origin else {
                continue;
            };
            for example in message.examples.iter().filter_map(|e| e.payload.clone()) {
                let what = format!("{name} message {}", message.name);
                cases.push((
                    what,
                    vendor.source_schema(origin),
                    vendor.message_schema(message),
                    example,
                ));
            }
        }
        for def in &vendor.loaded.catalog.types {
            for example in &def.examples {
                let emitted = vendor.bundle_at(&format!("/definitions/{}", def.name));
                let what = format!("{name} type {}", def.name);
                cases.push((
                    what,
                    vendor.source_schema(&def.origin),
                    emitted,
                    example.clone(),
                ));
            }
        }
        for (what, source, emitted, example) in cases {
            let (source, emitted) = (validator(&source), validator(&emitted));
            for (change, instance) in mutate::near_misses(&example) {
                let (by_source, by_emitted) =
                    (source.is_valid(&instance), emitted.is_valid(&instance));
                if by_source != by_emitted {
                    disagreements.push(format!(
                        "{what}, {change}: the source {} it, the emitted schema {} it",
                        verdict(by_source),
                        verdict(by_emitted)
                    ));
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 5_000, "only {tried} near misses tried");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

fn verdict(valid: bool) -> &'static str {
    if valid {
        "accepts"
    } else {
        "rejects"
    }
}

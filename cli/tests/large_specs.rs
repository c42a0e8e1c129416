//! Specs that grow large in one direction generate and route: a 100,000-value
//! enum, an object of 20,000 members, 10,000 definitions. Each used to take
//! seconds to minutes (a step quadratic in the size); these tests assert the
//! outcome only, and `cargo run --release -p eventbind-codegen --example
//! bounded_work` prints how the time grows.

use serde_json::{json, Map, Value};
use std::path::Path;
use std::process::{Command, Output};

fn spec(schemas: Value) -> Value {
    json!({
        "asyncapi": "2.6.0",
        "info": {"title": "Large", "version": "1.0.0"},
        "channels": {"c": {"subscribe": {"operationId": "receive", "message": {
            "name": "m", "payload": {"$ref": "#/components/schemas/P"}
        }}}},
        "components": {"schemas": schemas}
    })
}

fn eventbind(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("eventbind runs")
}

/// Generates a crate from `spec` and routes `good` (valid) and `bad`
/// (invalid at `pointer`) against it.
fn generates_and_routes(spec: Value, good: Value, bad: Value, pointer: &str) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, value: &Value| {
        std::fs::write(dir.path().join(name), serde_json::to_vec(value).unwrap()).unwrap()
    };
    write("spec.json", &spec);
    write("good.json", &good);
    write("bad.json", &bad);

    let generated = eventbind(
        dir.path(),
        &["generate", "--spec", "spec.json", "--out", "out"],
    );
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let lib = std::fs::read_to_string(dir.path().join("out/src/lib.rs")).unwrap();
    assert!(lib.contains("pub struct P"), "no type P generated");

    let routed = eventbind(
        dir.path(),
        &["route", "--spec", "spec.json", "good.json", "bad.json"],
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&routed.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "{}",
        String::from_utf8_lossy(&routed.stderr)
    );
    assert_eq!(lines[0]["message"], "m");
    assert_eq!(lines[0]["valid"], true, "{}", lines[0]);
    assert_eq!(lines[1]["valid"], false, "{}", lines[1]);
    assert_eq!(lines[1]["errors"][0]["pointer"], pointer, "{}", lines[1]);
}

#[test]
fn an_enum_of_100000_values() {
    let values: Vec<String> = (0..100_000).map(|i| format!("v{i}")).collect();
    generates_and_routes(
        spec(json!({"P": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": values}
        }}})),
        json!({"kind": "v99999"}),
        json!({"kind": "v100000"}),
        "/kind",
    );
}

#[test]
fn an_object_of_20000_members() {
    let properties: Map<String, Value> = (0..20_000)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    generates_and_routes(
        spec(json!({"P": {"type": "object", "properties": properties}})),
        json!({"p0": "a", "p19999": "b"}),
        json!({"p0": "a", "p19999": 7}),
        "/p19999",
    );
}

#[test]
fn ten_thousand_definitions() {
    let mut schemas: Map<String, Value> = (0..10_000)
        .map(|i| {
            let definition = json!({"type": "object", "properties": {"x": {"type": "string"}}});
            (format!("D{i}"), definition)
        })
        .collect();
    let properties: Map<String, Value> = (0..10_000)
        .map(|i| {
            let reference = json!({"$ref": format!("#/components/schemas/D{i}")});
            (format!("d{i}"), reference)
        })
        .collect();
    schemas.insert(
        "P".into(),
        json!({"type": "object", "properties": properties}),
    );
    generates_and_routes(
        spec(Value::Object(schemas)),
        json!({"d9999": {"x": "a"}}),
        json!({"d9999": {"x": 1}}),
        "/d9999/x",
    );
}

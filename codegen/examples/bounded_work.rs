//! How generation time grows with a spec's size: a benchmark, not a test.
//!
//! `cargo run --release -p eventbind-codegen --example bounded_work` prints,
//! for an enum of N values, an object of N members and N chained
//! definitions, the time to load the spec and write its Rust module, and the
//! time per element: flat figures mean linear growth.
//! `EVENTBIND_BOUNDED_ONLY=enum` (or `members`, `definitions`) runs one shape,
//! for a profiler.

use std::time::Instant;

fn spec(payload: serde_json::Value, schemas: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "asyncapi": "2.6.0",
        "info": {"title": "Bounded", "version": "1.0.0"},
        "channels": {"c": {"subscribe": {"operationId": "receive", "message": {
            "name": "m", "payload": payload
        }}}},
        "components": {"schemas": schemas}
    })
}

fn enum_spec(n: usize) -> serde_json::Value {
    let values: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    spec(
        serde_json::json!({"$ref": "#/components/schemas/P"}),
        serde_json::json!({"P": {"type": "object", "properties": {"kind": {"type": "string", "enum": values}}}}),
    )
}

fn members_spec(n: usize) -> serde_json::Value {
    let properties: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| (format!("p{i}"), serde_json::json!({"type": "string"})))
        .collect();
    spec(
        serde_json::json!({"$ref": "#/components/schemas/P"}),
        serde_json::json!({"P": {"type": "object", "properties": properties}}),
    )
}

/// `n` named definitions, each an object referred to from the payload.
fn definitions_spec(n: usize) -> serde_json::Value {
    let mut schemas: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| {
            let definition =
                serde_json::json!({"type": "object", "properties": {"x": {"type": "string"}}});
            (format!("D{i}"), definition)
        })
        .collect();
    let properties: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| {
            (
                format!("d{i}"),
                serde_json::json!({"$ref": format!("#/components/schemas/D{i}")}),
            )
        })
        .collect();
    schemas.insert(
        "P".into(),
        serde_json::json!({"type": "object", "properties": properties}),
    );
    spec(
        serde_json::json!({"$ref": "#/components/schemas/P"}),
        serde_json::Value::Object(schemas),
    )
}

/// A shape of spec, the function making one of `n` elements, and the sizes tried.
type Shape = (&'static str, fn(usize) -> serde_json::Value, [usize; 3]);

fn main() {
    let dir = std::env::temp_dir().join(format!("eventbind-bounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "{:<12} {:>8} {:>10} {:>12}",
        "shape", "n", "seconds", "µs/element"
    );
    let shapes: [Shape; 3] = [
        ("enum", enum_spec, [1_000, 10_000, 100_000]),
        ("members", members_spec, [200, 2_000, 20_000]),
        ("definitions", definitions_spec, [100, 1_000, 10_000]),
    ];
    let only = std::env::var("EVENTBIND_BOUNDED_ONLY").ok();
    for (shape, make, sizes) in shapes {
        if only.as_deref().is_some_and(|only| only != shape) {
            continue;
        }
        for n in sizes {
            let path = dir.join(format!("{shape}-{n}.json"));
            std::fs::write(&path, serde_json::to_vec(&make(n)).unwrap()).unwrap();
            let start = Instant::now();
            let loaded = eventbind_codegen::load(&path).expect("spec loads");
            let source = eventbind_codegen::rust_module(&loaded.catalog, "bench").expect("module");
            let seconds = start.elapsed().as_secs_f64();
            assert!(!source.is_empty());
            println!(
                "{shape:<12} {n:>8} {seconds:>10.3} {:>12.2}",
                seconds * 1e6 / n as f64
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

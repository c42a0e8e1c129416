//! Schema inference, rule by rule; every sample validates against the schema
//! inferred from it (checked with the `jsonschema` crate, and as a property
//! over random samples); the Avaza timesheet agrees with the spec.

use eventbind::infer::{Inference, Options};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn infer_with(samples: &[&str], options: Options) -> Value {
    let mut inference = Inference::new(options);
    for sample in samples {
        inference
            .add_json(sample.as_bytes())
            .expect("sample is JSON");
    }
    inference.schema()
}

fn infer(samples: &[&str]) -> Value {
    infer_with(samples, Options::default())
}

/// The validator `eventbind route` uses: draft 7, formats checked, `uuid` as generated code checks it.
fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .with_format("uuid", eventbind_runtime::format::is_hyphenated_uuid)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema:#}"))
}

fn assert_all_valid(schema: &Value, samples: &[String]) {
    let validator = validator(schema);
    for sample in samples {
        let value: Value = serde_json::from_str(sample).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{sample}\n{errors:?}\n{schema:#}");
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn optional_members_are_kept_apart_from_nullable_ones() {
    let schema = infer(&[
        r#"{"id": 1, "note": null, "extra": "x"}"#,
        r#"{"id": 2, "note": "n"}"#,
    ]);
    let object = &schema;
    assert_eq!(object["required"], json!(["id", "note"]));
    assert_eq!(
        object["properties"]["note"],
        json!({"type": ["string", "null"]})
    );
    assert_eq!(object["properties"]["extra"], json!({"type": "string"}));
    // Optional and never null; required and never absent.
    assert!(
        object.get("additionalProperties").is_none(),
        "objects stay open"
    );
    let always_null = infer(&[r#"{"a": null}"#, r#"{"a": null}"#]);
    assert_eq!(always_null["properties"]["a"], json!({"type": "null"}));
}

#[test]
fn integer_or_number_is_read_from_the_literal() {
    let kind = |samples: &[&str]| infer(samples)["type"].clone();
    assert_eq!(kind(&["4"]), json!("integer"));
    assert_eq!(kind(&["4.0000"]), json!("number"));
    assert_eq!(kind(&["4", "4.5"]), json!("number"));
    assert_eq!(kind(&["1e3"]), json!("number"));
    assert_eq!(kind(&["-7", "18446744073709551616"]), json!("integer"));
}

#[test]
fn formats_are_stated_only_when_every_sample_matches() {
    let format = |values: &[&str]| {
        let samples: Vec<String> = values.iter().map(|v| json!(v).to_string()).collect();
        let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
        infer(&refs).get("format").cloned()
    };
    assert_eq!(
        format(&["2016-05-23T05:25:36.53Z", "2016-05-23T00:00:00+02:00"]),
        Some(json!("date-time"))
    );
    assert_eq!(format(&["2016-05-23", "2024-02-29"]), Some(json!("date")));
    assert_eq!(
        format(&["c86fcc87-a137-4c37-8d19-17edc7199fef"]),
        Some(json!("uuid"))
    );
    assert_eq!(format(&["john.doe@vertexinc.com"]), Some(json!("email")));
    assert_eq!(
        format(&["https://yoursite.com/yourpage", "http://a.example/x?y=1"]),
        Some(json!("uri"))
    );
    // One sample that does not match is enough to drop the format.
    assert_eq!(format(&["2016-05-23T05:25:36.53Z", "yesterday"]), None);
    assert_eq!(format(&["2016-05-23", "2023-02-29"]), None);
    assert_eq!(format(&["Note:see below"]), None);
    assert_eq!(format(&["Draft"]), None);
}

#[test]
fn enums_need_enough_evidence() {
    let strings = |values: &[&str]| -> Vec<String> {
        values
            .iter()
            .map(|v| json!({ "status": v }).to_string())
            .collect()
    };
    let run = |samples: &[String], options: Options| {
        let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
        infer_with(&refs, options)["properties"]["status"].clone()
    };
    let ten = strings(&[
        "Draft", "Sent", "Draft", "Sent", "Draft", "Paid", "Paid", "Sent", "Draft", "Draft",
    ]);
    assert_eq!(
        run(&ten, Options::default()),
        json!({"type": "string", "enum": ["Draft", "Sent", "Paid"]})
    );
    // Fewer samples than the threshold.
    assert_eq!(
        run(&ten[..9], Options::default()),
        json!({"type": "string"})
    );
    // The threshold is a flag; 0 turns enums off.
    let low = Options {
        enum_threshold: 4,
        ..Options::default()
    };
    assert_eq!(
        run(&ten[..4], low.clone()),
        json!({"type": "string", "enum": ["Draft", "Sent"]})
    );
    let off = Options {
        enum_threshold: 0,
        ..Options::default()
    };
    assert_eq!(run(&ten, off), json!({"type": "string"}));
    // A value seen once says the set may be open.
    let once = strings(&["A", "A", "B", "B", "C"]);
    assert_eq!(run(&once, low.clone()), json!({"type": "string"}));
    // Too many distinct values.
    let many = Options {
        enum_threshold: 4,
        enum_max: 2,
        ..Options::default()
    };
    let three = strings(&["A", "A", "B", "B", "C", "C"]);
    assert_eq!(run(&three, many), json!({"type": "string"}));
    // A format wins over an enum; null joins the enum.
    let dates = strings(&["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"]);
    assert_eq!(
        run(&dates, low.clone()),
        json!({"type": "string", "format": "date"})
    );
    let mut nullable = strings(&["A", "A", "B", "B"]);
    nullable.push(json!({ "status": null }).to_string());
    assert_eq!(
        run(&nullable, low),
        json!({"type": ["string", "null"], "enum": ["A", "B", null]})
    );
}

#[test]
fn mixed_types_become_type_arrays_or_one_of() {
    assert_eq!(
        infer(&[r#"1"#, r#""a""#, "true"]),
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": ["string", "integer", "boolean"]})
    );
    let with_object = infer(&[r#"{"a": 1}"#, r#""x""#, "null"]);
    assert_eq!(
        with_object["oneOf"],
        json!([
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
            {"type": "string"},
            {"type": "null"}
        ])
    );
    let samples = [r#"{"a": 1}"#, r#""x""#, "null", "[1.5]"];
    assert_all_valid(&infer(&samples), &samples.map(String::from));
}

#[test]
fn items_of_nested_arrays_are_merged() {
    let samples = [r#"[[1, 2], [3.5], []]"#, r#"[[{"a": "x"}], [{"b": null}]]"#];
    let schema = infer(&samples);
    assert_eq!(schema["type"], json!("array"));
    let inner = &schema["items"];
    assert_eq!(inner["type"], json!("array"));
    let items = &inner["items"]["oneOf"];
    assert_eq!(
        items,
        &json!([
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "null"}}},
            {"type": "number"}
        ])
    );
    // Only empty arrays seen: nothing is said about their items.
    assert_eq!(
        infer(&["[]"]),
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "array"})
    );
    assert_all_valid(&schema, &samples.map(String::from));
}

#[test]
fn one_element_array_bodies_are_recognised() {
    let body = infer(&[r#"[{"a": 1}]"#, r#"[{"a": 2, "b": [1]}]"#]);
    assert_eq!(body["minItems"], json!(1));
    assert_eq!(body["maxItems"], json!(1));
    // Nested one-element arrays are happenstance, not a rule.
    assert!(body["items"]["properties"]["b"].get("maxItems").is_none());
    for other in [
        infer(&[r#"[{"a": 1}]"#, r#"[{"a": 1}, {"a": 2}]"#]),
        infer(&[r#"[1]"#]),
        infer(&[r#"[{"a": 1}]"#, "null"]),
    ] {
        assert!(other.get("maxItems").is_none(), "{other:#}");
    }
}

#[test]
fn closed_objects_on_request_and_first_seen_order() {
    let samples = [r#"{"z": {"y": 1}, "a": 2}"#, r#"{"m": 3, "z": {"x": 4}}"#];
    let closed = infer_with(
        &samples,
        Options {
            closed: true,
            name: Some("Thing".into()),
            ..Options::default()
        },
    );
    assert_eq!(closed["title"], json!("Thing"));
    assert_eq!(closed["additionalProperties"], json!(false));
    assert_eq!(
        closed["properties"]["z"]["additionalProperties"],
        json!(false)
    );
    let keys: Vec<&String> = closed["properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m"]);
    let nested: Vec<&String> = closed["properties"]["z"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(nested, ["y", "x"]);
    assert_all_valid(&closed, &samples.map(String::from));
    // Same samples, same bytes.
    assert_eq!(
        serde_json::to_string(&infer(&samples)).unwrap(),
        serde_json::to_string(&infer(&samples)).unwrap()
    );
}

#[test]
fn the_avaza_timesheet_schema_agrees_with_the_spec() {
    let spec_text = std::fs::read_to_string(repo().join("specs/avaza/asyncapi.yaml")).unwrap();
    let spec: Value = serde_norway::from_str(&spec_text).unwrap();
    let body = &spec["components"]["schemas"]["TimesheetBody"];
    let timesheet = &spec["components"]["schemas"]["Timesheet"];
    assert_eq!(
        body["items"]["$ref"],
        json!("#/components/schemas/Timesheet")
    );
    // The raw body from the documentation, and the same bytes captured over HTTP.
    for file in ["timesheet_created.json", "timesheet_created-1.json"] {
        let path = repo().join("specs/avaza/captures").join(file);
        let inferred = eventbind::infer::infer_files(&[path], Options::default()).unwrap();
        for keyword in ["type", "minItems", "maxItems"] {
            assert_eq!(inferred[keyword], body[keyword], "{file} {keyword}");
        }
        let item = &inferred["items"];
        assert_eq!(item["type"], timesheet["type"]);
        assert_eq!(
            item.get("additionalProperties"),
            timesheet.get("additionalProperties")
        );
        let names = |schema: &Value| {
            let mut names: Vec<String> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            names.sort();
            names
        };
        assert_eq!(names(item), names(timesheet), "{file}");
        for name in names(timesheet) {
            let (ours, theirs) = (&item["properties"][&name], &timesheet["properties"][&name]);
            assert_eq!(ours["type"], theirs["type"], "{file} {name} type");
            assert_eq!(
                ours.get("format"),
                theirs.get("format"),
                "{file} {name} format"
            );
            assert_eq!(ours.get("enum"), theirs.get("enum"), "{file} {name} enum");
        }
        let required = |schema: &Value| {
            let mut list: Vec<String> = serde_json::from_value(schema["required"].clone()).unwrap();
            list.sort();
            list
        };
        assert_eq!(required(item), required(timesheet), "{file}");
    }
}

#[test]
fn every_capture_validates_against_the_schema_inferred_from_it() {
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let dir = repo().join("specs").join(vendor).join("captures");
        let files = eventbind::capture::json_files(std::slice::from_ref(&dir)).unwrap();
        let bodies: Vec<String> = files
            .iter()
            .map(|f| {
                let payload = eventbind::capture::payload::read(f).unwrap();
                String::from_utf8(payload.body).unwrap()
            })
            .collect();
        // All of a vendor's captures in one schema, and each alone.
        let schema = eventbind::infer::infer_files(&[dir], Options::default()).unwrap();
        assert_all_valid(&schema, &bodies);
        for (file, body) in files.iter().zip(&bodies) {
            let one = eventbind::infer::infer_files(std::slice::from_ref(file), Options::default())
                .unwrap();
            assert_all_valid(&one, std::slice::from_ref(body));
        }
    }
}

#[test]
fn the_cli_prints_the_schema_and_names_the_file_of_a_bad_sample() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), r#"{"n": 1}"#).unwrap();
    std::fs::write(dir.path().join("b.json"), r#"{"n": 2.5, "s": "x"}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args(["infer", "--name", "N", "--closed"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema,
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "N",
            "type": "object",
            "properties": {"n": {"type": "number"}, "s": {"type": "string"}},
            "required": ["n"],
            "additionalProperties": false
        })
    );
    std::fs::write(dir.path().join("c.json"), "{\n  \"n\": 4.,\n}").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .arg("infer")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("c.json") && stderr.contains("line 2"),
        "{stderr}"
    );
}

/// Random JSON whose leaves include every detectable format, numbers written
/// both ways, and keys drawn from a small set (so samples overlap and merge).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        prop::sample::select(vec![
            "2016-05-23T05:25:36.53Z",
            "2016-05-23",
            "c86fcc87-a137-4c37-8d19-17edc7199fef",
            "john.doe@vertexinc.com",
            "https://example.com/x",
            "Draft",
            "",
        ])
        .prop_map(Value::from),
        "[a-z0-9:@./ -]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (prop::sample::select(vec!["a", "b", "c", "d"]), inner),
                0..4
            )
            .prop_map(|members| Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_sample_validates_against_the_schema_inferred_from_the_samples(
        samples in prop::collection::vec(json_value(), 1..8),
        closed in any::<bool>(),
        enum_threshold in 0u64..4,
    ) {
        let texts: Vec<String> = samples.iter().map(|v| v.to_string()).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let options = Options { closed, enum_threshold, ..Options::default() };
        let schema = infer_with(&refs, options);
        assert_all_valid(&schema, &texts);
    }
}

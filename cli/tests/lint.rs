//! `eventbind lint`, run for real: on every document of the AsyncAPI spec's
//! examples it agrees with a JSON Schema validator run on the official
//! schema (read from the corpus, not the CLI's bundled copy), and its own
//! rules find what they are for.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpora() -> PathBuf {
    repo().join("../shared/corpora")
}

/// `eventbind lint --json SPEC`: the exit code and the report.
fn lint(spec: &Path) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args(["lint", "--json"])
        .arg(spec)
        .output()
        .expect("eventbind runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}{}",
            spec.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

fn findings<'r>(report: &'r Value, rule: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn documents(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            documents(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value = serde_norway::from_str(&text).unwrap();
            if value.get("asyncapi").is_some() {
                out.push(path);
            }
        }
    }
}

#[test]
fn lint_agrees_with_the_official_schema_on_every_corpus_document() {
    let mut all = Vec::new();
    documents(&corpora().join("asyncapi-spec-examples"), &mut all);
    all.sort();
    assert!(all.len() >= 40, "only {} documents", all.len());
    let mut validators = std::collections::BTreeMap::new();
    let (mut clean, mut invalid) = (0, 0);
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        let document: Value = serde_norway::from_str(&text).unwrap();
        let version = document["asyncapi"].as_str().unwrap().to_string();
        let validator = validators.entry(version.clone()).or_insert_with(|| {
            let schema_path = corpora().join(format!("asyncapi-json-schemas/{version}.json"));
            let schema: Value =
                serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .build(&schema)
                .unwrap()
        });
        let expected: BTreeSet<(String, String)> = validator
            .iter_errors(&document)
            .map(|e| (e.instance_path().to_string(), e.to_string()))
            .collect();
        let (code, report) = lint(path);
        let reported: BTreeSet<(String, String)> = findings(&report, "schema")
            .into_iter()
            .map(|f| {
                (
                    f["pointer"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(reported, expected, "{}", path.display());
        let errors = report["errors"].as_u64().unwrap();
        assert_eq!(code, i32::from(errors > 0), "{}: exit code", path.display());
        if expected.is_empty() {
            clean += 1;
        } else {
            invalid += 1;
        }
    }
    eprintln!("{clean} documents valid, {invalid} invalid, lint agrees on all");
    assert!(clean >= 40, "only {clean} valid documents");
}

#[test]
fn lint_reports_every_dangling_ref_with_the_escaped_pointer() {
    let spec = repo().join("codegen/tests/fixtures/errors/dangling");
    let (code, report) = lint(&spec);
    assert_eq!(code, 1);
    let load = findings(&report, "load");
    assert_eq!(load.len(), 4, "{report:#}");
    let escaped: Vec<&&Value> = load
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("~1"))
        .collect();
    assert_eq!(escaped.len(), 2, "{report:#}");
    assert!(escaped
        .iter()
        .all(|f| f["suggestion"].as_str().unwrap().contains("`~1`")));
    assert!(load
        .iter()
        .all(|f| f["file"].as_str().unwrap().ends_with("asyncapi.yaml")));
}

#[test]
fn lint_rules_find_what_generation_cannot_use_well() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("asyncapi.yaml");
    std::fs::write(
        &spec,
        r#"asyncapi: 3.0.0
info: {title: Rules, version: '1'}
channels:
  events:
    address: events
    messages:
      created: {$ref: '#/components/messages/created'}
      deleted: {$ref: '#/components/messages/deleted'}
operations:
  receiveEvents:
    action: receive
    channel: {$ref: '#/channels/events'}
components:
  messages:
    created:
      payload:
        type: object
        properties:
          status: {type: string, enum: [active], example: active}
          userId: {type: string}
          user_id: {type: string}
    deleted:
      payload:
        type: object
        properties:
          id: {type: string}
"#,
    )
    .unwrap();
    let (code, report) = lint(&spec);
    assert_eq!(code, 0, "warnings only: {report:#}");
    assert!(findings(&report, "schema").is_empty(), "{report:#}");
    let apart = findings(&report, "indistinguishable-messages");
    assert_eq!(apart.len(), 1, "{report:#}");
    assert_eq!(apart[0]["pointer"], "/operations/receiveEvents");
    let enums = findings(&report, "one-example-enum");
    assert_eq!(enums.len(), 1, "{report:#}");
    assert_eq!(
        enums[0]["pointer"],
        "/components/messages/created/payload/properties/status/enum"
    );
    let names = findings(&report, "name-collision");
    assert_eq!(names.len(), 1, "{report:#}");
    assert!(names[0]["message"]
        .as_str()
        .unwrap()
        .contains("\"user_id\""));

    // Slack's RTM gives two messages the same `type`: said, at the operation.
    let slack = corpora().join("asyncapi-spec-examples/v3.0.0/slack-rtm-asyncapi.yml");
    let (code, report) = lint(&slack);
    assert_eq!(code, 0, "{report:#}");
    let shared = findings(&report, "generation");
    assert_eq!(shared.len(), 1, "{report:#}");
    assert_eq!(shared[0]["pointer"], "/operations/sendMessages");
    assert!(shared[0]["message"]
        .as_str()
        .unwrap()
        .contains("botAdded, botChanged of operation sendMessages all pin /type to \"bot_added\""));
    assert_eq!(findings(&report, "indistinguishable-messages").len(), 1);

    let ids = repo().join("codegen/tests/fixtures/asyncapi/ids");
    let (code, report) = lint(&ids);
    assert_eq!(code, 0);
    let under_id = findings(&report, "ref-under-id");
    assert_eq!(under_id.len(), 3, "{report:#}");
    assert!(under_id.iter().all(|f| f["message"]
        .as_str()
        .unwrap()
        .contains("https://schemas.example.com/shop/")));

    // Not valid against the official schema: `info` lacks `version`.
    std::fs::write(&spec, "asyncapi: 2.6.0\ninfo: {title: t}\nchannels: {}\n").unwrap();
    let (code, report) = lint(&spec);
    assert_eq!(code, 1, "{report:#}");
    let schema = findings(&report, "schema");
    assert_eq!(schema.len(), 1, "{report:#}");
    assert_eq!(schema[0]["pointer"], "/info");
    assert_eq!(schema[0]["file"], spec.to_string_lossy().as_ref());
}

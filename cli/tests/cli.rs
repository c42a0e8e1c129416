//! The `eventbind` binary, run for real on real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn eventbind(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("eventbind runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn generate_twice_changes_no_byte_and_check_tracks_hand_edits() {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("specs"), &work.path().join("specs"));

    let first = eventbind(work.path(), &["generate"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let generated = work.path().join("generated");
    let before = snapshot(&generated);
    assert!(before.len() >= 8);

    let second = eventbind(
        work.path(),
        &["generate", "--specs", "specs", "--out", "generated"],
    );
    assert!(second.status.success());
    assert!(
        stdout(&second).contains(" 0 changed"),
        "{}",
        stdout(&second)
    );
    assert_eq!(snapshot(&generated), before, "a second run changed bytes");

    let check = eventbind(work.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    let lib = generated.join("commenda/src/lib.rs");
    let edited = std::fs::read_to_string(&lib)
        .unwrap()
        .replace("pub struct EventEnvelope", "pub struct HandEdited");
    std::fs::write(&lib, edited).unwrap();
    std::fs::remove_file(generated.join("avaza/Cargo.toml")).unwrap();
    let check = eventbind(
        work.path(),
        &["check", "--specs", "specs", "--out", "generated"],
    );
    assert_eq!(check.status.code(), Some(1));
    let report = stdout(&check);
    assert!(
        report.contains("stale: generated/commenda/src/lib.rs"),
        "{report}"
    );
    assert!(
        report.contains("missing: generated/avaza/Cargo.toml"),
        "{report}"
    );

    assert!(eventbind(work.path(), &["generate"]).status.success());
    assert_eq!(eventbind(work.path(), &["check"]).status.code(), Some(0));
    assert_eq!(snapshot(&generated), before);

    // A crate whose spec is gone, and a file added by hand: not generated,
    // so `check` fails on them (and `generate` says so, deleting nothing).
    std::fs::rename(
        work.path().join("specs/avaza"),
        work.path().join("avaza-spec"),
    )
    .unwrap();
    std::fs::write(generated.join("vertex/src/extra.rs"), "// by hand\n").unwrap();
    let check = eventbind(work.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1));
    let report = stdout(&check);
    assert!(
        report.contains("unexpected: generated/avaza/src/lib.rs"),
        "{report}"
    );
    assert!(
        report.contains("unexpected: generated/vertex/src/extra.rs"),
        "{report}"
    );
    let generate = eventbind(work.path(), &["generate"]);
    assert!(generate.status.success());
    assert!(
        String::from_utf8_lossy(&generate.stderr).contains("generated/vertex/src/extra.rs"),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    assert!(generated.join("vertex/src/extra.rs").exists());
}

#[test]
fn the_checked_in_bindings_are_up_to_date() {
    let check = eventbind(&repo(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn route_prints_one_json_line_per_file_with_exit_codes() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let good = write(
        dir,
        "good.json",
        r#"{"client_id": 123, "action": "update", "certificate": {"id": 300}}"#,
    );
    let bad = write(
        dir,
        "bad.json",
        r#"{"client_id": "123", "action": "update", "certificate": {"id": 300}}"#,
    );
    let spec = repo().join("specs/avalara-certcapture");
    let spec = spec.to_str().unwrap();

    let output = eventbind(dir, &["route", "--spec", spec, "good.json"]);
    assert_eq!(output.status.code(), Some(0));
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(
        line,
        serde_json::json!({"file": "good.json", "message": "CertificateChangeNotification", "key": "certificate", "valid": true, "errors": []})
    );

    let output = eventbind(
        dir,
        &[
            "route",
            "--spec",
            spec,
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["errors"][0]["pointer"], "/client_id");

    let unknown = write(
        dir,
        "unknown.json",
        r#"{"id": "1", "topic": "FILINGS.NEW", "data": {}}"#,
    );
    let commenda = repo().join("specs/commenda");
    let output = eventbind(
        dir,
        &[
            "route",
            "--spec",
            commenda.to_str().unwrap(),
            unknown.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(line["message"], serde_json::Value::Null);
    assert_eq!(line["key"], "FILINGS.NEW");
    assert_eq!(line["valid"], false);

    let capture = repo().join("specs/avaza/captures/timesheet_created.json");
    let avaza = repo().join("specs/avaza");
    let output = eventbind(
        dir,
        &[
            "route",
            "--spec",
            avaza.to_str().unwrap(),
            "--message",
            "timesheet_created",
            capture.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // Usage and spec errors exit 2.
    assert_eq!(
        eventbind(dir, &["route", "--spec", spec]).status.code(),
        Some(2)
    );
    assert_eq!(
        eventbind(dir, &["route", "--spec", "no/such/spec", "good.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(eventbind(dir, &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn ir_prints_the_model_as_json() {
    let output = eventbind(&repo(), &["ir", "--spec", "specs/commenda"]);
    assert!(output.status.success());
    let model: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(model["messages"].as_array().unwrap().len(), 9);
    assert_eq!(
        model["operations"][0]["route"],
        serde_json::json!({"by": "field", "pointer": "/topic"})
    );
    assert!(model["types"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "EventEnvelope"));
}

#[test]
fn a_spec_error_names_the_file_and_pointer() {
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("broken");
    std::fs::create_dir_all(&spec).unwrap();
    write(
        &spec,
        "asyncapi.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Missing'}\n",
    );
    let output = eventbind(work.path(), &["ir", "--spec", "broken"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("asyncapi.yaml#/components/schemas/A/properties/b/$ref"),
        "{stderr}"
    );
}

#[test]
fn schema_and_docs_print_and_write_what_generate_writes() {
    let repo = repo();
    let generated = repo.join("generated/commenda/schemas");
    let bundle = eventbind(&repo, &["schema", "--spec", "specs/commenda"]);
    assert_eq!(bundle.status.code(), Some(0));
    let on_disk = std::fs::read_to_string(generated.join("bundle.json")).unwrap();
    assert_eq!(stdout(&bundle), on_disk);

    let one = eventbind(
        &repo,
        &[
            "schema",
            "--spec",
            "specs/commenda",
            "--message",
            "NexusThresholdStateAlert",
        ],
    );
    assert_eq!(one.status.code(), Some(0));
    let on_disk = std::fs::read_to_string(generated.join("NexusThresholdStateAlert.json")).unwrap();
    assert_eq!(stdout(&one), on_disk);

    let unknown = eventbind(
        &repo,
        &["schema", "--spec", "specs/commenda", "--message", "Nope"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains("Nope") && said.contains("NexusThresholdStateAlert"),
        "{said}"
    );

    let out = tempfile::tempdir().unwrap();
    let docs = eventbind(
        &repo,
        &[
            "docs",
            "--spec",
            "specs/vertex",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(
        docs.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&docs.stderr)
    );
    let markdown = std::fs::read_to_string(out.path().join("EVENTS.md")).unwrap();
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let loaded = eventbind_codegen::load(&repo.join("specs/vertex")).unwrap();
    for message in &loaded.catalog.messages {
        assert!(
            markdown.contains(&format!("### Message `{}`", message.name)),
            "{}",
            message.name
        );
        assert!(html.contains(&message.name), "{}", message.name);
    }
}

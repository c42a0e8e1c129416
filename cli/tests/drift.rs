//! `eventbind drift` on the shipped captures (clean) and on hand-made changed
//! payloads: failures with pointers, undeclared and never-seen fields,
//! values outside enums, unknown events, and the exit codes.

use eventbind::drift::{drift, Report};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec(vendor: &str) -> PathBuf {
    repo().join("specs").join(vendor)
}

/// The body of a shipped capture file, as JSON.
fn captured(vendor: &str, file: &str) -> Value {
    let payload =
        eventbind::capture::payload::read(&spec(vendor).join("captures").join(file)).unwrap();
    serde_json::from_slice(&payload.body).unwrap()
}

/// A capture file (the format `capture` writes) recording `path`.
fn capture_file(path: &str, body: &Value) -> String {
    format!(
        r#"{{"eventbind_capture": 1, "method": "POST", "path": {}, "headers": [], "body": {}}}"#,
        json!(path),
        serde_json::to_string_pretty(body).unwrap()
    )
}

fn run(args: &[&str], inputs: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args(args)
        .args(inputs)
        .output()
        .expect("eventbind runs")
}

fn message<'r>(report: &'r Report, name: &str) -> &'r eventbind::drift::MessageReport {
    report
        .messages
        .iter()
        .find(|m| m.message == name)
        .unwrap_or_else(|| panic!("no {name} in {report:#?}"))
}

#[test]
fn the_shipped_captures_are_clean() {
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let captures = spec(vendor).join("captures");
        let report = drift(&spec(vendor), std::slice::from_ref(&captures), None).unwrap();
        assert!(!report.failed(), "{report:#?}");
        assert!(
            report.payloads > 0 && report.valid == report.payloads,
            "{report:#?}"
        );
        for message in &report.messages {
            assert!(message.undeclared.is_empty(), "{vendor}: {message:#?}");
        }
        let output = run(&["drift", "--spec"], &[&spec(vendor), &captures]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .ends_with("clean"));
    }
}

#[test]
fn changed_vertex_payloads_show_undeclared_fields_and_values_outside_enums() {
    let dir = tempfile::tempdir().unwrap();
    let mut added = captured("vertex", "EventDelivery-1.json");
    added["event"]["newField"] = json!(1);
    added["subscription"]["eventTags"][0]["note"] = json!("x");
    std::fs::write(
        dir.path().join("EventDelivery-1.json"),
        capture_file("/vertex/EventDelivery", &added),
    )
    .unwrap();

    // Undeclared fields alone: a warning, exit 0.
    let report = drift(&spec("vertex"), &[dir.path().to_path_buf()], None).unwrap();
    assert!(!report.failed(), "{report:#?}");
    let delivery = message(&report, "EventDelivery");
    let undeclared: Vec<(&str, &str)> = delivery
        .undeclared
        .iter()
        .map(|f| (f.path.as_str(), f.example.pointer.as_str()))
        .collect();
    assert_eq!(
        undeclared,
        [
            ("/event/newField", "/event/newField"),
            (
                "/subscription/eventTags/*/note",
                "/subscription/eventTags/0/note"
            )
        ]
    );
    // Declared below a seen parent, absent from every payload.
    assert!(delivery
        .never_seen
        .contains(&"/event/tags/*/valueType".to_string()));
    assert!(!delivery
        .never_seen
        .contains(&"/event/tags/*/key".to_string()));
    let output = run(&["drift", "--spec"], &[&spec("vertex"), dir.path()]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("undeclared (warning): /event/newField"),
        "{text}"
    );

    // A value outside a declared enum: invalid, with the pointer, exit 1.
    let mut outside = captured("vertex", "EventDelivery-1.json");
    outside["event"]["tags"][0]["valueType"] = json!("DATE");
    std::fs::write(
        dir.path().join("EventDelivery-2.json"),
        capture_file("/vertex/EventDelivery", &outside),
    )
    .unwrap();
    let report = drift(&spec("vertex"), &[dir.path().to_path_buf()], None).unwrap();
    assert!(report.failed());
    assert_eq!((report.valid, report.invalid), (1, 1));
    let delivery = message(&report, "EventDelivery");
    assert_eq!(delivery.invalid.len(), 1);
    assert!(delivery.invalid[0].file.ends_with("EventDelivery-2.json"));
    assert!(delivery.invalid[0]
        .errors
        .iter()
        .any(|e| e.pointer == "/event/tags/0/valueType"));
    assert_eq!(delivery.outside_enum.len(), 1);
    let finding = &delivery.outside_enum[0];
    assert_eq!(finding.path, "/event/tags/*/valueType");
    assert_eq!(finding.value, json!("DATE"));
    assert_eq!(
        finding.allowed,
        [json!("STRING"), json!("BOOLEAN"), json!("NUMBER")]
    );
    let output = run(
        &["drift", "--json", "--spec"],
        &[&spec("vertex"), dir.path()],
    );
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["invalid"], json!(1));
    assert_eq!(
        json["messages"][0]["outside_enum"][0]["example"]["pointer"],
        json!("/event/tags/0/valueType")
    );
}

#[test]
fn avaza_events_are_named_by_the_recorded_path_the_file_name_or_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let timesheet = captured("avaza", "timesheet_created.json");
    // Named by the recorded path, whatever the file is called.
    let company = json!([{"CompanyID": 7, "Name": "Acme"}]);
    std::fs::write(
        dir.path().join("delivery-1.json"),
        capture_file("/hooks/avaza/company_created", &company),
    )
    .unwrap();
    // Named by the file name (a raw body): `-3` is a counter.
    let mut broken = timesheet.clone();
    broken[0]["Duration"] = json!("4");
    broken[0].as_object_mut().unwrap().remove("Notes");
    std::fs::write(
        dir.path().join("timesheet_updated-3.json"),
        broken.to_string(),
    )
    .unwrap();
    let report = drift(&spec("avaza"), &[dir.path().to_path_buf()], None).unwrap();
    assert!(report.failed());
    let created = message(&report, "company_created");
    assert_eq!(created.valid, 1);
    // Company declares nothing yet: every field is undeclared (a warning).
    let paths: Vec<&str> = created.undeclared.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["/*/CompanyID", "/*/Name"]);
    assert_eq!(created.undeclared[0].example.pointer, "/0/CompanyID");
    let updated = message(&report, "timesheet_updated");
    let pointers: Vec<&str> = updated.invalid[0]
        .errors
        .iter()
        .map(|e| e.pointer.as_str())
        .collect();
    assert!(pointers.contains(&"/0/Duration"), "{pointers:?}");
    assert!(
        pointers.contains(&"/0"),
        "missing Notes is reported at its object: {pointers:?}"
    );
    assert_eq!(updated.never_seen, ["/*/Notes"]);

    // --message overrides every other source of the name.
    let one = dir.path().join("delivery-1.json");
    let report = drift(
        &spec("avaza"),
        std::slice::from_ref(&one),
        Some("contact_created"),
    )
    .unwrap();
    assert_eq!(report.messages.len(), 1);
    assert_eq!(report.messages[0].message, "contact_created");
    let output = run(
        &["drift", "--message", "timesheet_created", "--spec"],
        &[&spec("avaza"), &one],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "a company is not a timesheet"
    );
}

#[test]
fn unknown_events_and_unreadable_payloads_fail() {
    let dir = tempfile::tempdir().unwrap();
    let mut alert = captured("commenda", "NEXUS.THRESHOLD.STATE.ALERT-1.json");
    alert["topic"] = json!("NEXUS.SOMETHING.NEW");
    std::fs::write(dir.path().join("new.json"), alert.to_string()).unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\"topic\": ").unwrap();
    std::fs::write(
        dir.path().join("bad-capture.json"),
        r#"{"eventbind_capture": 1}"#,
    )
    .unwrap();
    let report = drift(&spec("commenda"), &[dir.path().to_path_buf()], None).unwrap();
    assert_eq!((report.payloads, report.unrouted), (3, 3), "{report:#?}");
    let kind = |file: &str| {
        let unrouted = report
            .unrouted_payloads
            .iter()
            .find(|u| u.file.ends_with(file))
            .unwrap();
        (
            unrouted.kind.clone(),
            unrouted.key.clone(),
            unrouted.errors[0].pointer.clone(),
        )
    };
    assert_eq!(
        kind("new.json"),
        (
            "unknown_event".into(),
            Some("NEXUS.SOMETHING.NEW".into()),
            "/topic".into()
        )
    );
    assert_eq!(kind("broken.json").0, "malformed_json");
    assert_eq!(kind("bad-capture.json").0, "unreadable");

    // An Avaza body whose file name names no event.
    let avaza = dir.path().join("avaza");
    std::fs::create_dir(&avaza).unwrap();
    std::fs::write(avaza.join("mystery.json"), "[{}]").unwrap();
    let report = drift(&spec("avaza"), std::slice::from_ref(&avaza), None).unwrap();
    assert_eq!(report.unrouted_payloads[0].kind, "unknown_event");
    assert_eq!(report.unrouted_payloads[0].key.as_deref(), Some("mystery"));
    let output = run(&["drift", "--spec"], &[&spec("avaza"), &avaza]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("mystery.json: unknown_event") && text.contains("FAILED"),
        "{text}"
    );

    // A spec that does not load, or a missing input: usage errors, exit 2.
    let output = run(&["drift", "--spec"], &[&dir.path().join("nope"), &avaza]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(
        &["drift", "--spec"],
        &[&spec("avaza"), &dir.path().join("nope")],
    );
    assert_eq!(output.status.code(), Some(2));
}

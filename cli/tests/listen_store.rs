//! `eventbind listen --store` and `eventbind replay`, run for real: a SQLite
//! store surviving SIGKILL of the listener, a moto SQS queue, replay through
//! a spec that has learnt a message, and stores that cannot be opened.

mod support;

use eventbind_test_support::{free_port, Moto};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use support::{repo, Listen};

fn eventbind(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(repo())
        .args(args)
        .output()
        .expect("eventbind runs")
}

fn replay(args: &[&str]) -> Vec<Value> {
    let output = eventbind(&[&["replay"], args].concat());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The CertCapture spec plus a message for exposure-zone changes, as a
/// vendor's next documentation release might add it.
fn spec_that_knows_exposure_zones(into: &Path) {
    let from = repo().join("specs/avalara-certcapture");
    std::fs::create_dir_all(into).unwrap();
    std::fs::copy(from.join("eventbind.toml"), into.join("eventbind.toml")).unwrap();
    let spec = std::fs::read_to_string(from.join("asyncapi.yaml")).unwrap();
    let listed = "          - $ref: '#/components/messages/CustomerChangeNotification'\n";
    let message = "  messages:\n";
    assert!(spec.contains(listed) && spec.contains(message));
    let spec = spec.replacen(
        listed,
        &format!(
            "{listed}          - $ref: '#/components/messages/ExposureZoneChangeNotification'\n"
        ),
        1,
    );
    let spec = spec.replacen(
        message,
        "  messages:
    ExposureZoneChangeNotification:
      name: ExposureZoneChangeNotification
      contentType: application/json
      payload:
        type: object
        required: [client_id, action, exposure_zone]
        properties:
          client_id:
            type: integer
          action:
            type: string
          exposure_zone:
            type: object
",
        1,
    );
    std::fs::write(into.join("asyncapi.yaml"), spec).unwrap();
}

fn python(moto: &Moto, script: &str) -> String {
    let program = format!(
        "import boto3\nsqs = boto3.client('sqs', endpoint_url='{}', region_name='us-east-1', \
         aws_access_key_id='test', aws_secret_access_key='test')\n{script}",
        moto.endpoint()
    );
    let output = Command::new("python3")
        .args(["-c", &program])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn a_certcapture_message_the_spec_does_not_know_survives_a_restart_and_replay_types_it() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("inbox.db").display());
    let url = python(
        &moto,
        "print(sqs.create_queue(QueueName='certcapture', Attributes={'VisibilityTimeout': '1'})['QueueUrl'])",
    );
    let novel = r#"{"client_id":42,"action":"add","exposure_zone":{"id":5}}"#;
    python(
        &moto,
        &format!("sqs.send_message(QueueUrl='{url}', MessageBody='{novel}')"),
    );
    let consume = |spec: &str| {
        Listen::start(&[
            "--spec",
            spec,
            "--sqs-queue-url",
            &url,
            "--sqs-endpoint",
            moto.endpoint(),
            "--store",
            &store,
        ])
    };
    let mut first = consume("specs/avalara-certcapture");
    let line = first.line();
    // Presence routing finds no message's property: not one of the spec's
    // events. The runtime router calls that invalid; it is kept, not lost.
    let class = line["class"].as_str().unwrap().to_owned();
    assert!(class == "invalid" || class == "unknown", "{line}");
    assert_eq!(line["reason"], "handled", "{line}");
    let key = line["dedup_key"].as_str().unwrap().to_owned();
    first.kill();

    // Restarted on the same store: the message came back, and the store
    // already holds it (answered as before, the handler not run again).
    let mut second = consume("specs/avalara-certcapture");
    let again = second.line();
    assert_eq!(
        (again["dedup_key"].as_str(), again["reason"].as_str()),
        (Some(key.as_str()), Some("duplicate")),
        "{again}"
    );
    second.kill();

    let newer = dir.path().join("spec");
    spec_that_knows_exposure_zones(&newer);
    let newer = newer.display().to_string();
    let lines = replay(&["--store", &store, "--spec", &newer, "--class", &class]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["dedup_key"], key.as_str());
    assert_eq!(lines[0]["was_class"], class.as_str());
    assert_eq!(
        (lines[0]["class"].as_str(), lines[0]["message"].as_str()),
        (Some("typed"), Some("ExposureZoneChangeNotification")),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["state"], "handled");
    // Its stored class changed: nothing of the old class is left to replay.
    assert!(replay(&["--store", &store, "--spec", &newer, "--class", &class]).is_empty());
    let by_id = replay(&["--store", &store, "--spec", &newer, "--id", &key]);
    assert_eq!(by_id[0]["was_class"], "typed");

    // The queue's next redelivery is now a handled duplicate: acknowledged
    // and deleted.
    let third = consume("specs/avalara-certcapture");
    let last = third.line();
    assert_eq!(
        (last["reason"].as_str(), last["disposition"].as_str()),
        (Some("duplicate"), Some("acknowledge")),
        "{last}"
    );
}

#[test]
fn http_deliveries_handled_before_a_sigkill_are_duplicates_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("inbox.db").display());
    let args = [
        "--spec",
        "specs/commenda",
        "--addr",
        "127.0.0.1:0",
        "--dedup-field",
        "/id",
        "--store",
        &store,
    ];
    let body = r#"{"id":"evt-1","topic":"REGISTRATIONS.NEW.SUCCEEDED","triggered_at":1727284490,"webhook_id":"w-1","organization_id":"o-1","data":{"corporation_id":"c-1","registration_id":"r-1"},"api_version":"v1.0"}"#;
    let json = [("content-type", "application/json")];
    let mut first = Listen::start(&args);
    assert_eq!(first.post("/", &json, body), 200);
    assert_eq!(first.line()["reason"], "handled");
    first.kill();
    let second = Listen::start(&args);
    assert_eq!(second.post("/", &json, body), 200);
    assert_eq!(second.line()["reason"], "duplicate");
}

#[test]
fn a_store_that_cannot_be_opened_stops_listen_at_start_up() {
    let unreachable = format!("postgres://postgres@127.0.0.1:{}/postgres", free_port());
    let missing_dir = "sqlite:/nonexistent-eventbind-dir/inbox.db".to_owned();
    for store in [
        unreachable.as_str(),
        missing_dir.as_str(),
        "redis://127.0.0.1/0",
    ] {
        let output = eventbind(&[
            "listen",
            "--spec",
            "specs/commenda",
            "--addr",
            "127.0.0.1:0",
            "--store",
            store,
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{store}: {stderr}");
        assert!(
            stderr.contains(&format!("--store {store}")),
            "{store}: {stderr}"
        );
        assert!(
            !stderr.contains("eventbind listen: http://"),
            "nothing is served: {stderr}"
        );
    }
}

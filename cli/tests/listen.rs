//! `eventbind listen`, run for real: deliveries over loopback HTTP (and from a
//! moto SQS queue), answers and JSON lines read back.

mod support;

use eventbind_receive::delivery::Headers;
use eventbind_receive::verify::HmacSha256;
use eventbind_test_support::Moto;
use serde_json::Value;
use std::process::Command;
use support::{repo, request, Listen};

const JSON: (&str, &str) = ("content-type", "application/json");

fn commenda(id: &str, topic: &str) -> String {
    format!(
        r#"{{"id":"{id}","topic":"{topic}","triggered_at":1727284490,"webhook_id":"w-1","organization_id":"o-1","data":{{"corporation_id":"c-1","registration_id":"r-1"}},"api_version":"v1.0"}}"#
    )
}

fn sign(header: &str, secret: &str, body: &str) -> String {
    HmacSha256::new(header, secret)
        .sign(&Headers::new(), body.as_bytes())
        .unwrap()
}

#[test]
fn commenda_deliveries_are_verified_routed_deduplicated_and_answered() {
    let listen = Listen::start(&[
        "--spec",
        "specs/commenda",
        "--addr",
        "127.0.0.1:0",
        "--path",
        "/hooks/commenda",
        "--hmac-secret",
        "new-secret",
        "--hmac-secret",
        "old-secret",
        "--hmac-header",
        "x-commenda-signature",
        "--dedup-field",
        "/id",
    ]);
    let deliver = |secret: &str, body: &str| {
        let signature = sign("x-commenda-signature", secret, body);
        listen.post(
            "/hooks/commenda",
            &[JSON, ("x-commenda-signature", &signature)],
            body,
        )
    };
    let good = commenda("evt-1", "REGISTRATIONS.NEW.SUCCEEDED");
    assert_eq!(deliver("new-secret", &good), 200);
    let line = listen.line();
    assert_eq!(line["message"], "RegistrationsNewSucceeded");
    assert_eq!(line["key"], "REGISTRATIONS.NEW.SUCCEEDED");
    assert_eq!(line["valid"], true);
    assert_eq!(line["dedup_key"], "evt-1");
    assert_eq!(line["disposition"], "acknowledge");
    assert_eq!(line["status"], 200);

    // The rotated-out secret still verifies; the same event id is a duplicate.
    assert_eq!(deliver("old-secret", &good), 200);
    let line = listen.line();
    assert_eq!(
        (line["reason"].as_str(), line["dedup_key"].as_str()),
        (Some("duplicate"), Some("evt-1"))
    );

    assert_eq!(deliver("wrong-secret", &good), 401);
    let line = listen.line();
    assert_eq!(
        (line["disposition"].as_str(), line["reason"].as_str()),
        (Some("reject"), Some("unverified"))
    );
    assert_eq!(line["status"], 401);

    let invalid =
        commenda("evt-2", "REGISTRATIONS.NEW.SUCCEEDED").replace("1727284490", "\"soon\"");
    assert_eq!(deliver("new-secret", &invalid), 400);
    let line = listen.line();
    assert_eq!(line["valid"], false);
    assert_eq!(line["class"], "invalid");
    assert_eq!(line["errors"][0]["pointer"], "/triggered_at", "{line}");

    let novel = commenda("evt-3", "FILINGS.SUBMITTED");
    assert_eq!(deliver("new-secret", &novel), 200);
    let line = listen.line();
    assert_eq!(
        (line["class"].as_str(), line["key"].as_str()),
        (Some("unknown"), Some("FILINGS.SUBMITTED"))
    );
    assert_eq!(
        line["raw"],
        novel.as_str(),
        "the unknown event is kept in the line"
    );

    assert_eq!(deliver("new-secret", "{\"topic\": "), 400);
    assert_eq!(listen.line()["errors"][0]["pointer"], "");

    // Refused before the pipeline: no line, the next line is the next delivery's.
    let signature = sign("x-commenda-signature", "new-secret", &good);
    assert_eq!(
        listen.post(
            "/hooks/commenda",
            &[
                ("content-type", "text/plain"),
                ("x-commenda-signature", &signature)
            ],
            &good
        ),
        415
    );
    assert_eq!(
        request(listen.addr.unwrap(), "GET", "/hooks/commenda", &[], ""),
        405
    );
    let last = commenda("evt-4", "NEXUS.THRESHOLD.STATE.ALERT");
    assert_eq!(
        deliver("new-secret", &last),
        400,
        "the nexus alert needs its data"
    );
    assert_eq!(listen.line()["message"], "NexusThresholdStateAlert");
}

#[test]
fn avaza_events_are_named_by_the_path() {
    let listen = Listen::start(&[
        "--spec",
        "specs/avaza",
        "--addr",
        "127.0.0.1:0",
        "--path",
        "/hooks/{event}",
    ]);
    let sample =
        std::fs::read_to_string(repo().join("specs/avaza/captures/timesheet_created.json"))
            .unwrap();
    assert_eq!(
        listen.post("/hooks/timesheet_created", &[JSON], &sample),
        200
    );
    let line = listen.line();
    assert_eq!(
        (line["name"].as_str(), line["message"].as_str()),
        (Some("timesheet_created"), Some("timesheet_created"))
    );
    assert_eq!(line["valid"], true);
    assert!(
        line["dedup_key"].as_str().unwrap().starts_with("sha256:"),
        "{line}"
    );

    assert_eq!(
        listen.post("/hooks/expense_created", &[JSON], "[{\"ExpenseID\":1}]"),
        200
    );
    let line = listen.line();
    assert_eq!(
        (line["class"].as_str(), line["key"].as_str()),
        (Some("unknown"), Some("expense_created"))
    );
}

#[test]
fn vertex_takes_its_signature_header_from_the_spec_and_skips_test_deliveries() {
    let listen = Listen::start(&[
        "--spec",
        "specs/vertex",
        "--addr",
        "127.0.0.1:0",
        "--hmac-secret",
        "vertex-secret",
        "--test-header",
        "vertex-webhook-test",
        "--test-header",
        "vertex-webhooks-test",
        "--dedup-header",
        "idempotency-key",
        "--dedup-field",
        "/eventId",
        "--success-status",
        "202",
    ]);
    let body =
        r#"{"eventId":"c86fcc87-a137-4c37-8d19-17edc7199fef","replayAttempt":0,"retryAttempt":0}"#;
    let signature = sign("vertex-hmac-sha256", "vertex-secret", body);
    let signed = [JSON, ("vertex-hmac-sha256", signature.as_str())];

    let test = [signed[0], signed[1], ("vertex-webhooks-test", "true")];
    assert_eq!(listen.post("/", &test, body), 202);
    let line = listen.line();
    assert_eq!(
        (line["reason"].as_str(), line["status"].as_u64()),
        (Some("test_delivery"), Some(202))
    );

    let keyed = [signed[0], signed[1], ("idempotency-key", "idem-1")];
    assert_eq!(listen.post("/", &keyed, body), 202);
    let line = listen.line();
    assert_eq!(
        (line["message"].as_str(), line["dedup_key"].as_str()),
        (Some("EventDelivery"), Some("idem-1"))
    );
    assert_eq!(line["reason"], "handled");

    assert_eq!(listen.post("/", &signed, body), 202);
    assert_eq!(
        listen.line()["dedup_key"],
        "c86fcc87-a137-4c37-8d19-17edc7199fef"
    );
    assert_eq!(listen.post("/", &[JSON], body), 401);
    assert_eq!(
        listen.line()["detail"],
        "header `vertex-hmac-sha256` is missing"
    );
}

#[test]
fn a_spec_without_a_signature_header_needs_one_given() {
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(repo())
        .args([
            "listen",
            "--spec",
            "specs/commenda",
            "--addr",
            "127.0.0.1:0",
            "--hmac-secret",
            "s",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--hmac-header"));
}

/// Runs Python with `sqs`, a boto3 client for `moto`; its stdout.
fn python(moto: &Moto, script: &str) -> String {
    let program = format!(
        "import boto3, sys\nsqs = boto3.client('sqs', endpoint_url='{}', region_name='us-east-1', \
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
fn certcapture_messages_are_consumed_from_sqs_and_deleted_once_acknowledged() {
    let moto = Moto::start();
    let url = python(&moto,
        "print(sqs.create_queue(QueueName='certcapture', Attributes={'VisibilityTimeout': '1'})['QueueUrl'])",
    );
    python(&moto, &format!(
        "for body in ['{{\"client_id\":1,\"action\":\"add\",\"certificate\":{{\"id\":10}}}}', '{{\"client_id\":1,\"action\":\"remove\",\"customer\":{{\"id\":11}}}}']:\n    sqs.send_message(QueueUrl='{url}', MessageBody=body)"
    ));
    let listen = Listen::start(&[
        "--spec",
        "specs/avalara-certcapture",
        "--sqs-queue-url",
        &url,
        "--sqs-endpoint",
        moto.endpoint(),
    ]);
    let mut lines = [listen.line(), listen.line()];
    lines.sort_by_key(|line| line["valid"].as_bool());
    let (bad, good) = (&lines[0], &lines[1]);
    assert_eq!(
        (good["transport"].as_str(), good["message"].as_str()),
        (Some("sqs"), Some("CertificateChangeNotification"))
    );
    assert_eq!(good["disposition"], "acknowledge");
    assert_eq!(good["status"], Value::Null);
    assert_eq!(
        (bad["class"].as_str(), bad["disposition"].as_str()),
        (Some("invalid"), Some("reject"))
    );
    assert_eq!(bad["errors"][0]["pointer"], "/action", "{bad}");
    // The rejected message comes back after its visibility timeout (for a
    // dead-letter queue to take); the acknowledged one was deleted.
    let again = listen.line();
    assert_eq!(again["dedup_key"], bad["dedup_key"]);
    drop(listen);
    // The killed consumer's long poll may still take the message once
    // more, so look for up to ten seconds.
    let left = python(&moto, &format!(
        "import time\nend = time.time() + 10\nm = []\nwhile not m and time.time() < end:\n    m = sqs.receive_message(QueueUrl='{url}', MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', [])\nprint(len(m), m[0]['Body'] if m else '')"
    ));
    assert!(
        left.starts_with("1 ") && left.contains("\"remove\""),
        "{left}"
    );
}

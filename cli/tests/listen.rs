//! `eventbind listen`, run for real: deliveries over loopback HTTP (and from a
//! moto SQS queue), answers and JSON lines read back.

use eventbind_receive::delivery::Headers;
use eventbind_receive::verify::HmacSha256;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// A running `eventbind listen`, killed on drop.
struct Listen {
    child: Child,
    lines: Receiver<String>,
    /// The HTTP address it bound, when it serves HTTP.
    addr: Option<SocketAddr>,
}

impl Listen {
    /// Starts `eventbind listen ARGS` and waits for it to say where it listens.
    fn start(args: &[&str]) -> Listen {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eventbind"))
            .current_dir(repo())
            .arg("listen")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("eventbind runs");
        let lines = reader(child.stdout.take().unwrap());
        let notes = reader(child.stderr.take().unwrap());
        let mut listen = Listen {
            child,
            lines,
            addr: None,
        };
        let http = args.contains(&"--addr");
        let sqs = args.contains(&"--sqs-queue-url");
        let (mut seen_http, mut seen_sqs) = (!http, !sqs);
        let deadline = Instant::now() + WAIT;
        while !(seen_http && seen_sqs) {
            let left = deadline.saturating_duration_since(Instant::now());
            let note = notes.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "eventbind listen did not start: {:?}",
                    listen.child.try_wait()
                )
            });
            if let Some(rest) = note.strip_prefix("eventbind listen: http://") {
                let addr = rest.split('/').next().unwrap();
                listen.addr = Some(addr.parse().unwrap());
                seen_http = true;
            } else if note.starts_with("eventbind listen: sqs ") {
                seen_sqs = true;
            }
        }
        listen
    }

    /// The next JSON line, within the wait limit.
    fn line(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(WAIT)
            .expect("a JSON line per delivery");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
        request(
            self.addr.expect("an HTTP address"),
            "POST",
            path,
            headers,
            body,
        )
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines of a child's output on a channel, read by a thread that keeps
/// reading after the channel is dropped (a closed pipe would fail the child's
/// writes).
fn reader(output: impl Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { return };
            let _ = send.send(line);
        }
    });
    receive
}

/// One HTTP/1.1 request over a plain socket; the status code answered.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> u16 {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let status = answer.split(' ').nth(1).unwrap_or_default();
    status
        .parse()
        .unwrap_or_else(|_| panic!("no status in {answer:?}"))
}

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

/// A moto server on a free loopback port, killed on drop.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let import = Command::new("python3")
            .args(["-c", "import moto.server, boto3"])
            .output();
        assert!(
            import.as_ref().is_ok_and(|o| o.status.success()),
            "moto is not installed (python3 -c 'import moto.server, boto3' failed); run `bash scripts/install-test-deps.sh`"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto starts");
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline || matches!(child.try_wait(), Ok(Some(_))) {
                let _ = child.kill();
                panic!("moto did not answer on {address}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            endpoint: format!("http://{address}"),
        }
    }

    /// Runs Python with `sqs`, a boto3 client for this server; its stdout.
    fn python(&self, script: &str) -> String {
        let program = format!(
            "import boto3, sys\nsqs = boto3.client('sqs', endpoint_url='{}', region_name='us-east-1', \
             aws_access_key_id='test', aws_secret_access_key='test')\n{script}",
            self.endpoint
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
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn certcapture_messages_are_consumed_from_sqs_and_deleted_once_acknowledged() {
    let moto = Moto::start();
    let url = moto.python(
        "print(sqs.create_queue(QueueName='certcapture', Attributes={'VisibilityTimeout': '1'})['QueueUrl'])",
    );
    moto.python(&format!(
        "for body in ['{{\"client_id\":1,\"action\":\"add\",\"certificate\":{{\"id\":10}}}}', '{{\"client_id\":1,\"action\":\"remove\",\"customer\":{{\"id\":11}}}}']:\n    sqs.send_message(QueueUrl='{url}', MessageBody=body)"
    ));
    let listen = Listen::start(&[
        "--spec",
        "specs/avalara-certcapture",
        "--sqs-queue-url",
        &url,
        "--sqs-endpoint",
        &moto.endpoint,
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
    let left = moto.python(&format!(
        "import time\nend = time.time() + 10\nm = []\nwhile not m and time.time() < end:\n    m = sqs.receive_message(QueueUrl='{url}', MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', [])\nprint(len(m), m[0]['Body'] if m else '')"
    ));
    assert!(
        left.starts_with("1 ") && left.contains("\"remove\""),
        "{left}"
    );
}

//! `eventbind serve`, run for real: three HTTP routes (Commenda, Vertex,
//! Avaza) and the CertCapture queue on a moto server, every spec example
//! forwarded as a CloudEvent to an HTTP sink (a small server here) and a
//! JSON Lines file; then 5,000 deliveries with the HTTP sink down for the
//! first half and `serve` SIGKILLed and restarted mid-run.

use eventbind_receive::delivery::Headers;
use eventbind_receive::verify::HmacSha256;
use eventbind_test_support::Moto;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "vertex-secret";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// One acknowledged request: its headers and body.
type Acked = (HashMap<String, String>, String);

/// The HTTP sink: records each request's headers and body; answers 503
/// while `down`, else 200.
#[derive(Clone, Default)]
struct SinkServer {
    down: Arc<AtomicBool>,
    /// Acknowledged events: (headers, body).
    acked: Arc<Mutex<Vec<Acked>>>,
    refused: Arc<AtomicUsize>,
}

impl SinkServer {
    fn start() -> (SinkServer, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let sink = SinkServer::default();
        let shared = sink.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sink = shared.clone();
                std::thread::spawn(move || sink.connection(stream));
            }
        });
        (sink, addr)
    }

    /// Keep-alive requests on one connection until the client closes it.
    fn connection(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut stream = stream;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let mut headers = HashMap::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                }
            }
            let length: usize = headers
                .get("content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            let status = if self.down.load(Ordering::SeqCst) {
                self.refused.fetch_add(1, Ordering::SeqCst);
                "503 Service Unavailable"
            } else {
                // Recorded before the answer: an ack the test saw.
                self.acked
                    .lock()
                    .unwrap()
                    .push((headers, String::from_utf8(body).unwrap()));
                "200 OK"
            };
            let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n");
            if stream.write_all(answer.as_bytes()).is_err() {
                return;
            }
        }
    }

    fn events(&self) -> Vec<Value> {
        self.acked
            .lock()
            .unwrap()
            .iter()
            .map(|(_, body)| serde_json::from_str(body).unwrap())
            .collect()
    }
}

/// A running `eventbind serve`.
struct Serve {
    child: Child,
    addr: Option<SocketAddr>,
    /// What it logged after starting, for a failure to show.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Serve {
    fn start(config: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eventbind"))
            .args(["serve", "--log-format", "json", "--config"])
            .arg(config)
            .env("VERTEX_HMAC_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("eventbind runs");
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (lines, notes) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    return;
                }
            }
        });
        let mut addr = None;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let note: String = notes
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("serve did not start: {:?}", child.try_wait()));
            if let Some(rest) = note.strip_prefix("eventbind serve: http://") {
                addr = Some(rest.trim().parse().unwrap());
            }
            if note == "eventbind serve: ready" {
                break;
            }
        }
        // Keep draining stderr so the process never blocks on a full pipe,
        // keeping the last lines for a failure to show.
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            while let Ok(line) = notes.recv() {
                let mut kept = kept.lock().unwrap();
                if kept.len() == 200 {
                    kept.remove(0);
                }
                kept.push(line);
            }
        });
        Serve { child, addr, log }
    }

    /// The last lines it logged.
    fn log_tail(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    fn addr(&self) -> SocketAddr {
        self.addr.expect("serve has an HTTP listener")
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn terminate(mut self) -> i32 {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One HTTP request on its own connection; the status, or `None` when the
/// connection failed (serve not up).
fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    (status, answer.split_once("\r\n\r\n").unwrap().1.to_owned())
}

fn python(moto: &Moto, script: &str) -> String {
    let program = format!(
        "import boto3, sys, json\nsqs = boto3.client('sqs', endpoint_url='{}', region_name='us-east-1', \
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

/// Each message's example payloads in a spec folder.
fn examples(spec: &str) -> Vec<(String, Value)> {
    let loaded = eventbind_codegen::load(&repo().join("specs").join(spec)).unwrap();
    loaded
        .catalog
        .messages
        .iter()
        .flat_map(|m| {
            m.examples
                .iter()
                .filter_map(|e| e.payload.clone())
                .map(|p| (m.name.clone(), p))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn config(
    dir: &Path,
    addr: &str,
    sink: SocketAddr,
    queue: Option<&str>,
    moto: Option<&str>,
    extra: &str,
) -> PathBuf {
    let specs = repo().join("specs");
    let mut text = format!(
        r#"
[server]
addr = "{addr}"
read_timeout_seconds = 2

[store]
url = "sqlite:serve.db"
lease_seconds = 2

[[route]]
name = "commenda"
spec = "{specs}/commenda"
path = "/hooks/commenda"
verify = {{ kind = "none" }}
dedup = {{ fields = ["/id"] }}
body_limit = 65536

[[route]]
name = "vertex"
spec = "{specs}/vertex"
path = "/hooks/vertex"
verify = {{ kind = "hmac", header = "vertex-hmac-sha256", secret_env = "VERTEX_HMAC_SECRET" }}
dedup = {{ headers = ["idempotency-key"], fields = ["/eventId"] }}
test_header = ["vertex-webhook-test", "vertex-webhooks-test"]
methods = ["POST", "PUT", "PATCH"]
success_status = 202

[[route]]
name = "avaza"
spec = "{specs}/avaza"
path = "/hooks/avaza/{{event}}"
verify = {{ kind = "none" }}
forward_invalid = true

[[sink]]
name = "http"
kind = "http"
url = "http://{sink}/events"
max_attempts = 1000
backoff_initial_ms = 20
backoff_max_ms = 300
concurrency = 32

[[sink]]
name = "file"
kind = "jsonl"
path = "events.jsonl"
{extra}
"#,
        specs = specs.display()
    );
    if let (Some(queue), Some(endpoint)) = (queue, moto) {
        text.push_str(&format!(
            r#"
[[route]]
name = "certcapture"
spec = "{specs}/avalara-certcapture"
sqs_queue_url = "{queue}"
sqs_endpoint = "{endpoint}"
verify = {{ kind = "none" }}
"#,
            specs = specs.display()
        ));
    }
    let file = dir.join("serve.toml");
    std::fs::write(&file, text).unwrap();
    file
}

fn jsonl(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("events.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn every_vendor_example_is_forwarded_as_a_cloudevent_to_http_and_jsonl() {
    let moto = Moto::start();
    // A short visibility timeout: a delivery serve answered retry-later
    // (a slow first start) comes back in seconds, not SQS's default 30.
    let queue = python(
        &moto,
        "print(sqs.create_queue(QueueName='certcapture', \
         Attributes={'VisibilityTimeout': '2'})['QueueUrl'])",
    );
    let out_queue = python(
        &moto,
        "print(sqs.create_queue(QueueName='events-out')['QueueUrl'])",
    );
    let (binary, binary_addr) = SinkServer::start();
    let (sink, sink_addr) = SinkServer::start();
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        "127.0.0.1:0",
        sink_addr,
        Some(&queue),
        Some(moto.endpoint()),
        &format!(
            r#"
[[sink]]
name = "binary"
kind = "http"
mode = "binary"
url = "http://{binary_addr}/events"

[[sink]]
name = "queue"
kind = "sqs"
queue_url = "{out_queue}"
endpoint = "{}"
# A send that fails (moto answering slowly at first) is retried soon, not
# after the default backoff of up to a minute.
max_attempts = 1000
backoff_initial_ms = 20
backoff_max_ms = 300
"#,
            moto.endpoint()
        ),
    );
    let serve = Serve::start(&file);
    let addr = serve.addr();
    let json = ("content-type", "application/json");

    // (route, spec, message, payload) expected out.
    let mut expected: Vec<(&str, &str, String, Value)> = Vec::new();
    for (n, (message, mut payload)) in examples("commenda").into_iter().enumerate() {
        // The docs' examples all share one id; each is its own event here.
        payload["id"] = json!(format!("commenda-{n}"));
        let body = payload.to_string();
        assert_eq!(
            send(addr, "POST", "/hooks/commenda", &[json], body.as_bytes()),
            Some(200),
            "{message}"
        );
        expected.push(("commenda", "commenda", message, payload));
    }
    for (n, (message, payload)) in examples("vertex").into_iter().enumerate() {
        let body = payload.to_string();
        let signature = HmacSha256::new("vertex-hmac-sha256", SECRET)
            .sign(&Headers::new(), body.as_bytes())
            .unwrap();
        let key = format!("vertex-{n}");
        let headers = [
            json,
            ("vertex-hmac-sha256", &signature),
            ("idempotency-key", &key),
        ];
        assert_eq!(
            send(addr, "PUT", "/hooks/vertex", &headers, body.as_bytes()),
            Some(202),
            "{message}"
        );
        expected.push(("vertex", "vertex", message, payload));
    }
    for (message, payload) in examples("avaza") {
        let body = payload.to_string();
        let path = format!("/hooks/avaza/{message}");
        assert_eq!(
            send(addr, "POST", &path, &[json], body.as_bytes()),
            Some(200),
            "{message}"
        );
        expected.push(("avaza", "avaza", message, payload));
    }
    for (message, payload) in examples("avalara-certcapture") {
        python(
            &moto,
            &format!(
                "sqs.send_message(QueueUrl='{queue}', MessageBody=json.dumps({}))",
                payload
            ),
        );
        expected.push(("certcapture", "avalara-certcapture", message, payload));
    }
    assert!(expected.len() > 10, "{}", expected.len());

    // Bad input: each answered as it should be, none forwarded.
    let signed_empty = HmacSha256::new("vertex-hmac-sha256", "wrong")
        .sign(&Headers::new(), b"{}")
        .unwrap();
    assert_eq!(send(addr, "POST", "/nowhere", &[json], b"{}"), Some(404));
    assert_eq!(send(addr, "GET", "/hooks/commenda", &[], b""), Some(405));
    assert_eq!(
        send(
            addr,
            "POST",
            "/hooks/commenda",
            &[("content-type", "text/plain")],
            b"{}"
        ),
        Some(415)
    );
    let big = vec![b' '; 70_000];
    assert_eq!(
        send(addr, "POST", "/hooks/commenda", &[json], &big),
        Some(413)
    );
    assert_eq!(
        send(
            addr,
            "POST",
            "/hooks/vertex",
            &[json, ("vertex-hmac-sha256", &signed_empty)],
            b"{}"
        ),
        Some(401)
    );
    assert_eq!(
        send(addr, "POST", "/hooks/commenda", &[json], b"{not json"),
        Some(400)
    );
    let test_delivery = HmacSha256::new("vertex-hmac-sha256", SECRET)
        .sign(&Headers::new(), b"{}")
        .unwrap();
    assert_eq!(
        send(
            addr,
            "POST",
            "/hooks/vertex",
            &[
                json,
                ("vertex-hmac-sha256", &test_delivery),
                ("vertex-webhook-test", "true")
            ],
            b"{}"
        ),
        Some(202)
    );
    // An Avaza event the spec does not name is unknown, and forwarded as such.
    assert_eq!(
        send(
            addr,
            "POST",
            "/hooks/avaza/widget_created",
            &[json],
            b"[{\"WidgetID\":1}]"
        ),
        Some(200)
    );

    let want = expected.len() + 1;
    // A guard against a hang, not a timing assertion: on a timeout it says
    // what is missing where, and what serve logged.
    let deadline = Instant::now() + Duration::from_secs(120);
    while sink.events().len() < want || jsonl(dir.path()).len() < want {
        if Instant::now() > deadline {
            let missing = |events: &[Value]| -> Vec<String> {
                (expected.iter())
                    .filter(|(route, _, _, payload)| {
                        !events.iter().any(|e| {
                            e["source"] == format!("/routes/{route}") && e["data"] == *payload
                        })
                    })
                    .map(|(route, _, message, _)| format!("{route} {message}"))
                    .collect()
            };
            panic!(
                "timed out waiting for every event at both sinks ({want} each): http has {}, \
                 missing {:?}; jsonl has {}, missing {:?}\nserve logged:\n{}",
                sink.events().len(),
                missing(&sink.events()),
                jsonl(dir.path()).len(),
                missing(&jsonl(dir.path())),
                serve.log_tail()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let http = sink.events();
    let file_events = jsonl(dir.path());
    assert_eq!(http.len(), want, "{http:#?}");
    assert_eq!(file_events.len(), want);
    for events in [&http, &file_events] {
        for (route, spec, message, payload) in &expected {
            let found = events
                .iter()
                .find(|e| e["source"] == format!("/routes/{route}") && e["data"] == *payload)
                .unwrap_or_else(|| panic!("{route} {message} not forwarded"));
            assert_eq!(found["specversion"], "1.0");
            assert_eq!(found["type"], format!("{spec}.{message}"));
            assert_eq!(found["eventbindclass"], "typed", "{found}");
            assert!(
                found["datacontenttype"].as_str().unwrap().contains("json"),
                "{found}"
            );
            let time = found["time"].as_str().unwrap();
            chrono::DateTime::parse_from_rfc3339(time).unwrap();
            let schema = found["dataschema"].as_str().unwrap();
            let schema_file = schema.strip_prefix("file://").unwrap();
            assert!(
                schema_file.ends_with(&format!("generated/{spec}/schemas/{message}.json")),
                "{schema}"
            );
            assert!(Path::new(schema_file).is_file(), "{schema}");
            assert!(!found["id"].as_str().unwrap().is_empty());
        }
        let unknown = events
            .iter()
            .find(|e| e["type"] == "avaza.unknown")
            .expect("the unknown Avaza event");
        assert_eq!(unknown["eventbindclass"], "unknown");
        assert_eq!(unknown["data"], json!([{"WidgetID": 1}]));
        assert!(unknown.get("dataschema").is_none());
    }
    // Commenda's and Vertex's ids are their dedup keys.
    assert!(http.iter().any(|e| e["id"] == "commenda-0"));
    assert!(http.iter().any(|e| e["id"] == "vertex-0"));
    let ids: HashSet<&str> = http.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), http.len(), "no event twice");
    // Binary mode: attributes as ce- headers, the body as received.
    wait_until(
        "every event at the binary sink",
        Duration::from_secs(60),
        || binary.acked.lock().unwrap().len() >= want,
    );
    {
        let acked = binary.acked.lock().unwrap();
        let (headers, body) = acked
            .iter()
            .find(|(h, _)| h.get("ce-id").map(String::as_str) == Some("commenda-0"))
            .expect("commenda-0 in binary mode");
        assert_eq!(headers["ce-specversion"], "1.0");
        assert_eq!(headers["ce-source"], "/routes/commenda");
        assert!(headers["ce-type"].starts_with("commenda."), "{headers:?}");
        assert_eq!(headers["ce-eventbindclass"], "typed");
        assert!(
            headers["ce-dataschema"].starts_with("file://"),
            "{headers:?}"
        );
        assert_eq!(headers["content-type"], "application/json");
        let data: Value = serde_json::from_str(body).unwrap();
        assert_eq!(data["id"], "commenda-0");
    }
    // The SQS sink: every event a structured CloudEvent message on the queue.
    let received = python(
        &moto,
        &format!(
            "import time\nids = set()\nend = time.time() + 30\nwhile len(ids) < {want} and time.time() < end:\n    for m in sqs.receive_message(QueueUrl='{out_queue}', MaxNumberOfMessages=10, WaitTimeSeconds=1).get('Messages', []):\n        e = json.loads(m['Body'])\n        assert e['specversion'] == '1.0'\n        ids.add(e['id'])\n        sqs.delete_message(QueueUrl='{out_queue}', ReceiptHandle=m['ReceiptHandle'])\nprint(len(ids))"
        ),
    );
    assert_eq!(received, want.to_string(), "events on the SQS sink");
    let content_type = &sink.acked.lock().unwrap()[0].0["content-type"];
    assert!(
        content_type.starts_with("application/cloudevents+json"),
        "{content_type}"
    );

    // Operations endpoints.
    assert_eq!(get(addr, "/healthz").0, 200);
    assert_eq!(get(addr, "/readyz").0, 200);
    let (status, metrics) = get(addr, "/metrics");
    assert_eq!(status, 200);
    assert!(metrics.contains("eventbind_deliveries_total{route=\"commenda\",message=\"NexusThresholdStateAlert\",class=\"typed\",status=\"200\"}"), "{metrics}");
    assert!(
        metrics.contains("eventbind_forwarded_total{sink=\"http\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("eventbind_store_write_seconds_count"),
        "{metrics}"
    );

    // An idle client is cut off after the read timeout: the connection ends.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    idle.write_all(b"POST /hooks/commenda HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n{").unwrap();
    let mut answer = String::new();
    let _ = idle.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");

    assert_eq!(serve.terminate(), 0, "SIGTERM stops serve with exit 0");
}

/// Sends delivery `i` (a Commenda event of its own id) until it is
/// answered 2xx, riding out a sink outage, a killed `serve` and the lease
/// its claims hold after that.
fn deliver_until_accepted(addr: SocketAddr, i: usize) {
    let body = format!(
        r#"{{"id":"evt-{i}","topic":"REGISTRATIONS.NEW.SUCCEEDED","triggered_at":1727284490,"webhook_id":"w-1","organization_id":"o-1","data":{{"corporation_id":"c-1","registration_id":"r-{i}"}},"api_version":"v1.0"}}"#
    );
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match send(
            addr,
            "POST",
            "/hooks/commenda",
            &[("content-type", "application/json")],
            body.as_bytes(),
        ) {
            Some(200) => return,
            Some(503) | None => std::thread::sleep(Duration::from_millis(25)),
            Some(other) => panic!("delivery {i} answered {other}"),
        }
        assert!(Instant::now() < deadline, "delivery {i} never accepted");
    }
}

#[test]
fn a_sink_outage_and_a_sigkill_lose_no_event_and_duplicate_none_acknowledged() {
    const TOTAL: usize = 5_000;
    const SENDERS: usize = 24;
    let (sink, sink_addr) = SinkServer::start();
    sink.down.store(true, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let port = eventbind_test_support::free_port();
    let file = config(
        dir.path(),
        &format!("127.0.0.1:{port}"),
        sink_addr,
        None,
        None,
        "",
    );
    let mut serve = Some(Serve::start(&file));
    let addr = serve.as_ref().unwrap().addr();

    let accepted = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (accepted, next) = (Arc::clone(&accepted), Arc::clone(&next));
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= TOTAL {
                    return;
                }
                deliver_until_accepted(addr, i);
                accepted.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();

    // The sink is down for the first half.
    wait_until("half the deliveries", Duration::from_secs(60), || {
        accepted.load(Ordering::SeqCst) >= TOTAL / 2
    });
    assert_eq!(
        sink.acked.lock().unwrap().len(),
        0,
        "nothing acknowledged while down"
    );
    assert!(
        sink.refused.load(Ordering::SeqCst) > 0,
        "the forwarder tried the sink while it was down"
    );
    sink.down.store(false, Ordering::SeqCst);

    // Killed while receiving and forwarding, then started again on the same store.
    wait_until("forwarding under way", Duration::from_secs(60), || {
        sink.acked.lock().unwrap().len() >= TOTAL / 4
            && accepted.load(Ordering::SeqCst) >= TOTAL * 7 / 10
    });
    serve.as_mut().unwrap().kill();
    let acked_before_kill = sink.acked.lock().unwrap().len();
    serve = Some(Serve::start(&file));

    for sender in senders {
        sender.join().unwrap();
    }
    assert_eq!(accepted.load(Ordering::SeqCst), TOTAL);
    let all: HashSet<String> = (0..TOTAL).map(|i| format!("evt-{i}")).collect();
    let acked_ids = || -> HashSet<String> {
        sink.events()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    wait_until(
        "every accepted delivery at the sink",
        Duration::from_secs(60),
        || acked_ids().is_superset(&all),
    );

    // Let any retry still due run, then count.
    std::thread::sleep(Duration::from_millis(500));
    let events = sink.events();
    let mut first_ack: HashMap<String, usize> = HashMap::new();
    let mut repeats = Vec::new();
    for (n, event) in events.iter().enumerate() {
        let id = event["id"].as_str().unwrap().to_owned();
        assert_eq!(event["type"], "commenda.RegistrationsNewSucceeded");
        match first_ack.get(&id) {
            None => {
                first_ack.insert(id, n);
            }
            Some(&first) => repeats.push((id, first)),
        }
    }
    // An event the sink acknowledged is sent again only if the kill came
    // between that acknowledgement and its `done` write: at most the batch
    // in flight then (the sink's concurrency, 32), all acknowledged before it.
    for (id, first) in &repeats {
        assert!(
            *first < acked_before_kill,
            "{id} sent twice after the restart acknowledged it"
        );
    }
    assert!(
        repeats.len() <= 32,
        "{} repeats: {repeats:?}",
        repeats.len()
    );
    assert_eq!(first_ack.len(), TOTAL);
    // The file sink forwards on its own cursor (each batch synced to disk), so
    // it may still be catching up: every event must reach it all the same.
    let file_ids = || -> HashSet<String> {
        jsonl(dir.path())
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    wait_until(
        "every accepted delivery in the JSON Lines file",
        Duration::from_secs(60),
        || file_ids().is_superset(&all),
    );
    assert_eq!(file_ids(), all, "the JSON Lines sink has every event too");
    assert_eq!(serve.take().unwrap().terminate(), 0);
}

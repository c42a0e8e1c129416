//! `eventbind capture`, the real binary receiving real HTTP deliveries over
//! loopback: files with the exact body bytes, written before the answer;
//! 413 for oversize bodies; redaction; naming; clean stops on signals. And
//! the checked-in captures: one per spec example.

use eventbind::capture::CaptureFile;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A running `eventbind capture`, killed when dropped (so a failing test
/// never leaves it behind).
struct Capturing {
    child: Child,
    lines: Receiver<String>,
    base: String,
}

impl Drop for Capturing {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free a moment ago (the OS picks it; the binary then binds it).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn start(out: &Path, extra: &[&str]) -> Capturing {
    let listen = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args(["capture", "--listen", &listen, "--out"])
        .arg(out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("eventbind runs");
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut receiver = Capturing {
        child,
        lines,
        base: format!("http://{listen}"),
    };
    let first = receiver.line();
    assert!(
        first.starts_with(&format!("listening on http://{listen}")),
        "{first}"
    );
    receiver
}

impl Capturing {
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(WAIT) {
            Ok(line) => line,
            Err(_) => {
                let _ = self.child.kill();
                let mut stderr = String::new();
                if let Some(mut pipe) = self.child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                panic!("no line from the receiver in time; stderr: {stderr}");
            }
        }
    }

    /// Sends `signal` and waits (bounded) for a clean exit; returns stderr.
    fn stop_with(mut self, signal: &str) -> String {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + WAIT;
        let exit = loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                break exit;
            }
            assert!(
                Instant::now() < deadline,
                "receiver did not stop on {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(exit.success(), "exit {exit:?} on {signal}: {stderr}");
        stderr
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(WAIT))
            .build(),
    )
}

/// Reads a capture file (path from a `saved PATH (…)` line).
fn saved(line: &str) -> (PathBuf, CaptureFile) {
    let path = line
        .strip_prefix("saved ")
        .and_then(|rest| rest.split(" (").next())
        .unwrap_or_else(|| panic!("not a saved line: {line}"));
    let bytes = std::fs::read(path).unwrap();
    let capture = CaptureFile::parse(&bytes).unwrap().expect("a capture file");
    (PathBuf::from(path), capture)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn deliveries_are_written_with_their_exact_bytes_before_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("captures");
    let mut receiver = start(&out, &[]);
    let agent = agent();
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        // JSON as sent: 4.0000, escapes, key order, odd spacing.
        (
            "timesheet_created",
            br#"[{"Duration":4.0000,  "b":"\u00e9\n","a":1e3}]"#.to_vec(),
        ),
        // JSON with a trailing newline: exact bytes need body_base64.
        ("invoice_sent", b"{\"x\": null}\n".to_vec()),
        // Not JSON at all: every byte value.
        ("binary", (0..=255u8).collect()),
        ("null", b"null".to_vec()),
    ];
    for (event, body) in &bodies {
        let url = format!("{}/hooks/{event}?a=1&b=two", receiver.base);
        let response = agent
            .put(&url)
            .header("content-type", "application/json")
            .send(&body[..])
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        // Answered 200, so the file is already on disk: read it at once.
        let line = receiver.line();
        let (path, capture) = saved(&line);
        assert_eq!(
            path.file_name().unwrap().to_string_lossy(),
            format!("{event}-1.json")
        );
        assert_eq!(&capture.exact_body().unwrap(), body, "{event}");
        assert_eq!(capture.event.as_deref(), Some(*event));
        assert_eq!(capture.method.as_deref(), Some("PUT"));
        assert_eq!(capture.path.as_deref(), Some(&*format!("/hooks/{event}")));
        assert_eq!(capture.query.as_deref(), Some("a=1&b=two"));
        let is_json = serde_json::from_slice::<Value>(body).is_ok();
        assert_eq!(
            capture.body.is_some(),
            is_json,
            "{event}: body kept as JSON"
        );
        if let Some(raw) = &capture.body {
            // The JSON is embedded verbatim, not re-serialised.
            assert_eq!(raw.get().as_bytes(), body.trim_ascii());
        }
    }
    // Any method, any path; a second delivery of an event gets the next counter.
    let response = agent
        .get(format!("{}/hooks/binary", receiver.base))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let (path, capture) = saved(&receiver.line());
    assert!(path.ends_with("binary-2.json"), "{}", path.display());
    assert_eq!(capture.method.as_deref(), Some("GET"));
    assert!(capture.exact_body().unwrap().is_empty());
    let stderr = receiver.stop_with("-INT");
    assert!(stderr.contains("5 deliveries saved"), "{stderr}");
    // No temporary file is left behind.
    assert!(
        files_in(&out).iter().all(|f| f.ends_with(".json")),
        "{:?}",
        files_in(&out)
    );
}

#[test]
fn oversize_bodies_are_refused_with_413_and_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("captures");
    let mut receiver = start(&out, &["--max-body", "1024"]);
    let agent = agent();
    let at_limit = agent
        .post(format!("{}/ok", receiver.base))
        .send(&vec![b'a'; 1024][..])
        .unwrap();
    assert_eq!(at_limit.status().as_u16(), 200);
    assert!(receiver.line().starts_with("saved "));
    // Announced by Content-Length: refused before reading.
    let over = agent
        .post(format!("{}/big", receiver.base))
        .send(&vec![b'a'; 1025][..])
        .unwrap();
    assert_eq!(over.status().as_u16(), 413);
    // Chunked (no length announced): refused once the count passes the limit.
    let address = receiver.base.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let chunk = "b".repeat(700);
    let request = format!(
        "POST /chunked HTTP/1.1\r\nHost: {address}\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n{len:x}\r\n{chunk}\r\n{len:x}\r\n{chunk}\r\n0\r\n\r\n",
        len = chunk.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    receiver.stop_with("-TERM");
    assert_eq!(files_in(&out), vec!["ok-1.json".to_string()]);
}

#[test]
fn secrets_are_redacted_unless_kept() {
    let secret_headers = [
        ("Authorization", "Bearer abc"),
        ("Cookie", "session=abc"),
        ("vertex-hmac-sha256", "c2lnbmF0dXJl"),
        ("X-Hub-Signature-256", "sha256=abc"),
        ("X-Webhook-Secret", "abc"),
        ("X-Api-Token", "abc"),
    ];
    for keep in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("captures");
        let args: &[&str] = if keep { &["--keep-secrets"] } else { &[] };
        let mut receiver = start(&out, args);
        let mut request = agent()
            .post(format!("{}/e?token=abc&page=2", receiver.base))
            .header("idempotency-key", "k-1");
        for (name, value) in secret_headers {
            request = request.header(name, value);
        }
        assert_eq!(request.send("{}").unwrap().status().as_u16(), 200);
        let (path, capture) = saved(&receiver.line());
        let text = std::fs::read_to_string(&path).unwrap();
        let header = |name: &str| {
            capture
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        for (name, value) in secret_headers {
            let expected = if keep { value } else { "[redacted]" };
            assert_eq!(
                header(name).as_deref(),
                Some(expected),
                "{name} keep={keep}"
            );
        }
        assert_eq!(header("idempotency-key").as_deref(), Some("k-1"));
        let query = if keep {
            "token=abc&page=2"
        } else {
            "token=[redacted]&page=2"
        };
        assert_eq!(capture.query.as_deref(), Some(query));
        if !keep {
            assert!(!text.contains("abc"), "a secret leaked: {text}");
        }
        receiver.stop_with("-INT");
    }
}

#[test]
fn events_are_named_from_a_header_or_a_body_field_and_counted_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("captures");
    // A file from an earlier run: numbering continues after it.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("NEXUS.THRESHOLD.STATE.ALERT-7.json"), "{}").unwrap();
    let mut receiver = start(&out, &["--name-from", "field:/topic"]);
    for _ in 0..2 {
        let body = r#"{"topic": "NEXUS.THRESHOLD.STATE.ALERT"}"#;
        let response = agent()
            .post(format!("{}/c", receiver.base))
            .send(body)
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        receiver.line();
    }
    let response = agent()
        .post(format!("{}/c", receiver.base))
        .send(r#"{"topic": "../../x"}"#)
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    receiver.line();
    receiver.stop_with("-INT");

    let mut receiver = start(&out, &["--name-from", "header:X-Event"]);
    let response = agent()
        .post(format!("{}/c", receiver.base))
        .header("x-event", "invoice_sent")
        .send("[]")
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    receiver.line();
    let response = agent()
        .post(format!("{}/c", receiver.base))
        .send("[]")
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    receiver.line();
    receiver.stop_with("-INT");
    assert_eq!(
        files_in(&out),
        [
            "NEXUS.THRESHOLD.STATE.ALERT-7.json",
            "NEXUS.THRESHOLD.STATE.ALERT-8.json",
            "NEXUS.THRESHOLD.STATE.ALERT-9.json",
            "_._.._x-1.json",
            "invoice_sent-1.json",
            "unnamed-1.json",
        ]
    );
}

#[test]
fn a_bad_name_source_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args([
            "capture",
            "--listen",
            "127.0.0.1:0",
            "--out",
            "x",
            "--name-from",
            "query",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("header:NAME"));
}

/// The repository root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn every_spec_example_has_a_capture_file() {
    for vendor in ["avalara-certcapture", "avaza", "commenda", "vertex"] {
        let spec = repo().join("specs").join(vendor);
        let loaded = eventbind_codegen::load(&spec).unwrap();
        let captures: Vec<Value> = eventbind::capture::json_files(&[spec.join("captures")])
            .unwrap()
            .iter()
            .filter_map(|file| {
                let bytes = std::fs::read(file).unwrap();
                let capture = CaptureFile::parse(&bytes).unwrap()?;
                Some(serde_json::from_slice(&capture.body_for_reading().unwrap()).unwrap())
            })
            .collect();
        let mut examples = 0;
        for message in &loaded.catalog.messages {
            for example in &message.examples {
                let Some(payload) = &example.payload else {
                    continue;
                };
                examples += 1;
                assert!(
                    captures.contains(payload),
                    "{vendor} {} example {:?} has no capture file",
                    message.name,
                    example.name
                );
            }
        }
        assert!(examples > 0, "{vendor} has no examples");
        assert_eq!(
            captures.len(),
            examples,
            "{vendor}: one capture per example"
        );
    }
}

//! `eventbind listen` as a real process, and a plain-socket HTTP client.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(20);

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// A running `eventbind listen`, killed on drop.
pub struct Listen {
    pub child: Child,
    lines: Receiver<String>,
    /// The HTTP address it bound, when it serves HTTP.
    pub addr: Option<SocketAddr>,
}

impl Listen {
    /// Starts `eventbind listen ARGS` and waits for it to say where it listens.
    pub fn start(args: &[&str]) -> Listen {
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
    pub fn line(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(WAIT)
            .expect("a JSON line per delivery");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
        request(
            self.addr.expect("an HTTP address"),
            "POST",
            path,
            headers,
            body,
        )
    }
}

impl Listen {
    /// SIGKILL, and reap: nothing of it runs on.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
pub fn request(
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

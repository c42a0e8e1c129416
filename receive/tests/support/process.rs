//! The testbed receiver as a real process, and a client that tolerates it
//! being killed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::Duration;

/// A running `eventbind-receive-testbed`, SIGKILLed on drop.
pub struct Testbed {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Testbed {
    /// Starts it on `store`, appending handled keys to `log`; `extra` are
    /// more flags (`--lease-ms`, `--recover-ms`, `--work-ms`).
    pub fn start(store: &str, log: &Path, extra: &[&str]) -> Testbed {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eventbind-receive-testbed"))
            .args(["--store", store, "--log"])
            .arg(log)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the testbed starts");
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                let _ = send.send(line);
            }
        });
        let addr = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("the testbed did not start: {:?}", child.try_wait()));
            if let Some(addr) = line.strip_prefix("listening http://") {
                break addr.parse().expect("an address");
            }
        };
        Testbed { child, addr }
    }

    /// SIGKILL, and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        self.kill();
    }
}

/// POSTs a JSON `body`; the status, or `None` when the receiver is gone (or
/// goes) before answering.
pub fn try_post(addr: SocketAddr, body: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

/// How many times each key appears in the handler log at `path`.
pub fn runs(path: &Path) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        *counts.entry(line.to_owned()).or_insert(0) += 1;
    }
    counts
}

/// A small pseudo-random number below `bound` (no rand crate needed: the
/// clock's nanoseconds, mixed).
pub fn random_below(bound: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x % bound.max(1)
}

//! `serve` against `listen` over the same deliveries, side by side in one
//! run: deliveries per second and the 99th-percentile answer time, both on
//! a SQLite store, Commenda events over loopback HTTP from 16 senders.
//! `serve` does more per delivery (an outbox row per sink, then forwarding
//! to a JSON Lines file), which is what the comparison shows the cost of.
//!
//! Run: `cargo bench -p eventbind --bench serve` (`SERVE_BENCH_N` deliveries, default 2,000).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SENDERS: usize = 16;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Starts the binary with `args`, waits for the line naming its HTTP address.
fn start(args: &[String], prefix: &str) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(repo())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("eventbind runs");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("a start-up line").unwrap();
        if let Some(rest) = line.strip_prefix(prefix) {
            break rest.split('/').next().unwrap().trim().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

fn post(addr: SocketAddr, path: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Sends `n` deliveries from `SENDERS` threads; (deliveries/s, p99).
fn run(addr: SocketAddr, path: &'static str, n: usize, tag: &'static str) -> (f64, Duration) {
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let started = Instant::now();
    let threads: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (next, latencies) = (Arc::clone(&next), Arc::clone(&latencies));
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    return;
                }
                let body = format!(
                    r#"{{"id":"{tag}-{i}","topic":"REGISTRATIONS.NEW.SUCCEEDED","triggered_at":1727284490,"webhook_id":"w","organization_id":"o","data":{{"corporation_id":"c","registration_id":"r"}},"api_version":"v1.0"}}"#
                );
                let sent = Instant::now();
                assert_eq!(post(addr, path, &body), 200);
                latencies.lock().unwrap().push(sent.elapsed());
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let took = started.elapsed();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
    (n as f64 / took.as_secs_f64(), p99)
}

fn main() {
    let n: usize = std::env::var("SERVE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    let listen_db = dir.path().join("listen.db");
    let (mut listen, listen_addr) = start(
        &[
            "listen".into(),
            "--spec".into(),
            "specs/commenda".into(),
            "--addr".into(),
            "127.0.0.1:0".into(),
            "--path".into(),
            "/hooks/commenda".into(),
            "--dedup-field".into(),
            "/id".into(),
            "--store".into(),
            format!("sqlite:{}", listen_db.display()),
        ],
        "eventbind listen: http://",
    );
    let config = dir.path().join("serve.toml");
    std::fs::write(
        &config,
        format!(
            r#"[server]
addr = "127.0.0.1:0"
[store]
url = "sqlite:serve.db"
[[route]]
name = "commenda"
spec = "{}/specs/commenda"
path = "/hooks/commenda"
verify = {{ kind = "none" }}
dedup = {{ fields = ["/id"] }}
[[sink]]
name = "file"
kind = "jsonl"
path = "events.jsonl"
"#,
            repo().display()
        ),
    )
    .unwrap();
    let (mut serve, serve_addr) = start(
        &[
            "serve".into(),
            "--config".into(),
            config.display().to_string(),
        ],
        "eventbind serve: http://",
    );
    // Warm both up, then measure each in turn on the same kind of deliveries.
    run(listen_addr, "/hooks/commenda", 50, "warm-listen");
    run(serve_addr, "/hooks/commenda", 50, "warm-serve");
    let (listen_rate, listen_p99) = run(listen_addr, "/hooks/commenda", n, "listen");
    let (serve_rate, serve_p99) = run(serve_addr, "/hooks/commenda", n, "serve");
    println!("{n} deliveries, {SENDERS} senders, SQLite store, loopback HTTP");
    println!("{:<8} {:>14} {:>12}", "", "deliveries/s", "p99");
    println!(
        "{:<8} {:>14.0} {:>10.1}ms",
        "listen",
        listen_rate,
        listen_p99.as_secs_f64() * 1e3
    );
    println!(
        "{:<8} {:>14.0} {:>10.1}ms",
        "serve",
        serve_rate,
        serve_p99.as_secs_f64() * 1e3
    );
    let _ = listen.kill();
    let _ = serve.kill();
    let _ = listen.wait();
    let _ = serve.wait();
}

//! The HTTP receiver under abuse, on loopback and bounded: idle half-open
//! connections are closed by the header-read timeout while others are still
//! answered; oversized headers are refused; a declared body over the limit
//! is answered 413 before it is sent; a body sent too slowly is cut off; a
//! burst of 10,000 mixed deliveries gets the statuses the README's table
//! gives, with the process's memory bounded.

use eventbind_commenda::CommendaEvent;
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::http::HttpReceiver;
use eventbind_receive::receive::Receiver;
use eventbind_receive::server::ServerLimits;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A Commenda receiver served with small limits, stopped on drop.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

fn start(limits: ServerLimits) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let router = HttpReceiver::new(Receiver::new(Dispatcher::<CommendaEvent>::new()))
        .path("/hooks")
        .body_limit(64 * 1024)
        .body_read_timeout(Duration::from_secs(1))
        .into_router();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?
            .block_on(eventbind_receive::server::serve(
                listener,
                router,
                limits,
                async {
                    let _ = stopped.await;
                },
            ))
    });
    Server {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn limits() -> ServerLimits {
    ServerLimits {
        header_read_timeout: Duration::from_secs(1),
        max_header_bytes: 16 * 1024,
        max_connections: 2048,
        shutdown_grace: Duration::from_secs(2),
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    // A guard against a hang, not a timing assertion.
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Sends raw request bytes and reads the status code of the answer (0 when
/// the server closed the connection without one).
fn status_of(addr: SocketAddr, request: &[u8]) -> u16 {
    let mut stream = connect(addr);
    let _ = stream.write_all(request);
    read_status(&mut stream)
}

fn read_status(stream: &mut TcpStream) -> u16 {
    let mut head = [0u8; 12];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    std::str::from_utf8(&head[..read])
        .ok()
        .and_then(|h| h.get(9..12))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn request(method: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "{method} /hooks HTTP/1.1\r\nhost: x\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn valid() -> Vec<u8> {
    let body = serde_json::json!({
        "id": "evt", "topic": "NEXUS.THRESHOLD.STATE.ALERT", "triggered_at": 1727284490,
        "webhook_id": "wh", "organization_id": "org", "api_version": "v1",
        "data": {"corporation_id": "c", "country": "US", "state": "AK",
            "nexus_rule": {"sales_threshold": 100000, "transaction_threshold": 200,
                "threshold_type": "SALES_OR_TRANSACTIONS", "evaluation_period_type": "PREVIOUS_CALENDAR_YEAR"},
            "calculation": {"sales_exposure_percentage": 0.8, "transaction_exposure_percentage": 0.06,
                "total_sales": 80000, "total_transactions": 12},
            "is_nexus_breached": false, "date_of_breach": null}
    });
    serde_json::to_vec(&body).unwrap()
}

#[test]
fn idle_connections_are_closed_by_the_timeout_while_others_are_answered() {
    let server = start(limits());
    let mut idle: Vec<TcpStream> = (0..300).map(|_| connect(server.addr)).collect();
    // Half of them send half a request head and stop (slowloris).
    for stream in idle.iter_mut().step_by(2) {
        stream
            .write_all(b"POST /hooks HTTP/1.1\r\nhost: x\r\n")
            .unwrap();
    }
    assert_eq!(
        status_of(server.addr, &request("POST", "application/json", &valid())),
        200
    );
    // Every idle connection is closed by the server: the read ends, with no
    // answer or a 408, instead of staying open.
    for stream in &mut idle {
        let mut rest = Vec::new();
        // Our read timeout would end this with an error: only the server's close ends it well.
        let closed = stream.read_to_end(&mut rest);
        assert!(
            closed.is_ok(),
            "an idle connection was left open: {closed:?}"
        );
        let text = String::from_utf8_lossy(&rest);
        assert!(
            rest.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text}"
        );
    }
    assert_eq!(
        status_of(server.addr, &request("POST", "application/json", &valid())),
        200
    );
}

#[test]
fn oversized_headers_are_refused_and_others_still_answered() {
    let server = start(limits());
    let huge = format!(
        "POST /hooks HTTP/1.1\r\nhost: x\r\nx-padding: {}\r\ncontent-length: 2\r\n\r\n{{}}",
        "a".repeat(100 * 1024)
    );
    let status = status_of(server.addr, huge.as_bytes());
    assert!(status == 0 || status == 431, "{status}");
    assert_eq!(
        status_of(server.addr, &request("POST", "application/json", &valid())),
        200
    );
}

#[test]
fn a_declared_body_over_the_limit_is_answered_413_before_it_is_sent() {
    let server = start(limits());
    let mut stream = connect(server.addr);
    stream
        .write_all(b"POST /hooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000000000\r\n\r\n{\"a\"")
        .unwrap();
    assert_eq!(read_status(&mut stream), 413);
}

#[test]
fn a_body_sent_too_slowly_is_cut_off() {
    let server = start(limits());
    let mut stream = connect(server.addr);
    stream
        .write_all(b"POST /hooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"a\"")
        .unwrap();
    // The other 96 bytes never come: the body read timeout answers.
    assert_eq!(read_status(&mut stream), 408);
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_burst_of_mixed_deliveries_gets_the_documented_statuses_in_bounded_memory() {
    let server = start(limits());
    let valid = valid();
    let unknown = String::from_utf8(valid.clone())
        .unwrap()
        .replace("NEXUS.THRESHOLD.STATE.ALERT", "SOMETHING.NEW");
    let invalid = String::from_utf8(valid.clone())
        .unwrap()
        .replace("\"AK\"", "7");
    // (method, content type, body, status). Each delivery gets its own
    // event id: one id sent by eight threads at once is a retry while the
    // first is in flight, which is answered 503 by design.
    let cases: Vec<(&str, &str, Vec<u8>, u16)> = vec![
        ("POST", "application/json", valid.clone(), 200),
        ("POST", "application/json", unknown.into_bytes(), 200),
        ("POST", "application/json", invalid.into_bytes(), 400),
        ("POST", "application/json", b"{not json".to_vec(), 400),
        ("PUT", "application/json", valid.clone(), 405),
        ("POST", "text/plain", valid, 415),
        ("POST", "application/json", vec![b' '; 70 * 1024], 413),
    ];
    let before = rss_kib();
    let addr = server.addr;
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let cases = cases.clone();
            std::thread::spawn(move || {
                for i in 0..1250 {
                    let case = (i * 8 + thread) % cases.len();
                    let (method, content_type, body, expected) = &cases[case];
                    let body = String::from_utf8_lossy(body).replacen(
                        "\"evt\"",
                        &format!("\"evt-{thread}-{i}\""),
                        1,
                    );
                    let bytes = request(method, content_type, body.as_bytes());
                    assert_eq!(status_of(addr, &bytes), *expected, "case {case}");
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let grown = rss_kib().saturating_sub(before);
    assert!(
        grown < 200 * 1024,
        "RSS grew by {grown} KiB over 10,000 deliveries"
    );
}

//! Real servers for eventbind's tests, started by the tests themselves on
//! free loopback ports and stopped on drop: [`Moto`] (an SQS-compatible
//! server) and [`Postgres`] (a throw-away PostgreSQL cluster). No mocks:
//! what a test talks to is the real server.
//!
//! A missing server binary fails the test with a message naming
//! `scripts/install-test-deps.sh`; nothing here skips.
#![deny(missing_docs)]

mod moto;
mod postgres;

pub use moto::Moto;
pub use postgres::Postgres;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

/// A port nothing listens on right now (the OS picks it; a race with another
/// process taking it meanwhile is possible but rare, and fails loudly).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Waits until `port` on loopback accepts connections, failing if `child`
/// exits first or `limit` passes.
fn wait_for_port(child: &mut Child, port: u16, what: &str, limit: Duration) {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + limit;
    loop {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before answering on {address}: {status}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not answer on {address} within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

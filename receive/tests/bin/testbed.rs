//! A receiver process for the crash tests: JSON deliveries over HTTP
//! (dedup key at `/id`) into a durable store, a handler that appends each
//! dedup key it runs for to a log file (the side effect the tests count),
//! killed with SIGKILL by the tests at random points. A bin target can use
//! no dev-dependency, so its handler is a plain [`Handle`] rather than a
//! generated event enum's dispatcher.
//!
//! `eventbind-receive-testbed --store URL --log FILE [--lease-ms N]
//! [--recover-ms N] [--work-ms N]`; prints `listening http://ADDR` on
//! standard error once it accepts deliveries.

use eventbind_receive::delivery::{BoxFuture, Delivery, Disposition};
use eventbind_receive::http::HttpReceiver;
use eventbind_receive::idempotency::DedupKeys;
use eventbind_receive::receive::{Class, Context, Handle, Receiver, Summary};
use std::fs::File;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut store, mut log, mut lease, mut recover, mut work) =
        (None, None, 60_000u64, 0u64, 0u64);
    // While this file exists, handlers wait before finishing: a test can
    // then kill the process knowing it holds leases.
    let mut hold: Option<std::path::PathBuf> = None;
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || value.parse::<u64>().expect("a number");
        match flag.as_str() {
            "--store" => store = Some(value.clone()),
            "--log" => log = Some(value.clone()),
            "--lease-ms" => lease = number(),
            "--recover-ms" => recover = number(),
            "--work-ms" => work = number(),
            "--hold" => hold = Some(std::path::PathBuf::from(value.clone())),
            other => panic!("unknown flag {other}"),
        }
    }
    let (store, log) = (store.expect("--store"), log.expect("--log"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let store = eventbind_receive::store::open(&store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("the log opens");
        let started = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{log}.started"))
            .expect("the started log opens");
        let dispatcher = Logging {
            file: Arc::new(Mutex::new(file)),
            started: Arc::new(Mutex::new(started)),
            work: Duration::from_millis(work),
            hold,
        };
        let receiver = Arc::new(
            Receiver::new(dispatcher)
                .store(store)
                .dedup(DedupKeys::new().field("/id"))
                .lease(Duration::from_millis(lease))
                .spec_name("commenda"),
        );
        if recover > 0 {
            let worker = Arc::clone(&receiver);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(recover)).await;
                    let _ = worker.recover(50).await;
                }
            });
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("an address");
        let router = HttpReceiver::shared(receiver).into_router();
        eprintln!("listening http://{addr}");
        eventbind_receive::http::serve(listener, router, std::future::pending())
            .await
            .expect("serves");
    });
}

/// Every JSON body is typed; handling appends the dedup key to the log.
struct Logging {
    file: Arc<Mutex<File>>,
    /// `<log>.started`: each key whose handler began (its claim is leased),
    /// so a test can kill the process while it holds leases.
    started: Arc<Mutex<File>>,
    work: Duration,
    hold: Option<std::path::PathBuf>,
}

impl Handle for Logging {
    type Routed = ();

    fn route(&self, delivery: &Delivery) -> ((), Summary) {
        let json = serde_json::from_slice::<serde_json::Value>(&delivery.body).is_ok();
        let summary = Summary {
            class: if json { Class::Typed } else { Class::Invalid },
            message: json.then(|| "Any".to_owned()),
            key: None,
            kind: None,
            errors: Vec::new(),
        };
        ((), summary)
    }

    fn handle(&self, (): (), context: Context) -> BoxFuture<'_, Disposition> {
        Box::pin(async move {
            let _ = self
                .started
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .write_all(format!("{}\n", context.dedup_key()).as_bytes());
            if !self.work.is_zero() {
                tokio::time::sleep(self.work).await;
            }
            while self.hold.as_ref().is_some_and(|hold| hold.exists()) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // One write(2) per line with O_APPEND: whole lines even with two
            // processes on one file, and in the kernel (so kept through a
            // SIGKILL) once it returns.
            let line = format!("{}\n", context.dedup_key());
            let written = self
                .file
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .write_all(line.as_bytes());
            match written {
                Ok(()) => Disposition::Acknowledge,
                Err(_) => Disposition::RetryLater,
            }
        })
    }
}

//! Deliveries per second through the HTTP receiver with each store, side by
//! side in one run: memory, SQLite (a file in the target folder, WAL,
//! `synchronous = FULL`, group commit) and PostgreSQL (a real server started
//! here). 32 concurrent senders, each on its own keep-alive connection;
//! every delivery is new (its own dedup key), so each one is a claim and a
//! settle in the store.
//!
//! `cargo bench -p eventbind-receive --features http,sqlite,postgres --bench store`
//! (`EVENTBIND_BENCH_N` deliveries per store, default 8,000).

use eventbind_receive::delivery::{BoxFuture, Delivery, Disposition};
use eventbind_receive::http::HttpReceiver;
use eventbind_receive::idempotency::DedupKeys;
use eventbind_receive::receive::{Class, Context, Handle, Receiver, Summary};
use eventbind_receive::store::{PostgresStore, SqliteStore, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SENDERS: usize = 32;

/// Acknowledges everything: the figures are the pipeline's and the store's.
struct Acknowledge;

impl Handle for Acknowledge {
    type Routed = ();

    fn route(&self, _: &Delivery) -> ((), Summary) {
        let summary = Summary {
            class: Class::Typed,
            message: Some("Any".into()),
            key: None,
            kind: None,
            errors: Vec::new(),
        };
        ((), summary)
    }

    fn handle(&self, (): (), _: Context) -> BoxFuture<'_, Disposition> {
        Box::pin(async { Disposition::Acknowledge })
    }
}

struct Figures {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// Serves a receiver on `store` and sends it `n` deliveries from
/// `SENDERS` threads.
fn measure(
    runtime: &tokio::runtime::Runtime,
    store: Arc<dyn Store>,
    n: usize,
    run: &str,
) -> Figures {
    let receiver = Receiver::new(Acknowledge)
        .store(store)
        .dedup(DedupKeys::new().field("/id"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(eventbind_receive::http::serve(
        listener,
        HttpReceiver::new(receiver).into_router(),
        async {
            let _ = stopped.await;
        },
    ));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (next, url, run) = (Arc::clone(&next), url.clone(), run.to_owned());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return latencies;
                    }
                    let body = format!(r#"{{"id":"{run}-{i}","n":{i}}}"#);
                    let sent = Instant::now();
                    let response = agent
                        .post(&url)
                        .header("content-type", "application/json")
                        .send(body.as_bytes())
                        .expect("the receiver answers");
                    assert_eq!(response.status().as_u16(), 200, "delivery {i}");
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = senders
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let _ = runtime.block_on(server);
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Figures {
        per_second: n as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The mean time of a 4 KiB write and fsync in `dir`: the floor of a durable
/// store's latency.
fn fsync_latency(dir: &std::path::Path) -> Duration {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path).unwrap();
    let started = Instant::now();
    for _ in 0..50 {
        file.write_all(&[0u8; 4096]).unwrap();
        file.sync_data().unwrap();
    }
    let mean = started.elapsed() / 50;
    let _ = std::fs::remove_file(path);
    mean
}

fn main() {
    let n = std::env::var("EVENTBIND_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let postgres = eventbind_test_support::Postgres::start();
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let stores: Vec<(&str, Arc<dyn Store>)> = vec![
        (
            "memory",
            Arc::new(eventbind_receive::store::MemoryStore::new(n + 1)),
        ),
        (
            "sqlite",
            Arc::new(SqliteStore::open(dir.path().join("bench.db")).unwrap()),
        ),
        (
            "postgres",
            Arc::new(
                runtime
                    .block_on(PostgresStore::connect_with(&postgres.url(), SENDERS))
                    .unwrap(),
            ),
        ),
    ];
    let fsync = fsync_latency(dir.path());
    println!("{n} deliveries per store, {SENDERS} concurrent senders, HTTP on loopback");
    println!(
        "fsync of the SQLite folder's disk: {:.2}ms, so a durable store can answer at most \
         {:.0} deliveries/s at this concurrency (each waits for at least one)",
        fsync.as_secs_f64() * 1e3,
        SENDERS as f64 / fsync.as_secs_f64()
    );
    println!(
        "{:<10} {:>14} {:>10} {:>10}",
        "store", "deliveries/s", "p50", "p99"
    );
    let mut memory = None;
    for (name, store) in stores {
        // A short warm-up (connections, caches, the schema) outside the figures.
        measure(
            &runtime,
            Arc::clone(&store),
            SENDERS * 4,
            &format!("{name}-warm"),
        );
        let figures = measure(&runtime, store, n, name);
        let share = memory.map_or(String::new(), |m: f64| {
            format!("  ({:.0}% of memory)", 100.0 * figures.per_second / m)
        });
        memory.get_or_insert(figures.per_second);
        println!(
            "{:<10} {:>14.0} {:>8.2}ms {:>8.2}ms{share}",
            name,
            figures.per_second,
            figures.p50.as_secs_f64() * 1e3,
            figures.p99.as_secs_f64() * 1e3,
        );
    }
}

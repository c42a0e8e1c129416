//! Done-when 1: a receiver process on the SQLite store, SIGKILLed at random
//! points and restarted, while the "vendor" retries every delivery until it
//! is acknowledged (and re-sends acknowledged ones too). What the design
//! guarantees, and so what is asserted:
//!
//! - every delivery is eventually acknowledged, and is `handled` in the store;
//! - once a delivery was acknowledged its handler never runs again (its
//!   "handled" mark was durable before the 2xx);
//! - a handler may run more than once only for a delivery whose outcome had
//!   not committed when the process died (at-least-once in that window), so
//!   extra runs are bounded by kills times deliveries in flight.

mod support;

use eventbind_receive::store::{Filter, SqliteStore, State, Store};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::block_on;
use support::process::{random_below, runs, try_post, Testbed};

const DELIVERIES: usize = 300;
const SENDERS: usize = 6;
const KILL_ROUNDS: usize = 4;

fn body(i: usize) -> String {
    format!(r#"{{"id":"d-{i}","n":{i}}}"#)
}

#[test]
fn sigkilled_at_random_the_sqlite_receiver_loses_nothing_and_reruns_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let (db, log) = (dir.path().join("inbox.db"), dir.path().join("runs.log"));
    let store = format!("sqlite:{}", db.display());
    // Each acknowledged key with its number of handler runs when first acknowledged.
    let mut acknowledged: HashMap<String, usize> = HashMap::new();
    let (mut kills, mut cut_short) = (0, 0);
    for round in 0..KILL_ROUNDS + 8 {
        let mut bed = Testbed::start(&store, &log, &["--lease-ms", "300", "--work-ms", "2"]);
        let start = random_below(DELIVERIES as u64) as usize;
        let queue: Arc<Mutex<Vec<usize>>> = Arc::new(Mutex::new(
            (0..DELIVERIES).map(|i| (i + start) % DELIVERIES).collect(),
        ));
        let acked_now: Arc<Mutex<HashSet<String>>> = Arc::default();
        let addr = bed.addr;
        let senders: Vec<_> = (0..SENDERS)
            .map(|_| {
                let (queue, acked_now) = (Arc::clone(&queue), Arc::clone(&acked_now));
                std::thread::spawn(move || loop {
                    let Some(i) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    match try_post(addr, &body(i)) {
                        Some(200) => {
                            acked_now.lock().unwrap().insert(format!("d-{i}"));
                        }
                        Some(_) => {}
                        None => return,
                    }
                })
            })
            .collect();
        let killing = round < KILL_ROUNDS;
        if killing {
            std::thread::sleep(Duration::from_millis(10 + random_below(150)));
            bed.kill();
            kills += 1;
        }
        for sender in senders {
            sender.join().unwrap();
        }
        bed.kill();
        let acked_now = acked_now.lock().unwrap().clone();
        if killing && acked_now.len() < DELIVERIES {
            cut_short += 1;
        }
        // The process is dead: the log holds every run it made.
        let counts = runs(&log);
        for key in acked_now {
            let ran = counts.get(&key).copied().unwrap_or(0);
            assert!(
                ran >= 1,
                "{key} was acknowledged without its handler running"
            );
            acknowledged.entry(key).or_insert(ran);
        }
        for (key, ran) in &acknowledged {
            assert_eq!(
                counts.get(key),
                Some(ran),
                "{key}'s handler ran again after it was acknowledged (round {round})"
            );
        }
        if !killing && acknowledged.len() == DELIVERIES {
            break;
        }
    }
    assert_eq!(
        acknowledged.len(),
        DELIVERIES,
        "every delivery is acknowledged in the end"
    );
    assert!(
        cut_short > 0,
        "no kill landed mid-run, so nothing was tested"
    );
    let extra: usize = runs(&log).values().map(|n| n - 1).sum();
    eprintln!("{kills} kills, {cut_short} mid-run, {extra} extra handler runs");
    assert!(
        extra <= kills * SENDERS,
        "{extra} extra runs for {kills} kills of {SENDERS} deliveries in flight"
    );
    let store = SqliteStore::open(&db).unwrap();
    let stored = block_on(async { store.list(&Filter::default()).await }).unwrap();
    assert_eq!(
        stored.len(),
        DELIVERIES,
        "no acknowledged delivery is missing"
    );
    assert!(
        stored.iter().all(|s| s.state == State::Handled),
        "every one is handled: {:?}",
        stored
            .iter()
            .filter(|s| s.state != State::Handled)
            .map(|s| (&s.record.dedup_key, s.state))
            .collect::<Vec<_>>()
    );
    assert!(stored
        .iter()
        .all(|s| s.record.body == body(s.record.dedup_key[2..].parse().unwrap()).as_bytes()));
}

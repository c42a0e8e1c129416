//! The embedded store (feature `sqlite`): one file, WAL, every commit synced
//! (`synchronous = FULL`), for one receiver process.
//!
//! Claims are decided in the process (the store serves one receiver): on
//! the committed state, read through a second connection, and a map of the
//! keys being handled now. The record, its claim and the handler's outcome
//! are then written as one atomic write, synced before the answer, so each
//! delivery costs one (shared) fsync. A delivery whose handler was running
//! when the process died left no record: it was not acknowledged, and its
//! redelivery is handled as new.
//!
//! Group commit: a single writer thread owns the connection and drains a
//! channel, running every call waiting there in one transaction (a
//! savepoint each), so concurrent deliveries share one fsync. A call's
//! answer is sent only after its transaction committed (and, for outcomes,
//! was synced), which is what lets the pipeline acknowledge a delivery only
//! once its record and outcome are durable.

mod claims;

use super::record::{lease_ms, now_ms};
use super::sql::{class_from_text, headers_from_text, headers_to_text, state_from_text, COLUMNS};
use super::{Claim, Filter, Record, Routing, Settle, State, Store, StoreError, Stored};
use crate::delivery::BoxFuture;
use rusqlite::{params, Connection, Row};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Sends a call's answer once its transaction's fate is known.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A call: runs its statements inside the batch's transaction; says
/// whether its answer must wait for an fsync.
type Run = Box<dyn FnOnce(&Connection) -> (Finish, bool) + Send>;

/// A call waiting for the writer thread.
struct Job {
    run: Run,
    /// Whether the call itself is a write that must be on disk before it is
    /// answered (an outcome, a takeover).
    durable: bool,
}

/// The most calls committed in one transaction.
const MAX_BATCH: usize = 512;

/// The schema, one migration per version, applied in order and recorded in
/// `eventbind_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE eventbind_deliveries (
        dedup_key TEXT PRIMARY KEY,
        body_hash TEXT NOT NULL,
        body BLOB NOT NULL,
        headers TEXT NOT NULL,
        transport TEXT NOT NULL,
        spec TEXT NOT NULL,
        name TEXT,
        message TEXT,
        routing_key TEXT,
        class TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        lease_until INTEGER,
        attempts INTEGER NOT NULL,
        last_error TEXT
    );
    CREATE INDEX eventbind_deliveries_due ON eventbind_deliveries (state);
    CREATE INDEX eventbind_deliveries_class ON eventbind_deliveries (class);
    CREATE TABLE eventbind_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dedup_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        body BLOB NOT NULL,
        headers TEXT NOT NULL,
        transport TEXT NOT NULL,
        spec TEXT NOT NULL,
        name TEXT,
        message TEXT,
        routing_key TEXT,
        class TEXT NOT NULL,
        received_at INTEGER NOT NULL
    );
    CREATE INDEX eventbind_conflicts_key ON eventbind_conflicts (dedup_key, id);
    CREATE TABLE eventbind_sync (syncs INTEGER NOT NULL);
    INSERT INTO eventbind_sync (syncs) VALUES (0);",
)];

/// A SQLite file holding the inbox.
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
    /// Claims are decided here, on committed state, without the writer.
    claims: claims::Claims,
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `path`, and
    /// starts its writer thread. Fails at once if the file cannot be opened,
    /// is not a database, or was written by a newer schema.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_owned();
        let fail = |e: rusqlite::Error| StoreError(format!("sqlite {}: {e}", path.display()));
        let mut conn = Connection::open(&path).map_err(fail)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!(
                "sqlite {}: WAL journal not available (got `{mode}`)",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;")
            .map_err(fail)?;
        migrate(&mut conn)
            .map_err(|e| StoreError(format!("sqlite {}: {}", path.display(), e.0)))?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("eventbind-sqlite".into())
            .spawn(move || write_loop(conn, queue))
            .map_err(|e| StoreError(format!("sqlite writer thread: {e}")))?;
        let claims = claims::Claims::open(&path)?;
        Ok(SqliteStore { jobs, path, claims })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in the next batch; answers once the batch committed (and,
    /// for a `durable` call, or when `needs_sync` says so of the result, is
    /// on disk).
    pub(super) async fn call<T: Send + 'static>(
        &self,
        durable: bool,
        needs_sync: fn(&T) -> bool,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = oneshot::channel();
        let run: Run = Box::new(move |conn| {
            let result = in_savepoint(conn, f);
            let sync = result.as_ref().is_ok_and(needs_sync);
            let finish: Finish = Box::new(move |committed| {
                let _ = answer.send(committed.map_err(StoreError).and(result));
            });
            (finish, sync)
        });
        let job = Job { run, durable };
        self.jobs
            .send(job)
            .map_err(|_| StoreError("the SQLite writer thread has stopped".to_owned()))?;
        answered.await.map_err(|_| {
            StoreError("the SQLite writer could not run the call (it logged why)".to_owned())
        })?
    }
}

/// Runs one statement, prepared once per connection.
pub(super) fn cached(
    conn: &Connection,
    statement: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(statement)?.execute(params)
}

pub(super) fn sql(e: rusqlite::Error) -> StoreError {
    StoreError(format!("sqlite: {e}"))
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS eventbind_migrations (
            version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )
    .map_err(sql)?;
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql)?;
    let current: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM eventbind_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(sql)?;
    let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if current > newest {
        return Err(StoreError(format!(
            "schema version {current} is newer than this build knows ({newest})"
        )));
    }
    for (version, script) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(script).map_err(sql)?;
        tx.execute(
            "INSERT INTO eventbind_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, now_ms()],
        )
        .map_err(sql)?;
    }
    tx.commit().map_err(sql)
}

/// Runs `f` inside a savepoint, undoing its statements if it fails, so one
/// failing call does not spoil the batch.
fn in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    cached(conn, "SAVEPOINT call", []).map_err(sql)?;
    let result = f(conn);
    if result.is_err() {
        cached(conn, "ROLLBACK TO call", []).map_err(sql)?;
    }
    cached(conn, "RELEASE call", []).map_err(sql)?;
    result
}

/// Commits batches of calls, syncing those with a durable call (an
/// outcome, a takeover, a conflict) before answering any of them.
fn write_loop(conn: Connection, queue: mpsc::Receiver<Job>) {
    let mut synced = true;
    // Ends when the store (the only sender) is dropped.
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // The safety level cannot change inside a transaction: choose it
        // before, from what the calls are.
        let durable = batch.iter().any(|job| job.durable);
        if durable != synced {
            let level = if durable { "FULL" } else { "NORMAL" };
            if let Err(e) = conn.execute_batch(&format!("PRAGMA synchronous = {level}")) {
                tracing::error!(error = %e, "eventbind: sqlite store could not set synchronous");
                continue;
            }
            synced = durable;
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the calls unanswered fails each of them (see `call`).
            tracing::error!(error = %e, "eventbind: sqlite store could not begin a transaction");
            continue;
        }
        let ran: Vec<(Finish, bool)> = batch.into_iter().map(|job| (job.run)(&conn)).collect();
        let mut committed = conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            format!("sqlite commit: {e}")
        });
        if committed.is_ok() && !synced && ran.iter().any(|(_, sync)| *sync) {
            // A result that is answered as final (a stored conflict) came
            // out of an unsynced batch: sync the WAL before answering.
            committed = sync_now(&conn);
            synced = true;
        }
        for (finish, _) in ran {
            finish(committed.clone());
        }
    }
}

/// Makes every commit so far durable: a small synced write, whose fsync of
/// the WAL covers the frames before it.
fn sync_now(conn: &Connection) -> Result<(), String> {
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         BEGIN IMMEDIATE;
         UPDATE eventbind_sync SET syncs = syncs + 1;
         COMMIT;",
    )
    .map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        format!("sqlite sync: {e}")
    })
}

fn stored(row: &Row<'_>) -> rusqlite::Result<Result<Stored, StoreError>> {
    let body: Vec<u8> = row.get(2)?;
    let headers: String = row.get(3)?;
    let class: String = row.get(9)?;
    let state: String = row.get(11)?;
    let attempts: i64 = row.get(12)?;
    let build = || -> Result<Stored, StoreError> {
        Ok(Stored {
            record: Record {
                dedup_key: row.get(0).map_err(sql)?,
                body_hash: row.get(1).map_err(sql)?,
                body: body.into(),
                headers: headers_from_text(&headers)?,
                transport: row.get(4).map_err(sql)?,
                spec: row.get(5).map_err(sql)?,
                name: row.get(6).map_err(sql)?,
                message: row.get(7).map_err(sql)?,
                routing_key: row.get(8).map_err(sql)?,
                class: class_from_text(&class)?,
                received_at: row.get(10).map_err(sql)?,
            },
            state: state_from_text(&state)?,
            attempts: u32::try_from(attempts).unwrap_or(0),
            last_error: row.get(13).map_err(sql)?,
        })
    };
    Ok(build())
}

pub(super) fn insert_conflict(conn: &Connection, record: &Record) -> Result<(), StoreError> {
    cached(
        conn,
        "INSERT INTO eventbind_conflicts (dedup_key, body_hash, body, headers, transport, spec,
            name, message, routing_key, class, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            record.dedup_key,
            record.body_hash,
            &record.body[..],
            headers_to_text(&record.headers),
            record.transport,
            record.spec,
            record.name,
            record.message,
            record.routing_key,
            record.class.as_str(),
            record.received_at,
        ],
    )
    .map_err(sql)?;
    Ok(())
}

fn select(conn: &Connection, filter: &Filter) -> Result<Vec<Stored>, StoreError> {
    let limit = filter
        .limit
        .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let mut statement = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM eventbind_deliveries
             WHERE (?1 IS NULL OR class = ?1) AND (?2 IS NULL OR state = ?2)
               AND (?3 IS NULL OR received_at >= ?3) AND (?4 IS NULL OR dedup_key = ?4)
             ORDER BY rowid LIMIT ?5"
        ))
        .map_err(sql)?;
    let rows = statement
        .query_map(
            params![
                filter.class.map(|c| c.as_str()),
                filter.state.map(State::as_str),
                filter.since,
                filter.key,
                limit
            ],
            stored,
        )
        .map_err(sql)?;
    rows.map(|row| row.map_err(sql).and_then(|r| r)).collect()
}

fn take(conn: &Connection, key: &str, lease_until: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE eventbind_deliveries SET state = 'in_flight', lease_until = ?2,
            attempts = attempts + 1 WHERE dedup_key = ?1",
        params![key, lease_until],
    )
    .map_err(sql)?;
    Ok(())
}

impl Store for SqliteStore {
    fn claim<'a>(
        &'a self,
        record: &'a Record,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(self.claims.claim(self, record, lease_ms(lease)))
    }

    fn settle<'a>(
        &'a self,
        key: &'a str,
        outcome: &'a Settle,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.claims.settle(self, key, outcome))
    }

    fn retake<'a>(
        &'a self,
        key: &'a str,
        routing: &'a Routing,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        let key = key.to_owned();
        let routing = routing.clone();
        let lease = lease_ms(lease);
        Box::pin(self.call(
            true,
            |_| false,
            move |conn| {
                let now = now_ms();
                let taken = conn
                    .execute(
                        "UPDATE eventbind_deliveries SET state = 'in_flight', lease_until = ?2,
                        attempts = attempts + 1, class = ?3, message = ?4, routing_key = ?5
                     WHERE dedup_key = ?1
                       AND NOT (state = 'in_flight' AND COALESCE(lease_until, 0) > ?6)",
                        params![
                            key,
                            now.saturating_add(lease),
                            routing.class.as_str(),
                            routing.message,
                            routing.routing_key,
                            now
                        ],
                    )
                    .map_err(sql)?;
                if taken == 0 {
                    return Ok(None);
                }
                let filter = Filter {
                    key: Some(key),
                    ..Filter::default()
                };
                Ok(select(conn, &filter)?.pop())
            },
        ))
    }

    fn take_due<'a>(
        &'a self,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        let lease = lease_ms(lease);
        Box::pin(self.call(true, |_| false, move |conn| {
            let now = now_ms();
            let mut statement = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM eventbind_deliveries
                     WHERE state = 'failed' OR (state = 'in_flight' AND COALESCE(lease_until, 0) <= ?1)
                     ORDER BY rowid LIMIT ?2"
                ))
                .map_err(sql)?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let due: Vec<Stored> = statement
                .query_map(params![now, limit], stored)
                .map_err(sql)?
                .map(|row| row.map_err(sql).and_then(|r| r))
                .collect::<Result<_, _>>()?;
            let mut taken = Vec::with_capacity(due.len());
            for mut stored in due {
                take(conn, &stored.record.dedup_key, now.saturating_add(lease))?;
                stored.state = State::InFlight;
                stored.attempts += 1;
                taken.push(stored);
            }
            Ok(taken)
        }))
    }

    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        let filter = filter.clone();
        Box::pin(self.call(false, |_| false, move |conn| select(conn, &filter)))
    }

    fn conflicts<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Record>, StoreError>> {
        let key = key.to_owned();
        Box::pin(self.call(
            false,
            |_| false,
            move |conn| {
                let mut statement = conn
                .prepare_cached(
                    "SELECT dedup_key, body_hash, body, headers, transport, spec, name, message,
                        routing_key, class, received_at, 'handled', 0, NULL
                     FROM eventbind_conflicts WHERE dedup_key = ?1 ORDER BY id",
                )
                .map_err(sql)?;
                let rows = statement.query_map([key], stored).map_err(sql)?;
                rows.map(|row| row.map_err(sql).and_then(|r| r.map(|s| s.record)))
                    .collect()
            },
        ))
    }
}

//! The embedded store (feature `sqlite`): one file, WAL, every commit synced
//! (`synchronous = FULL`), for one receiver process.
//!
//! Group commit: a single writer thread owns the connection and drains a
//! channel, running every call waiting there in one transaction (a
//! savepoint each), so concurrent deliveries share one fsync. A call's
//! answer is sent only after its transaction committed, which is what lets
//! the pipeline acknowledge a delivery only once its record is durable.

use super::record::{lease_ms, now_ms};
use super::sql::{class_from_text, headers_from_text, headers_to_text, state_from_text, COLUMNS};
use super::{Claim, Filter, Record, Routing, Settle, State, Store, StoreError, Stored};
use crate::delivery::BoxFuture;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Sends a call's answer once its transaction's fate is known.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A call: runs its statements inside the batch's transaction.
type Job = Box<dyn FnOnce(&Connection) -> Finish + Send>;

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
        last_error TEXT,
        seq INTEGER NOT NULL
    );
    CREATE INDEX eventbind_deliveries_due ON eventbind_deliveries (state, seq);
    CREATE INDEX eventbind_deliveries_class ON eventbind_deliveries (class, seq);
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
    CREATE INDEX eventbind_conflicts_key ON eventbind_conflicts (dedup_key, id);",
)];

/// A SQLite file holding the inbox.
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
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
        Ok(SqliteStore { jobs, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in the next batch; answers once the batch committed.
    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = in_savepoint(conn, f);
            Box::new(move |committed| {
                let _ = answer.send(committed.map_err(StoreError).and_then(|()| result));
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError("the SQLite writer thread has stopped".to_owned()))?;
        answered.await.map_err(|_| {
            StoreError("the SQLite writer could not run the call (it logged why)".to_owned())
        })?
    }
}

fn sql(e: rusqlite::Error) -> StoreError {
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
    conn.execute_batch("SAVEPOINT call").map_err(sql)?;
    let result = f(conn);
    let end = if result.is_ok() {
        "RELEASE call"
    } else {
        "ROLLBACK TO call; RELEASE call"
    };
    conn.execute_batch(end).map_err(sql)?;
    result
}

fn write_loop(conn: Connection, queue: mpsc::Receiver<Job>) {
    // Ends when the store (the only sender) is dropped.
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the calls unanswered fails each of them (see `call`).
            tracing::error!(error = %e, "eventbind: sqlite store could not begin a transaction");
            continue;
        }
        let finishers: Vec<Finish> = batch.into_iter().map(|job| job(&conn)).collect();
        let committed = conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            format!("sqlite commit: {e}")
        });
        for finish in finishers {
            finish(committed.clone());
        }
    }
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

fn insert(conn: &Connection, record: &Record, lease_until: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO eventbind_deliveries (dedup_key, body_hash, body, headers, transport, spec,
            name, message, routing_key, class, received_at, state, lease_until, attempts, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'in_flight', ?12, 1,
            (SELECT COALESCE(MAX(seq), 0) + 1 FROM eventbind_deliveries))",
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
            lease_until,
        ],
    )
    .map_err(sql)?;
    Ok(())
}

fn insert_conflict(conn: &Connection, record: &Record) -> Result<(), StoreError> {
    conn.execute(
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

fn claim(conn: &Connection, record: &Record, lease: i64) -> Result<Claim, StoreError> {
    let now = now_ms();
    let found: Option<(String, String, Option<i64>)> = conn
        .query_row(
            "SELECT state, body_hash, lease_until FROM eventbind_deliveries WHERE dedup_key = ?1",
            [&record.dedup_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(sql)?;
    let Some((state, hash, lease_until)) = found else {
        insert(conn, record, now.saturating_add(lease))?;
        return Ok(Claim::New);
    };
    let state = state_from_text(&state)?;
    if state == State::InFlight && lease_until.unwrap_or(0) > now {
        return Ok(Claim::InFlight);
    }
    if hash != record.body_hash {
        insert_conflict(conn, record)?;
        return Ok(Claim::Conflict);
    }
    match state {
        State::Handled => Ok(Claim::Done),
        State::Dead => Ok(Claim::Dead),
        State::Failed | State::InFlight => {
            conn.execute(
                "UPDATE eventbind_deliveries SET state = 'in_flight', lease_until = ?2,
                    attempts = attempts + 1, class = ?3, message = ?4, routing_key = ?5
                 WHERE dedup_key = ?1",
                params![
                    record.dedup_key,
                    now.saturating_add(lease),
                    record.class.as_str(),
                    record.message,
                    record.routing_key
                ],
            )
            .map_err(sql)?;
            Ok(Claim::New)
        }
    }
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
             ORDER BY seq LIMIT ?5"
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
        let record = record.clone();
        let lease = lease_ms(lease);
        Box::pin(self.call(move |conn| claim(conn, &record, lease)))
    }

    fn settle<'a>(
        &'a self,
        key: &'a str,
        outcome: &'a Settle,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let key = key.to_owned();
        let outcome = outcome.clone();
        Box::pin(self.call(move |conn| {
            conn.execute(
                "UPDATE eventbind_deliveries SET state = ?2, last_error = ?3, lease_until = NULL
                 WHERE dedup_key = ?1",
                params![key, outcome.state().as_str(), outcome.error()],
            )
            .map_err(sql)?;
            Ok(())
        }))
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
        Box::pin(self.call(move |conn| {
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
        }))
    }

    fn take_due<'a>(
        &'a self,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        let lease = lease_ms(lease);
        Box::pin(self.call(move |conn| {
            let now = now_ms();
            let mut statement = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM eventbind_deliveries
                     WHERE state = 'failed' OR (state = 'in_flight' AND COALESCE(lease_until, 0) <= ?1)
                     ORDER BY seq LIMIT ?2"
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
        Box::pin(self.call(move |conn| select(conn, &filter)))
    }

    fn conflicts<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Record>, StoreError>> {
        let key = key.to_owned();
        Box::pin(self.call(move |conn| {
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
        }))
    }
}

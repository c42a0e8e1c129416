//! The outbox in the inbox's SQLite file (feature `sqlite`).
//!
//! Its own connection and writer thread, with the inbox's group commit:
//! calls waiting together share one transaction and one fsync. Its tables
//! are migrated on their own (`eventbind_outbox_migrations`), so the inbox's
//! schema versions stay the inbox's. Rows are taken in insertion (rowid) order.

use super::outbox::{Counts, Due, Outbox};
use super::record::{lease_ms, now_ms};
use super::StoreError;
use crate::delivery::BoxFuture;
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&Connection) -> Box<dyn FnOnce(bool) + Send> + Send>;

const MAX_BATCH: usize = 512;

/// The outbox's schema, one migration per version.
const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE eventbind_outbox (
        sink TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        PRIMARY KEY (sink, dedup_key)
    );
    CREATE INDEX eventbind_outbox_due ON eventbind_outbox (sink, state, next_attempt_at);",
)];

/// Per-sink delivery state in a SQLite file.
pub struct SqliteOutbox {
    jobs: mpsc::Sender<Job>,
}

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError(format!("sqlite outbox: {e}"))
}

impl SqliteOutbox {
    /// Opens (creating if missing) the file at `path` and migrates the
    /// outbox's tables.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteOutbox, StoreError> {
        let mut conn = Connection::open(path.as_ref()).map_err(sql)?;
        // The inbox's writer holds the same file: wait for it, never fail.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;",
        )
        .map_err(sql)?;
        migrate(&mut conn)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("eventbind-outbox".into())
            .spawn(move || write_loop(conn, queue))
            .map_err(|e| StoreError(format!("sqlite outbox thread: {e}")))?;
        Ok(SqliteOutbox { jobs })
    }

    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // A savepoint per call: one failing call undoes only its own rows.
            let result = conn
                .execute_batch("SAVEPOINT call")
                .map_err(sql)
                .and_then(|()| f(conn));
            let _ = conn.execute_batch(if result.is_ok() {
                "RELEASE call"
            } else {
                "ROLLBACK TO call; RELEASE call"
            });
            Box::new(move |committed| {
                let result = if committed {
                    result
                } else {
                    Err(StoreError("sqlite outbox: the batch did not commit".into()))
                };
                let _ = answer.send(result);
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError("the SQLite outbox thread has stopped".into()))?;
        answered
            .await
            .map_err(|_| StoreError("the SQLite outbox thread dropped a call".into()))?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS eventbind_outbox_migrations (
            version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )
    .map_err(sql)?;
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql)?;
    let current: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM eventbind_outbox_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(sql)?;
    let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if current > newest {
        return Err(StoreError(format!(
            "outbox schema version {current} is newer than this build knows ({newest})"
        )));
    }
    for (version, script) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(script).map_err(sql)?;
        tx.execute(
            "INSERT INTO eventbind_outbox_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, now_ms()],
        )
        .map_err(sql)?;
    }
    tx.commit().map_err(sql)
}

fn write_loop(conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let begun = conn.execute_batch("BEGIN IMMEDIATE").is_ok();
        let finishes: Vec<_> = batch.into_iter().map(|job| job(&conn)).collect();
        let committed = begun && conn.execute_batch("COMMIT").is_ok();
        if !committed {
            let _ = conn.execute_batch("ROLLBACK");
            tracing::error!("eventbind: the sqlite outbox could not commit a batch");
        }
        for finish in finishes {
            finish(committed);
        }
    }
}

impl Outbox for SqliteOutbox {
    fn enqueue<'a>(
        &'a self,
        key: &'a str,
        sinks: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let (key, sinks) = (key.to_owned(), sinks.to_vec());
        Box::pin(self.call(move |conn| {
            let now = now_ms();
            let mut insert = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO eventbind_outbox
                        (sink, dedup_key, state, attempts, next_attempt_at)
                     VALUES (?1, ?2, 'pending', 0, ?3)",
                )
                .map_err(sql)?;
            for sink in &sinks {
                insert.execute(params![sink, key, now]).map_err(sql)?;
            }
            Ok(())
        }))
    }

    fn take_due<'a>(
        &'a self,
        sink: &'a str,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Due>, StoreError>> {
        let sink = sink.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Box::pin(self.call(move |conn| {
            let now = now_ms();
            let mut taken = conn
                .prepare_cached(
                    "UPDATE eventbind_outbox
                     SET attempts = attempts + 1, next_attempt_at = ?3
                     WHERE sink = ?1 AND dedup_key IN (
                        SELECT dedup_key FROM eventbind_outbox
                        WHERE sink = ?1 AND state = 'pending' AND next_attempt_at <= ?2
                        ORDER BY rowid LIMIT ?4)
                     RETURNING dedup_key, attempts, rowid",
                )
                .map_err(sql)?;
            let mut rows: Vec<(i64, Due)> = taken
                .query_map(params![sink, now, now + lease_ms(lease), limit], |r| {
                    Ok((
                        r.get::<_, i64>(2)?,
                        Due {
                            dedup_key: r.get(0)?,
                            attempts: r.get(1)?,
                        },
                    ))
                })
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?;
            rows.sort_by_key(|(seq, _)| *seq);
            Ok(rows.into_iter().map(|(_, due)| due).collect())
        }))
    }

    fn done<'a>(
        &'a self,
        sink: &'a str,
        keys: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let (sink, keys) = (sink.to_owned(), keys.to_vec());
        Box::pin(self.call(move |conn| {
            let mut done = conn
                .prepare_cached(
                    "UPDATE eventbind_outbox SET state = 'done', last_error = NULL
                     WHERE sink = ?1 AND dedup_key = ?2",
                )
                .map_err(sql)?;
            for key in &keys {
                done.execute(params![sink, key]).map_err(sql)?;
            }
            Ok(())
        }))
    }

    fn failed<'a>(
        &'a self,
        sink: &'a str,
        key: &'a str,
        error: &'a str,
        retry_in: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let (sink, key, error) = (sink.to_owned(), key.to_owned(), error.to_owned());
        Box::pin(self.call(move |conn| {
            let (state, at) = match retry_in {
                Some(delay) => ("pending", now_ms() + lease_ms(delay)),
                None => ("dead", now_ms()),
            };
            conn.prepare_cached(
                "UPDATE eventbind_outbox SET state = ?3, next_attempt_at = ?4, last_error = ?5
                 WHERE sink = ?1 AND dedup_key = ?2 AND state = 'pending'",
            )
            .and_then(|mut s| s.execute(params![sink, key, state, at, error]))
            .map_err(sql)?;
            Ok(())
        }))
    }

    fn counts<'a>(&'a self, sink: &'a str) -> BoxFuture<'a, Result<Counts, StoreError>> {
        let sink = sink.to_owned();
        Box::pin(self.call(move |conn| {
            let mut counts = Counts::default();
            let mut query = conn
                .prepare_cached(
                    "SELECT state, COUNT(*) FROM eventbind_outbox WHERE sink = ?1 GROUP BY state",
                )
                .map_err(sql)?;
            let rows = query
                .query_map(params![sink], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .map_err(sql)?;
            for row in rows {
                let (state, n) = row.map_err(sql)?;
                let n = u64::try_from(n).unwrap_or(0);
                match state.as_str() {
                    "pending" => counts.pending = n,
                    "done" => counts.done = n,
                    _ => counts.dead = n,
                }
            }
            Ok(counts)
        }))
    }
}

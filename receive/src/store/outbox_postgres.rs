//! The outbox in the inbox's PostgreSQL database (feature `postgres`).
//!
//! Forwarders on several replicas take rows with `FOR UPDATE SKIP LOCKED`,
//! so two never send the same row at once; times are the database's clock.
//! Its tables are migrated on their own (`eventbind_outbox_migrations`,
//! under an advisory lock).

use super::outbox::{Counts, Due, Outbox};
use super::StoreError;
use crate::delivery::BoxFuture;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::NoTls;

const NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// Names the migration lock (another constant than the inbox's).
const MIGRATION_LOCK: i64 = 0x6576_6f75_7462_6f78;

const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE eventbind_outbox (
        seq BIGSERIAL,
        sink TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT,
        PRIMARY KEY (sink, dedup_key)
    );
    CREATE INDEX eventbind_outbox_due ON eventbind_outbox (sink, state, next_attempt_at, seq);",
)];

fn pg(e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("postgres outbox: {e}"))
}

/// Per-sink delivery state in PostgreSQL.
pub struct PostgresOutbox {
    pool: Pool,
}

impl PostgresOutbox {
    /// Connects to `url` and migrates the outbox's tables.
    pub async fn connect(url: &str) -> Result<PostgresOutbox, StoreError> {
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError(format!("postgres URL `{url}`: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager).max_size(8).build().map_err(pg)?;
        let outbox = PostgresOutbox { pool };
        outbox.migrate().await?;
        Ok(outbox)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(pg)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(pg)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS eventbind_outbox_migrations (
                version BIGINT PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(pg)?;
        let current: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::bigint FROM eventbind_outbox_migrations",
                &[],
            )
            .await
            .map_err(pg)?
            .get(0);
        let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
        if current > newest {
            return Err(StoreError(format!(
                "postgres: outbox schema version {current} is newer than this build knows ({newest})"
            )));
        }
        for (version, script) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            tx.batch_execute(script).await.map_err(pg)?;
            tx.execute(
                "INSERT INTO eventbind_outbox_migrations (version) VALUES ($1)",
                &[version],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }
}

fn millis(d: Duration) -> i64 {
    super::record::lease_ms(d)
}

impl Outbox for PostgresOutbox {
    fn enqueue<'a>(
        &'a self,
        key: &'a str,
        sinks: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    &format!(
                        "INSERT INTO eventbind_outbox (sink, dedup_key, state, attempts, next_attempt_at)
                         SELECT s, $2, 'pending', 0, {NOW} FROM unnest($1::text[]) AS s
                         ON CONFLICT (sink, dedup_key) DO NOTHING"
                    ),
                    &[&sinks, &key],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn take_due<'a>(
        &'a self,
        sink: &'a str,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Due>, StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = client
                .query(
                    &format!(
                        "UPDATE eventbind_outbox AS o
                         SET attempts = o.attempts + 1, next_attempt_at = {NOW} + $3
                         FROM (SELECT sink, dedup_key FROM eventbind_outbox
                               WHERE sink = $1 AND state = 'pending' AND next_attempt_at <= {NOW}
                               ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS due
                         WHERE o.sink = due.sink AND o.dedup_key = due.dedup_key
                         RETURNING o.dedup_key, o.attempts, o.seq"
                    ),
                    &[&sink, &limit, &millis(lease)],
                )
                .await
                .map_err(pg)?;
            let mut due: Vec<(i64, Due)> = rows
                .iter()
                .map(|r| {
                    (
                        r.get::<_, i64>(2),
                        Due {
                            dedup_key: r.get(0),
                            attempts: u32::try_from(r.get::<_, i32>(1)).unwrap_or(0),
                        },
                    )
                })
                .collect();
            due.sort_by_key(|(seq, _)| *seq);
            Ok(due.into_iter().map(|(_, d)| d).collect())
        })
    }

    fn done<'a>(
        &'a self,
        sink: &'a str,
        keys: &'a [String],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "UPDATE eventbind_outbox SET state = 'done', last_error = NULL
                     WHERE sink = $1 AND dedup_key = ANY($2::text[])",
                    &[&sink, &keys],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn failed<'a>(
        &'a self,
        sink: &'a str,
        key: &'a str,
        error: &'a str,
        retry_in: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let (state, delay) = match retry_in {
                Some(delay) => ("pending", millis(delay)),
                None => ("dead", 0),
            };
            client
                .execute(
                    &format!(
                        "UPDATE eventbind_outbox
                         SET state = $3, next_attempt_at = {NOW} + $4, last_error = $5
                         WHERE sink = $1 AND dedup_key = $2 AND state = 'pending'"
                    ),
                    &[&sink, &key, &state, &delay, &error],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn counts<'a>(&'a self, sink: &'a str) -> BoxFuture<'a, Result<Counts, StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT state, COUNT(*)::bigint FROM eventbind_outbox WHERE sink = $1 GROUP BY state",
                    &[&sink],
                )
                .await
                .map_err(pg)?;
            let mut counts = Counts::default();
            for row in rows {
                let n = u64::try_from(row.get::<_, i64>(1)).unwrap_or(0);
                match row.get::<_, &str>(0) {
                    "pending" => counts.pending = n,
                    "done" => counts.done = n,
                    _ => counts.dead = n,
                }
            }
            Ok(counts)
        })
    }
}

//! The shared store (feature `postgres`): any number of receivers on one
//! database.
//!
//! A claim is one `INSERT ... ON CONFLICT` statement: a new key is stored
//! and leased, a key whose handling failed or whose lease lapsed (a crashed
//! replica's) is taken over, anything else is read back to say why not.
//! Leases are measured on the database's clock, so replicas' clocks need
//! not agree. Inbox workers drain due deliveries with `FOR UPDATE SKIP
//! LOCKED`, so two never take the same one. The schema is created and
//! migrated here (a versioned `eventbind_migrations` table, under an
//! advisory lock so replicas starting together do not race).

use super::record::lease_ms;
use super::sql::{class_from_text, headers_from_text, headers_to_text, state_from_text, COLUMNS};
use super::{Claim, Filter, Record, Routing, Settle, State, Store, StoreError, Stored};
use crate::delivery::BoxFuture;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::{NoTls, Row};

/// The database's clock, in milliseconds since the epoch.
const NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// Any constant will do; it names the migration lock.
const MIGRATION_LOCK: i64 = 0x6576_656e_7462;

const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE eventbind_deliveries (
        dedup_key TEXT PRIMARY KEY,
        body_hash TEXT NOT NULL,
        body BYTEA NOT NULL,
        headers TEXT NOT NULL,
        transport TEXT NOT NULL,
        spec TEXT NOT NULL,
        name TEXT,
        message TEXT,
        routing_key TEXT,
        class TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        state TEXT NOT NULL,
        lease_until BIGINT,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        seq BIGSERIAL NOT NULL
    );
    CREATE INDEX eventbind_deliveries_due ON eventbind_deliveries (state, seq);
    CREATE INDEX eventbind_deliveries_class ON eventbind_deliveries (class, seq);
    CREATE TABLE eventbind_conflicts (
        id BIGSERIAL PRIMARY KEY,
        dedup_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        body BYTEA NOT NULL,
        headers TEXT NOT NULL,
        transport TEXT NOT NULL,
        spec TEXT NOT NULL,
        name TEXT,
        message TEXT,
        routing_key TEXT,
        class TEXT NOT NULL,
        received_at BIGINT NOT NULL
    );
    CREATE INDEX eventbind_conflicts_key ON eventbind_conflicts (dedup_key, id);",
)];

/// A pool of connections to the database holding the inbox.
pub struct PostgresStore {
    pool: Pool,
}

fn pg(e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("postgres: {e}"))
}

impl PostgresStore {
    /// Connects to `url` (a libpq-style `postgres://user@host:port/db`
    /// URL), checks the connection and migrates the schema. Fails at once if
    /// the database cannot be reached or was migrated by a newer build.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        Self::connect_with(url, 16).await
    }

    /// Like [`PostgresStore::connect`], with at most `connections` open.
    pub async fn connect_with(url: &str, connections: usize) -> Result<PostgresStore, StoreError> {
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
        let pool = Pool::builder(manager)
            .max_size(connections.max(1))
            .build()
            .map_err(pg)?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
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
            "CREATE TABLE IF NOT EXISTS eventbind_migrations (
                version BIGINT PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(pg)?;
        let current: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::bigint FROM eventbind_migrations",
                &[],
            )
            .await
            .map_err(pg)?
            .get(0);
        let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
        if current > newest {
            return Err(StoreError(format!(
                "postgres: schema version {current} is newer than this build knows ({newest})"
            )));
        }
        for (version, script) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            tx.batch_execute(script).await.map_err(pg)?;
            tx.execute(
                "INSERT INTO eventbind_migrations (version) VALUES ($1)",
                &[version],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }

    async fn claim_now(&self, record: &Record, lease: i64) -> Result<Claim, StoreError> {
        let client = self.client().await?;
        let headers = headers_to_text(&record.headers);
        let claimed = client
            .query_opt(
                &format!(
                    "INSERT INTO eventbind_deliveries AS d (dedup_key, body_hash, body, headers,
                        transport, spec, name, message, routing_key, class, received_at, state,
                        lease_until, attempts)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'in_flight',
                        {NOW} + $12, 1)
                     ON CONFLICT (dedup_key) DO UPDATE SET state = 'in_flight',
                        lease_until = {NOW} + $12, attempts = d.attempts + 1,
                        class = EXCLUDED.class, message = EXCLUDED.message,
                        routing_key = EXCLUDED.routing_key
                     WHERE d.body_hash = EXCLUDED.body_hash
                       AND (d.state = 'failed' OR (d.state = 'in_flight' AND d.lease_until <= {NOW}))
                     RETURNING d.attempts"
                ),
                &[
                    &record.dedup_key,
                    &record.body_hash,
                    &&record.body[..],
                    &headers,
                    &record.transport,
                    &record.spec,
                    &record.name,
                    &record.message,
                    &record.routing_key,
                    &record.class.as_str(),
                    &record.received_at,
                    &lease,
                ],
            )
            .await
            .map_err(pg)?;
        if claimed.is_some() {
            return Ok(Claim::New);
        }
        let found = client
            .query_opt(
                &format!(
                    "SELECT state, body_hash, (state = 'in_flight' AND lease_until > {NOW})
                     FROM eventbind_deliveries WHERE dedup_key = $1"
                ),
                &[&record.dedup_key],
            )
            .await
            .map_err(pg)?;
        // Gone between the two statements cannot happen (nothing deletes);
        // say "in flight" so the delivery is simply retried.
        let Some(row) = found else {
            return Ok(Claim::InFlight);
        };
        let (state, hash, live): (String, String, bool) = (row.get(0), row.get(1), row.get(2));
        if live {
            return Ok(Claim::InFlight);
        }
        if hash != record.body_hash {
            client
                .execute(
                    "INSERT INTO eventbind_conflicts (dedup_key, body_hash, body, headers,
                        transport, spec, name, message, routing_key, class, received_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    &[
                        &record.dedup_key,
                        &record.body_hash,
                        &&record.body[..],
                        &headers,
                        &record.transport,
                        &record.spec,
                        &record.name,
                        &record.message,
                        &record.routing_key,
                        &record.class.as_str(),
                        &record.received_at,
                    ],
                )
                .await
                .map_err(pg)?;
            return Ok(Claim::Conflict);
        }
        Ok(match state_from_text(&state)? {
            State::Handled => Claim::Done,
            State::Dead => Claim::Dead,
            // Failed or lapsed just now, after the insert looked: retry.
            State::Failed | State::InFlight => Claim::InFlight,
        })
    }
}

/// `COLUMNS` qualified by `d.`, for statements joining another table.
fn qualified() -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("d.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn stored(row: &Row) -> Result<Stored, StoreError> {
    let body: Vec<u8> = row.try_get(2).map_err(pg)?;
    let headers: String = row.try_get(3).map_err(pg)?;
    let class: String = row.try_get(9).map_err(pg)?;
    let state: String = row.try_get(11).map_err(pg)?;
    let attempts: i32 = row.try_get(12).map_err(pg)?;
    Ok(Stored {
        record: Record {
            dedup_key: row.try_get(0).map_err(pg)?,
            body_hash: row.try_get(1).map_err(pg)?,
            body: body.into(),
            headers: headers_from_text(&headers)?,
            transport: row.try_get(4).map_err(pg)?,
            spec: row.try_get(5).map_err(pg)?,
            name: row.try_get(6).map_err(pg)?,
            message: row.try_get(7).map_err(pg)?,
            routing_key: row.try_get(8).map_err(pg)?,
            class: class_from_text(&class)?,
            received_at: row.try_get(10).map_err(pg)?,
        },
        state: state_from_text(&state)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        last_error: row.try_get(13).map_err(pg)?,
    })
}

impl Store for PostgresStore {
    fn claim<'a>(
        &'a self,
        record: &'a Record,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(self.claim_now(record, lease_ms(lease)))
    }

    fn settle<'a>(
        &'a self,
        key: &'a str,
        outcome: &'a Settle,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "UPDATE eventbind_deliveries SET state = $2, last_error = $3,
                        lease_until = NULL WHERE dedup_key = $1",
                    &[&key, &outcome.state().as_str(), &outcome.error()],
                )
                .await
                .map_err(pg)?;
            Ok(())
        })
    }

    fn retake<'a>(
        &'a self,
        key: &'a str,
        routing: &'a Routing,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!(
                        "UPDATE eventbind_deliveries SET state = 'in_flight',
                            lease_until = {NOW} + $2, attempts = attempts + 1, class = $3,
                            message = $4, routing_key = $5
                         WHERE dedup_key = $1
                           AND NOT (state = 'in_flight' AND COALESCE(lease_until, 0) > {NOW})
                         RETURNING {COLUMNS}"
                    ),
                    &[
                        &key,
                        &lease_ms(lease),
                        &routing.class.as_str(),
                        &routing.message,
                        &routing.routing_key,
                    ],
                )
                .await
                .map_err(pg)?;
            row.as_ref().map(stored).transpose()
        })
    }

    fn take_due<'a>(
        &'a self,
        limit: usize,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = client
                .query(
                    &format!(
                        "WITH due AS (
                            SELECT dedup_key FROM eventbind_deliveries
                            WHERE state = 'failed'
                               OR (state = 'in_flight' AND COALESCE(lease_until, 0) <= {NOW})
                            ORDER BY seq LIMIT $1
                            FOR UPDATE SKIP LOCKED)
                         UPDATE eventbind_deliveries d SET state = 'in_flight',
                            lease_until = {NOW} + $2, attempts = d.attempts + 1
                         FROM due WHERE d.dedup_key = due.dedup_key
                         RETURNING {}",
                        qualified()
                    ),
                    &[&limit, &lease_ms(lease)],
                )
                .await
                .map_err(pg)?;
            rows.iter().map(stored).collect()
        })
    }

    fn list<'a>(&'a self, filter: &'a Filter) -> BoxFuture<'a, Result<Vec<Stored>, StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let limit = filter.limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX));
            let rows = client
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM eventbind_deliveries
                         WHERE ($1::text IS NULL OR class = $1)
                           AND ($2::text IS NULL OR state = $2)
                           AND ($3::bigint IS NULL OR received_at >= $3)
                           AND ($4::text IS NULL OR dedup_key = $4)
                         ORDER BY seq LIMIT $5"
                    ),
                    &[
                        &filter.class.map(|c| c.as_str()),
                        &filter.state.map(State::as_str),
                        &filter.since,
                        &filter.key,
                        &limit,
                    ],
                )
                .await
                .map_err(pg)?;
            rows.iter().map(stored).collect()
        })
    }

    fn conflicts<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Record>, StoreError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT dedup_key, body_hash, body, headers, transport, spec, name, message,
                        routing_key, class, received_at, 'handled', 0::int, NULL::text
                     FROM eventbind_conflicts WHERE dedup_key = $1 ORDER BY id",
                    &[&key],
                )
                .await
                .map_err(pg)?;
            rows.iter().map(|r| stored(r).map(|s| s.record)).collect()
        })
    }
}

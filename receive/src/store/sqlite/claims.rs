//! Deciding claims for the SQLite store without a write: the committed state
//! (read on a connection of its own, which WAL lets run beside the writer)
//! and the keys this process is handling now.

use super::super::record::now_ms;
use super::super::sql::{headers_to_text, state_from_text};
use super::super::{Claim, Record, Settle, State, StoreError};
use super::{cached, insert_conflict, sql, SqliteStore};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A key being handled: what its record and outcome will be written as.
struct Held {
    record: Record,
    attempts: i64,
    lease_until: i64,
}

pub(super) struct Claims {
    reader: Mutex<Connection>,
    held: Mutex<HashMap<String, Held>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each change under these locks is a single insert or remove.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Claims {
    pub(super) fn open(path: &Path) -> Result<Claims, StoreError> {
        let reader = Connection::open(path)
            .and_then(|c| c.execute_batch("PRAGMA busy_timeout = 10000;").map(|()| c))
            .map_err(|e| StoreError(format!("sqlite {}: {e}", path.display())))?;
        Ok(Claims {
            reader: Mutex::new(reader),
            held: Mutex::new(HashMap::new()),
        })
    }

    /// Decides the claim of `record`; only a conflict is written (and synced)
    /// before the answer.
    pub(super) async fn claim(
        &self,
        store: &SqliteStore,
        record: &Record,
        lease: i64,
    ) -> Result<Claim, StoreError> {
        let decided = self.decide(record, lease)?;
        if decided == Claim::Conflict {
            let record = record.clone();
            store
                .call(true, |_| false, move |conn| insert_conflict(conn, &record))
                .await?;
        }
        Ok(decided)
    }

    fn decide(&self, record: &Record, lease: i64) -> Result<Claim, StoreError> {
        let now = now_ms();
        // Held across the read: a key settled meanwhile is either still held
        // (in flight) or committed (read as such), never neither.
        let mut held = lock(&self.held);
        if held
            .get(&record.dedup_key)
            .is_some_and(|h| h.lease_until > now)
        {
            return Ok(Claim::InFlight);
        }
        let found: Option<(String, String, Option<i64>, i64)> = lock(&self.reader)
            .prepare_cached(
                "SELECT state, body_hash, lease_until, attempts FROM eventbind_deliveries
                 WHERE dedup_key = ?1",
            )
            .map_err(sql)?
            .query_row([&record.dedup_key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .map_err(sql)?;
        let attempts = match found {
            None => 0,
            Some((state, hash, lease_until, attempts)) => {
                let state = state_from_text(&state)?;
                // In flight in the file: a replay or recovery holds it.
                if state == State::InFlight && lease_until.unwrap_or(0) > now {
                    return Ok(Claim::InFlight);
                }
                if hash != record.body_hash {
                    return Ok(Claim::Conflict);
                }
                match state {
                    State::Handled => return Ok(Claim::Done),
                    State::Dead => return Ok(Claim::Dead),
                    State::Failed | State::InFlight => attempts,
                }
            }
        };
        let attempts = match held.get(&record.dedup_key) {
            // A lapsed lease of this process: taken over, one more attempt.
            Some(lapsed) => lapsed.attempts.max(attempts) + 1,
            None => attempts + 1,
        };
        held.insert(
            record.dedup_key.clone(),
            Held {
                record: record.clone(),
                attempts,
                lease_until: now.saturating_add(lease),
            },
        );
        Ok(Claim::New)
    }

    /// Writes the record of a held key with its outcome, in one synced
    /// write; a key not held here (taken by a replay or a recovery) has its
    /// stored state updated.
    pub(super) async fn settle(
        &self,
        store: &SqliteStore,
        key: &str,
        outcome: &Settle,
    ) -> Result<(), StoreError> {
        let holding = lock(&self.held)
            .get(key)
            .map(|h| (h.record.clone(), h.attempts));
        let outcome = outcome.clone();
        let written = match holding {
            Some((record, attempts)) => {
                store
                    .call(
                        true,
                        |_| false,
                        move |conn| upsert(conn, &record, attempts, &outcome),
                    )
                    .await
            }
            None => {
                let key = key.to_owned();
                store
                    .call(
                        true,
                        |_| false,
                        move |conn| {
                            cached(
                                conn,
                                "UPDATE eventbind_deliveries SET state = ?2, last_error = ?3,
                                lease_until = NULL WHERE dedup_key = ?1",
                                params![key, outcome.state().as_str(), outcome.error()],
                            )
                            .map_err(sql)?;
                            Ok(())
                        },
                    )
                    .await
            }
        };
        // Written or not, the key is no longer being handled: a redelivery
        // finds the outcome, or (not written) no record and runs again.
        lock(&self.held).remove(key);
        written
    }
}

fn upsert(
    conn: &Connection,
    record: &Record,
    attempts: i64,
    outcome: &Settle,
) -> Result<(), StoreError> {
    cached(
        conn,
        "INSERT INTO eventbind_deliveries (dedup_key, body_hash, body, headers, transport, spec,
            name, message, routing_key, class, received_at, state, lease_until, attempts,
            last_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13, ?14)
         ON CONFLICT (dedup_key) DO UPDATE SET class = excluded.class,
            message = excluded.message, routing_key = excluded.routing_key,
            state = excluded.state, lease_until = NULL, attempts = excluded.attempts,
            last_error = excluded.last_error",
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
            outcome.state().as_str(),
            attempts,
            outcome.error(),
        ],
    )
    .map_err(sql)?;
    Ok(())
}

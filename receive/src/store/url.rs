//! Opening a store from a URL, as `eventbind listen --store` takes it.

use super::{MemoryStore, Store, StoreError};
use std::sync::Arc;

/// Opens the store `url` names, creating or migrating its schema:
///
/// - `memory`: a [`MemoryStore`] (nothing survives the process);
/// - `sqlite:PATH` (or `sqlite://PATH`): a [`SqliteStore`](super::SqliteStore)
///   file, created if missing (feature `sqlite`);
/// - `postgres://...` or `postgresql://...`: a
///   [`PostgresStore`](super::PostgresStore) (feature `postgres`).
///
/// An unreachable or misconfigured store is an error here, at start-up,
/// never a quiet fall-back to memory.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url == "memory" {
        return Ok(Arc::new(MemoryStore::default()));
    }
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        return sqlite(path);
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return postgres(url).await;
    }
    Err(StoreError(format!(
        "`{url}` names no store: give `memory`, `sqlite:PATH` or `postgres://...`"
    )))
}

#[cfg(feature = "sqlite")]
fn sqlite(path: &str) -> Result<Arc<dyn Store>, StoreError> {
    if path.is_empty() {
        return Err(StoreError("`sqlite:` needs a file path".to_owned()));
    }
    Ok(Arc::new(super::SqliteStore::open(path)?))
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(_: &str) -> Result<Arc<dyn Store>, StoreError> {
    Err(StoreError(
        "this build has no SQLite store (enable feature `sqlite` of eventbind-receive)".to_owned(),
    ))
}

#[cfg(feature = "postgres")]
async fn postgres(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(super::PostgresStore::connect(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(_: &str) -> Result<Arc<dyn Store>, StoreError> {
    Err(StoreError(
        "this build has no PostgreSQL store (enable feature `postgres` of eventbind-receive)"
            .to_owned(),
    ))
}

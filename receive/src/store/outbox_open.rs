//! Opening the outbox from the store's URL.

use super::outbox::Outbox;
use super::StoreError;
use std::sync::Arc;

/// Opens the outbox beside the store `url` names (see [`open`](super::open)):
/// the same SQLite file or PostgreSQL database, or memory for `memory`.
pub async fn open(url: &str) -> Result<Arc<dyn Outbox>, StoreError> {
    if url == "memory" {
        return Ok(Arc::new(super::outbox::MemoryOutbox::default()));
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
fn sqlite(path: &str) -> Result<Arc<dyn Outbox>, StoreError> {
    Ok(Arc::new(super::outbox_sqlite::SqliteOutbox::open(path)?))
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(_: &str) -> Result<Arc<dyn Outbox>, StoreError> {
    Err(StoreError("this build has no SQLite store".to_owned()))
}

#[cfg(feature = "postgres")]
async fn postgres(url: &str) -> Result<Arc<dyn Outbox>, StoreError> {
    Ok(Arc::new(
        super::outbox_postgres::PostgresOutbox::connect(url).await?,
    ))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(_: &str) -> Result<Arc<dyn Outbox>, StoreError> {
    Err(StoreError("this build has no PostgreSQL store".to_owned()))
}

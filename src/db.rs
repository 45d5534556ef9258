//! The SQLite store: opening the pool and one module of queries per table group.
//! Every function takes the pool (or a transaction) and returns domain types.

pub mod annotations;
pub mod courses;
pub mod feedback;
pub mod group_commit;
pub mod links;
pub mod moderation;
pub mod readings;
pub mod replies;
pub mod review;
pub mod search;
pub mod sessions;
pub mod snapshot;
pub mod tokens;
pub mod users;
pub mod w3c;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// Opens (creating if needed) the database at `path`, in WAL mode with foreign
/// keys on and a busy timeout, and applies the migrations.
pub async fn connect(path: &Path) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged write survives a crash of the process or the machine.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(pool)
}

/// Folds the write-ahead log into the database file and closes every connection.
///
/// SQLite checkpoints on close only when the closing connection is the last
/// one, and the pool closes its connections concurrently, so two can each see
/// the other and both skip it. An explicit TRUNCATE checkpoint while the pool is
/// idle leaves the log empty whatever order they close in.
pub async fn close(pool: &SqlitePool) {
    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await {
        tracing::warn!("could not checkpoint the database on exit: {e}");
    }
    pool.close().await;
}

/// The current time as stored: RFC 3339 in UTC with milliseconds and a `Z`.
#[must_use]
pub fn now() -> String {
    timestamp(Utc::now())
}

/// A time as stored.
#[must_use]
pub fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored time; the store only ever writes valid ones.
pub(crate) fn parse_time(value: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

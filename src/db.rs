//! The store: opening the database (an SQLite file, or PostgreSQL) and one module of queries per table group.
//! Every function takes the pool (or a transaction) and returns domain types.

pub mod annotations;
pub mod assignments;
pub mod copy_to;
pub mod course_copy;
pub mod courses;
pub mod departures;
pub mod fault;
pub mod feedback;
pub mod group_commit;
pub mod groups;
pub mod health;
pub mod inbox;
pub mod links;
pub mod lti;
pub mod marks;
pub mod moderation;
pub mod notify;
pub mod originals;
pub mod readings;
pub mod replies;
pub mod resets;
pub mod review;
pub mod search;
pub mod sessions;
pub mod snapshot;
pub mod store;
pub mod tags;
pub mod tokens;
pub mod users;
pub mod versions;
pub mod visibility;
pub mod w3c;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// The database the layers above hold: they never name sqlx themselves (see
/// `tests/api/architecture.rs`), nor which backend this is.
pub use store::{Backend, Db};

/// Opens the database `--db` names: a PostgreSQL URL (`postgres://…`), or else
/// an SQLite file, created if needed. Either is migrated before it is used.
pub async fn connect(location: &Path) -> anyhow::Result<Db> {
    match location.to_str().filter(|l| is_postgres_url(l)) {
        Some(url) => connect_postgres(url).await,
        None => connect_sqlite(location).await,
    }
}

/// Whether `location` names a PostgreSQL database rather than an SQLite file.
#[must_use]
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// How many connections each server keeps to PostgreSQL: several servers share
/// the database's own limit (`max_connections`, 100 by default).
const POSTGRES_CONNECTIONS: u32 = 16;

/// Connects to PostgreSQL at `url` and applies its migrations (`migrations/postgres`).
/// Several servers starting at once are safe: sqlx migrates under an advisory lock.
pub async fn connect_postgres(url: &str) -> anyhow::Result<Db> {
    let options: PgConnectOptions = url.parse().map_err(|e| anyhow::anyhow!("cannot read the database URL: {e}"))?;
    // The URL may hold a password: name the server and database only.
    let name = format!("{}:{}/{}", options.get_host(), options.get_port(), options.get_database().unwrap_or(""));
    // SQLite's busy timeout: a write waits this long for the write lock (`store::WRITE_LOCK`),
    // then fails as `Fault::Locked` (a 503) rather than waiting on a stuck holder for ever.
    let options = options.options([("lock_timeout", format!("{}ms", LOCK_TIMEOUT.as_millis()))]);
    let pool = PgPoolOptions::new()
        .max_connections(POSTGRES_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        // By default sqlx pings a connection before handing it out, a round trip to the
        // database for every query on top of the one it makes when the connection comes
        // back (which finds a connection lost in use). Busy connections are pinged then
        // only; one left idle a while, which the database may have dropped meanwhile (a
        // restart, a failover, an idle timeout), is pinged before use, and replaced if dead.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for < PING_AFTER_IDLE {
                    return Ok(true);
                }
                conn.ping().await.map(|()| true)
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to PostgreSQL at {name}: {e}"))?;
    sqlx::migrate!("migrations/postgres")
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate the PostgreSQL database at {name}: {e}"))?;
    Ok(Db::Postgres(pool))
}

/// A PostgreSQL connection idle longer than this is pinged before it is used again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// How long a write waits for another writer (SQLite's busy timeout, PostgreSQL's
/// `lock_timeout`) before it is refused as locked.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens (creating if needed) the SQLite database at `path`, in WAL mode with
/// foreign keys on and a busy timeout, and applies its migrations.
pub async fn connect_sqlite(path: &Path) -> anyhow::Result<Db> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged write survives a crash of the process or the machine.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(LOCK_TIMEOUT);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // Each query is a trip to its connection's thread, and a ping before handing one out
        // would be another: an SQLite connection does not drop like a network one, and sqlx
        // pings every connection coming back anyway, which flushes a dropped query's leftovers.
        .test_before_acquire(false)
        .after_release(|conn, _| Box::pin(async move { Ok(is_settled(conn).await) }))
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
    sqlx::migrate!("migrations/sqlite")
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(Db::Sqlite(pool))
}

/// Whether a connection going back to the pool is out of any transaction.
///
/// When a `COMMIT` fails, SQLite may have rolled the transaction back itself
/// (a full disk, a disk error) or may have kept it open (busy); sqlx then
/// counts it still open, its `ROLLBACK` may fail in turn, and a connection
/// reused in that state turns the next `BEGIN` into a `SAVEPOINT` whose
/// "commit" is a `RELEASE` that saves nothing, while it holds the write lock.
/// A connection that sqlx counts in a transaction is closed instead (SQLite
/// rolls back whatever it still holds). sqlx's count can only lag SQLite's
/// state this way, never the other way: every `BEGIN` it issues fails inside a
/// transaction, and nothing here runs `BEGIN`, `COMMIT` or `ROLLBACK` outside
/// sqlx's own transactions (`begin`, `begin_with`).
async fn is_settled(conn: &mut sqlx::SqliteConnection) -> bool {
    // The count can read "in a transaction" while a dropped transaction's rollback is still queued,
    // never "out of one" while SQLite is in one (a `BEGIN` still queued is rolled back by sqlx if
    // nobody awaits it, before any later command). So only a connection that reads "in" needs the
    // ping, which runs after the queued rollback, to make the count current.
    if !conn.is_in_transaction() {
        return true;
    }
    if conn.ping().await.is_err() {
        return false;
    }
    if conn.is_in_transaction() {
        tracing::warn!("a database connection was left in a transaction by a failed commit or rollback; closing it");
        return false;
    }
    true
}

/// How many times the exit checkpoint is tried, and the pause after each failure.
const CHECKPOINT_TRIES: u32 = 3;
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(500);

/// Folds the write-ahead log into the database file and closes every connection.
///
/// SQLite checkpoints on close only when the closing connection is the last
/// one, and the pool closes its connections concurrently, so two can each see
/// the other and both skip it. An explicit TRUNCATE checkpoint while the pool is
/// idle leaves the log empty whatever order they close in. One that fails (a
/// full disk, a lock) is retried, then reported: nothing is lost, the log stays
/// beside the database and is folded in at the next start.
pub async fn close(db: &Db) {
    let Some(pool) = db.as_sqlite() else {
        return db.close().await;
    };
    for attempt in 1..=CHECKPOINT_TRIES {
        match checkpoint(pool).await {
            Ok(()) => break,
            Err(e) if attempt < CHECKPOINT_TRIES => {
                tracing::warn!(attempt, "could not checkpoint the database on exit, trying again: {e}");
                tokio::time::sleep(CHECKPOINT_PAUSE * attempt).await;
            }
            Err(e) => tracing::error!(
                "could not checkpoint the database on exit after {CHECKPOINT_TRIES} tries: {e}. Nothing is lost: \
                 its write-ahead log (the `-wal` file beside it) holds the latest writes and is folded in at the \
                 next start; keep the two files together"
            ),
        }
    }
    pool.close().await;
}

/// One TRUNCATE checkpoint; an error when it could not complete.
async fn checkpoint(pool: &sqlx::SqlitePool) -> anyhow::Result<()> {
    let (busy, log, done): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(pool).await?;
    anyhow::ensure!(busy == 0, "the checkpoint was blocked ({done} of {log} pages of the log folded in)");
    Ok(())
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

/// A consistent, compact copy of an SQLite database into the new file `path`
/// (`VACUUM INTO`), safe while the server writes. PostgreSQL has its own tools.
pub async fn backup_to(db: &Db, path: &str) -> anyhow::Result<()> {
    let Some(pool) = db.as_sqlite() else {
        anyhow::bail!("backup copies an SQLite database; back PostgreSQL up with pg_dump (see the README)");
    };
    sqlx::query("VACUUM INTO ?").bind(path).execute(pool).await?;
    Ok(())
}

//! `counterpoint restore FILE`: checks that FILE is a sound Counterpoint
//! database this binary can run, refuses while a server holds the live
//! database, then puts a copy of FILE in its place atomically.

use anyhow::{Context, anyhow, bail};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Replaces the database at `db` with the backup `file`.
pub async fn restore(db: &Path, file: &Path) -> anyhow::Result<()> {
    if db.to_str().is_some_and(crate::db::is_postgres_url) {
        bail!(
            "restore replaces an SQLite database file; restore PostgreSQL with pg_restore, or move an SQLite \
             backup into it with copy-to (see the README)"
        );
    }
    if same_file(db, file) {
        bail!("{} is the database itself; name a backup file", file.display());
    }
    let annotations = check_backup(file).await?;
    if db.exists() {
        ensure_unused(db).await?;
    }
    replace(db, file)?;
    eprintln!(
        "restored {} from {} ({annotations} annotations); the database it replaced is gone",
        db.display(),
        file.display()
    );
    Ok(())
}

/// Checks that `file` is an intact Counterpoint database no newer than this
/// binary; returns how many annotations it holds.
async fn check_backup(file: &Path) -> anyhow::Result<i64> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    if sidecar(file, "-wal").metadata().is_ok_and(|m| m.len() > 0) {
        bail!("{} has a write-ahead log beside it; open it with counterpoint once, or use a backup", file.display());
    }
    let not_ours = |e: sqlx::Error| anyhow!("{} is not a Counterpoint database: {e}", file.display());
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(not_ours)?;
    let integrity: Vec<(String,)> =
        sqlx::query_as("PRAGMA integrity_check").fetch_all(&mut conn).await.map_err(not_ours)?;
    if integrity.first().map(|(line,)| line.as_str()) != Some("ok") {
        let problems: Vec<String> = integrity.into_iter().take(3).map(|(line,)| line).collect();
        bail!("{} is damaged: {}", file.display(), problems.join("; "));
    }
    let (tables,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_one(&mut conn)
            .await
            .map_err(not_ours)?;
    if tables == 0 {
        bail!("{} is not a Counterpoint database: it has no migrations table", file.display());
    }
    let applied: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations").fetch_all(&mut conn).await.map_err(not_ours)?;
    let known: Vec<i64> = sqlx::migrate!("migrations/sqlite").iter().map(|m| m.version).collect();
    if let Some((version,)) = applied.iter().find(|(v,)| !known.contains(v)) {
        bail!("{} was made by a newer Counterpoint (migration {version}); upgrade counterpoint first", file.display());
    }
    let (annotations,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM annotations").fetch_one(&mut conn).await.map_err(not_ours)?;
    conn.close().await.map_err(not_ours)?;
    Ok(annotations)
}

/// Fails if another connection (a running server) has `db` open.
///
/// Leaving WAL mode needs the only connection to the file: a server's
/// connections hold a shared lock for as long as they are open. It also
/// checkpoints the log into the file, so nothing is left in `-wal`.
async fn ensure_unused(db: &Path) -> anyhow::Result<()> {
    let connected = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(false)
        .busy_timeout(Duration::from_millis(500))
        .connect()
        .await;
    let in_use = || anyhow!("{} is in use by a running server; stop the server first", db.display());
    let Ok(mut conn) = connected else {
        return Ok(()); // Unreadable or damaged: exactly what a restore is for.
    };
    let mode: Result<(String,), sqlx::Error> =
        sqlx::query_as("PRAGMA journal_mode = DELETE").fetch_one(&mut conn).await;
    let _ = conn.close().await;
    match mode {
        Ok((mode,)) if mode.eq_ignore_ascii_case("delete") => Ok(()),
        Ok(_) => Err(in_use()),
        Err(e) if is_busy(&e) => Err(in_use()),
        Err(_) => Ok(()),
    }
}

fn is_busy(error: &sqlx::Error) -> bool {
    error.as_database_error().and_then(|e| e.code()).is_some_and(|code| code == "5" || code == "6" || code == "517")
}

/// Copies `file` beside `db`, flushes it to disk, removes stale `-wal`/`-shm`
/// files and renames the copy over `db`, so `db` is always whole.
fn replace(db: &Path, file: &Path) -> anyhow::Result<()> {
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = db.file_name().and_then(|n| n.to_str()).unwrap_or("counterpoint.db");
    let temp = dir.join(format!(".{name}.restore-{}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        std::fs::copy(file, &temp).with_context(|| format!("cannot copy {} to {}", file.display(), temp.display()))?;
        std::fs::File::open(&temp).and_then(|f| f.sync_all()).context("cannot flush the copy to disk")?;
        for stale in [sidecar(db, "-wal"), sidecar(db, "-shm"), sidecar(db, "-journal")] {
            match std::fs::remove_file(&stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove {}", stale.display()));
                }
                _ => {}
            }
        }
        std::fs::rename(&temp, db).with_context(|| format!("cannot replace {}", db.display()))?;
        // The rename is durable once the folder is flushed; not every system can.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `db` with `suffix` appended to its file name: `x.db-wal`.
fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

//! What tests and benchmarks need from outside the crate: `../shared` (the
//! readings and W3C schemas beside the repository) and a PostgreSQL cluster
//! (`COUNTERPOINT_TEST_POSTGRES`). Where one is absent they say so plainly and
//! do not run; under `CI=true` an absence is a failure.

use anyhow::Context as _;
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::path::PathBuf;
use std::str::FromStr as _;

/// The shared folder: `COUNTERPOINT_SHARED`, else `../shared` beside the crate.
#[must_use]
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("COUNTERPOINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    dir.is_dir().then_some(dir)
}

/// A file under the shared folder, or `None` (with a note on stderr) when it is absent.
///
/// # Panics
/// Under `CI=true`, when the file is absent: CI must run every test.
#[must_use]
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().map(|d| d.join(relative)).filter(|p| p.exists());
    if path.is_none() {
        let message = format!("../shared/{relative} is absent: this test did not run");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message} (CI=true requires it)");
        eprintln!("SKIPPED: {message}");
    }
    path
}

/// The text of a shared reading, e.g. `readings/one-bed-different-dreams.txt`.
#[must_use]
pub fn shared_text(relative: &str) -> Option<String> {
    shared_file(relative).and_then(|p| std::fs::read_to_string(p).ok())
}

/// The PostgreSQL cluster the tests may use: `COUNTERPOINT_TEST_POSTGRES`, a URL
/// such as `postgres://postgres@127.0.0.1:5432/postgres` (`scripts/pg-cluster
/// start DIR` starts a throwaway one and prints it), or `None` (with a note on
/// stderr) when it is not set.
///
/// # Panics
/// Under `CI=true`, when it is not set: CI must run every test.
#[must_use]
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("COUNTERPOINT_TEST_POSTGRES").ok().filter(|u| !u.trim().is_empty());
    if url.is_none() {
        let message = "COUNTERPOINT_TEST_POSTGRES is not set (start a cluster with scripts/pg-cluster start DIR): \
                       this test did not run";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message} (CI=true requires it)");
        eprintln!("SKIPPED: {message}");
    }
    url
}

/// A schema of its own for one test in the cluster's database: tests on one
/// cluster run side by side, each in its schema, and never see each other's rows.
#[derive(Debug, Clone)]
pub struct PostgresSchema {
    /// The schema's name, `t_` and a UUID's 32 hex digits.
    pub name: String,
    /// Connect options whose connections use only this schema (`search_path`).
    pub options: PgConnectOptions,
    /// The same as a URL (`?options=-c search_path=...`), for a server started as a process.
    pub url: String,
}

/// A key for `pg_advisory_xact_lock`: one test at a time sets up what is shared by the database.
const SETUP_LOCK: i64 = 0x0063_6f75_6e74_6572; // "counter"

/// Makes a fresh, empty schema in the database at `url` and returns how to connect to it.
///
/// Before that, and once per database, it installs what the migrations need that is
/// shared by the whole database: the `unaccent` extension (in `public`), where the
/// server has it. `CREATE EXTENSION IF NOT EXISTS` is not safe when two sessions
/// run it at once, so it runs under an advisory lock. The schema is left behind when
/// the test ends: the cluster is a throwaway one.
///
/// # Errors
/// When the cluster cannot be reached or refuses the statements.
pub async fn fresh_postgres_schema(url: &str) -> anyhow::Result<PostgresSchema> {
    let options = PgConnectOptions::from_str(url).context("COUNTERPOINT_TEST_POSTGRES is not a PostgreSQL URL")?;
    let mut conn = PgConnection::connect_with(&options).await.context("cannot reach the test PostgreSQL")?;
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SETUP_LOCK).execute(&mut *tx).await?;
    let available: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent')")
            .fetch_one(&mut *tx)
            .await?;
    if available {
        sqlx::query("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public").execute(&mut *tx).await?;
    }
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    // The name is ours (hex digits), never user input: safe to put in the statement.
    sqlx::query(&format!("CREATE SCHEMA {name}")).execute(&mut *tx).await?;
    tx.commit().await?;
    conn.close().await?;
    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}options=-c%20search_path%3D{name}");
    Ok(PostgresSchema { options: options.options([("search_path", name.as_str())]), url, name })
}

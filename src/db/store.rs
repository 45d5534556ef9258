//! The store's one door to SQL: a query is written once and runs on SQLite (the
//! embedded default) or PostgreSQL (several servers on one database).
//!
//! sqlx's own `Any` driver would do the dispatch, but it has no chrono or uuid
//! types and binds SQLite's `$n` by first appearance, so this layer is ours: a
//! [`Db`] is either pool, a [`Conn`] either connection (in a transaction or not),
//! and a query keeps its bound values until it knows which backend runs it.
//!
//! Queries are written with SQLite's `?` placeholders, as the store always was;
//! on PostgreSQL each `?` becomes `$1`, `$2`… in order (see [`numbered`]). Where
//! the two dialects differ, [`Sql::dialects`] gives each its own text.

mod conn;
mod query;
mod value;

pub use conn::{Conn, Executor, Target};
pub use query::{Builder, Done, Query, QueryAs, QueryScalar, Rows, Scalar, Values, query, query_as, query_scalar};
pub use value::{Bind, Value};

use sqlx::{PgPool, SqlitePool};
use std::borrow::Cow;

/// The database: the embedded SQLite file, or a PostgreSQL server shared by several processes.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    /// Which backend this is, for the few places that must differ (backups, the log).
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite pool, where only SQLite applies (its file's checkpoints and backups).
    #[must_use]
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Self::Sqlite(pool) => Some(pool),
            Self::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, where only PostgreSQL applies (notifications between servers).
    #[must_use]
    pub fn as_postgres(&self) -> Option<&PgPool> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres(pool) => Some(pool),
        }
    }

    /// Starts a transaction on a connection of its own. On PostgreSQL it takes
    /// [`WRITE_LOCK`] first, as every write does there (see its comment); a
    /// transaction that only reads should be [`Db::begin_read`].
    pub async fn begin(&self) -> sqlx::Result<Conn<'static>> {
        match self {
            Self::Sqlite(pool) => Ok(Conn::SqliteTx(pool.begin().await?)),
            Self::Postgres(pool) => locked(pool.begin().await?).await,
        }
    }

    /// A transaction that only reads, several statements that must agree with each
    /// other: SQLite's read transaction is one snapshot already; PostgreSQL's
    /// default takes a new one per statement, so this asks for REPEATABLE READ.
    pub async fn begin_read(&self) -> sqlx::Result<Conn<'static>> {
        Ok(match self {
            Self::Sqlite(pool) => Conn::SqliteTx(pool.begin().await?),
            Self::Postgres(pool) => {
                Conn::PostgresTx(pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?)
            }
        })
    }

    /// A transaction that holds the right to write from its start, so that what it
    /// reads stays true until it commits: SQLite takes its write lock now (`BEGIN
    /// IMMEDIATE`), PostgreSQL the one lock all such transactions take (an advisory
    /// lock, held to the end of the transaction), whichever server they run on.
    pub async fn begin_immediate(&self) -> sqlx::Result<Conn<'static>> {
        match self {
            Self::Sqlite(pool) => Ok(Conn::SqliteTx(pool.begin_with("BEGIN IMMEDIATE").await?)),
            Self::Postgres(pool) => locked(pool.begin().await?).await,
        }
    }

    /// A connection of its own, outside any transaction.
    pub async fn acquire(&self) -> sqlx::Result<Conn<'static>> {
        Ok(match self {
            Self::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Self::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// Closes every connection; see [`super::close`] for SQLite's checkpoint first.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }

    #[must_use]
    pub fn is_closed(&self) -> bool {
        match self {
            Self::Sqlite(pool) => pool.is_closed(),
            Self::Postgres(pool) => pool.is_closed(),
        }
    }
}

impl From<SqlitePool> for Db {
    fn from(pool: SqlitePool) -> Self {
        Self::Sqlite(pool)
    }
}

impl From<PgPool> for Db {
    fn from(pool: PgPool) -> Self {
        Self::Postgres(pool)
    }
}

/// PostgreSQL's counterpart of SQLite's write lock: one advisory lock that every
/// writing transaction takes first, on whichever server it runs, and holds until
/// it ends. PostgreSQL itself would let writers run side by side, but then ids and
/// `seq`s (taken at insert) could commit out of order: a transaction holding
/// `reading_changes.seq` 5 committing after one holding 6, so that a reader that
/// has seen 6 never sees 5. The change log and the inbox are read as "everything
/// after N", which is only right if they commit in order, as SQLite's single
/// writer guarantees. Taking the lock first (never after a row lock) keeps writers
/// from deadlocking on it; readers never take it. The lock is the schema's (its
/// second key is the schema's name, hashed): deployments, or tests, in other
/// schemas of one database do not wait on each other.
pub(super) const WRITE_LOCK: &str = "SELECT pg_advisory_xact_lock(7243011, hashtext(current_schema()))";

/// [`WRITE_LOCK`]'s first key, for another program (or a test) that must hold
/// writers off: `pg_advisory_lock(WRITE_LOCK_KEY, hashtext(current_schema()))`.
pub const WRITE_LOCK_KEY: i32 = 7_243_011;

/// A subquery listing the integers in the JSON array bound to `placeholder`
/// (`?N`), for `x IN (...)`: SQLite's `json_each`, PostgreSQL's `json_array_elements_text`.
#[must_use]
pub fn json_integers(backend: Backend, placeholder: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(SELECT value FROM json_each({placeholder}))"),
        Backend::Postgres => format!("(SELECT value::bigint FROM json_array_elements_text({placeholder}::json))"),
    }
}

/// `tx` once it holds [`WRITE_LOCK`].
pub(super) async fn locked(tx: sqlx::Transaction<'_, sqlx::Postgres>) -> sqlx::Result<Conn<'_>> {
    let mut tx = Conn::PostgresTx(tx);
    query(WRITE_LOCK).execute(&mut tx).await?;
    Ok(tx)
}

/// Whether `sql` writes: its first word is INSERT, UPDATE or DELETE, or it is a
/// `WITH` whose text names one of them. On PostgreSQL such a statement outside a
/// transaction runs in one of its own that takes [`WRITE_LOCK`] first.
pub(super) fn writes(sql: &str) -> bool {
    let mut words = sql.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty());
    let is_write = |w: &str| ["INSERT", "UPDATE", "DELETE"].iter().any(|k| w.eq_ignore_ascii_case(k));
    match words.next() {
        Some(first) if first.eq_ignore_ascii_case("WITH") => words.any(is_write),
        Some(first) => is_write(first),
        None => false,
    }
}

/// The two backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A statement's text, with PostgreSQL's own where the dialects differ.
#[derive(Debug, Clone)]
pub struct Sql<'q> {
    sqlite: Cow<'q, str>,
    postgres: Option<Cow<'q, str>>,
}

impl<'q> Sql<'q> {
    /// One statement in each dialect (both with `?` placeholders, in the same order).
    #[must_use]
    pub fn dialects(sqlite: impl Into<Cow<'q, str>>, postgres: impl Into<Cow<'q, str>>) -> Self {
        Self { sqlite: sqlite.into(), postgres: Some(postgres.into()) }
    }

    /// The text for `backend`; PostgreSQL's with its placeholders numbered.
    #[must_use]
    pub fn text(&self, backend: Backend) -> Cow<'_, str> {
        match backend {
            Backend::Sqlite => Cow::Borrowed(&self.sqlite),
            Backend::Postgres => numbered(self.postgres.as_deref().unwrap_or(&self.sqlite)),
        }
    }
}

impl<'q> From<&'q str> for Sql<'q> {
    fn from(text: &'q str) -> Self {
        Self { sqlite: Cow::Borrowed(text), postgres: None }
    }
}

impl<'q> From<&'q String> for Sql<'q> {
    fn from(text: &'q String) -> Self {
        Self { sqlite: Cow::Borrowed(text), postgres: None }
    }
}

impl From<String> for Sql<'_> {
    fn from(text: String) -> Self {
        Self { sqlite: Cow::Owned(text), postgres: None }
    }
}

/// SQLite's placeholders in PostgreSQL's form: each bare `?` becomes `$n`, one
/// more than the highest number so far (SQLite's own rule), and `?n` becomes `$n`.
/// Quoted strings, quoted names and comments are left as they are.
#[must_use]
pub fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut highest = 0u32;
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for (_, inner) in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek().is_some_and(|&(_, next)| next == '-') => {
                out.push(c);
                for (_, inner) in chars.by_ref() {
                    out.push(inner);
                    if inner == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(highest + 1);
                highest = highest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{WRITE_LOCK, WRITE_LOCK_KEY, numbered, writes};

    #[test]
    fn the_write_lock_takes_its_key() {
        assert_eq!(WRITE_LOCK, format!("SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY}, hashtext(current_schema()))"));
    }

    #[test]
    fn writes_are_told_from_reads_by_their_first_word() {
        for sql in [
            "INSERT INTO t VALUES (1)",
            "  update t SET a = 1",
            "DELETE FROM t",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
        ] {
            assert!(writes(sql), "{sql}");
        }
        for sql in ["SELECT 1", "WITH x AS (SELECT 1) SELECT * FROM x", "", "PRAGMA foreign_keys"] {
            assert!(!writes(sql), "{sql}");
        }
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
        );
    }

    #[test]
    fn numbered_placeholders_keep_their_numbers_and_bare_ones_follow_the_highest() {
        assert_eq!(numbered("WHERE a = ?2 AND b = ?1 AND c = ?"), "WHERE a = $2 AND b = $1 AND c = $3");
    }

    #[test]
    fn quoted_text_names_and_comments_are_left_alone() {
        assert_eq!(
            numbered("SELECT '?', \"a?\" -- why?\n FROM t WHERE x = ?"),
            "SELECT '?', \"a?\" -- why?\n FROM t WHERE x = $1"
        );
    }

    #[test]
    fn text_without_placeholders_is_borrowed() {
        assert!(matches!(numbered("SELECT 1"), std::borrow::Cow::Borrowed(_)));
    }
}

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

    /// Starts a transaction on a connection of its own.
    pub async fn begin(&self) -> sqlx::Result<Conn<'static>> {
        Ok(match self {
            Self::Sqlite(pool) => Conn::SqliteTx(pool.begin().await?),
            Self::Postgres(pool) => Conn::PostgresTx(pool.begin().await?),
        })
    }

    /// A transaction that holds the right to write from its start, so that what it
    /// reads stays true until it commits: SQLite takes its write lock now (`BEGIN
    /// IMMEDIATE`), PostgreSQL the one lock all such transactions take (an advisory
    /// lock, held to the end of the transaction), whichever server they run on.
    pub async fn begin_immediate(&self) -> sqlx::Result<Conn<'static>> {
        match self {
            Self::Sqlite(pool) => Ok(Conn::SqliteTx(pool.begin_with("BEGIN IMMEDIATE").await?)),
            Self::Postgres(pool) => {
                let mut tx = Conn::PostgresTx(pool.begin().await?);
                query(WRITE_LOCK).execute(&mut tx).await?;
                Ok(tx)
            }
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

/// PostgreSQL's counterpart of SQLite's write lock (see [`Db::begin_immediate`]).
pub(super) const WRITE_LOCK: &str = "SELECT pg_advisory_xact_lock(7243011)";

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
    use super::numbered;

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

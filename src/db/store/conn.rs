//! A connection of either backend, and what a query can run on.

use super::{Backend, Db};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

/// One connection held for several statements: in a transaction (from [`Db::begin`]
/// or [`Conn::begin`], a savepoint when nested) or not (from [`Db::acquire`]).
/// A transaction dropped without [`Conn::commit`] rolls back.
#[derive(Debug)]
pub enum Conn<'c> {
    SqliteTx(Transaction<'c, Sqlite>),
    PostgresTx(Transaction<'c, Postgres>),
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Conn<'_> {
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            Self::SqliteTx(_) | Self::Sqlite(_) => Backend::Sqlite,
            Self::PostgresTx(_) | Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// A transaction on this connection; a savepoint when it is in one already.
    pub async fn begin(&mut self) -> sqlx::Result<Conn<'_>> {
        Ok(match self {
            Self::SqliteTx(tx) => Conn::SqliteTx(tx.begin().await?),
            Self::PostgresTx(tx) => Conn::PostgresTx(tx.begin().await?),
            Self::Sqlite(conn) => Conn::SqliteTx(conn.begin().await?),
            Self::Postgres(conn) => super::locked(conn.begin().await?).await?,
        })
    }

    /// A transaction that holds the right to write from its start (see
    /// [`Db::begin_immediate`](super::Db::begin_immediate)); a savepoint, under
    /// the lock already held, when it is in one already.
    pub async fn begin_immediate(&mut self) -> sqlx::Result<Conn<'_>> {
        match self {
            Self::Sqlite(conn) => Ok(Conn::SqliteTx(conn.begin_with("BEGIN IMMEDIATE").await?)),
            Self::Postgres(_) | Self::SqliteTx(_) | Self::PostgresTx(_) => self.begin().await,
        }
    }

    /// Commits a transaction; a connection outside one has nothing to commit.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Self::SqliteTx(tx) => tx.commit().await,
            Self::PostgresTx(tx) => tx.commit().await,
            Self::Sqlite(_) | Self::Postgres(_) => Ok(()),
        }
    }

    /// Rolls a transaction back now, rather than when it is dropped.
    pub async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Self::SqliteTx(tx) => tx.rollback().await,
            Self::PostgresTx(tx) => tx.rollback().await,
            Self::Sqlite(_) | Self::Postgres(_) => Ok(()),
        }
    }

    /// Closes a pooled connection for good instead of returning it to the pool
    /// (after a failure that may have left it in an unknown state).
    pub async fn close(self) -> sqlx::Result<()> {
        match self {
            Self::Sqlite(conn) => conn.close().await,
            Self::Postgres(conn) => conn.close().await,
            Self::SqliteTx(tx) => tx.rollback().await,
            Self::PostgresTx(tx) => tx.rollback().await,
        }
    }

    fn target(&mut self) -> Target<'_> {
        match self {
            Self::SqliteTx(tx) => Target::SqliteConn(tx),
            Self::PostgresTx(tx) => Target::PostgresConn(tx),
            Self::Sqlite(conn) => Target::SqliteConn(conn),
            Self::Postgres(conn) => Target::PostgresConn(conn),
        }
    }
}

/// Where one statement runs: a pool (any free connection) or a held connection.
#[derive(Debug)]
pub enum Target<'c> {
    SqlitePool(&'c SqlitePool),
    PostgresPool(&'c PgPool),
    SqliteConn(&'c mut SqliteConnection),
    PostgresConn(&'c mut PgConnection),
}

impl Target<'_> {
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            Self::SqlitePool(_) | Self::SqliteConn(_) => Backend::Sqlite,
            Self::PostgresPool(_) | Self::PostgresConn(_) => Backend::Postgres,
        }
    }
}

/// What a query runs on: `&Db` or `&mut Conn`.
pub trait Executor<'c>: Send {
    fn target(self) -> Target<'c>;
}

impl<'c> Executor<'c> for &'c Db {
    fn target(self) -> Target<'c> {
        match self {
            Db::Sqlite(pool) => Target::SqlitePool(pool),
            Db::Postgres(pool) => Target::PostgresPool(pool),
        }
    }
}

impl<'c, 't: 'c> Executor<'c> for &'c mut Conn<'t> {
    fn target(self) -> Target<'c> {
        Conn::target(self)
    }
}

impl<'c> Executor<'c> for Target<'c> {
    fn target(self) -> Target<'c> {
        self
    }
}

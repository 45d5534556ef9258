//! Queries that keep their text and values until they run, then run on either backend.

use super::conn::{Executor, Target};
use super::value::{Bind, Value};
use super::{Backend, Sql};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Decode, FromRow, Postgres, Sqlite, Type};
use std::marker::PhantomData;

/// Rows a query can return: decodable from either backend's rows.
pub trait Rows: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Rows for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// A single column's value, decodable from either backend.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres> + Send + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres> + Send + Unpin
{
}

/// What a statement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    #[must_use]
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A statement and its values.
#[must_use = "a query does nothing until it runs"]
#[derive(Debug, Clone)]
pub struct Query<'q> {
    sql: Sql<'q>,
    values: Vec<Value<'q>>,
    persistent: bool,
}

/// A statement for `sql`, with `?` placeholders.
pub fn query<'q>(sql: impl Into<Sql<'q>>) -> Query<'q> {
    Query { sql: sql.into(), values: Vec::new(), persistent: true }
}

/// A query whose rows decode as `O`.
pub fn query_as<'q, O: Rows>(sql: impl Into<Sql<'q>>) -> QueryAs<'q, O> {
    QueryAs { query: query(sql), rows: PhantomData }
}

/// A query whose rows are one column decoding as `O`.
pub fn query_scalar<'q, O: Scalar>(sql: impl Into<Sql<'q>>) -> QueryScalar<'q, O> {
    QueryScalar { query: query(sql), value: PhantomData }
}

/// Runs `$body` with the query's text and arguments made for the target's
/// backend, and `$target` the target's own sqlx executor (pool or connection).
macro_rules! run {
    ($query:expr, $executor:expr, |$text:ident, $args:ident, $persistent:ident, $target:ident| $body:expr) => {{
        let Query { sql, values, persistent: $persistent } = $query;
        match $executor.target() {
            Target::SqlitePool($target) => {
                let $text = sql.text(Backend::Sqlite);
                let $args = sqlite_args(values)?;
                $body
            }
            Target::SqliteConn($target) => {
                let $text = sql.text(Backend::Sqlite);
                let $args = sqlite_args(values)?;
                $body
            }
            Target::PostgresPool(pool) => {
                let $text = sql.text(Backend::Postgres);
                let $args = postgres_args(values)?;
                if super::writes(&$text) {
                    // Under the write lock, as every write on PostgreSQL (see `WRITE_LOCK`).
                    let mut tx = pool.begin().await?;
                    sqlx::query(super::WRITE_LOCK).execute(&mut *tx).await?;
                    let $target = &mut *tx;
                    let result = $body;
                    tx.commit().await?;
                    result
                } else {
                    let $target = pool;
                    $body
                }
            }
            Target::PostgresConn($target) => {
                let $text = sql.text(Backend::Postgres);
                let $args = postgres_args(values)?;
                $body
            }
        }
    }};
}

fn sqlite_args(values: Vec<Value<'_>>) -> sqlx::Result<SqliteArguments<'_>> {
    let mut args = SqliteArguments::default();
    for value in values {
        value.add_to_sqlite(&mut args)?;
    }
    Ok(args)
}

fn postgres_args(values: Vec<Value<'_>>) -> sqlx::Result<PgArguments> {
    let mut args = PgArguments::default();
    for value in values {
        value.add_to_postgres(&mut args)?;
    }
    Ok(args)
}

impl<'q> Query<'q> {
    pub fn bind(mut self, value: impl Bind<'q>) -> Self {
        self.values.push(value.into_value());
        self
    }

    /// Whether the backend keeps the prepared statement for reuse (the default);
    /// `false` for text that varies, which would crowd the statement cache out.
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.persistent = persistent;
        self
    }

    pub async fn execute<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<Done> {
        run!(self, executor, |text, args, persistent, target| {
            let done = sqlx::query_with(text.as_ref(), args).persistent(persistent).execute(target).await?;
            Ok(Done { rows_affected: done.rows_affected() })
        })
    }
}

/// [`Query::bind`] and [`Query::persistent`] for a query that also says what its rows decode as.
macro_rules! binds_as_query {
    ($($wrapper:ident),*) => {$(
        impl<'q, O> $wrapper<'q, O> {
            pub fn bind(mut self, value: impl Bind<'q>) -> Self {
                self.query = self.query.bind(value);
                self
            }

            pub fn persistent(mut self, persistent: bool) -> Self {
                self.query = self.query.persistent(persistent);
                self
            }
        }
    )*};
}

binds_as_query!(QueryAs, QueryScalar);

/// A query whose rows decode as `O`.
#[must_use = "a query does nothing until it runs"]
#[derive(Debug, Clone)]
pub struct QueryAs<'q, O> {
    query: Query<'q>,
    rows: PhantomData<fn() -> O>,
}

impl<'q, O: Rows> QueryAs<'q, O> {
    pub async fn fetch_all<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<Vec<O>> {
        run!(self.query, executor, |text, args, persistent, target| {
            sqlx::query_as_with(text.as_ref(), args).persistent(persistent).fetch_all(target).await
        })
    }

    pub async fn fetch_one<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<O> {
        run!(self.query, executor, |text, args, persistent, target| {
            sqlx::query_as_with(text.as_ref(), args).persistent(persistent).fetch_one(target).await
        })
    }

    pub async fn fetch_optional<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<Option<O>> {
        run!(self.query, executor, |text, args, persistent, target| {
            sqlx::query_as_with(text.as_ref(), args).persistent(persistent).fetch_optional(target).await
        })
    }
}

/// A query whose rows are one column decoding as `O`.
#[must_use = "a query does nothing until it runs"]
#[derive(Debug, Clone)]
pub struct QueryScalar<'q, O> {
    query: Query<'q>,
    value: PhantomData<fn() -> O>,
}

impl<'q, O: Scalar> QueryScalar<'q, O> {
    fn rows(self) -> QueryAs<'q, (O,)> {
        QueryAs { query: self.query, rows: PhantomData }
    }

    pub async fn fetch_all<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<Vec<O>> {
        Ok(self.rows().fetch_all(executor).await?.into_iter().map(|(v,)| v).collect())
    }

    pub async fn fetch_one<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<O> {
        Ok(self.rows().fetch_one(executor).await?.0)
    }

    pub async fn fetch_optional<'c>(self, executor: impl Executor<'c>) -> sqlx::Result<Option<O>> {
        Ok(self.rows().fetch_optional(executor).await?.map(|(v,)| v))
    }
}

/// A statement put together piece by piece (a list of rows, a filter that
/// depends on the request), its values bound as they are pushed.
#[derive(Debug, Default)]
pub struct Builder<'q> {
    sql: String,
    values: Vec<Value<'q>>,
}

impl<'q> Builder<'q> {
    #[must_use]
    pub fn new(start: &str) -> Self {
        Self { sql: start.to_owned(), values: Vec::new() }
    }

    /// Appends text as it is.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.sql.push_str(text);
        self
    }

    /// Appends a placeholder and binds `value` to it.
    pub fn push_bind(&mut self, value: impl Bind<'q>) -> &mut Self {
        self.sql.push('?');
        self.values.push(value.into_value());
        self
    }

    /// Appends `(?, ?, …), (…)`: one parenthesised group per item, `each` pushing
    /// the item's values in order (separated by commas by [`Values`]).
    pub fn push_values<I>(
        &mut self,
        items: impl IntoIterator<Item = I>,
        mut each: impl FnMut(&mut Values<'_, 'q>, I),
    ) -> &mut Self {
        self.sql.push_str("VALUES ");
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                self.sql.push_str(", ");
            }
            self.sql.push('(');
            each(&mut Values { builder: self, first: true }, item);
            self.sql.push(')');
        }
        self
    }

    pub fn build(self) -> Query<'q> {
        Query { sql: Sql::from(self.sql), values: self.values, persistent: true }
    }

    pub fn build_query_as<O: Rows>(self) -> QueryAs<'q, O> {
        QueryAs { query: self.build(), rows: PhantomData }
    }
}

/// One row's values in [`Builder::push_values`].
#[derive(Debug)]
pub struct Values<'b, 'q> {
    builder: &'b mut Builder<'q>,
    first: bool,
}

impl<'q> Values<'_, 'q> {
    fn separate(&mut self) {
        if !self.first {
            self.builder.sql.push_str(", ");
        }
        self.first = false;
    }

    /// The next value, bound.
    pub fn push_bind(&mut self, value: impl Bind<'q>) -> &mut Self {
        self.separate();
        self.builder.push_bind(value);
        self
    }

    /// The next value, as text (an expression).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.separate();
        self.builder.push(text);
        self
    }

    /// Text or a value within the current one, without a comma before it.
    pub fn push_unseparated(&mut self, text: &str) -> &mut Self {
        self.builder.push(text);
        self
    }

    pub fn push_bind_unseparated(&mut self, value: impl Bind<'q>) -> &mut Self {
        self.builder.push_bind(value);
        self
    }
}

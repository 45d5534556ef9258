//! An SQLite deployment copied whole into an empty PostgreSQL database
//! (`counterpoint copy-to`): every table, in one PostgreSQL transaction, read
//! back and compared row by row before it commits.
//!
//! - **What is copied** is every table of the target's schema (PostgreSQL's
//!   catalog), each of which must be in the SQLite file with the same columns, and
//!   no SQLite table may be left over (FTS5's shadow tables aside): the two are
//!   migrated by this binary, so a difference is a bug, and refused.
//! - **Triggers** are switched off for the copy (`ALTER TABLE … DISABLE TRIGGER
//!   USER`, undone before the commit and by a rollback): the revisions, change log,
//!   inbox, search rows and tallies they would write are copied as they are, so
//!   firing them again would double them. `session_replication_role = replica`
//!   would do it in one statement but needs a superuser; the role that migrated
//!   the schema owns its tables, which is all `ALTER TABLE` needs. Foreign keys
//!   stay checked (they are not user triggers): tables go in in foreign-key order.
//! - **The source** is read in one SQLite read transaction, one snapshot even
//!   while a server writes, streamed and inserted in batches, so memory stays small.
//! - **The check**: each table's rows are counted and hashed (SHA-256, key order)
//!   as read from SQLite, then read back from PostgreSQL and hashed again. Any
//!   difference rolls everything back.
//! - **Sequences** of identity columns are set past the highest copied id (and
//!   past SQLite's `AUTOINCREMENT` high mark), so new rows get fresh ids.

mod catalog;
mod cell;

use super::Db;
use anyhow::{Context as _, anyhow, bail};
use catalog::{Table, quoted};
use cell::{Cell, Digest};
use futures_util::TryStreamExt as _;
use sqlx::postgres::PgArguments;
use sqlx::{PgConnection, SqliteConnection};
use std::collections::HashMap;

/// Rows per insert at most (fewer when a table has many columns: PostgreSQL takes 65 535 parameters).
const BATCH_ROWS: usize = 500;
/// Bytes per insert at most, about: a batch of large originals is sent before it grows past this.
const BATCH_BYTES: usize = 8 << 20;

/// What was copied, table by table, in the order it was copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub tables: Vec<TableReport>,
    /// Whether the copy was committed: every table read back the same.
    pub committed: bool,
}

/// One table: its rows in SQLite and as read back from PostgreSQL, and whether their digests agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: String,
    pub source_rows: u64,
    pub target_rows: u64,
    pub same: bool,
}

impl Report {
    /// Rows copied, over every table.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.source_rows).sum()
    }
}

/// Copies the SQLite database `source` into the PostgreSQL database `target`,
/// both opened (and so migrated) by this binary. Refuses, writing nothing, when any
/// table of `target` holds a row. The report says whether the copy was committed.
///
/// # Errors
/// A non-empty target, schemas that differ, a value PostgreSQL's column cannot take, or the databases.
pub async fn copy(source: &Db, target: &Db) -> anyhow::Result<Report> {
    let (Some(source), Some(target)) = (source.as_sqlite(), target.as_postgres()) else {
        bail!("copy-to copies an SQLite database into a PostgreSQL one");
    };
    let mut read = source.begin().await?;
    let mut write = target.begin().await?;
    let tables = catalog::plan(&mut read, &mut write).await?;
    for table in &tables {
        let name = quoted(&table.name);
        sqlx::query(&format!("ALTER TABLE {name} DISABLE TRIGGER USER")).execute(&mut *write).await.with_context(
            || format!("cannot switch off {}'s triggers: run copy-to as the role that owns the tables", table.name),
        )?;
    }
    refuse_if_not_empty(&tables, &mut write).await?;
    let autoincrement = autoincrement_marks(&mut read).await?;
    let mut reports = Vec::with_capacity(tables.len());
    let mut digests = Vec::with_capacity(tables.len());
    for table in &tables {
        let (rows, digest) =
            copy_table(table, &mut read, &mut write).await.with_context(|| format!("copying table {}", table.name))?;
        digests.push(digest);
        reports.push(TableReport { table: table.name.clone(), source_rows: rows, target_rows: 0, same: false });
    }
    drop(read); // The read transaction ends here: nothing more is read from SQLite.
    for ((table, report), digest) in tables.iter().zip(&mut reports).zip(digests) {
        let (rows, read_back) =
            read_back(table, &mut write).await.with_context(|| format!("reading table {} back", table.name))?;
        report.target_rows = rows;
        report.same = rows == report.source_rows && read_back == digest;
    }
    for table in &tables {
        sqlx::query(&format!("ALTER TABLE {} ENABLE TRIGGER USER", quoted(&table.name))).execute(&mut *write).await?;
        advance_sequences(table, autoincrement.get(&table.name).copied(), &mut write).await?;
    }
    let committed = reports.iter().all(|r| r.same);
    if committed {
        write.commit().await.context("cannot commit the copy")?;
    } else {
        write.rollback().await?;
    }
    Ok(Report { tables: reports, committed })
}

/// Fails, naming them, when any of `tables` holds a row.
async fn refuse_if_not_empty(tables: &[Table], write: &mut PgConnection) -> anyhow::Result<()> {
    let mut used = Vec::new();
    for table in tables {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quoted(&table.name));
        let any: bool = sqlx::query_scalar(&sql).fetch_one(&mut *write).await?;
        if any {
            used.push(table.name.as_str());
        }
    }
    if !used.is_empty() {
        bail!(
            "the PostgreSQL database is not empty (rows in {}); copy-to fills only a new, empty database, and \
             wrote nothing",
            used.join(", ")
        );
    }
    Ok(())
}

/// SQLite's `AUTOINCREMENT` high marks (`sqlite_sequence`): ids never handed out again, even
/// those of rows since deleted, so PostgreSQL's sequences start past them too.
async fn autoincrement_marks(read: &mut SqliteConnection) -> sqlx::Result<HashMap<String, i64>> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence')")
        .fetch_one(&mut *read)
        .await?;
    if !exists {
        return Ok(HashMap::new());
    }
    let marks: Vec<(String, i64)> = sqlx::query_as("SELECT name, seq FROM sqlite_sequence").fetch_all(read).await?;
    Ok(marks.into_iter().collect())
}

/// Streams `table` out of SQLite in key order into PostgreSQL in batches; its row count and digest as read.
async fn copy_table(
    table: &Table,
    read: &mut SqliteConnection,
    write: &mut PgConnection,
) -> anyhow::Result<(u64, [u8; 32])> {
    let select =
        format!("SELECT {} FROM {} ORDER BY {}", table.column_list(), quoted(&table.name), table.key_order("BINARY"));
    let max_rows = BATCH_ROWS.min(60_000 / table.columns.len().max(1));
    let mut rows = sqlx::query(&select).fetch(read);
    let mut digest = Digest::default();
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(max_rows);
    let mut bytes = 0;
    while let Some(row) = rows.try_next().await? {
        let mut cells = Vec::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            let cell = Cell::from_sqlite(&row, i, column.kind)
                .map_err(|problem| anyhow!("column {}, row {}: {problem}", column.name, digest.rows() + 1))?;
            bytes += cell.size();
            cells.push(cell);
        }
        digest.row(&cells);
        batch.push(cells);
        if batch.len() >= max_rows || bytes >= BATCH_BYTES {
            insert(table, std::mem::take(&mut batch), write).await?;
            bytes = 0;
        }
    }
    insert(table, batch, write).await?;
    Ok(digest.finish())
}

/// One multi-row `INSERT`, each value bound with its column's type. `OVERRIDING SYSTEM
/// VALUE` keeps the copied ids, even in a `GENERATED ALWAYS` identity column.
async fn insert(table: &Table, rows: Vec<Vec<Cell>>, write: &mut PgConnection) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = table.columns.len();
    let mut sql =
        format!("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES ", quoted(&table.name), table.column_list());
    let mut args = PgArguments::default();
    for (r, row) in rows.into_iter().enumerate() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (c, (cell, column)) in row.into_iter().zip(&table.columns).enumerate() {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * width + c + 1));
            cell.bind(column.kind, &mut args)?;
        }
        sql.push(')');
    }
    sqlx::query_with(&sql, args).persistent(false).execute(write).await?;
    Ok(())
}

/// `table` as PostgreSQL holds it now, read in key order: its row count and digest.
async fn read_back(table: &Table, write: &mut PgConnection) -> anyhow::Result<(u64, [u8; 32])> {
    let select =
        format!("SELECT {} FROM {} ORDER BY {}", table.column_list(), quoted(&table.name), table.key_order("\"C\""));
    let mut rows = sqlx::query(&select).fetch(write);
    let mut digest = Digest::default();
    while let Some(row) = rows.try_next().await? {
        let cells = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| Cell::from_postgres(&row, i, column.kind))
            .collect::<sqlx::Result<Vec<_>>>()?;
        digest.row(&cells);
    }
    Ok(digest.finish())
}

/// Sets each identity sequence of `table` so its next value is past every copied id
/// and past `autoincrement`, SQLite's high mark for the table; untouched when both are none.
async fn advance_sequences(table: &Table, autoincrement: Option<i64>, write: &mut PgConnection) -> anyhow::Result<()> {
    for (column, sequence) in &table.sequences {
        let sql = format!("SELECT max({}) FROM {}", quoted(column), quoted(&table.name));
        let highest: Option<i64> = sqlx::query_scalar(&sql).fetch_one(&mut *write).await?;
        let high = highest.max(autoincrement).unwrap_or(0);
        if high >= 1 {
            sqlx::query("SELECT setval($1::regclass, $2)").bind(sequence).bind(high).execute(&mut *write).await?;
        }
    }
    Ok(())
}

//! What `copy-to` copies: the target's tables, columns, keys and sequences as
//! PostgreSQL's catalog lists them, matched against the SQLite file's own, and put
//! in an order its foreign keys accept (referenced tables first).

use super::cell::Kind;
use anyhow::{Context as _, anyhow, bail};
use sqlx::{PgConnection, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};

/// One table to copy.
#[derive(Debug, Clone)]
pub(super) struct Table {
    pub name: String,
    /// Every column but generated ones (PostgreSQL computes those: the search `document`).
    pub columns: Vec<Column>,
    /// The primary key's columns: both sides are read in this order.
    pub key: Vec<Column>,
    /// Identity (or serial) columns and their sequences, set past the copied ids.
    pub sequences: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Column {
    pub name: String,
    pub kind: Kind,
}

/// `"name"`, quoted for either dialect.
pub(super) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Table {
    pub(super) fn column_list(&self) -> String {
        self.columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ")
    }

    /// `ORDER BY` the key, comparing text byte by byte on both sides (SQLite's BINARY,
    /// PostgreSQL's "C"), so both read the rows in one order whatever a column's collation.
    pub(super) fn key_order(&self, text_collation: &str) -> String {
        let terms: Vec<String> = self
            .key
            .iter()
            .map(|c| match c.kind {
                Kind::Text => format!("{} COLLATE {text_collation}", quoted(&c.name)),
                _ => quoted(&c.name),
            })
            .collect();
        terms.join(", ")
    }
}

/// The plan: the target's tables in foreign-key order, each checked against the source.
pub(super) async fn plan(source: &mut SqliteConnection, target: &mut PgConnection) -> anyhow::Result<Vec<Table>> {
    let tables = target_tables(target).await?;
    let source_tables = source_tables(source).await?;
    let missing: Vec<&String> = tables.keys().filter(|t| !source_tables.contains(*t)).collect();
    let extra: Vec<&String> = source_tables.iter().filter(|t| !tables.contains_key(*t)).collect();
    if !missing.is_empty() || !extra.is_empty() {
        bail!(
            "the two schemas do not match (tables only in PostgreSQL: {missing:?}; only in SQLite: {extra:?}); \
             both are migrated by this binary, so this is a bug to report"
        );
    }
    for table in tables.values() {
        let names: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table.name)
            .fetch_all(&mut *source)
            .await?;
        let ours: BTreeSet<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let lost: Vec<&String> = names.iter().filter(|n| !ours.contains(n.as_str())).collect();
        // `rowid` is every SQLite table's own (the FTS5 table's key), though no column lists it.
        let absent: Vec<&str> =
            ours.iter().copied().filter(|n| *n != "rowid" && !names.iter().any(|m| m == n)).collect();
        if !lost.is_empty() || !absent.is_empty() {
            bail!(
                "the two schemas do not match in table {}: columns only in SQLite {lost:?}, only in PostgreSQL \
                 {absent:?}",
                table.name
            );
        }
    }
    in_key_order(tables, foreign_keys(target).await?)
}

/// The current schema's tables, their columns, keys and sequences.
async fn target_tables(target: &mut PgConnection) -> anyhow::Result<BTreeMap<String, Table>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *target)
    .await?;
    let mut tables: BTreeMap<String, Table> = names
        .into_iter()
        .map(|name| (name.clone(), Table { name, columns: Vec::new(), key: Vec::new(), sequences: Vec::new() }))
        .collect();
    let columns: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_generated::text,
                pg_get_serial_sequence(quote_ident(table_schema::text) || '.' || quote_ident(table_name::text),
                                       column_name::text)
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut *target)
    .await?;
    for (table, column, data_type, generated, sequence) in columns {
        let Some(entry) = tables.get_mut(&table) else { continue };
        if generated == "ALWAYS" {
            continue;
        }
        let kind = Kind::from_postgres(&data_type)
            .ok_or_else(|| anyhow!("{table}.{column} is {data_type}, a type copy-to does not know"))?;
        if let Some(sequence) = sequence {
            entry.sequences.push((column.clone(), sequence));
        }
        entry.columns.push(Column { name: column, kind });
    }
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT k.table_name::text, k.column_name::text
         FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k
           ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
              AND k.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND c.constraint_type = 'PRIMARY KEY'
         ORDER BY k.table_name, k.ordinal_position",
    )
    .fetch_all(&mut *target)
    .await?;
    for (table, column) in keys {
        let Some(entry) = tables.get_mut(&table) else { continue };
        let found = entry.columns.iter().find(|c| c.name == column).cloned();
        entry.key.push(found.with_context(|| format!("{table}'s key column {column} is generated"))?);
    }
    if let Some(table) = tables.values().find(|t| t.key.is_empty()) {
        bail!("table {} has no primary key, so its rows have no order to copy and check them in", table.name);
    }
    Ok(tables)
}

/// The SQLite file's tables, without its own bookkeeping, sqlx's, and FTS5's shadow tables.
async fn source_tables(source: &mut SqliteConnection) -> anyhow::Result<BTreeSet<String>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *source)
            .await?;
    let virtual_tables: Vec<&String> = rows
        .iter()
        .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE"))
        .map(|(n, _)| n)
        .collect();
    let shadow = |name: &str| {
        virtual_tables.iter().any(|v| {
            name.strip_prefix(v.as_str())
                .is_some_and(|rest| matches!(rest, "_config" | "_content" | "_data" | "_docsize" | "_idx"))
        })
    };
    Ok(rows
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !name.starts_with("sqlite_") && name.as_str() != "_sqlx_migrations" && !shadow(name))
        .cloned()
        .collect())
}

/// (referencing table, referenced table) for every foreign key in the current schema.
async fn foreign_keys(target: &mut PgConnection) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT a.relname::text, b.relname::text
         FROM pg_constraint c
         JOIN pg_class a ON a.oid = c.conrelid
         JOIN pg_class b ON b.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(target)
    .await
}

/// The tables with every referenced table before the tables that reference it
/// (ties by name), so each inserted row finds the rows it points at: PostgreSQL
/// checks a foreign key at each statement, and the schema's are not deferrable.
fn in_key_order(mut tables: BTreeMap<String, Table>, keys: Vec<(String, String)>) -> anyhow::Result<Vec<Table>> {
    let mut waits_on: BTreeMap<String, BTreeSet<String>> =
        tables.keys().map(|t| (t.clone(), BTreeSet::new())).collect();
    for (from, to) in keys {
        // A table referencing itself would need its rows in reference order; the schema has none.
        if from != to && tables.contains_key(&to) {
            if let Some(on) = waits_on.get_mut(&from) {
                on.insert(to);
            }
        }
    }
    let mut ordered = Vec::with_capacity(tables.len());
    while !waits_on.is_empty() {
        let ready: Vec<String> = waits_on.iter().filter(|(_, on)| on.is_empty()).map(|(t, _)| t.clone()).collect();
        if ready.is_empty() {
            bail!("the foreign keys among {:?} form a cycle; copy-to cannot order them", waits_on.keys());
        }
        for table in ready {
            waits_on.remove(&table);
            for on in waits_on.values_mut() {
                on.remove(&table);
            }
            if let Some(table) = tables.remove(&table) {
                ordered.push(table);
            }
        }
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::{Table, in_key_order};
    use std::collections::BTreeMap;

    fn table(name: &str) -> (String, Table) {
        (name.to_owned(), Table { name: name.to_owned(), columns: vec![], key: vec![], sequences: vec![] })
    }

    #[test]
    fn referenced_tables_come_first() {
        let tables: BTreeMap<_, _> = ["annotations", "readings", "users", "courses"].map(table).into_iter().collect();
        let keys = [("annotations", "readings"), ("annotations", "users"), ("readings", "courses")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .to_vec();
        let order: Vec<String> = in_key_order(tables, keys).expect("order").into_iter().map(|t| t.name).collect();
        assert_eq!(order, ["courses", "users", "readings", "annotations"]);
    }

    #[test]
    fn a_cycle_is_refused() {
        let tables: BTreeMap<_, _> = ["a", "b"].map(table).into_iter().collect();
        let keys = vec![("a".to_owned(), "b".to_owned()), ("b".to_owned(), "a".to_owned())];
        assert!(in_key_order(tables, keys).is_err());
    }
}

//! `counterpoint --db FILE copy-to postgres://…`: moves an SQLite deployment into
//! an empty PostgreSQL database, every table, checked row by row (`db::copy_to`),
//! and prints what it copied.

use crate::db::{self, copy_to::Report};
use anyhow::bail;
use std::path::Path;

/// Copies the SQLite database at `db` into the PostgreSQL database at `target`.
pub async fn copy_to(db: &Path, target: &str) -> anyhow::Result<()> {
    if !db::is_postgres_url(target) {
        bail!("copy-to needs a PostgreSQL URL (postgres://…) to copy into, not {target:?}");
    }
    if db.to_str().is_some_and(db::is_postgres_url) {
        bail!("--db names the SQLite file to copy from; the PostgreSQL URL goes after copy-to");
    }
    if !db.is_file() {
        bail!("{} is not an SQLite database file: --db names the deployment to copy", db.display());
    }
    let source = db::connect_sqlite(db).await?;
    let destination = db::connect_postgres(target).await?;
    let copied = db::copy_to::copy(&source, &destination).await;
    destination.close().await;
    db::close(&source).await;
    let report = copied?;
    print!("{}", table(&report));
    if !report.committed {
        let differ: Vec<&str> = report.tables.iter().filter(|t| !t.same).map(|t| t.table.as_str()).collect();
        bail!(
            "{} did not read back from PostgreSQL as they are in SQLite; the copy was rolled back and nothing was \
             written",
            differ.join(", ")
        );
    }
    let rows = report.rows();
    eprintln!(
        "copied {rows} row{} in {} tables from {} into PostgreSQL; every table read back the same",
        if rows == 1 { "" } else { "s" },
        report.tables.len(),
        db.display()
    );
    Ok(())
}

/// `table  rows  digest`, one line per table, aligned.
fn table(report: &Report) -> String {
    let width = report.tables.iter().map(|t| t.table.len()).max().unwrap_or(0).max("table".len());
    let mut out = format!("{:<width$}  {:>10}  digest\n", "table", "rows");
    for t in &report.tables {
        let rows = if t.source_rows == t.target_rows {
            t.source_rows.to_string()
        } else {
            format!("{}≠{}", t.source_rows, t.target_rows)
        };
        let digest = if t.same { "ok" } else { "DIFFERS" };
        out.push_str(&format!("{:<width$}  {rows:>10}  {digest}\n", t.table));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::table;
    use crate::db::copy_to::{Report, TableReport};

    #[test]
    fn the_table_shows_each_tables_rows_and_whether_it_read_back_the_same() {
        let report = Report {
            tables: vec![
                TableReport { table: "users".into(), source_rows: 3, target_rows: 3, same: true },
                TableReport { table: "annotations".into(), source_rows: 12, target_rows: 11, same: false },
            ],
            committed: false,
        };
        let text = table(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("users") && lines[1].ends_with("3  ok"), "{text}");
        assert!(lines[2].contains("12≠11") && lines[2].ends_with("DIFFERS"), "{text}");
    }
}

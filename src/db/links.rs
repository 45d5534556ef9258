//! Links made or removed on their own, after their source annotation, and the
//! check that `supports` links never close a cycle.

use super::now;
use crate::domain::{AnnotationId, Relation};
use sqlx::SqlitePool;

/// Whether a `supports` link from row `from` to row `to` would close a cycle:
/// true when `from` is already reachable from `to` along `supports` links.
/// Every link counts, whoever can see it: the graph must stay acyclic for all.
pub async fn closes_supports_cycle(db: &SqlitePool, from: i64, to: i64) -> sqlx::Result<bool> {
    // UNION (not UNION ALL) drops rows already seen, so the walk ends even on bad data.
    let (found,): (bool,) = sqlx::query_as(
        "WITH RECURSIVE reach(id) AS (
             SELECT ?2
             UNION
             SELECT l.to_id FROM links l JOIN reach r ON l.from_id = r.id WHERE l.relation = 'supports'
         )
         SELECT EXISTS (SELECT 1 FROM reach WHERE id = ?1)",
    )
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    Ok(found)
}

/// The store's row id of an annotation.
pub async fn row_id(db: &SqlitePool, id: AnnotationId) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM annotations WHERE uuid = ?").bind(id.to_string()).fetch_optional(db).await?;
    Ok(row.map(|(id,)| id))
}

/// Stores a link; false when the two annotations are already linked (nothing changes).
pub async fn insert_link(db: &SqlitePool, from: i64, to: i64, relation: Relation) -> sqlx::Result<bool> {
    let done = sqlx::query("INSERT OR IGNORE INTO links (from_id, to_id, relation, created_at) VALUES (?, ?, ?, ?)")
        .bind(from)
        .bind(to)
        .bind(relation.as_str())
        .bind(now())
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the link from one annotation to another; false when there was none.
pub async fn delete_link(db: &SqlitePool, from: AnnotationId, to: AnnotationId) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "DELETE FROM links WHERE from_id = (SELECT id FROM annotations WHERE uuid = ?)
             AND to_id = (SELECT id FROM annotations WHERE uuid = ?)",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

//! Links made or removed on their own, after their source annotation, and the
//! check that `supports` links never close a cycle.

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::{AnnotationId, Relation};

/// Whether a `supports` link from row `from` to row `to` would close a cycle:
/// true when `from` is already reachable from `to` along `supports` links.
/// Every link counts, whoever can see it: the graph must stay acyclic for all.
pub async fn closes_supports_cycle(db: &Db, from: i64, to: i64) -> sqlx::Result<bool> {
    let mut conn = db.acquire().await?;
    reaches(&mut conn, to, from).await
}

/// Whether `goal` is reachable from `start` along `supports` links.
async fn reaches(conn: &mut Conn<'_>, start: i64, goal: i64) -> sqlx::Result<bool> {
    // UNION (not UNION ALL) drops rows already seen, so the walk ends even on bad data.
    let (found,): (bool,) = store::query_as(
        "WITH RECURSIVE reach(id) AS (
             SELECT ?1
             UNION
             SELECT l.to_id FROM links l JOIN reach r ON l.from_id = r.id WHERE l.relation = 'supports'
         )
         SELECT EXISTS (SELECT 1 FROM reach WHERE id = ?2)",
    )
    .bind(start)
    .bind(goal)
    .fetch_one(conn)
    .await?;
    Ok(found)
}

/// The store's row id of an annotation.
pub async fn row_id(db: &Db, id: AnnotationId) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> =
        store::query_as("SELECT id FROM annotations WHERE uuid = ?").bind(id.to_string()).fetch_optional(db).await?;
    Ok(row.map(|(id,)| id))
}

/// What became of a new link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Yes,
    /// The two annotations were already linked; nothing changed.
    AlreadyLinked,
    /// It would have closed a cycle of `supports`; nothing changed.
    Cycle,
}

/// Stores a link unless it exists or would close a cycle, checking and writing
/// under one write lock so that two links made at once cannot close one together.
pub async fn insert_link(db: &Db, from: i64, to: i64, relation: Relation) -> sqlx::Result<Inserted> {
    let mut tx = db.begin_immediate().await?;
    if relation == Relation::Supports && reaches(&mut tx, to, from).await? {
        return Ok(Inserted::Cycle);
    }
    let done = store::query(
        "INSERT INTO links (from_id, to_id, relation, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(from)
    .bind(to)
    .bind(relation.as_str())
    .bind(now())
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(if done.rows_affected() == 1 { Inserted::Yes } else { Inserted::AlreadyLinked })
}

/// Removes the link from one annotation to another; false when there was none.
pub async fn delete_link(db: &Db, from: AnnotationId, to: AnnotationId) -> sqlx::Result<bool> {
    let done = store::query(
        "DELETE FROM links WHERE from_id = (SELECT id FROM annotations WHERE uuid = ?)
             AND to_id = (SELECT id FROM annotations WHERE uuid = ?)",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

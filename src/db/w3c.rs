//! The store side of the W3C Web Annotation Protocol: tombstones of deleted
//! annotations (410 Gone), provenance of annotations that came from elsewhere,
//! and an import stored all at once in one transaction.

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::{AnnotationId, NewAnnotation, Relation};
use crate::formats::w3c::Provenance;
use std::collections::HashMap;

/// Deletes an annotation and leaves a tombstone, so its IRI answers 410 Gone and is never reused.
pub async fn delete_leaving_tombstone(db: &Db, id: AnnotationId, reading_id: i64) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    store::query(
        "INSERT INTO annotation_tombstones (uuid, reading_id, deleted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(id.to_string())
    .bind(reading_id)
    .bind(now())
    .execute(&mut tx)
    .await?;
    store::query("DELETE FROM annotations WHERE uuid = ?").bind(id.to_string()).execute(&mut tx).await?;
    tx.commit().await
}

/// The reading a deleted annotation was in, if `id` names one.
pub async fn tombstone(db: &Db, id: AnnotationId) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = store::query_as("SELECT reading_id FROM annotation_tombstones WHERE uuid = ?")
        .bind(id.to_string())
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(reading,)| reading))
}

type ProvenanceRow = (String, Option<String>, Option<String>, Option<String>);

fn into_map(rows: Vec<ProvenanceRow>) -> sqlx::Result<HashMap<AnnotationId, Provenance>> {
    rows.into_iter()
        .map(|(uuid, canonical, via, creator_name)| {
            let id = uuid.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok((id, Provenance { canonical, via, creator_name }))
        })
        .collect()
}

/// The provenance of a reading's annotations and replies, by their uuid. Callers
/// attach it only to what the viewer may already see.
pub async fn provenance_in_reading<'e>(
    db: impl store::Executor<'e>,
    reading_id: i64,
) -> sqlx::Result<HashMap<AnnotationId, Provenance>> {
    let rows: Vec<ProvenanceRow> = store::query_as(
        "SELECT coalesce(a.uuid, r.uuid), p.canonical, p.via, p.creator_name FROM provenance p
         LEFT JOIN annotations a ON a.id = p.annotation_id
         LEFT JOIN replies r ON r.id = p.reply_id
         LEFT JOIN annotations ra ON ra.id = r.annotation_id
         WHERE coalesce(a.reading_id, ra.reading_id) = ?",
    )
    .bind(reading_id)
    .fetch_all(db)
    .await?;
    into_map(rows)
}

/// The provenance of one annotation.
pub async fn provenance_of(db: &Db, id: AnnotationId) -> sqlx::Result<Option<Provenance>> {
    let rows: Vec<ProvenanceRow> = store::query_as(
        "SELECT a.uuid, p.canonical, p.via, p.creator_name FROM provenance p
         JOIN annotations a ON a.id = p.annotation_id WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .fetch_all(db)
    .await?;
    Ok(into_map(rows)?.remove(&id))
}

pub(super) async fn insert_provenance(
    conn: &mut Conn<'_>,
    column: &str,
    row_id: i64,
    provenance: &Provenance,
) -> sqlx::Result<()> {
    if provenance.is_empty() {
        return Ok(());
    }
    // `column` is one of two literals chosen in this module, never input.
    let sql = format!("INSERT INTO provenance ({column}, canonical, via, creator_name) VALUES (?, ?, ?, ?)");
    store::query(&sql)
        .bind(row_id)
        .bind(&provenance.canonical)
        .bind(&provenance.via)
        .bind(&provenance.creator_name)
        .execute(conn)
        .await?;
    Ok(())
}

/// An annotation of an import, anchored (`position` and `quote` set).
#[derive(Debug, Clone)]
pub struct ImportedAnnotation {
    pub new: NewAnnotation,
    pub provenance: Provenance,
    /// Kept as an orphan: its quote was not found (its position is a placeholder).
    pub orphaned: bool,
}

/// An annotation an imported link or reply points at: one of the import's, or one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// The index of an annotation in [`ImportPlan::annotations`].
    Batch(usize),
    /// The row id of an annotation already in the reading.
    Stored(i64),
}

/// Everything an import stores, checked beforehand.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub annotations: Vec<ImportedAnnotation>,
    pub links: Vec<(usize, Existing, Relation)>,
    pub replies: Vec<(Existing, String, Provenance)>,
}

/// Stores an import in one transaction, all of it or nothing; returns the new annotations' ids in order.
pub async fn store_import(
    db: &Db,
    reading_id: i64,
    author_id: i64,
    plan: &ImportPlan,
) -> sqlx::Result<Vec<AnnotationId>> {
    let mut tx = db.begin().await?;
    let now = now();
    let mut rows = Vec::with_capacity(plan.annotations.len());
    let mut ids = Vec::with_capacity(plan.annotations.len());
    for item in &plan.annotations {
        let (id, row_id) = super::annotations::insert_row(&mut tx, reading_id, author_id, &item.new, &now).await?;
        insert_provenance(&mut tx, "annotation_id", row_id, &item.provenance).await?;
        if item.orphaned {
            store::query("UPDATE annotations SET orphaned = 1 WHERE id = ?").bind(row_id).execute(&mut tx).await?;
        }
        rows.push(row_id);
        ids.push(id);
    }
    let row_of = |target: Existing| match target {
        Existing::Batch(i) => rows.get(i).copied().ok_or_else(|| sqlx::Error::Protocol("bad import plan".into())),
        Existing::Stored(row) => Ok(row),
    };
    for &(from, to, relation) in &plan.links {
        store::query(
            "INSERT INTO links (from_id, to_id, relation, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(row_of(Existing::Batch(from))?)
        .bind(row_of(to)?)
        .bind(relation.as_str())
        .bind(&now)
        .execute(&mut tx)
        .await?;
    }
    for (parent, text, provenance) in &plan.replies {
        let (row_id,): (i64,) = store::query_as(
            "INSERT INTO replies (uuid, annotation_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(AnnotationId::new_v4().to_string())
        .bind(row_of(*parent)?)
        .bind(author_id)
        .bind(text)
        .bind(&now)
        .fetch_one(&mut tx)
        .await?;
        insert_provenance(&mut tx, "reply_id", row_id, provenance).await?;
    }
    tx.commit().await?;
    Ok(ids)
}

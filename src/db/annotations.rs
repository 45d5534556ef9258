//! Annotations and their links: reading them under the visibility rule
//! ([`super::visibility::VISIBLE`]), where one lives, and what points at it.
//! Rows and their columns are in `row`; storing and changing them in `writes`.

mod row;
mod writes;

pub(super) use row::{COLUMNS, Row, decode};
pub(crate) use writes::insert_row;
pub use writes::{AnnotationUpdate, Insert, insert_annotation, reattach, update_annotation};
pub(super) use writes::{insert_in, insert_rows};

use super::visibility::VISIBLE;
use crate::db::Db;
use crate::db::store;
use crate::domain::{Annotation, AnnotationId, Kind, Link, Relation, Viewer};
use std::collections::HashMap;

/// The annotation a new link points at, if it is in `reading_id` and `viewer` may see it.
#[derive(Debug, Clone, Copy)]
pub struct LinkTarget {
    pub row_id: i64,
    pub id: AnnotationId,
    pub kind: Kind,
}

pub async fn find_link_target(
    db: &Db,
    reading_id: i64,
    id: AnnotationId,
    viewer: Viewer,
) -> sqlx::Result<Option<LinkTarget>> {
    let sql = format!("SELECT a.id, a.kind FROM annotations a WHERE a.uuid = ?3 AND a.reading_id = ?4 AND {VISIBLE}");
    let row: Option<(i64, String)> = store::query_as(&sql)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(id.to_string())
        .bind(reading_id)
        .fetch_optional(db)
        .await?;
    row.map(|(row_id, kind)| Ok(LinkTarget { row_id, id, kind: kind.parse().map_err(decode)? })).transpose()
}

/// Everything `viewer` may see anchored in a reading, in text order, with links
/// and reply counts. Orphans have no place in the text: see [`list_visible_orphans`].
pub async fn list_visible(db: &Db, reading_id: i64, viewer: Viewer) -> sqlx::Result<Vec<Annotation>> {
    list_where(db, reading_id, viewer, "a.orphaned = 0").await
}

/// The reading's orphans `viewer` may see (their authors' and, unless private, the
/// instructors'), oldest first.
pub async fn list_visible_orphans(db: &Db, reading_id: i64, viewer: Viewer) -> sqlx::Result<Vec<Annotation>> {
    list_where(db, reading_id, viewer, "a.orphaned = 1").await
}

async fn list_where(db: &Db, reading_id: i64, viewer: Viewer, filter: &str) -> sqlx::Result<Vec<Annotation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM annotations a JOIN users u ON u.id = a.author_id
         WHERE a.reading_id = ?3 AND {filter} AND {VISIBLE} ORDER BY a.start, a.end DESC, a.id"
    );
    let rows: Vec<Row> =
        store::query_as(&sql).bind(viewer.user_id).bind(viewer.is_instructor()).bind(reading_id).fetch_all(db).await?;
    let mut index = HashMap::with_capacity(rows.len());
    let mut annotations = Vec::with_capacity(rows.len());
    for row in rows {
        index.insert(row.id, annotations.len());
        annotations.push(row.into_annotation()?);
    }
    for (from, link) in visible_links(db, "f.reading_id = ?3", reading_id, viewer).await? {
        if let Some(&i) = index.get(&from) {
            annotations[i].links.push(link);
        }
    }
    Ok(annotations)
}

/// One annotation, if `viewer` may see it.
pub async fn find_visible(db: &Db, id: AnnotationId, viewer: Viewer) -> sqlx::Result<Option<Annotation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM annotations a JOIN users u ON u.id = a.author_id WHERE a.uuid = ?3 AND {VISIBLE}"
    );
    let row: Option<Row> = store::query_as(&sql)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(id.to_string())
        .fetch_optional(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let row_id = row.id;
    let mut annotation = row.into_annotation()?;
    annotation.links = visible_links(db, "f.id = ?3", row_id, viewer).await?.into_iter().map(|(_, l)| l).collect();
    Ok(Some(annotation))
}

/// Links whose source matches `filter` (binding `?3` to `value`) and whose target `viewer` may see.
async fn visible_links(db: &Db, filter: &str, value: i64, viewer: Viewer) -> sqlx::Result<Vec<(i64, Link)>> {
    let sql = format!(
        "SELECT f.id, f.uuid, a.uuid, l.relation FROM links l
         JOIN annotations f ON f.id = l.from_id JOIN annotations a ON a.id = l.to_id
         WHERE {filter} AND {VISIBLE} ORDER BY l.id"
    );
    let rows: Vec<(i64, String, String, String)> =
        store::query_as(&sql).bind(viewer.user_id).bind(viewer.is_instructor()).bind(value).fetch_all(db).await?;
    rows.into_iter()
        .map(|(from_row, from, to, relation)| {
            let relation = relation.parse().map_err(decode)?;
            Ok((from_row, Link { from: from.parse().map_err(decode)?, to: to.parse().map_err(decode)?, relation }))
        })
        .collect()
}

/// Where an annotation lives: its reading, course and author, whoever asks.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Location {
    pub reading_id: i64,
    pub course_id: i64,
    pub author_id: i64,
}

pub async fn locate(db: &Db, id: AnnotationId) -> sqlx::Result<Option<Location>> {
    store::query_as(
        "SELECT a.reading_id, r.course_id, a.author_id FROM annotations a JOIN readings r ON r.id = a.reading_id
         WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .fetch_optional(db)
    .await
}

/// The kinds and relations of the links that point at an annotation.
pub async fn incoming_links(db: &Db, id: AnnotationId) -> sqlx::Result<Vec<(Kind, Relation)>> {
    let rows: Vec<(String, String)> = store::query_as(
        "SELECT f.kind, l.relation FROM links l JOIN annotations f ON f.id = l.from_id
         JOIN annotations a ON a.id = l.to_id WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(|(k, r)| Ok((k.parse().map_err(decode)?, r.parse().map_err(decode)?))).collect()
}

/// How many annotations a reading has, everyone's (its settings page says so before a text is replaced).
pub async fn count_in_reading(db: &Db, reading_id: i64) -> sqlx::Result<i64> {
    let (count,): (i64,) =
        store::query_as("SELECT count(*) FROM annotations WHERE reading_id = ?").bind(reading_id).fetch_one(db).await?;
    Ok(count)
}

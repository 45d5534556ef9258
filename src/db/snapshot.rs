//! Loading a [`Snapshot`]: a reading with every annotation, link and reply on
//! it, read in one transaction so that they agree with each other and with
//! the revision they are labelled with.

use super::annotations::{COLUMNS, Row, decode};
use super::{readings, replies};
use crate::domain::Link;
use crate::snapshot::Snapshot;
use sqlx::SqlitePool;
use std::collections::HashMap;

/// The reading `reading_id` as it stands, or `None` if there is no such reading.
pub async fn load(db: &SqlitePool, reading_id: i64) -> sqlx::Result<Option<Snapshot>> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, i64, String, String, String, String)> =
        sqlx::query_as("SELECT revision, id, course_id, title, author, text, blocks FROM readings WHERE id = ?")
            .bind(reading_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((revision, id, course_id, title, author, text, blocks)) = row else { return Ok(None) };
    let reading = readings::into_reading((id, course_id, title, author, text, blocks))?;

    let sql = format!(
        "SELECT {COLUMNS} FROM annotations a JOIN users u ON u.id = a.author_id
         WHERE a.reading_id = ? ORDER BY a.start, a.end DESC, a.id"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql).bind(reading_id).fetch_all(&mut *tx).await?;
    let mut index = HashMap::with_capacity(rows.len());
    let mut annotations = Vec::with_capacity(rows.len());
    for row in rows {
        index.insert(row.id, annotations.len());
        annotations.push(row.into_annotation()?);
    }
    let links: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT f.id, f.uuid, t.uuid, l.relation FROM links l
         JOIN annotations f ON f.id = l.from_id JOIN annotations t ON t.id = l.to_id
         WHERE f.reading_id = ?1 AND t.reading_id = ?1 ORDER BY l.id",
    )
    .bind(reading_id)
    .fetch_all(&mut *tx)
    .await?;
    for (from_row, from, to, relation) in links {
        if let Some(&i) = index.get(&from_row) {
            let link = Link {
                from: from.parse().map_err(decode)?,
                to: to.parse().map_err(decode)?,
                relation: relation.parse().map_err(decode)?,
            };
            annotations[i].links.push(link);
        }
    }
    let rows: Vec<replies::Row> = sqlx::query_as(replies::FOR_READING).bind(reading_id).fetch_all(&mut *tx).await?;
    let replies = rows.into_iter().map(replies::into_reply).collect::<sqlx::Result<Vec<_>>>()?;
    let post_first: Option<(bool,)> = sqlx::query_as("SELECT post_first FROM course_settings WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(&mut *tx)
        .await?;
    let provenance = super::w3c::provenance_in_reading(&mut *tx, reading_id).await?;
    tx.commit().await?;
    let post_first = post_first.is_some_and(|(on,)| on);
    Ok(Some(Snapshot::new(revision, reading, annotations, replies, post_first).with_provenance(provenance)))
}

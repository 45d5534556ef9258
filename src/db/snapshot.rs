//! Loading a [`Snapshot`]: a reading with every annotation, link and reply on
//! it, read in one transaction so that they agree with each other and with
//! the revision they are labelled with.

use super::annotations::{Row, decode};
use super::{readings, replies};
use crate::domain::Link;
use crate::snapshot::Snapshot;
use sqlx::{SqliteConnection, SqlitePool};
use std::cmp::Reverse;
use std::collections::HashMap;

// Each query hands back one JSON array rather than a row per item: sqlx passes every
// row from SQLite's thread on its own, and for a reading's thousands of annotations
// that hand-over cost several times what SQLite spends finding them. Rows come back
// in any order and are sorted here.

/// Every annotation on the reading (`?`), as `annotations::Row`s; reply counts are filled in from the replies.
const ANNOTATIONS: &str = "SELECT json_group_array(json_object(
    'id', a.id, 'uuid', a.uuid, 'reading_id', a.reading_id, 'author_id', a.author_id, 'author_name', u.name,
    'kind', a.kind, 'comment', a.comment, 'citation', a.citation, 'tags', a.tags, 'visibility', a.visibility,
    'start', a.start, 'end', a.end, 'exact', a.exact, 'prefix', a.prefix, 'suffix', a.suffix,
    'created_at', a.created_at, 'modified_at', a.modified_at, 'reply_count', 0,
    'spotlight', EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id AND m.mark = 'spotlight'),
    'answered', EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id AND m.mark = 'answered')))
    FROM annotations a JOIN users u ON u.id = a.author_id WHERE a.reading_id = ?";

/// Links between the reading's annotations: (link id, from row, from uuid, to uuid, relation).
const LINKS: &str = "SELECT json_group_array(json_array(l.id, f.id, f.uuid, t.uuid, l.relation)) FROM links l
    JOIN annotations f ON f.id = l.from_id JOIN annotations t ON t.id = l.to_id
    WHERE f.reading_id = ?1 AND t.reading_id = ?1";

/// Replies on the reading: (reply id, its uuid, the annotation's uuid, author id and name, text, time).
const REPLIES: &str =
    "SELECT json_group_array(json_array(r.id, r.uuid, a.uuid, r.author_id, u.name, r.text, r.created_at))
    FROM replies r JOIN annotations a ON a.id = r.annotation_id JOIN users u ON u.id = r.author_id
    WHERE a.reading_id = ?";

async fn rows<T: serde::de::DeserializeOwned>(
    conn: &mut SqliteConnection,
    sql: &str,
    reading_id: i64,
) -> sqlx::Result<Vec<T>> {
    let (json,): (String,) = sqlx::query_as(sql).bind(reading_id).fetch_one(conn).await?;
    serde_json::from_str(&json).map_err(decode)
}

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

    let annotations: Vec<Row> = rows(&mut tx, ANNOTATIONS, reading_id).await?;
    let mut sorted: Vec<&Row> = annotations.iter().collect();
    sorted.sort_unstable_by_key(|r| (r.start, Reverse(r.end), r.id));
    let order: Vec<i64> = sorted.iter().map(|r| r.id).collect();
    let mut by_row: HashMap<i64, Row> = annotations.into_iter().map(|r| (r.id, r)).collect();
    let mut index = HashMap::with_capacity(order.len());
    let mut annotations = Vec::with_capacity(order.len());
    for id in order {
        if let Some(row) = by_row.remove(&id) {
            index.insert(id, annotations.len());
            annotations.push(row.into_annotation()?);
        }
    }
    let mut links: Vec<(i64, i64, String, String, String)> = rows(&mut tx, LINKS, reading_id).await?;
    links.sort_unstable_by_key(|l| l.0);
    for (_, from_row, from, to, relation) in links {
        if let Some(&i) = index.get(&from_row) {
            let link = Link {
                from: from.parse().map_err(decode)?,
                to: to.parse().map_err(decode)?,
                relation: relation.parse().map_err(decode)?,
            };
            annotations[i].links.push(link);
        }
    }
    let mut reply_rows: Vec<(i64, String, String, i64, String, String, String)> =
        rows(&mut tx, REPLIES, reading_id).await?;
    reply_rows.sort_unstable_by_key(|r| r.0);
    let replies = reply_rows
        .into_iter()
        .map(|(_, id, on, author, name, text, created)| replies::into_reply((id, on, author, name, text, created)))
        .collect::<sqlx::Result<Vec<_>>>()?;
    let post_first: Option<(bool,)> = sqlx::query_as("SELECT post_first FROM course_settings WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(&mut *tx)
        .await?;
    let provenance = super::w3c::provenance_in_reading(&mut *tx, reading_id).await?;
    let circles = super::groups::circles_in(&mut tx, course_id).await?;
    let vocabulary = super::tags::vocabulary_in(&mut tx, course_id).await?;
    tx.commit().await?;
    let post_first = post_first.is_some_and(|(on,)| on);
    let snapshot = Snapshot::new(revision, reading, annotations, replies, post_first);
    Ok(Some(snapshot.with_provenance(provenance).with_classroom(circles, vocabulary)))
}

//! Readings: their source, canonical text and blocks.

use super::assignments::{Standing, standing};
use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::{Role, Title};
use crate::text::import::SourceFormat;
use crate::text::{Block, Document};

pub use crate::domain::Reading;

/// A reading in a course's list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReadingSummary {
    pub id: i64,
    pub title: String,
    pub author: String,
}

/// Stores a new reading; `db` is the pool or a transaction.
pub async fn insert_reading(
    db: impl store::Executor<'_>,
    course_id: i64,
    title: &Title,
    author: &str,
    format: SourceFormat,
    source: &str,
    doc: &Document,
) -> sqlx::Result<i64> {
    let blocks = serde_json::to_string(&doc.blocks).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let format = serde_json::to_value(format).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let (id,): (i64,) = store::query_as(
        // Above every id in use and every id ever deleted (see the `removals_and_ids` migration).
        "INSERT INTO readings (id, course_id, title, author, format, source, text, blocks, created_at)
         VALUES (1 + (SELECT max(high) FROM (SELECT max(id) AS high FROM readings
                                             UNION ALL SELECT high FROM retired_ids WHERE tbl = 'readings'
                                             UNION ALL SELECT 0) AS ids),
                 ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(course_id)
    .bind(title.as_str())
    .bind(author)
    .bind(format)
    .bind(source)
    .bind(&doc.text)
    .bind(blocks)
    .bind(now())
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn find_reading(db: &Db, id: i64) -> sqlx::Result<Option<Reading>> {
    let row: Option<Row> =
        store::query_as("SELECT id, course_id, title, author, text, blocks FROM readings WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?;
    row.map(into_reading).transpose()
}

pub(super) type Row = (i64, i64, String, String, String, String);

pub(super) fn into_reading((id, course_id, title, author, text, blocks): Row) -> sqlx::Result<Reading> {
    let blocks: Vec<Block> = serde_json::from_str(&blocks).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Reading { id, course_id, title, author, doc: Document { text, blocks } })
}

/// The course a reading belongs to, without loading its text.
pub async fn course_of(db: &Db, reading_id: i64) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> =
        store::query_as("SELECT course_id FROM readings WHERE id = ?").bind(reading_id).fetch_optional(db).await?;
    Ok(row.map(|(c,)| c))
}

/// A reading's course, its revision, and `user_id`'s role in that course (if a member), in one query.
pub async fn access_of(db: &Db, reading_id: i64, user_id: i64) -> sqlx::Result<Option<(i64, i64, Option<Role>)>> {
    let row: Option<(i64, i64, Option<String>)> = store::query_as(
        "SELECT r.course_id, r.revision, m.role FROM readings r
         LEFT JOIN memberships m ON m.course_id = r.course_id AND m.user_id = ?2 WHERE r.id = ?1",
    )
    .bind(reading_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(course, revision, role)| (course, revision, role.and_then(|r| r.parse().ok()))))
}

/// [`access_of`] and, in the same query, when the user last opened the reading
/// (stored time text; see `assignments::record_visit`), if ever.
pub async fn access_with_visit(
    db: &Db,
    reading_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<((i64, i64, Option<Role>), Option<String>)>> {
    let row: Option<(i64, i64, Option<String>, Option<String>)> = store::query_as(
        "SELECT r.course_id, r.revision, m.role, v.visited_at FROM readings r
         LEFT JOIN memberships m ON m.course_id = r.course_id AND m.user_id = ?2
         LEFT JOIN reading_visits v ON v.reading_id = r.id AND v.user_id = ?2
         WHERE r.id = ?1",
    )
    .bind(reading_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(course, revision, role, visited)| ((course, revision, role.and_then(|r| r.parse().ok())), visited)))
}

/// [`access_of`] and, in the same query, the user's [`Standing`] in the reading as
/// the author of a new annotation there.
pub async fn access_as_author(
    db: &Db,
    reading_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<((i64, i64, Option<Role>), Standing)>> {
    type Row = (i64, i64, Option<String>, i64, Option<i64>, Option<String>, Option<String>, Option<String>);
    let row: Option<Row> = store::query_as(
        "SELECT r.course_id, r.revision, m.role,
                coalesce(c.authored, 0), s.reading_id, s.due_at, s.opens_at, s.late_policy
         FROM readings r
         LEFT JOIN memberships m ON m.course_id = r.course_id AND m.user_id = ?2
         LEFT JOIN annotation_counts c ON c.reading_id = r.id AND c.author_id = ?2
         LEFT JOIN assignments s ON s.reading_id = r.id
         WHERE r.id = ?1",
    )
    .bind(reading_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    row.map(|(course, revision, role, authored, reading, due_at, opens_at, policy)| {
        let access = (course, revision, role.and_then(|r| r.parse().ok()));
        Ok((access, standing((authored, reading, due_at, opens_at, policy))?))
    })
    .transpose()
}

/// How many readings a course holds (the per-course quota counts them).
pub async fn count_for_course(db: &Db, course_id: i64) -> sqlx::Result<usize> {
    let (count,): (i64,) =
        store::query_as("SELECT COUNT(*) FROM readings WHERE course_id = ?").bind(course_id).fetch_one(db).await?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

pub async fn list_for_course(db: &Db, course_id: i64) -> sqlx::Result<Vec<ReadingSummary>> {
    store::query_as("SELECT id, title, author FROM readings WHERE course_id = ? ORDER BY id")
        .bind(course_id)
        .fetch_all(db)
        .await
}

pub async fn update_details(db: &Db, id: i64, title: &Title, author: &str) -> sqlx::Result<()> {
    store::query("UPDATE readings SET title = ?, author = ? WHERE id = ?")
        .bind(title.as_str())
        .bind(author)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes a reading with its annotations, links and replies.
pub async fn delete_reading(db: &Db, id: i64) -> sqlx::Result<()> {
    store::query("DELETE FROM readings WHERE id = ?").bind(id).execute(db).await?;
    Ok(())
}

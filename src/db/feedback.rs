//! Instructors' feedback on annotations. Instructors of the course see it all;
//! an annotation's author sees the feedback on their own annotations.

use super::visibility::VISIBLE;
use super::{now, parse_time};
use crate::db::Db;
use crate::db::store;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub id: Uuid,
    pub annotation_id: Uuid,
    pub author_id: i64,
    pub author_name: String,
    pub text: String,
    pub exemplary: bool,
    pub created: DateTime<Utc>,
}

/// One feedback row as [`COLUMNS`] selects it.
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    annotation_id: String,
    author_id: i64,
    author_name: String,
    text: String,
    exemplary: bool,
    created_at: String,
}

const COLUMNS: &str = "f.uuid AS id, a.uuid AS annotation_id, f.author_id, u.name AS author_name, f.text, \
                       (f.exemplary <> 0) AS exemplary, f.created_at";

fn into_feedback(row: Row) -> sqlx::Result<Feedback> {
    let decode = |e: uuid::Error| sqlx::Error::Decode(Box::new(e));
    Ok(Feedback {
        id: row.id.parse().map_err(decode)?,
        annotation_id: row.annotation_id.parse().map_err(decode)?,
        author_id: row.author_id,
        author_name: row.author_name,
        text: row.text,
        exemplary: row.exemplary,
        created: parse_time(&row.created_at)?,
    })
}

/// Stores feedback by `author_id` on an annotation (which the caller has checked they may see).
pub async fn insert_feedback(
    db: &Db,
    annotation_id: Uuid,
    author_id: i64,
    text: &str,
    exemplary: bool,
) -> sqlx::Result<Feedback> {
    let id = Uuid::new_v4();
    store::query(
        "INSERT INTO feedback (uuid, annotation_id, author_id, text, exemplary, created_at)
         SELECT ?, a.id, ?, ?, ?, ? FROM annotations a WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .bind(author_id)
    .bind(text)
    .bind(exemplary)
    .bind(now())
    .bind(annotation_id.to_string())
    .execute(db)
    .await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM feedback f JOIN annotations a ON a.id = f.annotation_id
         JOIN users u ON u.id = f.author_id WHERE f.uuid = ?"
    );
    into_feedback(store::query_as(&sql).bind(id.to_string()).fetch_one(db).await?)
}

/// The feedback on a reading's annotations, oldest first, for its instructors
/// (the caller keeps only what belongs to annotations they may see).
pub async fn list_for_reading(db: &Db, reading_id: i64) -> sqlx::Result<Vec<Feedback>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM feedback f JOIN annotations a ON a.id = f.annotation_id
         JOIN users u ON u.id = f.author_id WHERE a.reading_id = ? ORDER BY f.id"
    );
    store::query_as(&sql).bind(reading_id).fetch_all(db).await?.into_iter().map(into_feedback).collect()
}

/// One of a user's annotations that has feedback, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackOnMine {
    pub feedback: Feedback,
    pub reading_id: i64,
    pub reading_title: String,
    pub kind: String,
    pub exact: String,
    pub comment: String,
}

/// The feedback on `user_id`'s own annotations, in courses they still belong to, newest first.
pub async fn list_for_author(db: &Db, user_id: i64) -> sqlx::Result<Vec<FeedbackOnMine>> {
    // The author is the viewer, so VISIBLE holds; it stays for the one rule's sake.
    let sql = format!(
        "SELECT {COLUMNS}, r.id AS reading_id, r.title AS reading_title, a.kind, a.exact, a.comment FROM feedback f
         JOIN annotations a ON a.id = f.annotation_id JOIN users u ON u.id = f.author_id
         JOIN readings r ON r.id = a.reading_id
         JOIN memberships m ON m.course_id = r.course_id AND m.user_id = ?1
         WHERE a.author_id = ?1 AND {VISIBLE} ORDER BY f.id DESC"
    );
    let rows: Vec<MineRow> = store::query_as(&sql).bind(user_id).bind(false).fetch_all(db).await?;
    rows.into_iter()
        .map(|row| {
            Ok(FeedbackOnMine {
                feedback: into_feedback(row.feedback)?,
                reading_id: row.reading_id,
                reading_title: row.reading_title,
                kind: row.kind,
                exact: row.exact,
                comment: row.comment,
            })
        })
        .collect()
}

/// A [`Row`] with the annotation and reading it is about.
#[derive(sqlx::FromRow)]
struct MineRow {
    #[sqlx(flatten)]
    feedback: Row,
    reading_id: i64,
    reading_title: String,
    kind: String,
    exact: String,
    comment: String,
}

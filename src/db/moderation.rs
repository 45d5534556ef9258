//! The record of annotations instructors deleted as moderators.

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::Annotation;

pub async fn record_deletion(db: &Db, course_id: i64, moderator_id: i64, annotation: &Annotation) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO moderation_log (course_id, moderator_id, author_id, annotation_id, kind, quote, comment, deleted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(course_id)
    .bind(moderator_id)
    .bind(annotation.author_id)
    .bind(annotation.id.to_string())
    .bind(annotation.kind.as_str())
    .bind(&annotation.quote.exact)
    .bind(&annotation.comment)
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// How many deletions were recorded for a course.
pub async fn count_for_course(db: &Db, course_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = store::query_as("SELECT count(*) FROM moderation_log WHERE course_id = ?")
        .bind(course_id)
        .fetch_one(db)
        .await?;
    Ok(n)
}

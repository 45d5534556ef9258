//! A course's tag vocabulary (`course_tags`), in the instructor's order.

use crate::db::Db;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::Vocabulary;

pub async fn vocabulary_in(conn: &mut Conn<'_>, course_id: i64) -> sqlx::Result<Vocabulary> {
    let tags: Vec<String> = store::query_scalar("SELECT tag FROM course_tags WHERE course_id = ? ORDER BY position")
        .bind(course_id)
        .fetch_all(conn)
        .await?;
    Ok(Vocabulary::from_stored(tags))
}

pub async fn vocabulary(db: &Db, course_id: i64) -> sqlx::Result<Vocabulary> {
    let mut conn = db.acquire().await?;
    vocabulary_in(&mut conn, course_id).await
}

/// Replaces the course's vocabulary.
pub async fn set_vocabulary(db: &Db, course_id: i64, vocabulary: &Vocabulary) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    store::query("DELETE FROM course_tags WHERE course_id = ?").bind(course_id).execute(&mut tx).await?;
    for (position, tag) in vocabulary.as_slice().iter().enumerate() {
        store::query("INSERT INTO course_tags (course_id, tag, position) VALUES (?, ?, ?)")
            .bind(course_id)
            .bind(tag)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await
}

//! Replies in an annotation's thread. Whoever may see an annotation may see its replies.

use super::{now, parse_time};
use crate::db::Db;
use crate::db::store;
use uuid::Uuid;

pub use crate::domain::Reply;

pub(super) type Row = (String, String, i64, String, String, String);

pub(super) fn into_reply((id, annotation_id, author_id, author_name, text, created): Row) -> sqlx::Result<Reply> {
    let decode = |e: uuid::Error| sqlx::Error::Decode(Box::new(e));
    Ok(Reply {
        id: id.parse().map_err(decode)?,
        annotation_id: annotation_id.parse().map_err(decode)?,
        author_id,
        author_name,
        text,
        created: parse_time(&created)?,
    })
}

pub async fn insert_reply(db: &Db, annotation_id: Uuid, author_id: i64, text: &str) -> sqlx::Result<Reply> {
    let id = Uuid::new_v4();
    store::query(
        "INSERT INTO replies (uuid, annotation_id, author_id, text, created_at)
         SELECT ?, a.id, ?, ?, ? FROM annotations a WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .bind(author_id)
    .bind(text)
    .bind(now())
    .bind(annotation_id.to_string())
    .execute(db)
    .await?;
    let row: Row = store::query_as(
        "SELECT r.uuid, a.uuid, r.author_id, u.name, r.text, r.created_at FROM replies r
         JOIN annotations a ON a.id = r.annotation_id JOIN users u ON u.id = r.author_id WHERE r.uuid = ?",
    )
    .bind(id.to_string())
    .fetch_one(db)
    .await?;
    into_reply(row)
}

/// Every reply on a reading (`?` is its id), oldest first.
pub(super) const FOR_READING: &str = "SELECT r.uuid, a.uuid, r.author_id, u.name, r.text, r.created_at FROM replies r
    JOIN annotations a ON a.id = r.annotation_id JOIN users u ON u.id = r.author_id
    WHERE a.reading_id = ? ORDER BY r.id";

/// The replies to the given annotations (which the caller has checked the viewer may see), oldest first.
pub async fn list_for_reading(db: &Db, reading_id: i64) -> sqlx::Result<Vec<Reply>> {
    let rows: Vec<Row> = store::query_as(FOR_READING).bind(reading_id).fetch_all(db).await?;
    rows.into_iter().map(into_reply).collect()
}

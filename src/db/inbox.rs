//! Each member's inbox (`inbox_items`): what answered their work, written by
//! triggers (see the `classroom` migration) and read here under [`VISIBLE`] on
//! the annotation each item opens, in each course the member still belongs to.

use super::annotations::decode;
use super::visibility::VISIBLE;
use super::{now, parse_time};
use crate::db::Db;
use crate::db::store;
use crate::domain::AnnotationId;
use chrono::{DateTime, Utc};

/// One thing that answered the member's work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    /// `reply`, `rebuttal`, `support`, `feedback` or `spotlight`.
    pub item_type: String,
    /// The annotation to open: the thread replied in, the rebutting or supporting
    /// annotation, the annotation given feedback or spotlit.
    pub annotation: AnnotationId,
    pub reading_id: i64,
    pub reading_title: String,
    pub by_name: String,
    /// The reply's or feedback's text, else the annotation's quote.
    pub text: String,
    pub at: DateTime<Utc>,
    pub read: bool,
}

type Row = (i64, String, String, i64, String, Option<String>, String, String, bool);

const SELECT: &str = "SELECT i.id, i.type, a.uuid, a.reading_id, r.title,
    (SELECT name FROM users WHERE id = CASE i.type
        WHEN 'reply' THEN (SELECT author_id FROM replies WHERE id = i.reply_id)
        WHEN 'feedback' THEN (SELECT author_id FROM feedback WHERE id = i.feedback_id)
        WHEN 'spotlight' THEN (SELECT by_id FROM annotation_marks WHERE annotation_id = i.annotation_id AND mark = 'spotlight')
        ELSE a.author_id END),
    CASE i.type
        WHEN 'reply' THEN (SELECT text FROM replies WHERE id = i.reply_id)
        WHEN 'feedback' THEN (SELECT text FROM feedback WHERE id = i.feedback_id)
        ELSE a.exact END,
    i.created_at, i.read_at IS NOT NULL";

/// `?1` the member, `?2` whether they teach the course `?3`.
fn from_where() -> String {
    format!(
        "FROM inbox_items i JOIN annotations a ON a.id = i.annotation_id JOIN readings r ON r.id = a.reading_id
         WHERE i.user_id = ?1 AND r.course_id = ?3 AND {VISIBLE}"
    )
}

/// The member's courses, and whether they teach each.
async fn courses_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<(i64, bool)>> {
    store::query_as("SELECT course_id, role = 'instructor' FROM memberships WHERE user_id = ?")
        .bind(user_id)
        .fetch_all(db)
        .await
}

/// How many of the member's items they may see are unread.
pub async fn unread(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    let sql = format!("SELECT count(*) {} AND i.read_at IS NULL", from_where());
    let mut total = 0;
    for (course_id, teaches) in courses_of(db, user_id).await? {
        let count: i64 = store::query_scalar(&sql).bind(user_id).bind(teaches).bind(course_id).fetch_one(db).await?;
        total += count;
    }
    Ok(total)
}

/// The member's newest `limit` items they may see, newest first.
pub async fn list(db: &Db, user_id: i64, limit: u32) -> sqlx::Result<Vec<Item>> {
    let sql = format!("{SELECT} {} ORDER BY i.id DESC LIMIT ?4", from_where());
    let mut items = Vec::new();
    for (course_id, teaches) in courses_of(db, user_id).await? {
        let rows: Vec<Row> =
            store::query_as(&sql).bind(user_id).bind(teaches).bind(course_id).bind(limit).fetch_all(db).await?;
        for (id, item_type, annotation, reading_id, reading_title, by_name, text, at, read) in rows {
            items.push(Item {
                id,
                item_type,
                annotation: annotation.parse().map_err(decode)?,
                reading_id,
                reading_title,
                by_name: by_name.unwrap_or_else(|| "Former member".to_owned()),
                text,
                at: parse_time(&at)?,
                read,
            });
        }
    }
    items.sort_unstable_by_key(|i| std::cmp::Reverse(i.id));
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(items)
}

/// One item of the member's, if they may see it.
pub async fn find(db: &Db, user_id: i64, id: i64) -> sqlx::Result<Option<Item>> {
    Ok(list(db, user_id, u32::MAX).await?.into_iter().find(|i| i.id == id))
}

/// Marks the member's items `ids` (or all of them) read; how many changed.
pub async fn mark_read(db: &Db, user_id: i64, ids: Option<&[i64]>) -> sqlx::Result<u64> {
    let ids = ids.map(serde_json::to_string).transpose().map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let sql = format!(
        "UPDATE inbox_items SET read_at = ?1 WHERE user_id = ?2 AND read_at IS NULL AND (?3 IS NULL OR id IN {})",
        store::json_integers(db.backend(), "?3")
    );
    let done = store::query(sql.as_str()).bind(now()).bind(user_id).bind(ids).execute(db).await?;
    Ok(done.rows_affected())
}

/// Who received items after `after` (an item id), and the newest item id.
pub async fn recipients_since(db: &Db, after: i64) -> sqlx::Result<(Vec<i64>, i64)> {
    let newest: i64 = store::query_scalar("SELECT coalesce(max(id), 0) FROM inbox_items").fetch_one(db).await?;
    if newest <= after {
        return Ok((Vec::new(), newest));
    }
    let users = store::query_scalar("SELECT DISTINCT user_id FROM inbox_items WHERE id > ? AND id <= ?")
        .bind(after)
        .bind(newest)
        .fetch_all(db)
        .await?;
    Ok((users, newest))
}

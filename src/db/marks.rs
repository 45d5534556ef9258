//! Marks on annotations (`annotation_marks`): an instructor's spotlight, and a
//! question marked answered. Triggers move the reading's revision and fill the
//! author's inbox (see the `classroom` migration).

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::AnnotationId;

/// A mark an annotation may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Spotlight,
    Answered,
}

impl Mark {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Spotlight => "spotlight",
            Mark::Answered => "answered",
        }
    }
}

/// Puts `mark` on the annotation (by `by_id`) or takes it off; whether anything changed.
pub async fn set_mark(db: &Db, id: AnnotationId, mark: Mark, by_id: i64, on: bool) -> sqlx::Result<bool> {
    let done = if on {
        store::query(
            "INSERT INTO annotation_marks (annotation_id, mark, by_id, created_at)
             SELECT id, ?, ?, ? FROM annotations WHERE uuid = ? ON CONFLICT DO NOTHING",
        )
        .bind(mark.as_str())
        .bind(by_id)
        .bind(now())
        .bind(id.to_string())
        .execute(db)
        .await?
    } else {
        store::query(
            "DELETE FROM annotation_marks WHERE mark = ? AND annotation_id = (SELECT id FROM annotations WHERE uuid = ?)",
        )
        .bind(mark.as_str())
        .bind(id.to_string())
        .execute(db)
        .await?
    };
    Ok(done.rows_affected() > 0)
}

//! An annotation as the store reads it back: the columns every query selects
//! ([`COLUMNS`]) and the row they fill, decoded into the domain's `Annotation`.

use crate::db::parse_time;
use crate::domain::Annotation;
use crate::text::anchor::{TextPosition, TextQuote};

/// The columns of an annotation `a` (with its author `u`). `late`: created
/// after its reading's due date (times are stored in one text shape, so they
/// compare as text; see the `assignments` migration).
pub(in crate::db) const COLUMNS: &str =
    "a.id, a.uuid, a.reading_id, a.author_id, u.name AS author_name, a.kind, a.comment, a.citation,
    a.tags, a.visibility, a.start, a.end, a.exact, a.prefix, a.suffix, a.created_at, a.modified_at,
    (SELECT count(*) FROM replies r WHERE r.annotation_id = a.id) AS reply_count, a.orphaned,
    CAST(CASE WHEN EXISTS (SELECT 1 FROM assignments asg WHERE asg.reading_id = a.reading_id AND a.created_at > asg.due_at)
         THEN 1 ELSE 0 END AS BIGINT) AS late,
    CAST(CASE WHEN EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id AND m.mark = 'spotlight')
         THEN 1 ELSE 0 END AS BIGINT) AS spotlight,
    CAST(CASE WHEN EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id AND m.mark = 'answered')
         THEN 1 ELSE 0 END AS BIGINT) AS answered";

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(in crate::db) struct Row {
    pub(in crate::db) id: i64,
    uuid: String,
    reading_id: i64,
    author_id: i64,
    author_name: String,
    kind: String,
    comment: String,
    citation: String,
    tags: String,
    visibility: String,
    pub(in crate::db) start: i64,
    pub(in crate::db) end: i64,
    exact: String,
    prefix: String,
    suffix: String,
    created_at: String,
    modified_at: String,
    reply_count: i64,
    /// 0 or 1 (SQLite's booleans; the snapshot's JSON rows carry it the same way).
    #[serde(default)]
    late: i64,
    #[serde(default)]
    pub(in crate::db) orphaned: i64,
    spotlight: i64,
    answered: i64,
}

pub(in crate::db) fn decode<E: std::error::Error + Send + Sync + 'static>(e: E) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

impl Row {
    pub(in crate::db) fn into_annotation(self) -> sqlx::Result<Annotation> {
        Ok(Annotation {
            id: self.uuid.parse().map_err(decode)?,
            reading_id: self.reading_id,
            author_id: self.author_id,
            author_name: self.author_name,
            kind: self.kind.parse().map_err(decode)?,
            comment: self.comment,
            citation: self.citation,
            tags: serde_json::from_str(&self.tags).map_err(decode)?,
            visibility: self.visibility.parse().map_err(decode)?,
            position: TextPosition {
                start: usize::try_from(self.start).map_err(decode)?,
                end: usize::try_from(self.end).map_err(decode)?,
            },
            quote: TextQuote { exact: self.exact, prefix: self.prefix, suffix: self.suffix },
            created: parse_time(&self.created_at)?,
            modified: parse_time(&self.modified_at)?,
            links: Vec::new(),
            reply_count: usize::try_from(self.reply_count).unwrap_or(0),
            late: self.late != 0,
            orphaned: self.orphaned != 0,
            spotlight: self.spotlight != 0,
            answered: self.answered != 0,
        })
    }
}

//! A reading's text versions: replacing the text with every annotation
//! re-anchored or orphaned in one transaction, and the list of versions.

use super::annotations::decode;
use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::{AnnotationId, Title};
use crate::text::Document;
use crate::text::anchor::{TextPosition, TextQuote};
use crate::text::import::SourceFormat;
use crate::text::reanchor::{Fate, Outcome};
use std::collections::HashMap;

/// An annotation anchored in the reading's current text, as re-anchoring needs it.
#[derive(Debug, Clone)]
pub struct Anchored {
    pub row_id: i64,
    pub id: AnnotationId,
    pub position: TextPosition,
    pub quote: TextQuote,
}

/// The reading's current version and its anchored annotations (orphans are not re-anchored).
pub async fn anchored_in(db: &Db, reading_id: i64) -> sqlx::Result<(i64, Vec<Anchored>)> {
    let mut tx = db.begin().await?;
    let (version,): (i64,) =
        store::query_as("SELECT version FROM readings WHERE id = ?").bind(reading_id).fetch_one(&mut tx).await?;
    let rows: Vec<(i64, String, i64, i64, String, String, String)> = store::query_as(
        "SELECT id, uuid, start, \"end\", exact, prefix, suffix FROM annotations
         WHERE reading_id = ? AND orphaned = 0 ORDER BY id",
    )
    .bind(reading_id)
    .fetch_all(&mut tx)
    .await?;
    tx.commit().await?;
    let anchored = rows
        .into_iter()
        .map(|(row_id, uuid, start, end, exact, prefix, suffix)| {
            Ok(Anchored {
                row_id,
                id: uuid.parse().map_err(decode)?,
                position: TextPosition {
                    start: usize::try_from(start).map_err(decode)?,
                    end: usize::try_from(end).map_err(decode)?,
                },
                quote: TextQuote { exact, prefix, suffix },
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok((version, anchored))
}

/// The new text and what becomes of each annotation read by [`anchored_in`].
pub struct Replacement<'a> {
    pub reading_id: i64,
    pub editor_id: i64,
    /// The version the placements were computed against.
    pub from_version: i64,
    pub title: &'a Title,
    pub author: &'a str,
    pub format: SourceFormat,
    pub source: &'a str,
    pub doc: &'a Document,
    pub placements: &'a [(Anchored, Outcome)],
}

/// What became of the annotations, by fate.
pub type Fates = HashMap<Fate, Vec<AnnotationId>>;

/// Why a replacement was not stored.
#[derive(Debug)]
pub enum Refused {
    /// Someone else replaced the text since the placements were computed.
    Stale,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        Refused::Database(e)
    }
}

/// Stores the new text and every placement at once, as version `from_version + 1`.
///
/// An annotation added since the placements were computed was anchored in the
/// old text: it becomes an orphan rather than keep offsets that now point
/// elsewhere. One deleted meanwhile is left out of the answer.
pub async fn replace_text(db: &Db, edit: &Replacement<'_>) -> Result<(i64, Fates), Refused> {
    let encode = |e: std::num::TryFromIntError| sqlx::Error::Encode(Box::new(e));
    let blocks = serde_json::to_string(&edit.doc.blocks).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let format = serde_json::to_value(edit.format).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let version = edit.from_version + 1;
    let mut tx = db.begin().await?;
    let changed = store::query(
        "UPDATE readings SET title = ?, author = ?, format = ?, source = ?, text = ?, blocks = ?, version = ?
         WHERE id = ? AND version = ?",
    )
    .bind(edit.title.as_str())
    .bind(edit.author)
    .bind(format)
    .bind(edit.source)
    .bind(&edit.doc.text)
    .bind(blocks)
    .bind(version)
    .bind(edit.reading_id)
    .bind(edit.from_version)
    .execute(&mut tx)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(Refused::Stale);
    }
    let mut fates: Fates = HashMap::new();
    for (annotation, outcome) in edit.placements {
        let done = match &outcome.anchored {
            Some((position, quote)) => store::query(
                "UPDATE annotations SET start = ?, \"end\" = ?, exact = ?, prefix = ?, suffix = ?, anchored_version = ?
                     WHERE id = ? AND uuid = ? AND orphaned = 0",
            )
            .bind(i64::try_from(position.start).map_err(encode)?)
            .bind(i64::try_from(position.end).map_err(encode)?)
            .bind(&quote.exact)
            .bind(&quote.prefix)
            .bind(&quote.suffix)
            .bind(version),
            None => store::query("UPDATE annotations SET orphaned = 1 WHERE id = ? AND uuid = ? AND orphaned = 0"),
        }
        .bind(annotation.row_id)
        .bind(annotation.id.to_string())
        .execute(&mut tx)
        .await?;
        if done.rows_affected() == 1 {
            fates.entry(outcome.fate).or_default().push(annotation.id);
        }
    }
    // Added meanwhile, in the old text: orphans.
    let late: Vec<(String,)> = store::query_as(
        "UPDATE annotations SET orphaned = 1 WHERE reading_id = ? AND orphaned = 0 AND anchored_version < ?
         RETURNING uuid",
    )
    .bind(edit.reading_id)
    .bind(version)
    .fetch_all(&mut tx)
    .await?;
    for (uuid,) in late {
        fates.entry(Fate::Orphaned).or_default().push(uuid.parse().map_err(decode)?);
    }
    let count = |fate| i64::try_from(fates.get(&fate).map_or(0, Vec::len)).unwrap_or(i64::MAX);
    store::query(
        "INSERT INTO reading_versions (reading_id, version, editor_id, created_at, kept, moved, edited, orphaned)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(edit.reading_id)
    .bind(version)
    .bind(edit.editor_id)
    .bind(now())
    .bind(count(Fate::Kept))
    .bind(count(Fate::Moved))
    .bind(count(Fate::Edited))
    .bind(count(Fate::Orphaned))
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok((version, fates))
}

/// One version of a reading's text.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, schemars::JsonSchema)]
pub struct Version {
    pub version: i64,
    pub created_at: String,
    /// Who replaced the text (`None` for the import, or an account since deleted).
    pub editor: Option<String>,
    pub kept: i64,
    pub moved: i64,
    pub edited: i64,
    pub orphaned: i64,
}

/// Every version of the reading, newest first; version 1 is the import.
pub async fn list_versions(db: &Db, reading_id: i64) -> sqlx::Result<Vec<Version>> {
    store::query_as(
        "SELECT v.version, v.created_at, u.name AS editor, v.kept, v.moved, v.edited, v.orphaned
         FROM reading_versions v LEFT JOIN users u ON u.id = v.editor_id WHERE v.reading_id = ?1
         UNION ALL
         SELECT 1, r.created_at, NULL, 0, 0, 0, 0 FROM readings r WHERE r.id = ?1
         ORDER BY 1 DESC",
    )
    .bind(reading_id)
    .fetch_all(db)
    .await
}

/// The reading's source as the instructor wrote it, and its format.
pub async fn source_of(db: &Db, reading_id: i64) -> sqlx::Result<Option<(SourceFormat, String)>> {
    let row: Option<(String, String)> =
        store::query_as("SELECT format, source FROM readings WHERE id = ?").bind(reading_id).fetch_optional(db).await?;
    row.map(|(format, source)| {
        let format = serde_json::from_value(serde_json::Value::String(format)).map_err(decode)?;
        Ok((format, source))
    })
    .transpose()
}

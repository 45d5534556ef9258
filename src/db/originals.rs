//! The original files of readings imported from PDFs (`reading_originals`).

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::Title;
use crate::text::Document;
use crate::text::import::SourceFormat;

/// An original file as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Original {
    pub sha256: String,
    pub media_type: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A new original, to store with its reading.
#[derive(Debug, Clone, Copy)]
pub struct NewOriginal<'a> {
    pub sha256: &'a str,
    pub media_type: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// Stores a reading made from a file together with that file, in one transaction:
/// the reading's source is its extracted text (see the migration).
pub async fn insert_reading_with_original(
    db: &Db,
    course_id: i64,
    title: &Title,
    author: &str,
    doc: &Document,
    original: NewOriginal<'_>,
) -> sqlx::Result<i64> {
    let mut tx = db.begin().await?;
    let id =
        super::readings::insert_reading(&mut tx, course_id, title, author, SourceFormat::Text, &doc.text, doc).await?;
    store::query(
        "INSERT INTO reading_originals (reading_id, sha256, media_type, file_name, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(original.sha256)
    .bind(original.media_type)
    .bind(original.file_name)
    .bind(original.bytes)
    .bind(now())
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A reading's original file, if it was imported from one.
pub async fn find_original(db: &Db, reading_id: i64) -> sqlx::Result<Option<Original>> {
    store::query_as("SELECT sha256, media_type, file_name, bytes FROM reading_originals WHERE reading_id = ?")
        .bind(reading_id)
        .fetch_optional(db)
        .await
}

/// The SHA-256 of a reading's original, without loading the file (for the reading page's
/// link, which the snapshot carries: see `db::snapshot`).
pub async fn sha256_in(conn: &mut Conn<'_>, reading_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> = store::query_as("SELECT sha256 FROM reading_originals WHERE reading_id = ?")
        .bind(reading_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(sha,)| sha))
}

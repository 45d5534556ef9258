//! Storing annotations: a new one with its links and provenance, an author's
//! changes, and a re-attachment to a new passage.

use super::LinkTarget;
use crate::db::Db;
use crate::db::now;
use crate::db::store;
use crate::db::store::{Backend, Conn};
use crate::domain::{AnnotationId, Kind, NewAnnotation, Relation, Visibility};
use crate::formats::w3c::Provenance;
use crate::text::anchor::{TextPosition, TextQuote};

/// Stores a new annotation, already anchored (`position` and `quote` set), with its links.
pub async fn insert_annotation(
    db: &Db,
    reading_id: i64,
    author_id: i64,
    new: &NewAnnotation,
    links: &[(LinkTarget, Relation)],
) -> sqlx::Result<AnnotationId> {
    let insert =
        Insert { reading_id, author_id, new: new.clone(), links: links.to_vec(), provenance: Provenance::default() };
    let mut tx = db.begin().await?;
    let id = insert_in(&mut tx, &insert, &now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// A new annotation to store: anchored (`position` and `quote` set), its links
/// checked, with where it came from.
#[derive(Debug, Clone)]
pub struct Insert {
    pub reading_id: i64,
    pub author_id: i64,
    pub new: NewAnnotation,
    pub links: Vec<(LinkTarget, Relation)>,
    pub provenance: Provenance,
}

impl Insert {
    /// Whether storing it takes one statement (so needs no savepoint to be all or nothing).
    pub(in crate::db) fn is_one_statement(&self) -> bool {
        self.links.is_empty() && self.provenance.is_empty()
    }
}

/// Stores `insert` with its links and provenance inside the caller's transaction.
pub(in crate::db) async fn insert_in(conn: &mut Conn<'_>, insert: &Insert, now: &str) -> sqlx::Result<AnnotationId> {
    let (id, row_id) = insert_row(conn, insert.reading_id, insert.author_id, &insert.new, now).await?;
    for (target, relation) in &insert.links {
        insert_link(conn, row_id, target.row_id, *relation).await?;
    }
    crate::db::w3c::insert_provenance(conn, "annotation_id", row_id, &insert.provenance).await?;
    Ok(id)
}

/// Inserts one anchored annotation (`position` and `quote` set) inside the caller's
/// transaction; returns its id and row id.
pub(crate) async fn insert_row(
    conn: &mut Conn<'_>,
    reading_id: i64,
    author_id: i64,
    new: &NewAnnotation,
    now: &str,
) -> sqlx::Result<(AnnotationId, i64)> {
    let row = Row::new(reading_id, author_id, new)?;
    let mut sql = store::Builder::new(INSERT);
    sql.push_values([&row], |values, row| row.push(values, now));
    sql.push(" RETURNING id");
    let (row_id,): (i64,) = sql.build_query_as().fetch_one(conn).await?;
    Ok((row.id, row_id))
}

/// Inserts one-statement annotations (no links, no provenance) inside the caller's
/// transaction, all in one statement: all are stored, or (on an error) none.
///
/// A group commit stores a whole group this way, so that the group costs one trip to
/// the database's thread rather than one per annotation, the trip that bounded how
/// many a second the single committing task could store.
pub(in crate::db) async fn insert_rows(
    conn: &mut Conn<'_>,
    inserts: &[Insert],
    now: &str,
) -> sqlx::Result<Vec<AnnotationId>> {
    debug_assert!(inserts.iter().all(|insert| insert.is_one_statement()));
    let rows = inserts
        .iter()
        .map(|insert| Row::new(insert.reading_id, insert.author_id, &insert.new))
        .collect::<sqlx::Result<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    if conn.backend() == Backend::Postgres {
        // One statement whatever the group's size, so PostgreSQL parses and plans it once
        // per connection, not once per group: a group's rows as one JSON array.
        let json: Vec<_> = rows.iter().map(Row::json).collect();
        let json = serde_json::to_string(&json).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        store::query(INSERT_FROM_JSON).bind(json).bind(now).execute(conn).await?;
    } else {
        let mut sql = store::Builder::new(INSERT);
        sql.push_values(&rows, |values, row| row.push(values, now));
        // One statement per group size would crowd the connection's statement cache out.
        sql.build().persistent(false).execute(conn).await?;
    }
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// [`INSERT`] on PostgreSQL for a group: its rows from the JSON array bound first
/// (as [`Row::json`] writes them), their times bound second.
const INSERT_FROM_JSON: &str = "INSERT INTO annotations (uuid, reading_id, author_id, kind, comment, citation, \
     tags, visibility, start, \"end\", exact, prefix, suffix, created_at, modified_at, anchored_version) \
     SELECT r.uuid, r.reading_id, r.author_id, r.kind, r.comment, r.citation, r.tags, r.visibility, r.start, \
     r.\"end\", r.exact, r.prefix, r.suffix, ?2, ?2, (SELECT version FROM readings WHERE id = r.reading_id) \
     FROM json_to_recordset(?1::json) AS r(uuid text, reading_id bigint, author_id bigint, kind text, \
     comment text, citation text, tags text, visibility text, start bigint, \"end\" bigint, exact text, \
     prefix text, suffix text)";

const INSERT: &str = "INSERT INTO annotations (uuid, reading_id, author_id, kind, comment, citation, tags, \
     visibility, start, \"end\", exact, prefix, suffix, created_at, modified_at, anchored_version) ";

/// One new annotation's columns, as they are bound.
struct Row<'a> {
    id: AnnotationId,
    reading_id: i64,
    author_id: i64,
    new: &'a NewAnnotation,
    tags: String,
    start: i64,
    end: i64,
}

/// One new annotation's columns in a group's JSON array (see [`INSERT_FROM_JSON`]).
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    uuid: String,
    reading_id: i64,
    author_id: i64,
    kind: &'a str,
    comment: &'a str,
    citation: &'a str,
    tags: &'a str,
    visibility: &'a str,
    start: i64,
    end: i64,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

impl<'a> Row<'a> {
    fn new(reading_id: i64, author_id: i64, new: &'a NewAnnotation) -> sqlx::Result<Self> {
        let encode = |e: std::num::TryFromIntError| sqlx::Error::Encode(Box::new(e));
        let position = new.position.ok_or_else(|| sqlx::Error::Protocol("annotation not anchored".into()))?;
        Ok(Self {
            id: AnnotationId::new_v4(),
            reading_id,
            author_id,
            new,
            tags: serde_json::to_string(new.tags.as_slice()).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
            start: i64::try_from(position.start).map_err(encode)?,
            end: i64::try_from(position.end).map_err(encode)?,
        })
    }

    /// The row as [`INSERT_FROM_JSON`] reads it.
    fn json(&self) -> JsonRow<'_> {
        let quote = self.new.quote.as_ref();
        JsonRow {
            uuid: self.id.to_string(),
            reading_id: self.reading_id,
            author_id: self.author_id,
            kind: self.new.kind.as_str(),
            comment: self.new.comment.as_str(),
            citation: self.new.citation.as_str(),
            tags: &self.tags,
            visibility: self.new.visibility.as_str(),
            start: self.start,
            end: self.end,
            exact: quote.map_or("", |q| q.exact.as_str()),
            prefix: quote.map_or("", |q| q.prefix.as_str()),
            suffix: quote.map_or("", |q| q.suffix.as_str()),
        }
    }

    fn push(&self, values: &mut store::Values<'_, 'a>, now: &'a str) {
        let quote = self.new.quote.as_ref();
        values
            .push_bind(self.id.to_string())
            .push_bind(self.reading_id)
            .push_bind(self.author_id)
            .push_bind(self.new.kind.as_str())
            .push_bind(self.new.comment.as_str())
            .push_bind(self.new.citation.as_str())
            .push_bind(self.tags.clone())
            .push_bind(self.new.visibility.as_str())
            .push_bind(self.start)
            .push_bind(self.end)
            .push_bind(quote.map_or("", |q| q.exact.as_str()))
            .push_bind(quote.map_or("", |q| q.prefix.as_str()))
            .push_bind(quote.map_or("", |q| q.suffix.as_str()))
            .push_bind(now)
            .push_bind(now)
            .push("(SELECT version FROM readings WHERE id = ")
            .push_bind_unseparated(self.reading_id)
            .push_unseparated(")");
    }
}

async fn insert_link(conn: &mut Conn<'_>, from: i64, to: i64, relation: Relation) -> sqlx::Result<()> {
    store::query("INSERT INTO links (from_id, to_id, relation, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(from)
        .bind(to)
        .bind(relation.as_str())
        .bind(now())
        .execute(conn)
        .await?;
    Ok(())
}

/// What an author may change after creating an annotation.
#[derive(Debug, Clone)]
pub struct AnnotationUpdate<'a> {
    pub kind: Kind,
    pub comment: &'a str,
    pub citation: &'a str,
    pub tags: &'a [String],
    pub visibility: Visibility,
}

/// Updates what an author may change and, when `links` is given, replaces the outgoing links.
pub async fn update_annotation(
    db: &Db,
    id: AnnotationId,
    update: &AnnotationUpdate<'_>,
    links: Option<&[(LinkTarget, Relation)]>,
) -> sqlx::Result<()> {
    let tags = serde_json::to_string(update.tags).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = db.begin().await?;
    let (row_id,): (i64,) = store::query_as(
        "UPDATE annotations SET kind = ?, comment = ?, citation = ?, tags = ?, visibility = ?, modified_at = ?
         WHERE uuid = ? RETURNING id",
    )
    .bind(update.kind.as_str())
    .bind(update.comment)
    .bind(update.citation)
    .bind(tags)
    .bind(update.visibility.as_str())
    .bind(now())
    .bind(id.to_string())
    .fetch_one(&mut tx)
    .await?;
    if let Some(links) = links {
        store::query("DELETE FROM links WHERE from_id = ?").bind(row_id).execute(&mut tx).await?;
        for (target, relation) in links {
            insert_link(&mut tx, row_id, target.row_id, *relation).await?;
        }
    }
    tx.commit().await
}

/// Places an annotation again (an orphan, or one moved by its author) at an
/// anchored position of the reading's current text.
pub async fn reattach(db: &Db, id: AnnotationId, position: TextPosition, quote: &TextQuote) -> sqlx::Result<()> {
    let encode = |e: std::num::TryFromIntError| sqlx::Error::Encode(Box::new(e));
    store::query(
        "UPDATE annotations SET start = ?, \"end\" = ?, exact = ?, prefix = ?, suffix = ?, orphaned = 0, modified_at = ?,
             anchored_version = (SELECT version FROM readings r WHERE r.id = annotations.reading_id)
         WHERE uuid = ?",
    )
    .bind(i64::try_from(position.start).map_err(encode)?)
    .bind(i64::try_from(position.end).map_err(encode)?)
    .bind(&quote.exact)
    .bind(&quote.prefix)
    .bind(&quote.suffix)
    .bind(now())
    .bind(id.to_string())
    .execute(db)
    .await?;
    Ok(())
}

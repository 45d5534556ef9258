//! Annotations, their links and replies. Every SQL read of annotations filters
//! with [`VISIBLE`], the visibility rule in SQL; the in-memory snapshot applies
//! the same rule in Rust (`Snapshot::allows`, which pages, the container, the map, the
//! review and live events ask through `snapshot::View`), and tests keep the two equal
//! (`tests/api/visibility.rs`, `tests/api/cached_pages.rs`).

use super::{now, parse_time};
use crate::domain::{Annotation, AnnotationId, Kind, Link, NewAnnotation, Relation, Viewer, Visibility};
use crate::formats::w3c::Provenance;
use crate::text::anchor::{TextPosition, TextQuote};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// The groups rule (`domain::Circles::allows` in Rust) for an author `a.author_id`
/// on reading `a.reading_id`, viewer `?1`, instructor `?2`: when the course's
/// discussion is in groups, a student sees another student's work only if they
/// share a group; the instructors' work is for everyone.
macro_rules! groups_rule {
    () => {
        "(?2 OR a.author_id = ?1
     OR NOT EXISTS (SELECT 1 FROM readings gr JOIN course_settings gs ON gs.course_id = gr.course_id
                    WHERE gr.id = a.reading_id AND gs.discussion = 'groups')
     OR EXISTS (SELECT 1 FROM readings gr JOIN memberships gm ON gm.course_id = gr.course_id
                WHERE gr.id = a.reading_id AND gm.user_id = a.author_id AND gm.role = 'instructor')
     OR EXISTS (SELECT 1 FROM readings gr JOIN course_groups gg ON gg.course_id = gr.course_id
                JOIN group_members mine ON mine.group_id = gg.id AND mine.user_id = ?1
                JOIN group_members theirs ON theirs.group_id = gg.id AND theirs.user_id = a.author_id
                WHERE gr.id = a.reading_id))"
    };
}

/// The visibility rule in SQL (`Viewer::can_see` in Rust), for an annotation
/// aliased `a`, with the viewer's id bound to `?1` and whether they are an
/// instructor to `?2`.
///
/// Two additions `can_see` cannot know, as they live in the store: when the course
/// has the `post_first` setting (`course_settings`), a student sees classmates'
/// annotations on a reading only once they have posted one of their own there
/// that is not private; and when its discussion is in groups, [`GROUPS_RULE`].
/// Authors always see their own; instructors are unaffected.
///
/// An orphan (an annotation whose passage was lost when the reading's text was
/// replaced) is seen by its author and the instructors only, within the rule above.
pub const VISIBLE: &str = concat!(
    "((a.author_id = ?1 OR ((a.visibility = 'class' OR (a.visibility = 'instructors' AND ?2))
    AND (?2 OR NOT EXISTS (SELECT 1 FROM readings vr JOIN course_settings vs ON vs.course_id = vr.course_id
                           WHERE vr.id = a.reading_id AND vs.post_first = 1)
         OR EXISTS (SELECT 1 FROM annotations va WHERE va.reading_id = a.reading_id AND va.author_id = ?1
                    AND va.visibility <> 'private'))
    AND ",
    groups_rule!(),
    "))
    AND (a.orphaned = 0 OR a.author_id = ?1 OR ?2))"
);

/// [`VISIBLE`]'s groups part alone (`domain::Circles::allows` in Rust).
pub const GROUPS_RULE: &str = groups_rule!();

/// The columns of an annotation `a` (with its author `u`). `late`: created
/// after its reading's due date (times are stored in one text shape, so they
/// compare as text; see the `assignments` migration).
pub(super) const COLUMNS: &str =
    "a.id, a.uuid, a.reading_id, a.author_id, u.name AS author_name, a.kind, a.comment, a.citation,
    a.tags, a.visibility, a.start, a.end, a.exact, a.prefix, a.suffix, a.created_at, a.modified_at,
    (SELECT count(*) FROM replies r WHERE r.annotation_id = a.id) AS reply_count, a.orphaned,
    EXISTS (SELECT 1 FROM assignments asg WHERE asg.reading_id = a.reading_id AND a.created_at > asg.due_at) AS late,
    EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id AND m.mark = 'spotlight') AS spotlight,
    EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id AND m.mark = 'answered') AS answered";

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(super) struct Row {
    pub(super) id: i64,
    uuid: String,
    reading_id: i64,
    author_id: i64,
    author_name: String,
    kind: String,
    comment: String,
    citation: String,
    tags: String,
    visibility: String,
    pub(super) start: i64,
    pub(super) end: i64,
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
    pub(super) orphaned: i64,
    spotlight: i64,
    answered: i64,
}

pub(super) fn decode<E: std::error::Error + Send + Sync + 'static>(e: E) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

impl Row {
    pub(super) fn into_annotation(self) -> sqlx::Result<Annotation> {
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

/// The annotation a new link points at, if it is in `reading_id` and `viewer` may see it.
#[derive(Debug, Clone, Copy)]
pub struct LinkTarget {
    pub row_id: i64,
    pub id: AnnotationId,
    pub kind: Kind,
}

pub async fn find_link_target(
    db: &SqlitePool,
    reading_id: i64,
    id: AnnotationId,
    viewer: Viewer,
) -> sqlx::Result<Option<LinkTarget>> {
    let sql = format!("SELECT a.id, a.kind FROM annotations a WHERE a.uuid = ?3 AND a.reading_id = ?4 AND {VISIBLE}");
    let row: Option<(i64, String)> = sqlx::query_as(&sql)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(id.to_string())
        .bind(reading_id)
        .fetch_optional(db)
        .await?;
    row.map(|(row_id, kind)| Ok(LinkTarget { row_id, id, kind: kind.parse().map_err(decode)? })).transpose()
}

/// Stores a new annotation, already anchored (`position` and `quote` set), with its links.
pub async fn insert_annotation(
    db: &SqlitePool,
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
    pub(super) fn is_one_statement(&self) -> bool {
        self.links.is_empty() && self.provenance.is_empty()
    }
}

/// Stores `insert` with its links and provenance inside the caller's transaction.
pub(super) async fn insert_in(conn: &mut SqliteConnection, insert: &Insert, now: &str) -> sqlx::Result<AnnotationId> {
    let (id, row_id) = insert_row(conn, insert.reading_id, insert.author_id, &insert.new, now).await?;
    for (target, relation) in &insert.links {
        insert_link(conn, row_id, target.row_id, *relation).await?;
    }
    super::w3c::insert_provenance(conn, "annotation_id", row_id, &insert.provenance).await?;
    Ok(id)
}

/// Inserts one anchored annotation (`position` and `quote` set) inside the caller's
/// transaction; returns its id and row id.
pub(crate) async fn insert_row(
    conn: &mut SqliteConnection,
    reading_id: i64,
    author_id: i64,
    new: &NewAnnotation,
    now: &str,
) -> sqlx::Result<(AnnotationId, i64)> {
    let encode = |e: std::num::TryFromIntError| sqlx::Error::Encode(Box::new(e));
    let id = AnnotationId::new_v4();
    let position = new.position.ok_or_else(|| sqlx::Error::Protocol("annotation not anchored".into()))?;
    let quote = new.quote.clone().unwrap_or_default();
    let (row_id,): (i64,) = sqlx::query_as(
        "INSERT INTO annotations (uuid, reading_id, author_id, kind, comment, citation, tags, visibility,
             start, end, exact, prefix, suffix, created_at, modified_at, anchored_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT version FROM readings WHERE id = ?))
         RETURNING id",
    )
    .bind(id.to_string())
    .bind(reading_id)
    .bind(author_id)
    .bind(new.kind.as_str())
    .bind(new.comment.as_str())
    .bind(new.citation.as_str())
    .bind(serde_json::to_string(new.tags.as_slice()).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
    .bind(new.visibility.as_str())
    .bind(i64::try_from(position.start).map_err(encode)?)
    .bind(i64::try_from(position.end).map_err(encode)?)
    .bind(&quote.exact)
    .bind(&quote.prefix)
    .bind(&quote.suffix)
    .bind(now)
    .bind(now)
    .bind(reading_id)
    .fetch_one(conn)
    .await?;
    Ok((id, row_id))
}

async fn insert_link(conn: &mut SqliteConnection, from: i64, to: i64, relation: Relation) -> sqlx::Result<()> {
    sqlx::query("INSERT OR IGNORE INTO links (from_id, to_id, relation, created_at) VALUES (?, ?, ?, ?)")
        .bind(from)
        .bind(to)
        .bind(relation.as_str())
        .bind(now())
        .execute(conn)
        .await?;
    Ok(())
}

/// Everything `viewer` may see anchored in a reading, in text order, with links
/// and reply counts. Orphans have no place in the text: see [`list_visible_orphans`].
pub async fn list_visible(db: &SqlitePool, reading_id: i64, viewer: Viewer) -> sqlx::Result<Vec<Annotation>> {
    list_where(db, reading_id, viewer, "a.orphaned = 0").await
}

/// The reading's orphans `viewer` may see (their authors' and, unless private, the
/// instructors'), oldest first.
pub async fn list_visible_orphans(db: &SqlitePool, reading_id: i64, viewer: Viewer) -> sqlx::Result<Vec<Annotation>> {
    list_where(db, reading_id, viewer, "a.orphaned = 1").await
}

async fn list_where(db: &SqlitePool, reading_id: i64, viewer: Viewer, filter: &str) -> sqlx::Result<Vec<Annotation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM annotations a JOIN users u ON u.id = a.author_id
         WHERE a.reading_id = ?3 AND {filter} AND {VISIBLE} ORDER BY a.start, a.end DESC, a.id"
    );
    let rows: Vec<Row> =
        sqlx::query_as(&sql).bind(viewer.user_id).bind(viewer.is_instructor()).bind(reading_id).fetch_all(db).await?;
    let mut index = HashMap::with_capacity(rows.len());
    let mut annotations = Vec::with_capacity(rows.len());
    for row in rows {
        index.insert(row.id, annotations.len());
        annotations.push(row.into_annotation()?);
    }
    for (from, link) in visible_links(db, "f.reading_id = ?3", reading_id, viewer).await? {
        if let Some(&i) = index.get(&from) {
            annotations[i].links.push(link);
        }
    }
    Ok(annotations)
}

/// One annotation, if `viewer` may see it.
pub async fn find_visible(db: &SqlitePool, id: AnnotationId, viewer: Viewer) -> sqlx::Result<Option<Annotation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM annotations a JOIN users u ON u.id = a.author_id WHERE a.uuid = ?3 AND {VISIBLE}"
    );
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(id.to_string())
        .fetch_optional(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let row_id = row.id;
    let mut annotation = row.into_annotation()?;
    annotation.links = visible_links(db, "f.id = ?3", row_id, viewer).await?.into_iter().map(|(_, l)| l).collect();
    Ok(Some(annotation))
}

/// Links whose source matches `filter` (binding `?3` to `value`) and whose target `viewer` may see.
async fn visible_links(db: &SqlitePool, filter: &str, value: i64, viewer: Viewer) -> sqlx::Result<Vec<(i64, Link)>> {
    let sql = format!(
        "SELECT f.id, f.uuid, a.uuid, l.relation FROM links l
         JOIN annotations f ON f.id = l.from_id JOIN annotations a ON a.id = l.to_id
         WHERE {filter} AND {VISIBLE} ORDER BY l.id"
    );
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as(&sql).bind(viewer.user_id).bind(viewer.is_instructor()).bind(value).fetch_all(db).await?;
    rows.into_iter()
        .map(|(from_row, from, to, relation)| {
            let relation = relation.parse().map_err(decode)?;
            Ok((from_row, Link { from: from.parse().map_err(decode)?, to: to.parse().map_err(decode)?, relation }))
        })
        .collect()
}

/// Where an annotation lives: its reading, course and author, whoever asks.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Location {
    pub reading_id: i64,
    pub course_id: i64,
    pub author_id: i64,
}

pub async fn locate(db: &SqlitePool, id: AnnotationId) -> sqlx::Result<Option<Location>> {
    sqlx::query_as(
        "SELECT a.reading_id, r.course_id, a.author_id FROM annotations a JOIN readings r ON r.id = a.reading_id
         WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .fetch_optional(db)
    .await
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
    db: &SqlitePool,
    id: AnnotationId,
    update: &AnnotationUpdate<'_>,
    links: Option<&[(LinkTarget, Relation)]>,
) -> sqlx::Result<()> {
    let tags = serde_json::to_string(update.tags).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = db.begin().await?;
    let (row_id,): (i64,) = sqlx::query_as(
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
    .fetch_one(&mut *tx)
    .await?;
    if let Some(links) = links {
        sqlx::query("DELETE FROM links WHERE from_id = ?").bind(row_id).execute(&mut *tx).await?;
        for (target, relation) in links {
            insert_link(&mut tx, row_id, target.row_id, *relation).await?;
        }
    }
    tx.commit().await
}

/// The kinds and relations of the links that point at an annotation.
pub async fn incoming_links(db: &SqlitePool, id: AnnotationId) -> sqlx::Result<Vec<(Kind, Relation)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT f.kind, l.relation FROM links l JOIN annotations f ON f.id = l.from_id
         JOIN annotations a ON a.id = l.to_id WHERE a.uuid = ?",
    )
    .bind(id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(|(k, r)| Ok((k.parse().map_err(decode)?, r.parse().map_err(decode)?))).collect()
}

/// How many annotations a reading has, everyone's (its settings page says so before a text is replaced).
pub async fn count_in_reading(db: &SqlitePool, reading_id: i64) -> sqlx::Result<i64> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM annotations WHERE reading_id = ?").bind(reading_id).fetch_one(db).await?;
    Ok(count)
}

/// How many annotations `author_id` has in a reading (the per-reading quota counts them).
pub async fn count_by_author(db: &SqlitePool, reading_id: i64, author_id: i64) -> sqlx::Result<usize> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM annotations WHERE reading_id = ? AND author_id = ?")
        .bind(reading_id)
        .bind(author_id)
        .fetch_one(db)
        .await?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Places an annotation again (an orphan, or one moved by its author) at an
/// anchored position of the reading's current text.
pub async fn reattach(
    db: &SqlitePool,
    id: AnnotationId,
    position: TextPosition,
    quote: &TextQuote,
) -> sqlx::Result<()> {
    let encode = |e: std::num::TryFromIntError| sqlx::Error::Encode(Box::new(e));
    sqlx::query(
        "UPDATE annotations SET start = ?, end = ?, exact = ?, prefix = ?, suffix = ?, orphaned = 0, modified_at = ?,
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

//! The search index (`migrations/sqlite/…_search.sql`): a course's readings, annotations
//! and replies, as one viewer may see them.
//!
//! The contract the database keeps: triggers on `readings`, `annotations` and
//! `replies` keep the FTS5 table `search` in step with every write, so nothing
//! here writes to it. What a viewer may see is applied here, at query time, by
//! [`VISIBLE`] on the annotation each hit belongs to (a reply's is its thread's);
//! a reading's text is for every member of its course.

use super::annotations::decode;
use super::visibility::VISIBLE;
use crate::db::Db;
use crate::db::store;
use crate::domain::{AnnotationId, Kind, Viewer};
use crate::search::{MARK_CLOSE, MARK_OPEN, Query};

/// What the search asks for besides the query's own words and filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filters<'a> {
    pub reading_id: Option<i64>,
    pub kind: Option<Kind>,
    pub author_id: Option<i64>,
    pub query: Option<&'a Query>,
}

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitType {
    /// A passage of a reading's text (`block_start` says where).
    Reading,
    Annotation,
    Reply,
}

impl HitType {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            HitType::Reading => "reading",
            HitType::Annotation => "annotation",
            HitType::Reply => "reply",
        }
    }
}

/// One result, best first.
#[derive(Debug, Clone)]
pub struct Hit {
    pub hit_type: HitType,
    pub reading_id: i64,
    pub reading_title: String,
    /// The annotation (a reply's: its thread's).
    pub annotation: Option<AnnotationId>,
    pub reply: Option<AnnotationId>,
    pub kind: Option<Kind>,
    pub author_name: Option<String>,
    /// Where a reading's passage starts (code points into its canonical text).
    pub block_start: Option<i64>,
    /// The snippet with FTS5's marks ([`MARK_OPEN`], [`MARK_CLOSE`]) around matching words.
    pub marked_snippet: String,
    /// bm25: higher is better.
    pub score: f64,
}

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
    f64,
);

/// `?1` viewer, `?2` instructor, `?3` MATCH, `?4` course, `?5` author id, `?6` user name, `?7` its LIKE pattern,
/// `?8` a tag (only annotations carrying it).
///
/// What a hit is comes from its row id alone (see the migration: a reading's
/// block is negative, an annotation even, a reply odd), so counting the hits
/// never reads the index's stored text.
fn from_where() -> String {
    format!(
        "FROM search
         LEFT JOIN replies p ON search.rowid > 0 AND search.rowid % 2 = 1 AND p.id = (search.rowid - 1) / 2
         LEFT JOIN annotations a ON search.rowid > 0
                                AND a.id = iif(search.rowid % 2 = 0, search.rowid / 2, p.annotation_id)
         JOIN readings r ON r.id = iif(search.rowid < 0, (-search.rowid - 1) / 4294967296, a.reading_id)
         WHERE search MATCH ?3 AND r.course_id = ?4
           AND (search.rowid < 0
                OR (a.id IS NOT NULL AND (search.rowid % 2 = 0 OR p.id IS NOT NULL) AND {VISIBLE}))
           AND (?5 IS NULL OR {AUTHOR} = ?5)
           AND (?6 IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = {AUTHOR}
                                      AND (u.name = ?6 COLLATE NOCASE OR u.name LIKE ?7 ESCAPE '\\')))
           AND (?8 IS NULL OR (search.rowid > 0 AND search.rowid % 2 = 0
                               AND EXISTS (SELECT 1 FROM json_each(a.tags) t WHERE t.value = ?8 COLLATE NOCASE)))"
    )
}

/// The author of a hit: the annotation's, or the reply's (NULL for a reading's text).
const AUTHOR: &str = "iif(search.rowid % 2 = 0, a.author_id, p.author_id)";

/// The page (`offset`, `limit`) of what `viewer` may see in the course that matches, and how many match in all.
pub async fn search_course(
    db: &Db,
    course_id: i64,
    viewer: Viewer,
    filters: Filters<'_>,
    limit: u32,
    offset: u32,
) -> sqlx::Result<(i64, Vec<Hit>)> {
    let empty = Query::default();
    let query = filters.query.unwrap_or(&empty);
    let fts = query.fts_match(course_id, filters.reading_id, filters.kind);
    let user = query.user.as_deref();
    // The first name: "Ana" finds "Ana Lima". LIKE's own characters in a name are escaped.
    let pattern = user.map(|u| format!("{} %", u.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let clauses = from_where();
    let total: i64 = store::query_scalar(format!("SELECT count(*) {clauses}"))
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(&fts)
        .bind(course_id)
        .bind(filters.author_id)
        .bind(user)
        .bind(&pattern)
        .bind(query.tag.as_deref())
        .fetch_one(db)
        .await?;
    if total == 0 {
        return Ok((0, Vec::new()));
    }
    let sql = format!(
        "SELECT search.rowid, r.id, r.title, a.uuid, p.uuid, a.kind,
                (SELECT name FROM users WHERE id = {AUTHOR}), search.block_start,
                snippet(search, 0, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24),
                snippet(search, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 24), -rank
         {clauses} ORDER BY rank LIMIT ?9 OFFSET ?10"
    );
    let rows: Vec<Row> = store::query_as(&sql)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(&fts)
        .bind(course_id)
        .bind(filters.author_id)
        .bind(user)
        .bind(&pattern)
        .bind(query.tag.as_deref())
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await?;
    let hits = rows.into_iter().map(into_hit).collect::<sqlx::Result<_>>()?;
    Ok((total, hits))
}

fn into_hit(row: Row) -> sqlx::Result<Hit> {
    let (hit_type, reading_id, reading_title, annotation, reply, kind, author_name, block_start, body, quote, score) =
        row;
    let hit_type = match hit_type {
        ..0 => HitType::Reading,
        n if n % 2 == 0 => HitType::Annotation,
        _ => HitType::Reply,
    };
    // The column whose words matched: the comment or text first, else the quote.
    let marked_snippet = if body.contains(MARK_OPEN) || !quote.contains(MARK_OPEN) && !body.trim().is_empty() {
        body.trim().to_owned()
    } else {
        quote
    };
    Ok(Hit {
        hit_type,
        reading_id,
        reading_title,
        annotation: annotation.map(|id| id.parse()).transpose().map_err(decode)?,
        reply: if hit_type == HitType::Reply { reply.map(|id| id.parse()).transpose().map_err(decode)? } else { None },
        kind: kind.map(|k| k.parse()).transpose().map_err(decode)?,
        author_name,
        block_start,
        marked_snippet,
        score,
    })
}

//! The search index (`migrations/sqlite/…_search.sql`, the `search` table of
//! `migrations/postgres/`): a course's readings, annotations and replies, as one
//! viewer may see them.
//!
//! The contract the database keeps: triggers on `readings`, `annotations` and
//! `replies` keep the table `search` (FTS5's on SQLite, a tsvector column on
//! PostgreSQL) in step with every write, so nothing here writes to it. What a viewer may see is applied here, at query time, by
//! [`VISIBLE`] on the annotation each hit belongs to (a reply's is its thread's);
//! a reading's text is for every member of its course.

mod matching;

use super::annotations::decode;
use super::visibility::VISIBLE;
use crate::db::Db;
use crate::db::store::{self, Backend};
use crate::domain::{AnnotationId, Kind, Viewer};
use crate::search::{MARK_OPEN, Query, excerpt};
use matching::{FIRST_TERM, Matching, SNIPPET_WORDS};

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
    /// The snippet with marks ([`MARK_OPEN`], [`crate::search::MARK_CLOSE`]) around matching words.
    pub marked_snippet: String,
    /// FTS5's bm25 or PostgreSQL's `ts_rank`: higher is better.
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

/// `?1` viewer, `?2` instructor, `?3` the match's scope ([`Matching::scope`]), `?4` course,
/// `?5` author id, `?6` user name, `?7` its LIKE pattern, `?8` a tag (only annotations carrying it),
/// then the terms' texts where the backend binds them ([`Matching::terms`]).
///
/// What a hit is comes from its row id alone (see the migration: a reading's
/// block is negative, an annotation even, a reply odd), so counting the hits
/// never reads the index's stored text.
fn from_where(backend: Backend, matches: &str) -> String {
    let author = author(backend);
    let (annotation, reading) = (
        iif(backend, "search.rowid % 2 = 0", "search.rowid / 2", "p.annotation_id"),
        iif(backend, "search.rowid < 0", "(-search.rowid - 1) / 4294967296", "a.reading_id"),
    );
    // SQLite's NOCASE and LIKE fold ASCII letters only, as lower() and ILIKE do on the "C" collation.
    let (named, tagged) = match backend {
        Backend::Sqlite => (
            "u.name = ?6 COLLATE NOCASE OR u.name LIKE ?7 ESCAPE '\\'",
            "json_each(a.tags) t WHERE t.value = ?8 COLLATE NOCASE",
        ),
        Backend::Postgres => (
            r#"lower(u.name) = lower(?6 COLLATE "C") OR u.name ILIKE ?7 ESCAPE '\'"#,
            r#"jsonb_array_elements_text(a.tags::jsonb) t (value) WHERE lower(t.value COLLATE "C") = lower(?8 COLLATE "C")"#,
        ),
    };
    format!(
        "FROM search
         LEFT JOIN replies p ON search.rowid > 0 AND search.rowid % 2 = 1 AND p.id = (search.rowid - 1) / 2
         LEFT JOIN annotations a ON search.rowid > 0
                                AND a.id = {annotation}
         JOIN readings r ON r.id = {reading}
         WHERE {matches} AND r.course_id = ?4
           AND (search.rowid < 0
                OR (a.id IS NOT NULL AND (search.rowid % 2 = 0 OR p.id IS NOT NULL) AND {VISIBLE}))
           AND (?5 IS NULL OR {author} = ?5)
           AND (?6 IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = {author}
                                      AND ({named})))
           AND (?8 IS NULL OR (search.rowid > 0 AND search.rowid % 2 = 0
                               AND EXISTS (SELECT 1 FROM {tagged})))"
    )
}

/// The author of a hit: the annotation's, or the reply's (NULL for a reading's text).
fn author(backend: Backend) -> String {
    iif(backend, "search.rowid % 2 = 0", "a.author_id", "p.author_id")
}

/// `iif(cond, then, else)`, which PostgreSQL writes as CASE.
fn iif(backend: Backend, cond: &str, then: &str, otherwise: &str) -> String {
    match backend {
        Backend::Sqlite => format!("iif({cond}, {then}, {otherwise})"),
        Backend::Postgres => format!("CASE WHEN {cond} THEN {then} ELSE {otherwise} END"),
    }
}

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
    let backend = db.backend();
    let matching = Matching::new(backend, query, course_id, filters.reading_id, filters.kind);
    let user = query.user.as_deref();
    // The first name: "Ana" finds "Ana Lima". LIKE's own characters in a name are escaped.
    let pattern = user.map(|u| format!("{} %", u.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let clauses = from_where(backend, &matching.condition);
    // PostgreSQL's text varies with the terms: not kept, so as not to crowd the statement cache.
    let persistent = matching.terms.is_empty() || backend == Backend::Sqlite;
    let mut count = store::query_scalar(format!("SELECT count(*) {clauses}"))
        .persistent(persistent)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(&matching.scope)
        .bind(course_id)
        .bind(filters.author_id)
        .bind(user)
        .bind(&pattern)
        .bind(query.tag.as_deref());
    for term in &matching.terms {
        count = count.bind(*term);
    }
    let total: i64 = count.fetch_one(db).await?;
    if total == 0 {
        return Ok((0, Vec::new()));
    }
    let Matching { score, order, snippets: [body, quote], .. } = &matching;
    let limit_at = FIRST_TERM + matching.terms.len();
    let sql = format!(
        "SELECT search.rowid, r.id, r.title, a.uuid, p.uuid, a.kind,
                (SELECT name FROM users WHERE id = {author}), search.block_start,
                {body},
                {quote}, {score}
         {clauses} ORDER BY {order} LIMIT ?{limit_at} OFFSET ?{offset_at}",
        author = author(backend),
        offset_at = limit_at + 1
    );
    let mut rows = store::query_as::<Row>(&sql)
        .persistent(persistent)
        .bind(viewer.user_id)
        .bind(viewer.is_instructor())
        .bind(&matching.scope)
        .bind(course_id)
        .bind(filters.author_id)
        .bind(user)
        .bind(&pattern)
        .bind(query.tag.as_deref());
    for term in &matching.terms {
        rows = rows.bind(*term);
    }
    let rows = rows.bind(limit).bind(offset).fetch_all(db).await?;
    let hits = rows.into_iter().map(|row| into_hit(row, matching.whole_text)).collect::<sqlx::Result<_>>()?;
    Ok((total, hits))
}

/// `whole_text`: the snippets are whole columns, for [`excerpt`] to cut as FTS5's are.
fn into_hit(row: Row, whole_text: bool) -> sqlx::Result<Hit> {
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
    let marked_snippet = if whole_text { excerpt(&marked_snippet, SNIPPET_WORDS) } else { marked_snippet };
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

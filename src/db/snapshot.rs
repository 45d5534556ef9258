//! The read model's SQL (see [`crate::snapshot`]). Loading a [`Snapshot`]: a reading with every annotation, link and reply on
//! it, read in one transaction so that they agree with each other and with
//! the revision they are labelled with.

use super::annotations::{Row, decode};
use super::{readings, replies};
use crate::db::Db;
use crate::db::replies::Reply;
use crate::db::store;
use crate::db::store::{Backend, Conn};
use crate::domain::{Annotation, AnnotationId, Link};
use crate::snapshot::Snapshot;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

// Each query hands back one JSON array rather than a row per item: sqlx passes every
// row from SQLite's thread on its own, and for a reading's thousands of annotations
// that hand-over cost several times what SQLite spends finding them. Rows come back
// in any order and are sorted here. Each is a [`Gathered`]: what goes in the array,
// and from where; [`Gathered::sql`] writes it in either backend's JSON functions.

/// What one of the queries gathers into its array: objects of `fields` (name,
/// value, ...) or arrays of `fields`, from `from` (which binds the reading to `?1`).
struct Gathered {
    object: bool,
    fields: &'static str,
    from: &'static str,
}

impl Gathered {
    /// The query, with `filter` (a condition on `?2`) added to `from`'s WHERE.
    fn sql(&self, backend: Backend, filter: Option<&str>) -> String {
        let Self { object, fields, from } = self;
        let filter = filter.map(|f| format!(" AND {f}")).unwrap_or_default();
        match (backend, object) {
            (Backend::Sqlite, true) => format!("SELECT json_group_array(json_object({fields})) {from}{filter}"),
            (Backend::Sqlite, false) => format!("SELECT json_group_array(json_array({fields})) {from}{filter}"),
            // json_agg of no rows is NULL where json_group_array is [].
            (Backend::Postgres, true) => {
                format!("SELECT coalesce(json_agg(json_build_object({fields})), '[]')::text {from}{filter}")
            }
            (Backend::Postgres, false) => {
                format!("SELECT coalesce(json_agg(json_build_array({fields})), '[]')::text {from}{filter}")
            }
        }
    }
}

/// Every annotation on the reading (`?`), as `annotations::Row`s; reply counts are
/// filled in from the replies. The flags are `CASE`s: an `EXISTS` would be JSON
/// `true` on PostgreSQL, where `Row` wants 0 or 1.
const ANNOTATIONS: Gathered = Gathered {
    object: true,
    fields: "'id', a.id, 'uuid', a.uuid, 'reading_id', a.reading_id, 'author_id', a.author_id, 'author_name', u.name,
    'kind', a.kind, 'comment', a.comment, 'citation', a.citation, 'tags', a.tags, 'visibility', a.visibility,
    'start', a.start, 'end', a.end, 'exact', a.exact, 'prefix', a.prefix, 'suffix', a.suffix,
    'created_at', a.created_at, 'modified_at', a.modified_at, 'reply_count', 0, 'orphaned', a.orphaned,
    'late', CASE WHEN EXISTS (SELECT 1 FROM assignments asg WHERE asg.reading_id = a.reading_id
                                  AND a.created_at > asg.due_at) THEN 1 ELSE 0 END,
    'spotlight', CASE WHEN EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id
                                   AND m.mark = 'spotlight') THEN 1 ELSE 0 END,
    'answered', CASE WHEN EXISTS (SELECT 1 FROM annotation_marks m WHERE m.annotation_id = a.id
                                  AND m.mark = 'answered') THEN 1 ELSE 0 END",
    from: "FROM annotations a JOIN users u ON u.id = a.author_id WHERE a.reading_id = ?1",
};

/// Links between the reading's annotations: (link id, from row, from uuid, to uuid, relation).
const LINKS: Gathered = Gathered {
    object: false,
    fields: "l.id, f.id, f.uuid, t.uuid, l.relation",
    from: "FROM links l JOIN annotations f ON f.id = l.from_id JOIN annotations t ON t.id = l.to_id
    WHERE f.reading_id = ?1 AND t.reading_id = ?1",
};

/// Replies on the reading: (reply id, its uuid, the annotation's uuid, author id and name, text, time).
const REPLIES: Gathered = Gathered {
    object: false,
    fields: "r.id, r.uuid, a.uuid, r.author_id, u.name, r.text, r.created_at",
    from: "FROM replies r JOIN annotations a ON a.id = r.annotation_id JOIN users u ON u.id = r.author_id
    WHERE a.reading_id = ?1",
};

/// `gathered`'s rows on reading `reading_id`; only those whose `column` is in
/// `only` (a JSON array of row ids) when given.
async fn rows<T: serde::de::DeserializeOwned>(
    conn: &mut Conn<'_>,
    gathered: &Gathered,
    reading_id: i64,
    only: Option<(&str, &str)>,
) -> sqlx::Result<Vec<T>> {
    let backend = conn.backend();
    let filter = only.map(|(column, _)| match backend {
        Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(?2))"),
        Backend::Postgres => format!("{column} IN (SELECT value::bigint FROM json_array_elements_text(?2::json))"),
    });
    let sql = gathered.sql(backend, filter.as_deref());
    let mut query = store::query_as(sql.as_str()).bind(reading_id);
    if let Some((_, only)) = only {
        query = query.bind(only);
    }
    let (json,): (String,) = query.fetch_one(conn).await?;
    serde_json::from_str(&json).map_err(decode)
}

/// The reading `reading_id` as it stands, or `None` if there is no such reading.
pub async fn load(db: &Db, reading_id: i64) -> sqlx::Result<Option<Snapshot>> {
    let mut tx = db.begin_read().await?;
    let snapshot = load_in(&mut tx, reading_id).await?;
    tx.commit().await?;
    Ok(snapshot)
}

/// The revision of `reading_id` as it stands, or `None` if there is no such reading.
pub async fn revision_of(db: &Db, reading_id: i64) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> =
        store::query_as("SELECT revision FROM readings WHERE id = ?").bind(reading_id).fetch_optional(db).await?;
    Ok(row.map(|(revision,)| revision))
}

/// The last entry of the change log (see the `reading_changes` migration).
async fn last_change(conn: &mut Conn<'_>) -> sqlx::Result<i64> {
    let (seq,): (i64,) = store::query_as("SELECT coalesce(max(seq), 0) FROM reading_changes").fetch_one(conn).await?;
    Ok(seq)
}

async fn load_in(conn: &mut Conn<'_>, reading_id: i64) -> sqlx::Result<Option<Snapshot>> {
    let seq = last_change(&mut *conn).await?;
    let row: Option<(i64, i64, i64, String, String, String, String)> =
        store::query_as("SELECT revision, id, course_id, title, author, text, blocks FROM readings WHERE id = ?")
            .bind(reading_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((revision, id, course_id, title, author, text, blocks)) = row else { return Ok(None) };
    let reading = readings::into_reading((id, course_id, title, author, text, blocks))?;
    let (annotations, replies) = annotations_in(&mut *conn, reading_id, None).await?;
    let post_first = post_first(&mut *conn, course_id).await?;
    let provenance = super::w3c::provenance_in_reading(&mut *conn, reading_id).await?;
    let circles = super::groups::circles_in(&mut *conn, course_id).await?;
    let vocabulary = super::tags::vocabulary_in(&mut *conn, course_id).await?;
    let original = super::originals::sha256_in(&mut *conn, reading_id).await?;
    let (rows, annotations): (Vec<i64>, Vec<_>) = annotations.into_iter().unzip();
    let snapshot = Snapshot::new(revision, reading, annotations, replies, post_first);
    let snapshot = snapshot.with_provenance(provenance).with_classroom(circles, vocabulary).with_original(original);
    Ok(Some(snapshot.with_rows(rows, seq)))
}

/// A snapshot brought up to date, and which annotations changed (`None`: it was loaded whole).
pub struct Refreshed {
    pub snapshot: Snapshot,
    pub changed: Option<HashSet<AnnotationId>>,
}

/// `old` brought up to date: only the annotations the change log names since
/// `old` was loaded are read again (with their links and replies), unless the
/// log says everything may have changed or no longer reaches back that far;
/// then the reading is loaded whole. `None` if the reading is gone.
pub async fn changes_since(db: &Db, old: &Snapshot) -> sqlx::Result<Option<Refreshed>> {
    let reading_id = old.reading.id;
    let mut tx = db.begin_read().await?;
    let seq = last_change(&mut tx).await?;
    let revision: Option<(i64,)> =
        store::query_as("SELECT revision FROM readings WHERE id = ?").bind(reading_id).fetch_optional(&mut tx).await?;
    let Some((revision,)) = revision else { return Ok(None) };
    let (oldest,): (Option<i64>,) = store::query_as("SELECT min(seq) FROM reading_changes").fetch_one(&mut tx).await?;
    let logged: Vec<(Option<i64>,)> = store::query_as(
        "SELECT DISTINCT annotation_row FROM reading_changes WHERE reading_id = ? AND seq > ? AND seq <= ?",
    )
    .bind(reading_id)
    .bind(old.seq)
    .bind(seq)
    .fetch_all(&mut tx)
    .await?;
    // Rows older than the snapshot's position may have been pruned: then nothing says what changed.
    let pruned = old.seq == 0 || oldest.is_some_and(|oldest| oldest > old.seq + 1);
    if pruned || logged.iter().any(|(row,)| row.is_none()) {
        let snapshot = load_in(&mut tx, reading_id).await?;
        tx.commit().await?;
        return Ok(snapshot.map(|snapshot| Refreshed { snapshot, changed: None }));
    }
    let rows: HashSet<i64> = logged.into_iter().filter_map(|(row,)| row).collect();
    let (fresh, fresh_replies) = annotations_in(&mut tx, reading_id, Some(&rows)).await?;
    let post_first = post_first(&mut tx, old.reading.course_id).await?;
    let provenance = super::w3c::provenance_in_reading(&mut tx, reading_id).await?;
    // Groups and the vocabulary are the course's: read again with every refresh, as
    // a change to them moves the revision without naming an annotation.
    let circles = super::groups::circles_in(&mut tx, old.reading.course_id).await?;
    let vocabulary = super::tags::vocabulary_in(&mut tx, old.reading.course_id).await?;
    // The original moves the revision without naming an annotation too.
    let original = super::originals::sha256_in(&mut tx, reading_id).await?;
    tx.commit().await?;

    let mut changed: HashSet<AnnotationId> = fresh.iter().map(|(_, a)| a.id).collect();
    let mut annotations: Vec<(i64, Annotation)> = Vec::with_capacity(old.annotations.len() + fresh.len());
    for (row, annotation) in old.rows.iter().zip(&old.annotations) {
        if rows.contains(row) {
            changed.insert(annotation.id);
        } else {
            annotations.push((*row, Annotation { reply_count: 0, ..annotation.clone() }));
        }
    }
    annotations.extend(fresh);
    annotations.sort_unstable_by_key(|(row, a)| (a.position.start, Reverse(a.position.end), *row));
    let mut replies: Vec<Reply> = old
        .replies
        .iter()
        .filter(|(on, _)| !changed.contains(*on))
        .flat_map(|(_, thread)| thread.iter().cloned())
        .collect();
    replies.extend(fresh_replies);
    let (rows, annotations): (Vec<i64>, Vec<_>) = annotations.into_iter().unzip();
    let snapshot = Snapshot::new(revision, old.reading.clone(), annotations, replies, post_first)
        .with_provenance(provenance)
        .with_classroom(circles, vocabulary)
        .with_original(original)
        .with_rows(rows, seq);
    Ok(Some(Refreshed { snapshot, changed: Some(changed) }))
}

async fn post_first(conn: &mut Conn<'_>, course_id: i64) -> sqlx::Result<bool> {
    let post_first: Option<(bool,)> =
        store::query_as("SELECT (post_first <> 0) FROM course_settings WHERE course_id = ?")
            .bind(course_id)
            .fetch_optional(conn)
            .await?;
    Ok(post_first.is_some_and(|(on,)| on))
}

/// The reading's annotations (all, or those whose rows are in `only`) with their
/// row ids, in text order, each with its links, and their replies oldest first.
async fn annotations_in(
    conn: &mut Conn<'_>,
    reading_id: i64,
    only: Option<&HashSet<i64>>,
) -> sqlx::Result<(Vec<(i64, Annotation)>, Vec<Reply>)> {
    let only_json = only.map(|rows| serde_json::to_string(&rows.iter().collect::<Vec<_>>()).unwrap_or_default());
    let only = |column| only_json.as_deref().map(|json| (column, json));
    let annotations: Vec<Row> = rows(&mut *conn, &ANNOTATIONS, reading_id, only("a.id")).await?;
    let mut sorted: Vec<&Row> = annotations.iter().collect();
    sorted.sort_unstable_by_key(|r| (r.start, Reverse(r.end), r.id));
    let order: Vec<i64> = sorted.iter().map(|r| r.id).collect();
    let mut by_row: HashMap<i64, Row> = annotations.into_iter().map(|r| (r.id, r)).collect();
    let mut index = HashMap::with_capacity(order.len());
    let mut annotations = Vec::with_capacity(order.len());
    for id in order {
        if let Some(row) = by_row.remove(&id) {
            index.insert(id, annotations.len());
            annotations.push((id, row.into_annotation()?));
        }
    }
    let mut links: Vec<(i64, i64, String, String, String)> = rows(&mut *conn, &LINKS, reading_id, only("f.id")).await?;
    links.sort_unstable_by_key(|l| l.0);
    for (_, from_row, from, to, relation) in links {
        if let Some(&i) = index.get(&from_row) {
            let link = Link {
                from: from.parse().map_err(decode)?,
                to: to.parse().map_err(decode)?,
                relation: relation.parse().map_err(decode)?,
            };
            annotations[i].1.links.push(link);
        }
    }
    let mut reply_rows: Vec<(i64, String, String, i64, String, String, String)> =
        rows(&mut *conn, &REPLIES, reading_id, only("a.id")).await?;
    reply_rows.sort_unstable_by_key(|r| r.0);
    let replies = reply_rows
        .into_iter()
        .map(|(_, id, on, author, name, text, created)| replies::into_reply((id, on, author, name, text, created)))
        .collect::<sqlx::Result<Vec<_>>>()?;
    Ok((annotations, replies))
}

//! A course copied for another term, in one transaction: its readings with
//! their assignments, its rubric, settings, tag vocabulary and groups' names,
//! its instructors, and (when
//! asked) the instructors' own annotations with the links between them. Never
//! its students, nor anything they wrote, nor feedback, nor visits.

use super::courses::{Course, CourseRow};
use super::{now, parse_time, timestamp};
use crate::db::Db;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::{AnnotationId, Assignment, Invalid, JoinCode, LatePolicy, Title};
use std::collections::HashMap;

/// What happens to the readings' due dates in the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueDates {
    /// Moved by this many days (0 keeps them).
    Shift(i64),
    /// Dropped: the copy's readings have none.
    Clear,
}

/// Why a copy did not happen: a due date that would leave the allowed range, or the store.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Copies course `from` as a new course titled `title`, with a new join code.
pub async fn copy_course(
    db: &Db,
    from: i64,
    title: &Title,
    due: DueDates,
    with_annotations: bool,
) -> Result<Course, CopyError> {
    let mut tx = db.begin().await?;
    let at = now();
    let course: Course = store::query_as::<CourseRow>(
        "INSERT INTO courses (title, join_code, created_at) VALUES (?, ?, ?) RETURNING id, title, join_code",
    )
    .bind(title.as_str())
    .bind(JoinCode::generate().as_str())
    .bind(&at)
    .fetch_one(&mut tx)
    .await?
    .into();
    let to = course.id;
    store::query(
        "INSERT INTO memberships (course_id, user_id, role, joined_at)
         SELECT ?, user_id, 'instructor', ? FROM memberships WHERE course_id = ? AND role = 'instructor'",
    )
    .bind(to)
    .bind(&at)
    .bind(from)
    .execute(&mut tx)
    .await?;
    store::query(
        "INSERT INTO rubrics (course_id, claim_points, counterargument_points, source_points, question_points,
             note_points, reply_points, min_words, cap, updated_at)
         SELECT ?, claim_points, counterargument_points, source_points, question_points, note_points,
             reply_points, min_words, cap, ? FROM rubrics WHERE course_id = ?",
    )
    .bind(to)
    .bind(&at)
    .bind(from)
    .execute(&mut tx)
    .await?;
    store::query(
        "INSERT INTO course_settings (course_id, post_first, departed_work, utc_offset_minutes, discussion, updated_at)
         SELECT ?, post_first, departed_work, utc_offset_minutes, discussion, ? FROM course_settings WHERE course_id = ?",
    )
    .bind(to)
    .bind(&at)
    .bind(from)
    .execute(&mut tx)
    .await?;
    // The tag vocabulary, and the groups by name only: next term's students form them anew.
    store::query("INSERT INTO course_tags (course_id, tag, position) SELECT ?, tag, position FROM course_tags WHERE course_id = ?")
        .bind(to)
        .bind(from)
        .execute(&mut tx)
        .await?;
    store::query(
        "INSERT INTO course_groups (course_id, name, created_at) SELECT ?, name, ? FROM course_groups WHERE course_id = ?",
    )
    .bind(to)
    .bind(&at)
    .bind(from)
    .execute(&mut tx)
    .await?;
    let readings = copy_readings(&mut tx, from, to, &at).await?;
    if let DueDates::Shift(days) = due {
        copy_assignments(&mut tx, &readings, days, &at).await?;
    }
    if with_annotations {
        copy_instructor_annotations(&mut tx, from, &readings, &at).await?;
    }
    tx.commit().await?;
    Ok(course)
}

/// Copies each reading (numbered as `readings::insert_reading` numbers them); old id → new id.
async fn copy_readings(conn: &mut Conn<'_>, from: i64, to: i64, at: &str) -> sqlx::Result<Vec<(i64, i64)>> {
    let ids: Vec<(i64,)> = store::query_as("SELECT id FROM readings WHERE course_id = ? ORDER BY id")
        .bind(from)
        .fetch_all(&mut *conn)
        .await?;
    let mut pairs = Vec::with_capacity(ids.len());
    for (old,) in ids {
        let (new,): (i64,) = store::query_as(
            "INSERT INTO readings (id, course_id, title, author, format, source, text, blocks, created_at)
             SELECT 1 + (SELECT max(high) FROM (SELECT max(id) AS high FROM readings
                                                UNION ALL SELECT high FROM retired_ids WHERE tbl = 'readings'
                                                UNION ALL SELECT 0) AS ids),
                    ?, title, author, format, source, text, blocks, ? FROM readings WHERE id = ? RETURNING id",
        )
        .bind(to)
        .bind(at)
        .bind(old)
        .fetch_one(&mut *conn)
        .await?;
        pairs.push((old, new));
    }
    Ok(pairs)
}

async fn copy_assignments(conn: &mut Conn<'_>, readings: &[(i64, i64)], days: i64, at: &str) -> Result<(), CopyError> {
    for &(old, new) in readings {
        let row: Option<(String, Option<String>, String)> =
            store::query_as("SELECT due_at, opens_at, late_policy FROM assignments WHERE reading_id = ?")
                .bind(old)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((due_at, opens_at, policy)) = row else { continue };
        let policy: LatePolicy = policy.parse()?;
        let opens = opens_at.as_deref().map(parse_time).transpose()?;
        let shifted = Assignment::new(parse_time(&due_at)?, opens, policy)?.shifted(days)?;
        store::query(
            "INSERT INTO assignments (reading_id, due_at, opens_at, late_policy, updated_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(new)
        .bind(timestamp(shifted.due_at()))
        .bind(shifted.opens_at().map(timestamp))
        .bind(shifted.late_policy.as_str())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Copies what the course's instructors annotated (as of now: a former
/// instructor's work stays behind) and the links among those annotations.
async fn copy_instructor_annotations(
    conn: &mut Conn<'_>,
    from: i64,
    readings: &[(i64, i64)],
    at: &str,
) -> sqlx::Result<()> {
    let reading_map: HashMap<i64, i64> = readings.iter().copied().collect();
    let rows: Vec<(i64, i64)> = store::query_as(
        "SELECT a.id, a.reading_id FROM annotations a JOIN readings r ON r.id = a.reading_id
         JOIN memberships m ON m.course_id = r.course_id AND m.user_id = a.author_id AND m.role = 'instructor'
         WHERE r.course_id = ? ORDER BY a.id",
    )
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    let mut copied: HashMap<i64, i64> = HashMap::with_capacity(rows.len());
    for (old, reading) in rows {
        let Some(&new_reading) = reading_map.get(&reading) else { continue };
        let (new,): (i64,) = store::query_as(
            "INSERT INTO annotations (uuid, reading_id, author_id, kind, comment, citation, tags, visibility,
                 start, \"end\", exact, prefix, suffix, created_at, modified_at)
             SELECT ?, ?, author_id, kind, comment, citation, tags, visibility, start, \"end\", exact, prefix, suffix, ?, ?
             FROM annotations WHERE id = ? RETURNING id",
        )
        .bind(AnnotationId::new_v4().to_string())
        .bind(new_reading)
        .bind(at)
        .bind(at)
        .bind(old)
        .fetch_one(&mut *conn)
        .await?;
        copied.insert(old, new);
    }
    let links: Vec<(i64, i64, String)> = store::query_as(
        "SELECT l.from_id, l.to_id, l.relation FROM links l JOIN annotations a ON a.id = l.from_id
         JOIN readings r ON r.id = a.reading_id WHERE r.course_id = ? ORDER BY l.id",
    )
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    for (from_id, to_id, relation) in links {
        let (Some(new_from), Some(new_to)) = (copied.get(&from_id), copied.get(&to_id)) else { continue };
        store::query(
            "INSERT INTO links (from_id, to_id, relation, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(new_from)
        .bind(new_to)
        .bind(relation)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

//! Assignments (a reading's due date, opening date and late policy), the
//! course's time zone, and members' last visits to readings with what is new
//! since. Whether an annotation is late is derived in the queries that load
//! it (`annotations::COLUMNS`, `snapshot`), never stored.

use super::{now, parse_time, timestamp};
use crate::db::Db;
use crate::db::store;
use crate::domain::{Assignment, LatePolicy, UtcOffset};
use std::collections::HashMap;

type Row = (i64, String, Option<String>, String);

fn into_assignment((_, due_at, opens_at, policy): &Row) -> sqlx::Result<Assignment> {
    let decode = |e: crate::domain::Invalid| sqlx::Error::Decode(Box::new(e));
    let opens = opens_at.as_deref().map(parse_time).transpose()?;
    let policy: LatePolicy = policy.parse().map_err(decode)?;
    Assignment::new(parse_time(due_at)?, opens, policy).map_err(decode)
}

/// The reading's assignment, if it has a due date.
pub async fn find(db: &Db, reading_id: i64) -> sqlx::Result<Option<Assignment>> {
    let row: Option<Row> =
        store::query_as("SELECT reading_id, due_at, opens_at, late_policy FROM assignments WHERE reading_id = ?")
            .bind(reading_id)
            .fetch_optional(db)
            .await?;
    row.as_ref().map(into_assignment).transpose()
}

/// What a new annotation of its author in a reading is checked against: the
/// reading's assignment, which says whether it is late, and how many annotations
/// the author already has there, for the quota (kept by trigger in
/// `annotation_counts`, so this costs the same at any count). Loaded with the
/// access check, in its query (`readings::access_as_author`): one trip to the
/// database fewer for every create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub assignment: Option<Assignment>,
    pub authored: usize,
}

/// The author's count and the assignment's row, each `NULL` when there is none, as [`standing`] takes them.
pub(super) type StandingRow = (i64, Option<i64>, Option<String>, Option<String>, Option<String>);

pub(super) fn standing((authored, reading, due_at, opens_at, policy): StandingRow) -> sqlx::Result<Standing> {
    let assignment = match (reading, due_at, policy) {
        (Some(reading), Some(due_at), Some(policy)) => Some(into_assignment(&(reading, due_at, opens_at, policy))?),
        _ => None,
    };
    Ok(Standing { assignment, authored: usize::try_from(authored).unwrap_or(usize::MAX) })
}

/// Every assignment of the course's readings, by reading.
pub async fn list_for_course(db: &Db, course_id: i64) -> sqlx::Result<HashMap<i64, Assignment>> {
    let rows: Vec<Row> = store::query_as(
        "SELECT s.reading_id, s.due_at, s.opens_at, s.late_policy FROM assignments s
         JOIN readings r ON r.id = s.reading_id WHERE r.course_id = ?",
    )
    .bind(course_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| Ok((row.0, into_assignment(row)?))).collect()
}

/// Gives the reading a due date (or changes it); the revision triggers re-score at once.
pub async fn save(db: &Db, reading_id: i64, assignment: &Assignment) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO assignments (reading_id, due_at, opens_at, late_policy, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (reading_id) DO UPDATE SET due_at = excluded.due_at, opens_at = excluded.opens_at,
             late_policy = excluded.late_policy, updated_at = excluded.updated_at",
    )
    .bind(reading_id)
    .bind(timestamp(assignment.due_at()))
    .bind(assignment.opens_at().map(timestamp))
    .bind(assignment.late_policy.as_str())
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the reading's due date away; nothing is late any more.
pub async fn clear(db: &Db, reading_id: i64) -> sqlx::Result<()> {
    store::query("DELETE FROM assignments WHERE reading_id = ?").bind(reading_id).execute(db).await?;
    Ok(())
}

/// The course's time zone: its own setting, else the server's.
pub async fn time_zone(db: &Db, course_id: i64) -> sqlx::Result<UtcOffset> {
    let row: Option<(Option<i64>,)> =
        store::query_as("SELECT utc_offset_minutes FROM course_settings WHERE course_id = ?")
            .bind(course_id)
            .fetch_optional(db)
            .await?;
    let minutes = row.and_then(|(m,)| m).and_then(|m| i32::try_from(m).ok());
    Ok(minutes.and_then(|m| UtcOffset::from_minutes(m).ok()).unwrap_or_else(UtcOffset::local))
}

pub async fn set_time_zone(db: &Db, course_id: i64, zone: UtcOffset) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO course_settings (course_id, utc_offset_minutes, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET utc_offset_minutes = excluded.utc_offset_minutes,
             updated_at = excluded.updated_at",
    )
    .bind(course_id)
    .bind(zone.minutes())
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// Visits closer together than this are one visit: a reader who reloads or
/// whose page redraws on live changes does not write on every view (the
/// reading page is the most requested page, and a write waits for the disk).
pub const VISIT_GRANULARITY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Records that `user_id` opened the reading now, unless `before` (when they had
/// last opened it, as `readings::access_with_visit` read it) is
/// less than [`VISIT_GRANULARITY`] ago.
pub async fn record_visit(db: &Db, user_id: i64, reading_id: i64, before: Option<&str>) -> sqlx::Result<()> {
    let now = chrono::Utc::now();
    let recent = before.and_then(|t| parse_time(t).ok()).is_some_and(|t| now - t < VISIT_GRANULARITY);
    if !recent {
        store::query(
            "INSERT INTO reading_visits (user_id, reading_id, visited_at) VALUES (?, ?, ?)
             ON CONFLICT (user_id, reading_id) DO UPDATE SET visited_at = excluded.visited_at",
        )
        .bind(user_id)
        .bind(reading_id)
        .bind(timestamp(now))
        .execute(db)
        .await?;
    }
    Ok(())
}

/// One reading of the course as a member sees it on the course page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReadingProgress {
    pub reading_id: i64,
    /// The member's own annotations (any visibility) and replies.
    pub mine: i64,
    pub my_replies: i64,
    /// What the member may see on the reading, theirs included.
    pub annotations: i64,
    pub replies: i64,
    /// When they last opened it (stored time text), if ever.
    pub visited_at: Option<String>,
    /// Annotations by others they may see, created since that visit (all of them if never).
    pub new_annotations: i64,
    /// Replies by others to the member's own annotations, since that visit.
    pub new_replies_to_me: i64,
}

/// Each reading of the course with the member's progress and what is new for
/// them, under the visibility rule (`visibility::VISIBLE`).
pub async fn progress_for(
    db: &Db,
    course_id: i64,
    viewer: crate::domain::Viewer,
) -> sqlx::Result<Vec<ReadingProgress>> {
    let visible = super::visibility::VISIBLE;
    let sql = format!(
        "SELECT r.id AS reading_id,
            (SELECT count(*) FROM annotations a WHERE a.reading_id = r.id AND a.author_id = ?1) AS mine,
            (SELECT count(*) FROM replies p JOIN annotations a ON a.id = p.annotation_id
              WHERE a.reading_id = r.id AND p.author_id = ?1) AS my_replies,
            (SELECT count(*) FROM annotations a WHERE a.reading_id = r.id AND {visible}) AS annotations,
            (SELECT count(*) FROM replies p JOIN annotations a ON a.id = p.annotation_id
              WHERE a.reading_id = r.id AND {visible}) AS replies,
            v.visited_at,
            (SELECT count(*) FROM annotations a WHERE a.reading_id = r.id AND a.author_id <> ?1
              AND a.created_at > coalesce(v.visited_at, '') AND {visible}) AS new_annotations,
            (SELECT count(*) FROM replies p JOIN annotations a ON a.id = p.annotation_id
              WHERE a.reading_id = r.id AND a.author_id = ?1 AND p.author_id <> ?1
                AND p.created_at > coalesce(v.visited_at, '')) AS new_replies_to_me
         FROM readings r LEFT JOIN reading_visits v ON v.reading_id = r.id AND v.user_id = ?1
         WHERE r.course_id = ?3 ORDER BY r.id"
    );
    store::query_as(&sql).bind(viewer.user_id).bind(viewer.is_instructor()).bind(course_id).fetch_all(db).await
}

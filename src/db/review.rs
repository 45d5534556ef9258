//! A course's review settings: its grading rubric and whether students must
//! post before they see classmates' work (which `visibility::VISIBLE` reads).

use super::courses::Course;
use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::Rubric;

type RubricRow = (i64, i64, i64, i64, i64, i64, i64, i64);

fn number(value: i64) -> u32 {
    // The table's CHECKs keep every value in range.
    u32::try_from(value).unwrap_or(0)
}

/// The course's rubric, or the default when the instructor has not set one.
pub async fn rubric_of(db: &Db, course_id: i64) -> sqlx::Result<Rubric> {
    let row: Option<RubricRow> = store::query_as(
        "SELECT claim_points, counterargument_points, source_points, question_points, note_points,
                reply_points, min_words, cap FROM rubrics WHERE course_id = ?",
    )
    .bind(course_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map_or_else(Rubric::default, |(claim, counter, source, question, note, reply, min_words, cap)| Rubric {
        points: [claim, counter, source, question, note].map(number),
        reply_points: number(reply),
        min_words: number(min_words),
        cap: number(cap),
    }))
}

pub async fn save_rubric(db: &Db, course_id: i64, rubric: &Rubric) -> sqlx::Result<()> {
    let [claim, counter, source, question, note] = rubric.points;
    store::query(
        "INSERT INTO rubrics (course_id, claim_points, counterargument_points, source_points, question_points,
             note_points, reply_points, min_words, cap, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET claim_points = excluded.claim_points,
             counterargument_points = excluded.counterargument_points, source_points = excluded.source_points,
             question_points = excluded.question_points, note_points = excluded.note_points,
             reply_points = excluded.reply_points, min_words = excluded.min_words, cap = excluded.cap,
             updated_at = excluded.updated_at",
    )
    .bind(course_id)
    .bind(claim)
    .bind(counter)
    .bind(source)
    .bind(question)
    .bind(note)
    .bind(rubric.reply_points)
    .bind(rubric.min_words)
    .bind(rubric.cap)
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// Whether students must post on a reading before they see classmates' annotations there.
pub async fn post_first(db: &Db, course_id: i64) -> sqlx::Result<bool> {
    let row: Option<(bool,)> = store::query_as("SELECT (post_first <> 0) FROM course_settings WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some_and(|(on,)| on))
}

pub async fn set_post_first(db: &Db, course_id: i64, on: bool) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO course_settings (course_id, post_first, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET post_first = excluded.post_first, updated_at = excluded.updated_at",
    )
    .bind(course_id)
    .bind(on)
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// The course and its revision (see the `revisions` migration): what a cached review of it must match.
pub async fn course_with_revision(db: &Db, course_id: i64) -> sqlx::Result<Option<(Course, i64)>> {
    let row: Option<(i64, String, String, i64)> =
        store::query_as("SELECT id, title, join_code, revision FROM courses WHERE id = ?")
            .bind(course_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, title, join_code, revision)| (Course { id, title, join_code }, revision)))
}

/// A reading's revision and its course's, read together: what a cached review of the reading must match.
pub async fn revisions_of_reading(db: &Db, reading_id: i64) -> sqlx::Result<Option<(i64, i64)>> {
    store::query_as("SELECT r.revision, c.revision FROM readings r JOIN courses c ON c.id = r.course_id WHERE r.id = ?")
        .bind(reading_id)
        .fetch_optional(db)
        .await
}

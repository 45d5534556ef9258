//! Course use cases shared by the pages and the API.

use crate::db::courses::{self, Course};
use crate::domain::{JoinCode, Role};
use crate::error::{Error, Result};
use sqlx::SqlitePool;

/// What a student sees when a removed student tries the join code again.
pub const REMOVED: &str = "An instructor removed you from this course; ask them to re-admit you.";

/// Joins the course whose code `code` is, as a student (a member keeps their role).
/// An unknown code is 422; a student an instructor removed is refused (403)
/// until re-admitted.
pub async fn join_by_code(db: &SqlitePool, user_id: i64, code: &str) -> Result<Course> {
    let code = JoinCode::parse(code)?;
    let course = courses::find_by_join_code(db, &code)
        .await?
        .ok_or_else(|| Error::invalid("join_code", "no course has that join code; check it with your instructor"))?;
    if courses::add_student(db, course.id, user_id).await? { Ok(course) } else { Err(Error::Forbidden(REMOVED)) }
}

/// A one-time reset link for a student of the course, made by one of its
/// instructors to hand over in person: the link and when it expires. Only for
/// the course's students (never another instructor, never a stranger: 404).
pub async fn student_reset_link(
    db: &SqlitePool,
    (course_id, instructor_id): (i64, i64),
    student_id: i64,
    base: &str,
) -> Result<(String, String)> {
    if courses::role_of(db, course_id, instructor_id).await? != Some(Role::Instructor) {
        return Err(Error::Forbidden("only the course's instructors can make reset links"));
    }
    if courses::role_of(db, course_id, student_id).await? != Some(Role::Student) {
        return Err(Error::NotFound);
    }
    let made = crate::accounts::reset_link(db, student_id, base).await?;
    tracing::info!(course_id, instructor_id, student_id, "an instructor made a password-reset link");
    Ok(made)
}

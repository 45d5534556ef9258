//! Course use cases shared by the pages and the API.

use crate::db::Db;
use crate::db::courses::{self, Course};
use crate::domain::{JoinCode, Role, Title};
use crate::error::{Error, Result};

/// Creates a course titled `title` with `user_id` as its first instructor.
pub async fn create_course(db: &Db, user_id: i64, title: &str) -> Result<Course> {
    let title = Title::parse(title)?;
    Ok(courses::insert_course(db, &title, user_id).await?)
}

/// What a student sees when a removed student tries the join code again.
pub const REMOVED: &str = "An instructor removed you from this course; ask them to re-admit you.";

/// Joins the course whose code `code` is, as a student (a member keeps their role).
/// An unknown code is 422; a student an instructor removed is refused (403)
/// until re-admitted.
pub async fn join_by_code(db: &Db, user_id: i64, code: &str) -> Result<Course> {
    let code = JoinCode::parse(code)?;
    let course = courses::find_by_join_code(db, &code)
        .await?
        .ok_or_else(|| Error::invalid("join_code", "no course has that join code; check it with your instructor"))?;
    if courses::add_student(db, course.id, user_id).await? { Ok(course) } else { Err(Error::Forbidden(REMOVED)) }
}

/// What an instructor does to a member of their course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Promote,
    Demote,
    Remove,
}

/// Changes a member's place in a course. A course keeps at least one
/// instructor: the last one can be neither demoted nor removed (422). A user
/// who is not a member is 404.
pub async fn change_member(db: &Db, course_id: i64, user_id: i64, change: MemberChange) -> Result<()> {
    let role = courses::role_of(db, course_id, user_id).await?.ok_or(Error::NotFound)?;
    let last_instructor = role == Role::Instructor && courses::count_instructors(db, course_id).await? <= 1;
    if last_instructor && change != MemberChange::Promote {
        return Err(Error::invalid("member", "a course needs at least one instructor"));
    }
    // The member exists (checked above), so each change finds its row.
    match change {
        MemberChange::Promote => courses::set_role(db, course_id, user_id, Role::Instructor).await?,
        MemberChange::Demote => courses::set_role(db, course_id, user_id, Role::Student).await?,
        MemberChange::Remove => courses::remove_member(db, course_id, user_id).await?,
    };
    Ok(())
}

/// A one-time reset link for a student of the course, made by one of its
/// instructors to hand over in person: the link and when it expires. Only for
/// the course's students (never another instructor, never a stranger: 404).
pub async fn student_reset_link(
    db: &Db,
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

/// Copies the course for another term (its instructors only): readings, due
/// dates moved or cleared, rubric, settings and instructors, and optionally
/// the instructors' own annotations; never students or their work. The copy
/// has a new join code.
pub async fn copy_course(
    db: &Db,
    viewer: crate::domain::Viewer,
    course_id: i64,
    title: &str,
    due: crate::db::course_copy::DueDates,
    with_annotations: bool,
) -> Result<Course> {
    use crate::db::course_copy::{self, CopyError};
    if !viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors can copy a course"));
    }
    let title = crate::domain::Title::parse(title)?;
    let max = crate::domain::MAX_SHIFT_DAYS;
    if matches!(due, course_copy::DueDates::Shift(days) if days.unsigned_abs() > max.unsigned_abs()) {
        return Err(Error::invalid("shift_days", format!("must be from -{max} to {max}")));
    }
    let course = course_copy::copy_course(db, course_id, &title, due, with_annotations).await.map_err(|e| match e {
        CopyError::Invalid(invalid) => Error::Invalid(invalid),
        CopyError::Database(e) => Error::from(e),
    })?;
    tracing::info!(from = course_id, to = course.id, by = viewer.user_id, "course copied");
    Ok(course)
}

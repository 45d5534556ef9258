//! Courses and their members.

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::{JoinCode, Role, Title};

pub use crate::domain::Course;

/// A `courses` row as the app reads it (`id, title, join_code`).
#[derive(sqlx::FromRow)]
pub(super) struct CourseRow {
    id: i64,
    title: String,
    join_code: String,
}

impl From<CourseRow> for Course {
    fn from(CourseRow { id, title, join_code }: CourseRow) -> Self {
        Course { id, title, join_code }
    }
}

/// A course as one of its members sees it in a list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MyCourse {
    pub id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// Creates a course with `instructor_id` as its first instructor.
pub async fn insert_course(db: &Db, title: &Title, instructor_id: i64) -> sqlx::Result<Course> {
    let mut tx = db.begin().await?;
    let course: Course = store::query_as::<CourseRow>(
        "INSERT INTO courses (title, join_code, created_at) VALUES (?, ?, ?) RETURNING id, title, join_code",
    )
    .bind(title.as_str())
    .bind(JoinCode::generate().as_str())
    .bind(now())
    .fetch_one(&mut tx)
    .await?
    .into();
    store::query("INSERT INTO memberships (course_id, user_id, role, joined_at) VALUES (?, ?, 'instructor', ?)")
        .bind(course.id)
        .bind(instructor_id)
        .bind(now())
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(course)
}

pub async fn find_course(db: &Db, id: i64) -> sqlx::Result<Option<Course>> {
    store::query_as::<CourseRow>("SELECT id, title, join_code FROM courses WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
        .map(|row| row.map(Course::from))
}

pub async fn find_by_join_code(db: &Db, code: &JoinCode) -> sqlx::Result<Option<Course>> {
    store::query_as::<CourseRow>("SELECT id, title, join_code FROM courses WHERE join_code = ?")
        .bind(code.as_str())
        .fetch_optional(db)
        .await
        .map(|row| row.map(Course::from))
}

/// Adds a student; someone already in the course keeps their role. False, and
/// nothing added, when an instructor removed them and has not re-admitted them.
pub async fn add_student(db: &Db, course_id: i64, user_id: i64) -> sqlx::Result<bool> {
    let done = store::query(
        "INSERT INTO memberships (course_id, user_id, role, joined_at)
         SELECT ?1, ?2, 'student', ?3
         WHERE NOT EXISTS (SELECT 1 FROM course_removals WHERE course_id = ?1 AND user_id = ?2) ON CONFLICT DO NOTHING",
    )
    .bind(course_id)
    .bind(user_id)
    .bind(now())
    .execute(db)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    Ok(role_of(db, course_id, user_id).await?.is_some())
}

/// The user's role in the course, or `None` for non-members.
pub async fn role_of(db: &Db, course_id: i64, user_id: i64) -> sqlx::Result<Option<Role>> {
    let role: Option<(String,)> = store::query_as("SELECT role FROM memberships WHERE course_id = ? AND user_id = ?")
        .bind(course_id)
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(role.and_then(|(r,)| r.parse().ok()))
}

pub async fn list_for_user(db: &Db, user_id: i64) -> sqlx::Result<Vec<MyCourse>> {
    store::query_as(
        "SELECT c.id, c.title, m.role FROM courses c JOIN memberships m ON m.course_id = c.id
         WHERE m.user_id = ? ORDER BY c.title, c.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn list_members(db: &Db, course_id: i64) -> sqlx::Result<Vec<Member>> {
    store::query_as(
        "SELECT u.id AS user_id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.course_id = ? ORDER BY m.role, u.name",
    )
    .bind(course_id)
    .fetch_all(db)
    .await
}

/// Gives the course a fresh join code; the old one stops working.
pub async fn regenerate_join_code(db: &Db, course_id: i64) -> sqlx::Result<String> {
    let code = JoinCode::generate();
    store::query("UPDATE courses SET join_code = ? WHERE id = ?")
        .bind(code.as_str())
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(code.as_str().to_owned())
}

/// Changes a member's role; false if they are not a member.
pub async fn set_role(db: &Db, course_id: i64, user_id: i64, role: Role) -> sqlx::Result<bool> {
    let done = store::query("UPDATE memberships SET role = ? WHERE course_id = ? AND user_id = ?")
        .bind(role.as_str())
        .bind(course_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a member, who cannot join again by code until re-admitted; their
/// annotations stay with the course's readings.
pub async fn remove_member(db: &Db, course_id: i64, user_id: i64) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let done = store::query("DELETE FROM memberships WHERE course_id = ? AND user_id = ?")
        .bind(course_id)
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    if done.rows_affected() == 1 {
        store::query(
            "INSERT INTO course_removals (course_id, user_id, removed_at) VALUES (?, ?, ?)
             ON CONFLICT (course_id, user_id) DO UPDATE SET removed_at = excluded.removed_at",
        )
        .bind(course_id)
        .bind(user_id)
        .bind(now())
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a removed member back as a student; false if they were not removed.
pub async fn readmit(db: &Db, course_id: i64, user_id: i64) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let done = store::query("DELETE FROM course_removals WHERE course_id = ? AND user_id = ?")
        .bind(course_id)
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    if done.rows_affected() == 1 {
        store::query(
            "INSERT INTO memberships (course_id, user_id, role, joined_at) VALUES (?, ?, 'student', ?) ON CONFLICT DO NOTHING",
        )
        .bind(course_id)
        .bind(user_id)
        .bind(now())
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// A member an instructor removed, as the member list shows them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Removed {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// Who was removed from the course and not re-admitted.
pub async fn list_removed(db: &Db, course_id: i64) -> sqlx::Result<Vec<Removed>> {
    store::query_as(
        "SELECT u.id AS user_id, u.name, u.email FROM course_removals r JOIN users u ON u.id = r.user_id
         WHERE r.course_id = ? ORDER BY u.name, u.id",
    )
    .bind(course_id)
    .fetch_all(db)
    .await
}

pub async fn count_instructors(db: &Db, course_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = store::query_as("SELECT count(*) FROM memberships WHERE course_id = ? AND role = 'instructor'")
        .bind(course_id)
        .fetch_one(db)
        .await?;
    Ok(n)
}

/// The title of a course that has other members and whose only instructor is `user_id`, if any.
pub async fn sole_instructor_of_shared_course(db: &Db, user_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> = store::query_as(
        "SELECT c.title FROM courses c JOIN memberships m ON m.course_id = c.id AND m.user_id = ?1 AND m.role = 'instructor'
         WHERE NOT EXISTS (SELECT 1 FROM memberships o WHERE o.course_id = c.id AND o.role = 'instructor' AND o.user_id <> ?1)
           AND EXISTS (SELECT 1 FROM memberships o WHERE o.course_id = c.id AND o.user_id <> ?1)
         ORDER BY c.id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(title,)| title))
}

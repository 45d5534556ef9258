//! A course's LMS context as the services need it: its endpoints, its resource
//! links' line items, its members' LMS ids, and the automatic grade push's
//! bookkeeping (whether it is on, and the course revision last pushed).

use crate::db::Db;
use crate::db::store;

/// A course's LMS context and its service endpoints.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseContext {
    pub platform_id: i64,
    pub context_id: String,
    pub memberships_url: Option<String>,
    pub lineitems_url: Option<String>,
    pub ags_scopes: String,
    pub roster_synced_at: Option<String>,
    pub roster_report: Option<String>,
}

pub async fn context_of_course(db: &Db, course_id: i64) -> sqlx::Result<Option<CourseContext>> {
    store::query_as(
        "SELECT platform_id, context_id, memberships_url, lineitems_url, ags_scopes, roster_synced_at, roster_report
         FROM lti_contexts WHERE course_id = ?",
    )
    .bind(course_id)
    .fetch_optional(db)
    .await
}

/// A course's resource links that have a line item: `(resource link id, reading, line item URL)`.
pub async fn line_items_of_course(db: &Db, course_id: i64) -> sqlx::Result<Vec<(String, Option<i64>, String)>> {
    store::query_as(
        "SELECT resource_link_id, reading_id, lineitem_url FROM lti_resource_links
         WHERE course_id = ? AND lineitem_url IS NOT NULL ORDER BY resource_link_id",
    )
    .bind(course_id)
    .fetch_all(db)
    .await
}

/// The LMS `sub` of each of the course's members linked to `platform_id`, by account id.
pub async fn subs_of_course(db: &Db, course_id: i64, platform_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    store::query_as(
        "SELECT l.user_id, l.sub FROM lti_users l JOIN memberships m ON m.user_id = l.user_id AND m.course_id = ?
         WHERE l.platform_id = ?",
    )
    .bind(course_id)
    .bind(platform_id)
    .fetch_all(db)
    .await
}

/// Turns the course's automatic grade push on or off; false if the course has no LMS context.
pub async fn set_push_on_write(db: &Db, course_id: i64, on: bool) -> sqlx::Result<bool> {
    let done = store::query("UPDATE lti_contexts SET push_on_write = ? WHERE course_id = ?")
        .bind(on)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn push_on_write(db: &Db, course_id: i64) -> sqlx::Result<bool> {
    let row: Option<(bool,)> = store::query_as("SELECT (push_on_write <> 0) FROM lti_contexts WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some_and(|(on,)| on))
}

/// Courses whose scores push by themselves and changed since their last push: `(id, revision, title)`.
pub async fn courses_to_push(db: &Db) -> sqlx::Result<Vec<(i64, i64, String)>> {
    store::query_as(
        "SELECT c.id, c.revision, c.title FROM courses c JOIN lti_contexts l ON l.course_id = c.id
         WHERE l.push_on_write = 1 AND (l.pushed_revision IS NULL OR l.pushed_revision <> c.revision)",
    )
    .fetch_all(db)
    .await
}

pub async fn note_pushed_revision(db: &Db, course_id: i64, revision: i64) -> sqlx::Result<()> {
    store::query("UPDATE lti_contexts SET pushed_revision = ? WHERE course_id = ?")
        .bind(revision)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(())
}

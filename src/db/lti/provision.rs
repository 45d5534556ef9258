//! What an LTI launch or a roster sync finds or creates: the account of an LMS
//! user (`iss` + `sub`), the course of an LMS context, the membership with the
//! role the LMS says, and the resource link's reading. One transaction each, so
//! a refused launch leaves nothing behind.

use crate::db::now;
use crate::domain::{JoinCode, Role};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// An LMS user as a launch or the roster names them.
#[derive(Debug, Clone)]
pub struct LmsUser<'a> {
    pub sub: &'a str,
    /// A valid, lower-cased email, if the LMS shared one.
    pub email: Option<&'a str>,
    /// A display name, already bounded.
    pub name: &'a str,
    pub role: Role,
}

/// The LMS context of a launch and the service endpoints it names.
#[derive(Debug, Clone)]
pub struct LmsContext<'a> {
    pub platform_id: i64,
    pub deployment_id: &'a str,
    pub context_id: &'a str,
    /// A course title, already bounded.
    pub title: &'a str,
    pub memberships_url: Option<&'a str>,
    pub lineitems_url: Option<&'a str>,
    pub ags_scopes: &'a str,
}

/// The resource link a launch came from.
#[derive(Debug, Clone)]
pub struct LmsResourceLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub lineitem_url: Option<&'a str>,
    /// The reading a deep link chose (a custom parameter); ignored unless it is in the course.
    pub reading_id: Option<i64>,
}

/// Where a launch lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioned {
    Member {
        user_id: i64,
        course_id: i64,
        reading_id: Option<i64>,
    },
    /// An instructor removed this user from the course in Counterpoint: nothing was changed.
    Removed,
    /// The site's administrator disabled this account: nothing was changed.
    Disabled,
}

/// Finds or creates the account, the course and the membership of a launch, and
/// notes its resource link. All or nothing.
pub async fn launch(
    db: &SqlitePool,
    context: &LmsContext<'_>,
    user: &LmsUser<'_>,
    link: Option<&LmsResourceLink<'_>>,
) -> sqlx::Result<Provisioned> {
    let mut tx = db.begin().await?;
    let course_id = course_for(&mut tx, context).await?;
    let user_id = account_for(&mut tx, context.platform_id, user).await?;
    let (disabled,): (bool,) = sqlx::query_as("SELECT disabled_at IS NOT NULL FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    if disabled {
        return Ok(Provisioned::Disabled);
    }
    if !set_membership(&mut tx, course_id, user_id, user.role).await? {
        return Ok(Provisioned::Removed);
    }
    let reading_id = match link {
        Some(link) => note_resource_link(&mut tx, context.platform_id, course_id, link).await?,
        None => None,
    };
    tx.commit().await?;
    Ok(Provisioned::Member { user_id, course_id, reading_id })
}

/// The course of the context, created (named after it, with no members yet) on its first launch;
/// the service endpoints the launch names replace those noted before.
async fn course_for(tx: &mut Transaction<'_, Sqlite>, context: &LmsContext<'_>) -> sqlx::Result<i64> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT course_id FROM lti_contexts WHERE platform_id = ? AND context_id = ?")
            .bind(context.platform_id)
            .bind(context.context_id)
            .fetch_optional(&mut **tx)
            .await?;
    let course_id = match found {
        Some((id,)) => id,
        None => {
            let (id,): (i64,) =
                sqlx::query_as("INSERT INTO courses (title, join_code, created_at) VALUES (?, ?, ?) RETURNING id")
                    .bind(context.title)
                    .bind(JoinCode::generate().as_str())
                    .bind(now())
                    .fetch_one(&mut **tx)
                    .await?;
            sqlx::query(
                "INSERT INTO lti_contexts (platform_id, context_id, course_id, deployment_id) VALUES (?, ?, ?, ?)",
            )
            .bind(context.platform_id)
            .bind(context.context_id)
            .bind(id)
            .bind(context.deployment_id)
            .execute(&mut **tx)
            .await?;
            id
        }
    };
    sqlx::query(
        "UPDATE lti_contexts SET deployment_id = ?, memberships_url = coalesce(?, memberships_url),
             lineitems_url = coalesce(?, lineitems_url),
             ags_scopes = CASE WHEN ? = '' THEN ags_scopes ELSE ? END
         WHERE course_id = ?",
    )
    .bind(context.deployment_id)
    .bind(context.memberships_url)
    .bind(context.lineitems_url)
    .bind(context.ags_scopes)
    .bind(context.ags_scopes)
    .bind(course_id)
    .execute(&mut **tx)
    .await?;
    Ok(course_id)
}

/// The account of an LMS user, created without a password on first sight. The
/// LMS's email is used when no other account has it (accounts are never merged
/// by email: a platform could claim anyone's); otherwise an address under
/// `lti.invalid` stands in. The name follows the LMS.
pub async fn account_for(tx: &mut Transaction<'_, Sqlite>, platform_id: i64, user: &LmsUser<'_>) -> sqlx::Result<i64> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT user_id FROM lti_users WHERE platform_id = ? AND sub = ?")
        .bind(platform_id)
        .bind(user.sub)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some((id,)) = found {
        sqlx::query("UPDATE users SET name = ? WHERE id = ? AND name <> ?")
            .bind(user.name)
            .bind(id)
            .bind(user.name)
            .execute(&mut **tx)
            .await?;
        return Ok(id);
    }
    let stand_in = format!("lti-{platform_id}-{}@lti.invalid", &crate::credentials::token_hash(user.sub)[..20]);
    let taken = match user.email {
        Some(email) => sqlx::query_as::<_, (i64,)>("SELECT id FROM users WHERE lower(email) = lower(?)")
            .bind(email)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
        None => true,
    };
    let email = if taken { stand_in.as_str() } else { user.email.unwrap_or(&stand_in) };
    // An empty hash is no password: `credentials::verify_password` never matches it.
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, '', ?) RETURNING id")
            .bind(email)
            .bind(user.name)
            .bind(now())
            .fetch_one(&mut **tx)
            .await?;
    sqlx::query("INSERT INTO lti_users (platform_id, sub, user_id) VALUES (?, ?, ?)")
        .bind(platform_id)
        .bind(user.sub)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Makes the user a member with `role` (the LMS decides the role); false, and
/// nothing changed, when an instructor removed them in Counterpoint.
pub async fn set_membership(
    tx: &mut Transaction<'_, Sqlite>,
    course_id: i64,
    user_id: i64,
    role: Role,
) -> sqlx::Result<bool> {
    let removed: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM course_removals WHERE course_id = ? AND user_id = ?")
        .bind(course_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    if removed.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO memberships (course_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role WHERE role <> excluded.role",
    )
    .bind(course_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Notes the resource link and returns its reading: the one a deep link chose
/// when it is in the course, else the one noted before.
async fn note_resource_link(
    tx: &mut Transaction<'_, Sqlite>,
    platform_id: i64,
    course_id: i64,
    link: &LmsResourceLink<'_>,
) -> sqlx::Result<Option<i64>> {
    let chosen = match link.reading_id {
        Some(id) => sqlx::query_as::<_, (i64,)>("SELECT id FROM readings WHERE id = ? AND course_id = ?")
            .bind(id)
            .bind(course_id)
            .fetch_optional(&mut **tx)
            .await?
            .map(|(id,)| id),
        None => None,
    };
    let (reading_id,): (Option<i64>,) = sqlx::query_as(
        "INSERT INTO lti_resource_links (platform_id, resource_link_id, course_id, reading_id, title, lineitem_url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (platform_id, resource_link_id) DO UPDATE
           SET reading_id = coalesce(?4, reading_id), title = ?5, lineitem_url = coalesce(?6, lineitem_url)
         WHERE course_id = ?3
         RETURNING reading_id",
    )
    .bind(platform_id)
    .bind(link.id)
    .bind(course_id)
    .bind(chosen)
    .bind(link.title)
    .bind(link.lineitem_url)
    .fetch_optional(&mut **tx)
    .await?
    .unwrap_or((None,));
    Ok(reading_id)
}

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

pub async fn context_of_course(db: &SqlitePool, course_id: i64) -> sqlx::Result<Option<CourseContext>> {
    sqlx::query_as(
        "SELECT platform_id, context_id, memberships_url, lineitems_url, ags_scopes, roster_synced_at, roster_report
         FROM lti_contexts WHERE course_id = ?",
    )
    .bind(course_id)
    .fetch_optional(db)
    .await
}

/// A course's resource links that have a line item: `(resource link id, reading, line item URL)`.
pub async fn line_items_of_course(db: &SqlitePool, course_id: i64) -> sqlx::Result<Vec<(String, Option<i64>, String)>> {
    sqlx::query_as(
        "SELECT resource_link_id, reading_id, lineitem_url FROM lti_resource_links
         WHERE course_id = ? AND lineitem_url IS NOT NULL ORDER BY resource_link_id",
    )
    .bind(course_id)
    .fetch_all(db)
    .await
}

/// The LMS `sub` of each of the course's members linked to `platform_id`, by account id.
pub async fn subs_of_course(db: &SqlitePool, course_id: i64, platform_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT l.user_id, l.sub FROM lti_users l JOIN memberships m ON m.user_id = l.user_id AND m.course_id = ?
         WHERE l.platform_id = ?",
    )
    .bind(course_id)
    .bind(platform_id)
    .fetch_all(db)
    .await
}

/// What a roster sync changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RosterChanges {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Members an instructor removed in Counterpoint, left out.
    pub kept_out: usize,
}

/// Applies a roster: its active members get accounts and memberships with their
/// roles; members linked to this platform who are no longer on it leave the course
/// (never those who joined by code, nor `keep`, the instructor who asked). All or nothing.
pub async fn apply_roster(
    db: &SqlitePool,
    course_id: i64,
    platform_id: i64,
    members: &[LmsUser<'_>],
    keep: i64,
) -> sqlx::Result<RosterChanges> {
    let mut tx = db.begin().await?;
    let mut changes = RosterChanges::default();
    let mut present = std::collections::HashSet::with_capacity(members.len());
    for member in members {
        let user_id = account_for(&mut tx, platform_id, member).await?;
        present.insert(user_id);
        let before: Option<(String,)> =
            sqlx::query_as("SELECT role FROM memberships WHERE course_id = ? AND user_id = ?")
                .bind(course_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        if !set_membership(&mut tx, course_id, user_id, member.role).await? {
            changes.kept_out += 1;
            continue;
        }
        match before {
            None => changes.added += 1,
            Some((role,)) if role != member.role.as_str() => changes.updated += 1,
            Some(_) => {}
        }
    }
    let linked: Vec<(i64,)> = sqlx::query_as(
        "SELECT l.user_id FROM lti_users l JOIN memberships m ON m.user_id = l.user_id AND m.course_id = ?
         WHERE l.platform_id = ?",
    )
    .bind(course_id)
    .bind(platform_id)
    .fetch_all(&mut *tx)
    .await?;
    for (user_id,) in linked {
        if user_id != keep && !present.contains(&user_id) {
            sqlx::query("DELETE FROM memberships WHERE course_id = ? AND user_id = ?")
                .bind(course_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            changes.removed += 1;
        }
    }
    sqlx::query("UPDATE lti_contexts SET roster_synced_at = ?, roster_report = ? WHERE course_id = ?")
        .bind(now())
        .bind(format!(
            "{} added, {} updated, {} removed, {} left out (removed by an instructor)",
            changes.added, changes.updated, changes.removed, changes.kept_out
        ))
        .bind(course_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(changes)
}

/// Notes a roster sync that failed, for the course page.
pub async fn note_roster_failure(db: &SqlitePool, course_id: i64, message: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE lti_contexts SET roster_synced_at = ?, roster_report = ? WHERE course_id = ?")
        .bind(now())
        .bind(message)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Turns the course's automatic grade push on or off; false if the course has no LMS context.
pub async fn set_push_on_write(db: &SqlitePool, course_id: i64, on: bool) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE lti_contexts SET push_on_write = ? WHERE course_id = ?")
        .bind(on)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn push_on_write(db: &SqlitePool, course_id: i64) -> sqlx::Result<bool> {
    let row: Option<(bool,)> = sqlx::query_as("SELECT push_on_write FROM lti_contexts WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some_and(|(on,)| on))
}

/// Courses whose scores push by themselves and changed since their last push: `(id, revision, title)`.
pub async fn courses_to_push(db: &SqlitePool) -> sqlx::Result<Vec<(i64, i64, String)>> {
    sqlx::query_as(
        "SELECT c.id, c.revision, c.title FROM courses c JOIN lti_contexts l ON l.course_id = c.id
         WHERE l.push_on_write = 1 AND (l.pushed_revision IS NULL OR l.pushed_revision <> c.revision)",
    )
    .fetch_all(db)
    .await
}

pub async fn note_pushed_revision(db: &SqlitePool, course_id: i64, revision: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE lti_contexts SET pushed_revision = ? WHERE course_id = ?")
        .bind(revision)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(())
}

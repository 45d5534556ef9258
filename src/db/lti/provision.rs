//! What an LTI launch finds or creates: the account of an LMS user (`iss` +
//! `sub`), the course of an LMS context, the membership with the role the LMS
//! says, and the resource link's reading. One transaction, so a refused launch
//! leaves nothing behind. A roster sync (`super::roster`) provisions its members
//! with the same [`account_for`] and [`set_membership`].

use crate::db::Db;
use crate::db::now;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::{JoinCode, Role};

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
    db: &Db,
    context: &LmsContext<'_>,
    user: &LmsUser<'_>,
    link: Option<&LmsResourceLink<'_>>,
) -> sqlx::Result<Provisioned> {
    let mut tx = db.begin().await?;
    let course_id = course_for(&mut tx, context).await?;
    let user_id = account_for(&mut tx, context.platform_id, user).await?;
    let (disabled,): (bool,) = store::query_as("SELECT disabled_at IS NOT NULL FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_one(&mut tx)
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
async fn course_for(tx: &mut Conn<'_>, context: &LmsContext<'_>) -> sqlx::Result<i64> {
    let found: Option<(i64,)> =
        store::query_as("SELECT course_id FROM lti_contexts WHERE platform_id = ? AND context_id = ?")
            .bind(context.platform_id)
            .bind(context.context_id)
            .fetch_optional(&mut *tx)
            .await?;
    let course_id = match found {
        Some((id,)) => id,
        None => {
            let (id,): (i64,) =
                store::query_as("INSERT INTO courses (title, join_code, created_at) VALUES (?, ?, ?) RETURNING id")
                    .bind(context.title)
                    .bind(JoinCode::generate().as_str())
                    .bind(now())
                    .fetch_one(&mut *tx)
                    .await?;
            store::query(
                "INSERT INTO lti_contexts (platform_id, context_id, course_id, deployment_id) VALUES (?, ?, ?, ?)",
            )
            .bind(context.platform_id)
            .bind(context.context_id)
            .bind(id)
            .bind(context.deployment_id)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    store::query(
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
    .execute(&mut *tx)
    .await?;
    Ok(course_id)
}

/// The account of an LMS user, created without a password on first sight. The
/// LMS's email is used when no other account has it (accounts are never merged
/// by email: a platform could claim anyone's); otherwise an address under
/// `lti.invalid` stands in. The name follows the LMS.
pub async fn account_for(tx: &mut Conn<'_>, platform_id: i64, user: &LmsUser<'_>) -> sqlx::Result<i64> {
    let found: Option<(i64,)> = store::query_as("SELECT user_id FROM lti_users WHERE platform_id = ? AND sub = ?")
        .bind(platform_id)
        .bind(user.sub)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((id,)) = found {
        store::query("UPDATE users SET name = ? WHERE id = ? AND name <> ?")
            .bind(user.name)
            .bind(id)
            .bind(user.name)
            .execute(&mut *tx)
            .await?;
        return Ok(id);
    }
    let stand_in = format!("lti-{platform_id}-{}@lti.invalid", &crate::credentials::token_hash(user.sub)[..20]);
    let taken = match user.email {
        Some(email) => store::query_as::<(i64,)>("SELECT id FROM users WHERE lower(email) = lower(?)")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?
            .is_some(),
        None => true,
    };
    let email = if taken { stand_in.as_str() } else { user.email.unwrap_or(&stand_in) };
    // An empty hash is no password: `credentials::verify_password` never matches it.
    let (id,): (i64,) =
        store::query_as("INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, '', ?) RETURNING id")
            .bind(email)
            .bind(user.name)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
    store::query("INSERT INTO lti_users (platform_id, sub, user_id) VALUES (?, ?, ?)")
        .bind(platform_id)
        .bind(user.sub)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// Makes the user a member with `role` (the LMS decides the role); false, and
/// nothing changed, when an instructor removed them in Counterpoint.
pub async fn set_membership(tx: &mut Conn<'_>, course_id: i64, user_id: i64, role: Role) -> sqlx::Result<bool> {
    let removed: Option<(i64,)> =
        store::query_as("SELECT CAST(1 AS BIGINT) FROM course_removals WHERE course_id = ? AND user_id = ?")
            .bind(course_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    if removed.is_some() {
        return Ok(false);
    }
    store::query(
        "INSERT INTO memberships (course_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role WHERE memberships.role <> excluded.role",
    )
    .bind(course_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now())
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// Notes the resource link and returns its reading: the one a deep link chose
/// when it is in the course, else the one noted before.
async fn note_resource_link(
    tx: &mut Conn<'_>,
    platform_id: i64,
    course_id: i64,
    link: &LmsResourceLink<'_>,
) -> sqlx::Result<Option<i64>> {
    let chosen = match link.reading_id {
        Some(id) => store::query_as::<(i64,)>("SELECT id FROM readings WHERE id = ? AND course_id = ?")
            .bind(id)
            .bind(course_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|(id,)| id),
        None => None,
    };
    let (reading_id,): (Option<i64>,) = store::query_as(
        "INSERT INTO lti_resource_links (platform_id, resource_link_id, course_id, reading_id, title, lineitem_url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (platform_id, resource_link_id) DO UPDATE
           SET reading_id = coalesce(?4, lti_resource_links.reading_id), title = ?5,
               lineitem_url = coalesce(?6, lti_resource_links.lineitem_url)
         WHERE lti_resource_links.course_id = ?3
         RETURNING reading_id",
    )
    .bind(platform_id)
    .bind(link.id)
    .bind(course_id)
    .bind(chosen)
    .bind(link.title)
    .bind(link.lineitem_url)
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or((None,));
    Ok(reading_id)
}

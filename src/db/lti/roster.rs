//! A roster sync (Names and Roles) applied to a course, all or nothing: who was
//! added, whose role changed, who left; and the report the course page shows.

use super::provision::{LmsUser, account_for, set_membership};
use crate::db::Db;
use crate::db::now;
use crate::db::store;

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
    db: &Db,
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
            store::query_as("SELECT role FROM memberships WHERE course_id = ? AND user_id = ?")
                .bind(course_id)
                .bind(user_id)
                .fetch_optional(&mut tx)
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
    let linked: Vec<(i64,)> = store::query_as(
        "SELECT l.user_id FROM lti_users l JOIN memberships m ON m.user_id = l.user_id AND m.course_id = ?
         WHERE l.platform_id = ?",
    )
    .bind(course_id)
    .bind(platform_id)
    .fetch_all(&mut tx)
    .await?;
    for (user_id,) in linked {
        if user_id != keep && !present.contains(&user_id) {
            store::query("DELETE FROM memberships WHERE course_id = ? AND user_id = ?")
                .bind(course_id)
                .bind(user_id)
                .execute(&mut tx)
                .await?;
            changes.removed += 1;
        }
    }
    store::query("UPDATE lti_contexts SET roster_synced_at = ?, roster_report = ? WHERE course_id = ?")
        .bind(now())
        .bind(format!(
            "{} added, {} updated, {} removed, {} left out (removed by an instructor)",
            changes.added, changes.updated, changes.removed, changes.kept_out
        ))
        .bind(course_id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(changes)
}

/// Notes a roster sync that failed, for the course page.
pub async fn note_roster_failure(db: &Db, course_id: i64, message: &str) -> sqlx::Result<()> {
    store::query("UPDATE lti_contexts SET roster_synced_at = ?, roster_report = ? WHERE course_id = ?")
        .bind(now())
        .bind(message)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(())
}

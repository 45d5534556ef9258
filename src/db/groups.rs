//! A course's seminar groups and its discussion mode (`course_settings.discussion`).
//! The rule they make is [`super::visibility::GROUPS_RULE`] in SQL and `domain::Circles` in memory.

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::db::store::Conn;
use crate::domain::{Circles, Discussion, GroupName};

/// A group with its members (id and name), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub members: Vec<(i64, String)>,
}

/// The course's discussion mode (`class` without a settings row).
pub async fn discussion(db: &Db, course_id: i64) -> sqlx::Result<Discussion> {
    let row: Option<(String,)> = store::query_as("SELECT discussion FROM course_settings WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(|(d,)| d.parse().ok()).unwrap_or_default())
}

pub async fn set_discussion(db: &Db, course_id: i64, discussion: Discussion) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO course_settings (course_id, discussion, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET discussion = excluded.discussion, updated_at = excluded.updated_at",
    )
    .bind(course_id)
    .bind(discussion.as_str())
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// The course's discussion mode, instructors and groups, as `Snapshot::allows` needs them.
pub async fn circles_in(conn: &mut Conn<'_>, course_id: i64) -> sqlx::Result<Circles> {
    let discussion: Option<(String,)> = store::query_as("SELECT discussion FROM course_settings WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(&mut *conn)
        .await?;
    let discussion = discussion.and_then(|(d,)| d.parse().ok()).unwrap_or_default();
    if discussion == Discussion::Class {
        return Ok(Circles::default());
    }
    let instructors: Vec<(i64,)> =
        store::query_as("SELECT user_id FROM memberships WHERE course_id = ? AND role = 'instructor'")
            .bind(course_id)
            .fetch_all(&mut *conn)
            .await?;
    let members: Vec<(i64, i64)> = store::query_as(
        "SELECT m.user_id, m.group_id FROM group_members m JOIN course_groups g ON g.id = m.group_id
         WHERE g.course_id = ?",
    )
    .bind(course_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut circles =
        Circles { discussion, instructors: instructors.into_iter().map(|(id,)| id).collect(), ..Circles::default() };
    for (user_id, group_id) in members {
        circles.groups_of.entry(user_id).or_default().push(group_id);
    }
    Ok(circles)
}

/// The course's groups by name, each with its members by name; only those `user_id` is in when given.
pub async fn list_groups(db: &Db, course_id: i64, only_of: Option<i64>) -> sqlx::Result<Vec<Group>> {
    let groups: Vec<(i64, String)> = store::query_as(
        "SELECT g.id, g.name FROM course_groups g WHERE g.course_id = ?1
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = ?2))
         ORDER BY lower(g.name), g.id",
    )
    .bind(course_id)
    .bind(only_of)
    .fetch_all(db)
    .await?;
    let members: Vec<(i64, i64, String)> = store::query_as(
        "SELECT m.group_id, u.id, u.name FROM group_members m JOIN course_groups g ON g.id = m.group_id
         JOIN users u ON u.id = m.user_id WHERE g.course_id = ? ORDER BY lower(u.name), u.id",
    )
    .bind(course_id)
    .fetch_all(db)
    .await?;
    Ok(groups
        .into_iter()
        .map(|(id, name)| Group {
            id,
            name,
            members: members.iter().filter(|m| m.0 == id).map(|(_, user, name)| (*user, name.clone())).collect(),
        })
        .collect())
}

/// Which of `user_ids` are students of the course.
pub async fn students_among(db: &Db, course_id: i64, user_ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    let json = serde_json::to_string(user_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let sql = format!(
        "SELECT user_id FROM memberships WHERE course_id = ?1 AND role = 'student' AND user_id IN {}",
        store::json_integers(db.backend(), "?2")
    );
    store::query_scalar(sql.as_str()).bind(course_id).bind(json).fetch_all(db).await
}

/// Creates a group, or (with `id`) renames one and replaces its members, in one transaction.
/// The caller has checked the members are students of the course. Fails with a
/// unique violation when the name is taken.
pub async fn save_group(
    db: &Db,
    course_id: i64,
    id: Option<i64>,
    name: &GroupName,
    members: &[i64],
) -> sqlx::Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let id = match id {
        None => Some(
            store::query_scalar(
                "INSERT INTO course_groups (course_id, name, created_at) VALUES (?, ?, ?) RETURNING id",
            )
            .bind(course_id)
            .bind(name.as_str())
            .bind(now())
            .fetch_one(&mut tx)
            .await?,
        ),
        Some(id) => {
            store::query_scalar("UPDATE course_groups SET name = ? WHERE id = ? AND course_id = ? RETURNING id")
                .bind(name.as_str())
                .bind(id)
                .bind(course_id)
                .fetch_optional(&mut tx)
                .await?
        }
    };
    let Some(id) = id else { return Ok(None) };
    store::query("DELETE FROM group_members WHERE group_id = ?").bind(id).execute(&mut tx).await?;
    for member in members {
        store::query("INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(member)
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(id))
}

pub async fn delete_group(db: &Db, course_id: i64, id: i64) -> sqlx::Result<bool> {
    let done = store::query("DELETE FROM course_groups WHERE id = ? AND course_id = ?")
        .bind(id)
        .bind(course_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The members of one group of the course (for the review pages' filter); `None` if there is no such group.
pub async fn members_of(db: &Db, course_id: i64, group_id: i64) -> sqlx::Result<Option<Vec<i64>>> {
    let exists: Option<(i64,)> = store::query_as("SELECT id FROM course_groups WHERE id = ? AND course_id = ?")
        .bind(group_id)
        .bind(course_id)
        .fetch_optional(db)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let members = store::query_scalar("SELECT user_id FROM group_members WHERE group_id = ?")
        .bind(group_id)
        .fetch_all(db)
        .await?;
    Ok(Some(members))
}

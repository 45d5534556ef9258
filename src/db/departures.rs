//! An account deleted by its owner: what becomes of their work, course by course.
//!
//! In a course whose setting is `anonymise` (the default), their annotations
//! that others could see, their replies and the feedback they gave pass to a
//! new account named "Former student" (or "Former instructor"), which cannot
//! sign in and stays a member so the review still counts the work; private
//! annotations go. In a course set to `delete`, their work goes, with what
//! hangs on it. Then the account, its sessions, tokens and memberships go.

use super::now;
use crate::db::Db;
use crate::db::store;

/// The email domain of the accounts that stand in for departed ones (`.invalid` is reserved: it never receives mail).
pub const DEPARTED_DOMAIN: &str = "departed.invalid";

/// Deletes the account as described above; the stand-in's id, if one was needed.
pub async fn delete_account(db: &Db, user_id: i64) -> sqlx::Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let (taught,): (i64,) =
        store::query_as("SELECT count(*) FROM memberships WHERE user_id = ? AND role = 'instructor'")
            .bind(user_id)
            .fetch_one(&mut tx)
            .await?;
    let name = if taught > 0 { "Former instructor" } else { "Former student" };
    // Courses whose setting keeps the work (no setting row means the default).
    let kept = "SELECT r.id FROM readings r LEFT JOIN course_settings s ON s.course_id = r.course_id
                WHERE coalesce(s.departed_work, 'anonymise') = 'anonymise'";
    let (anything,): (i64,) = store::query_as(format!(
        "SELECT (SELECT count(*) FROM annotations WHERE author_id = ?1 AND visibility <> 'private' AND reading_id IN ({kept}))
              + (SELECT count(*) FROM replies p JOIN annotations a ON a.id = p.annotation_id
                 WHERE p.author_id = ?1 AND a.reading_id IN ({kept}))
              + (SELECT count(*) FROM feedback f JOIN annotations a ON a.id = f.annotation_id
                 WHERE f.author_id = ?1 AND a.reading_id IN ({kept}))"
    ))
    .bind(user_id)
    .fetch_one(&mut tx)
    .await?;
    let mut stand_in = None;
    if anything > 0 {
        let email = format!("former-{}@{DEPARTED_DOMAIN}", uuid::Uuid::new_v4().simple());
        let (id,): (i64,) = store::query_as(
            "INSERT INTO users (email, name, password_hash, created_at, disabled_at) VALUES (?1, ?2, '!', ?3, ?3) RETURNING id",
        )
        .bind(&email)
        .bind(name)
        .bind(now())
        .fetch_one(&mut tx)
        .await?;
        for statement in [
            format!(
                "UPDATE annotations SET author_id = ?1 WHERE author_id = ?2 AND visibility <> 'private' AND reading_id IN ({kept})"
            ),
            format!(
                "UPDATE replies SET author_id = ?1 WHERE author_id = ?2 AND annotation_id IN (SELECT id FROM annotations WHERE reading_id IN ({kept}))"
            ),
            format!(
                "UPDATE feedback SET author_id = ?1 WHERE author_id = ?2 AND annotation_id IN (SELECT id FROM annotations WHERE reading_id IN ({kept}))"
            ),
            "INSERT INTO memberships (course_id, user_id, role, joined_at)
             SELECT m.course_id, ?1, 'student', m.joined_at FROM memberships m
             LEFT JOIN course_settings s ON s.course_id = m.course_id
             WHERE m.user_id = ?2 AND coalesce(s.departed_work, 'anonymise') = 'anonymise'"
                .to_owned(),
        ] {
            store::query(&statement).bind(id).bind(user_id).execute(&mut tx).await?;
        }
        stand_in = Some(id);
    }
    // Courses nobody else is in are theirs alone: they go too, readings and all.
    store::query(
        "DELETE FROM courses WHERE id IN (SELECT course_id FROM memberships WHERE user_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.course_id = courses.id AND o.user_id <> ?1)",
    )
    .bind(user_id)
    .execute(&mut tx)
    .await?;
    // Everything else of theirs goes with the account (ON DELETE CASCADE).
    store::query("DELETE FROM users WHERE id = ?").bind(user_id).execute(&mut tx).await?;
    tx.commit().await?;
    Ok(stand_in)
}

/// The course's setting for a departed student's work: true to keep it anonymised.
pub async fn keeps_departed_work(db: &Db, course_id: i64) -> sqlx::Result<bool> {
    let row: Option<(String,)> = store::query_as("SELECT departed_work FROM course_settings WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_none_or(|(setting,)| setting == "anonymise"))
}

/// Sets what happens to a departed student's work in the course.
pub async fn set_keeps_departed_work(db: &Db, course_id: i64, keep: bool) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO course_settings (course_id, departed_work, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (course_id) DO UPDATE SET departed_work = excluded.departed_work, updated_at = excluded.updated_at",
    )
    .bind(course_id)
    .bind(if keep { "anonymise" } else { "delete" })
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

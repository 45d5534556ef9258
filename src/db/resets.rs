//! One-time password-reset links: only their SHA-256 is kept, each works once
//! and expires.

use super::{now, timestamp};
use crate::db::Db;
use crate::db::store;
use chrono::{Duration, Utc};

/// How long a reset link works.
pub const VALID_FOR: Duration = Duration::hours(24);

/// Stores a new link for the user; returns when it expires.
pub async fn insert(db: &Db, token_hash: &str, user_id: i64) -> sqlx::Result<String> {
    let expires = timestamp(Utc::now() + VALID_FOR);
    store::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now())
        .bind(&expires)
        .execute(db)
        .await?;
    Ok(expires)
}

/// The account an unused, unexpired link resets.
pub async fn find_valid(db: &Db, token_hash: &str) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = store::query_as(
        "SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
         WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Uses the link: sets the password, ends every session, and spends this and
/// every other open link of the account, all at once. False if the link was no
/// longer valid (used meanwhile, or expired).
pub async fn redeem(db: &Db, token_hash: &str, password_hash: &str) -> sqlx::Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let row: Option<(i64,)> = store::query_as(
        "UPDATE password_resets SET used_at = ?1
         WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
           AND user_id IN (SELECT id FROM users WHERE disabled_at IS NULL)
         RETURNING user_id",
    )
    .bind(now())
    .bind(token_hash)
    .fetch_optional(&mut tx)
    .await?;
    let Some((user_id,)) = row else { return Ok(None) };
    store::query("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    store::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    store::query("DELETE FROM sessions WHERE user_id = ?").bind(user_id).execute(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

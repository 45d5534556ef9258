//! Personal API tokens, stored as SHA-256 hashes.

use super::now;
use super::users::{User, UserRow};
use crate::db::Db;
use crate::db::store;

pub async fn insert_token(db: &Db, user_id: i64, token_hash: &str, label: &str) -> sqlx::Result<i64> {
    let (id,): (i64,) = store::query_as(
        "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(label)
    .bind(now())
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The user of an unrevoked token.
pub async fn find_user_by_token(db: &Db, token_hash: &str) -> sqlx::Result<Option<User>> {
    store::query_as::<UserRow>(
        "SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
    .map(|row| row.map(User::from))
}

/// A token as its owner sees it in a list (never the token itself).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

pub async fn list_for_user(db: &Db, user_id: i64) -> sqlx::Result<Vec<TokenInfo>> {
    store::query_as("SELECT id, label, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(db)
        .await
}

/// Revokes one of the user's tokens; false if it is not theirs or already revoked.
pub async fn revoke(db: &Db, user_id: i64, token_id: i64) -> sqlx::Result<bool> {
    let done = store::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL")
        .bind(now())
        .bind(token_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

//! Personal API tokens, stored as SHA-256 hashes.

use super::now;
use super::users::User;
use sqlx::SqlitePool;

pub async fn insert_token(db: &SqlitePool, user_id: i64, token_hash: &str, label: &str) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
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
pub async fn find_user_by_token(db: &SqlitePool, token_hash: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

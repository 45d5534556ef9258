//! Accounts.

use super::now;
use crate::domain::{DisplayName, Email};
use sqlx::SqlitePool;

/// An account as the app uses it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// Inserts an account; a duplicate email (in any case) is a unique violation.
pub async fn insert_user(
    db: &SqlitePool,
    email: &Email,
    name: &DisplayName,
    password_hash: &str,
) -> sqlx::Result<User> {
    sqlx::query_as(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id, email, name",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(now())
    .fetch_one(db)
    .await
}

/// The account and its password hash, for signing in.
pub async fn find_with_hash(db: &SqlitePool, email: &str) -> sqlx::Result<Option<(User, String)>> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, email, name, password_hash FROM users WHERE lower(email) = lower(?)")
            .bind(email.trim())
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, email, name, hash)| (User { id, email, name }, hash)))
}

pub async fn find_by_email(db: &SqlitePool, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as("SELECT id, email, name FROM users WHERE lower(email) = lower(?)")
        .bind(email.trim())
        .fetch_optional(db)
        .await
}

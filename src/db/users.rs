//! Accounts.

use super::now;
use crate::db::Db;
use crate::db::store;
use crate::domain::{DisplayName, Email};

pub use crate::domain::User;

/// A `users` row as the app reads it (`id, email, name`).
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    email: String,
    name: String,
}

impl From<UserRow> for User {
    fn from(UserRow { id, email, name }: UserRow) -> Self {
        User { id, email, name }
    }
}

/// Inserts an account; a duplicate email (in any case) is a unique violation.
pub async fn insert_user(db: &Db, email: &Email, name: &DisplayName, password_hash: &str) -> sqlx::Result<User> {
    store::query_as::<UserRow>(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id, email, name",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(now())
    .fetch_one(db)
    .await
    .map(User::from)
}

/// The account and its password hash, for signing in.
pub async fn find_with_hash(db: &Db, email: &str) -> sqlx::Result<Option<(User, String)>> {
    let row: Option<(i64, String, String, String)> =
        store::query_as("SELECT id, email, name, password_hash FROM users WHERE lower(email) = lower(?)")
            .bind(email.trim())
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, email, name, hash)| (User { id, email, name }, hash)))
}

pub async fn find_by_email(db: &Db, email: &str) -> sqlx::Result<Option<User>> {
    store::query_as::<UserRow>("SELECT id, email, name FROM users WHERE lower(email) = lower(?)")
        .bind(email.trim())
        .fetch_optional(db)
        .await
        .map(|row| row.map(User::from))
}

/// Replaces the password hash and ends every session but `keep` (the id hash of the one in use, if any).
pub async fn set_password(db: &Db, user_id: i64, hash: &str, keep: Option<&str>) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    store::query("UPDATE users SET password_hash = ? WHERE id = ?").bind(hash).bind(user_id).execute(&mut tx).await?;
    store::query("DELETE FROM sessions WHERE user_id = ? AND id_hash IS DISTINCT FROM ?")
        .bind(user_id)
        .bind(keep)
        .execute(&mut tx)
        .await?;
    tx.commit().await
}

/// The password hash of an account, for checking the current password.
pub async fn password_hash(db: &Db, user_id: i64) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> =
        store::query_as("SELECT password_hash FROM users WHERE id = ?").bind(user_id).fetch_optional(db).await?;
    Ok(row.map(|(hash,)| hash))
}

/// Notes a successful sign-in, for the administrator's list.
pub async fn touch_sign_in(db: &Db, user_id: i64) -> sqlx::Result<()> {
    store::query("UPDATE users SET last_sign_in_at = ? WHERE id = ?").bind(now()).bind(user_id).execute(db).await?;
    Ok(())
}

/// Whether the account may sign in (it exists and is not disabled).
pub async fn is_disabled(db: &Db, user_id: i64) -> sqlx::Result<bool> {
    let row: Option<(Option<String>,)> =
        store::query_as("SELECT disabled_at FROM users WHERE id = ?").bind(user_id).fetch_optional(db).await?;
    Ok(row.is_none_or(|(disabled,)| disabled.is_some()))
}

pub async fn is_admin(db: &Db, user_id: i64) -> sqlx::Result<bool> {
    let row: Option<(bool,)> =
        store::query_as("SELECT (is_admin <> 0) FROM users WHERE id = ?").bind(user_id).fetch_optional(db).await?;
    Ok(row.is_some_and(|(admin,)| admin))
}

/// Makes the account a site administrator (or not); false if there is no such account.
pub async fn set_admin(db: &Db, user_id: i64, admin: bool) -> sqlx::Result<bool> {
    let done = store::query("UPDATE users SET is_admin = ? WHERE id = ?").bind(admin).bind(user_id).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

/// Disables (or re-enables) an account. Disabling ends its sessions at once; its
/// tokens stay but are refused while it is disabled. False if there is no such account.
pub async fn set_disabled(db: &Db, user_id: i64, disabled: bool) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let done =
        store::query("UPDATE users SET disabled_at = CASE WHEN ? = 1 THEN coalesce(disabled_at, ?) END WHERE id = ?")
            .bind(disabled)
            .bind(now())
            .bind(user_id)
            .execute(&mut tx)
            .await?;
    if disabled {
        store::query("DELETE FROM sessions WHERE user_id = ?").bind(user_id).execute(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// An account as the administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, schemars::JsonSchema)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub courses: i64,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

/// How many accounts one page of the administrator's list holds.
pub const ACCOUNTS_PAGE: i64 = 100;

/// Page `page` of [`list_accounts`], and whether more follow.
pub async fn list_accounts_page(db: &Db, search: &str, page: i64) -> sqlx::Result<(Vec<AccountRow>, bool)> {
    let mut rows = list_accounts(db, search, ACCOUNTS_PAGE + 1, page * ACCOUNTS_PAGE).await?;
    let more = rows.len() as i64 > ACCOUNTS_PAGE;
    rows.truncate(ACCOUNTS_PAGE as usize);
    Ok((rows, more))
}

/// Accounts whose email or name contains `search` (all when empty), newest first, a page of `limit`.
pub async fn list_accounts(db: &Db, search: &str, limit: i64, offset: i64) -> sqlx::Result<Vec<AccountRow>> {
    let pattern = format!("%{}%", search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    store::query_as(
        "SELECT u.id, u.email, u.name, (u.is_admin <> 0) AS is_admin, u.disabled_at IS NOT NULL AS disabled,
                (SELECT count(*) FROM memberships m WHERE m.user_id = u.id) AS courses,
                u.created_at, u.last_sign_in_at
         FROM users u
         WHERE (lower(u.email) LIKE lower(?1) ESCAPE '\\' OR lower(u.name) LIKE lower(?1) ESCAPE '\\')
           AND u.email NOT LIKE '%@departed.invalid'
         ORDER BY u.id DESC LIMIT ?2 OFFSET ?3",
    )
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn find_by_id(db: &Db, id: i64) -> sqlx::Result<Option<User>> {
    store::query_as::<UserRow>("SELECT id, email, name FROM users WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
        .map(|row| row.map(User::from))
}

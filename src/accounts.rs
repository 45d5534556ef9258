//! Account operations shared by the pages, the API and the command line.

use crate::credentials::{hash_password_blocking, random_token, token_hash};
use crate::db::{tokens, users};
use crate::domain::{DisplayName, Email, Password};
use crate::error::{Error, Result, is_unique_violation};
use sqlx::SqlitePool;

/// Creates an account and returns its id; a taken email (in any case) is refused.
pub async fn create_account(db: &SqlitePool, email: &str, name: &str, password: &str) -> Result<i64> {
    let email = Email::parse(email)?;
    let name = DisplayName::parse(name)?;
    let password = Password::parse(password)?;
    let hash = hash_password_blocking(password.expose().to_owned()).await?;
    match users::insert_user(db, &email, &name, &hash).await {
        Ok(user) => Ok(user.id),
        Err(e) if is_unique_violation(&e) => Err(Error::invalid("email", "an account with this email already exists")),
        Err(e) => Err(e.into()),
    }
}

/// Creates a personal API token for the user; the token is returned once, only its hash is kept.
pub async fn create_token(db: &SqlitePool, user_id: i64, label: &str) -> Result<String> {
    let token = format!("cp_{}", random_token());
    tokens::insert_token(db, user_id, &token_hash(&token), label).await?;
    Ok(token)
}

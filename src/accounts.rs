//! Account operations shared by the pages, the API and the command line.

use crate::credentials::{hash_password_blocking, random_token, token_hash, verify_password_blocking};
use crate::db::Db;
use crate::db::{courses, departures, resets, tokens, users};
use crate::domain::{DisplayName, Email, Password};
use crate::error::{Error, Result, is_unique_violation};

/// Creates an account and returns its id; a taken email (in any case) is refused.
pub async fn create_account(db: &Db, email: &str, name: &str, password: &str) -> Result<i64> {
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
pub async fn create_token(db: &Db, user_id: i64, label: &str) -> Result<String> {
    let token = format!("cp_{}", random_token());
    tokens::insert_token(db, user_id, &token_hash(&token), label).await?;
    Ok(token)
}

/// Changes the user's password after checking the current one; every other
/// session ends (`keep` is the id hash of the session in use).
pub async fn change_password(db: &Db, user_id: i64, current: &str, new: &str, keep: Option<&str>) -> Result<()> {
    let hash = users::password_hash(db, user_id).await?.ok_or(Error::NotFound)?;
    if !verify_password_blocking(current.to_owned(), hash).await {
        return Err(Error::invalid("current", "is not your current password"));
    }
    let new = Password::parse(new)?;
    let hash = hash_password_blocking(new.expose().to_owned()).await?;
    users::set_password(db, user_id, &hash, keep).await?;
    Ok(())
}

/// A new one-time reset link for the user, at `base` (`https://host`): the link and when it expires.
pub async fn reset_link(db: &Db, user_id: i64, base: &str) -> Result<(String, String)> {
    let token = random_token();
    let expires = resets::insert(db, &token_hash(&token), user_id).await?;
    Ok((format!("{}/reset/{token}", base.trim_end_matches('/')), expires))
}

/// Sets a new password through a reset link; every session ends. The account's
/// id, or 410-style refusal when the link was used, expired or never existed.
pub async fn reset_password(db: &Db, token: &str, new: &str) -> Result<i64> {
    let new = Password::parse(new)?;
    if resets::find_valid(db, &token_hash(token)).await?.is_none() {
        return Err(Error::Gone);
    }
    let hash = hash_password_blocking(new.expose().to_owned()).await?;
    resets::redeem(db, &token_hash(token), &hash).await?.ok_or(Error::Gone)
}

/// What a student must type to delete their account.
pub const DELETE_WORD: &str = "delete";

/// Deletes the user's account after checking their password and the word
/// "delete" (see `db::departures` for what becomes of their work). The last
/// instructor of a course that has other members must hand it over first.
pub async fn delete_account(db: &Db, user_id: i64, password: &str, confirm: &str) -> Result<()> {
    let hash = users::password_hash(db, user_id).await?.ok_or(Error::NotFound)?;
    if !verify_password_blocking(password.to_owned(), hash).await {
        return Err(Error::invalid("password", "is not your password"));
    }
    if confirm.trim() != DELETE_WORD {
        return Err(Error::invalid("confirm", "type delete to confirm"));
    }
    if let Some(title) = courses::sole_instructor_of_shared_course(db, user_id).await? {
        return Err(Error::invalid(
            "account",
            format!("you are the only instructor of \u{201c}{title}\u{201d}: make someone else its instructor first"),
        ));
    }
    departures::delete_account(db, user_id).await?;
    Ok(())
}

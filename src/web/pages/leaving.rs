//! Leaving: a student deletes their account (their work is kept as "Former
//! student" or deleted, as each course chose; see `db::departures`).

use super::tokens::{Shown, account_page};
use crate::accounts::delete_account;
use crate::error::{Error, Result};
use crate::web::forms::Form;
use crate::web::{AppState, CurrentUser, cookies};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/account/delete", post(delete))
}

#[derive(Deserialize)]
struct DeleteForm {
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/delete` with the password and the word "delete".
async fn delete(State(state): State<AppState>, user: CurrentUser, Form(form): Form<DeleteForm>) -> Result<Response> {
    match delete_account(&state.db, user.user.id, &form.password, &form.confirm).await {
        Ok(()) => {
            state.events.revoke(user.user.id);
            state.limits.sign_in_account.reset(&user.user.email.to_lowercase());
            let mut response = Redirect::to("/login").into_response();
            cookies::set(&mut response, &cookies::session_ended(state.config.secure_cookies))?;
            Ok(response)
        }
        Err(Error::Invalid(invalid)) => {
            account_page(&state, &user, Shown { error: Some(invalid.to_string()), ..Shown::default() }).await
        }
        Err(other) => Err(other),
    }
}

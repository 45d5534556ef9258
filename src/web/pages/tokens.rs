//! The account page: personal API tokens, created (shown once) and revoked; its
//! password and leaving forms post to `password` and `leaving`.

use super::{Layout, render};
use crate::accounts::create_token;
use crate::db::tokens::{self, TokenInfo};
use crate::domain::check_length;
use crate::error::{Error, Result};
use crate::web::forms::{Form, Path, Query};
use crate::web::{AppState, CurrentUser};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show_account))
        .route("/account/tokens", post(create))
        .route("/account/tokens/{token_id}/revoke", post(revoke))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    tokens: Vec<TokenInfo>,
    new_token: Option<String>,
    error: Option<String>,
    notice: Option<&'static str>,
    is_admin: bool,
}

#[derive(Deserialize, Default)]
struct AccountQuery {
    #[serde(default)]
    changed: String,
}

/// What the account page shows besides its usual parts.
#[derive(Default)]
pub(super) struct Shown {
    pub new_token: Option<String>,
    pub error: Option<String>,
    pub notice: Option<&'static str>,
}

pub(super) async fn account_page(state: &AppState, user: &CurrentUser, shown: Shown) -> Result<Response> {
    let Shown { new_token, error, notice } = shown;
    let page = AccountPage {
        layout: Layout::for_user(Some(user)),
        email: user.user.email.clone(),
        tokens: tokens::list_for_user(&state.db, user.user.id).await?,
        new_token,
        error,
        notice,
        is_admin: crate::db::users::is_admin(&state.db, user.user.id).await?,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)?).into_response())
}

async fn show_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AccountQuery>,
) -> Result<Response> {
    let notice =
        (query.changed == "password").then_some("Your password was changed. Your other sessions were signed out.");
    account_page(&state, &user, Shown { notice, ..Shown::default() }).await
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    label: String,
}

async fn create(State(state): State<AppState>, user: CurrentUser, Form(form): Form<NewToken>) -> Result<Response> {
    let label = form.label.trim();
    if let Err(invalid) = check_length("label", label, 100) {
        return account_page(&state, &user, Shown { error: Some(invalid.to_string()), ..Shown::default() }).await;
    }
    let label = if label.is_empty() { "API token" } else { label };
    let token = create_token(&state.db, user.user.id, label).await?;
    account_page(&state, &user, Shown { new_token: Some(token), ..Shown::default() }).await
}

async fn revoke(State(state): State<AppState>, user: CurrentUser, Path(token_id): Path<i64>) -> Result<Response> {
    if !tokens::revoke(&state.db, user.user.id, token_id).await? {
        return Err(Error::NotFound);
    }
    state.events.revoke(user.user.id);
    Ok(Redirect::to("/account").into_response())
}

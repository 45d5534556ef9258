//! The site administrator's API: list accounts, create one, disable or re-enable one.

use crate::accounts::create_account;
use crate::db::users;
use crate::error::{Error, Result};
use crate::web::AppState;
use crate::web::api::wire::account::{AccountsPage, CreatedAccount};
use crate::web::auth::Admin;
use crate::web::forms::{Json, Path, Query};
use crate::web::pages::{AccountSearch, set_disabled};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list_users).post(add_user))
        .route("/admin/users/{user_id}/{action}", post(change_user))
}

/// `GET /api/admin/users?q=&page=`: `{items: [...], page, more}`, 100 a page.
async fn list_users(
    State(state): State<AppState>,
    _: Admin,
    Query(search): Query<AccountSearch>,
) -> Result<Json<AccountsPage>> {
    let (q, page) = search.bounded();
    let (items, more) = users::list_accounts_page(&state.db, &q, page).await?;
    Ok(Json(AccountsPage { items, page, more }))
}

/// An account the administrator creates.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "NewAccount")]
pub(super) struct NewUser {
    email: String,
    name: String,
    #[schemars(length(min = 10))]
    password: String,
}

/// `POST /api/admin/users` `{email, name, password}`: 201 `{id}`, whatever the registration policy.
async fn add_user(
    State(state): State<AppState>,
    _: Admin,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<CreatedAccount>)> {
    let id = create_account(&state.db, &body.email, &body.name, &body.password).await?;
    Ok((StatusCode::CREATED, Json(CreatedAccount { id })))
}

/// `POST /api/admin/users/{id}/disable` or `/enable`: 204.
async fn change_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path((user_id, action)): Path<(i64, String)>,
) -> Result<StatusCode> {
    match action.as_str() {
        "disable" | "enable" => set_disabled(&state, &admin, user_id, &action).await.map(|()| StatusCode::NO_CONTENT),
        _ => Err(Error::NotFound),
    }
}

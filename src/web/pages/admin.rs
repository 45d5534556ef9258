//! The site administrator's page: every account, searchable, with its courses
//! and last sign-in, and a button to disable or re-enable it.

use super::{Layout, render};
use crate::db::users::{self, AccountRow};
use crate::error::{Error, Result};
use crate::web::AppState;
use crate::web::auth::Admin;
use crate::web::forms::{Path, Query};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin", get(show_admin)).route("/admin/users/{user_id}/{action}", post(change_account))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    q: String,
    accounts: Vec<AccountRow>,
    page: i64,
    more: bool,
    me: i64,
}

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: i64,
}

impl Search {
    /// The search words (at most 200 characters) and the page (0 and up, at most 10,000).
    pub fn bounded(&self) -> (String, i64) {
        (self.q.trim().chars().take(200).collect(), self.page.clamp(0, 10_000))
    }
}

async fn show_admin(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(search): Query<Search>,
) -> Result<Response> {
    let (q, page) = search.bounded();
    let (accounts, more) = users::list_accounts_page(&state.db, &q, page).await?;
    let page = AdminPage { layout: Layout::for_user(Some(&user)), q, accounts, page, more, me: user.user.id };
    Ok(render(&page)?.into_response())
}

async fn change_account(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path((user_id, action)): Path<(i64, String)>,
) -> Result<Response> {
    set_disabled(&state, &admin, user_id, &action).await?;
    Ok(Redirect::to("/admin").into_response())
}

/// Disables or re-enables an account (not one's own); a disabled account's
/// sessions end and its tokens and streams stop at once.
pub async fn set_disabled(state: &AppState, admin: &crate::web::CurrentUser, user_id: i64, action: &str) -> Result<()> {
    let disable = match action {
        "disable" => true,
        "enable" => false,
        _ => return Err(Error::NotFound),
    };
    if disable && user_id == admin.user.id {
        return Err(Error::invalid("account", "you cannot disable your own account"));
    }
    if !users::set_disabled(&state.db, user_id, disable).await? {
        return Err(Error::NotFound);
    }
    if disable {
        state.events.revoke(user_id);
    }
    tracing::info!(admin = admin.user.id, user_id, action, "an administrator changed an account");
    Ok(())
}

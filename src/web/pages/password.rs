//! Passwords: changing one's own, and resetting a forgotten one through a
//! one-time link (mailed on request when the server has `--smtp-url`, or handed
//! over by an instructor or the command line).

use super::{Layout, render};
use crate::accounts::{change_password, reset_link, reset_password};
use crate::credentials::token_hash;
use crate::db::{resets, users};
use crate::domain::Email;
use crate::error::{Error, Result};
use crate::web::AppState;
use crate::web::auth::{ClientAddress, CurrentUser, MaybeUser, session_id};
use crate::web::forms::{Form, Path};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/password", post(change))
        .route("/forgot", get(show_forgot).post(forgot))
        .route("/reset/{token}", get(show_reset).post(reset))
}

#[derive(Deserialize)]
struct ChangeForm {
    current: String,
    password: String,
}

/// `POST /account/password`: the other sessions end and the sign-in throttle forgets the account.
async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<ChangeForm>,
) -> Result<Response> {
    let keep = session_id(&headers).map(|id| token_hash(&id));
    match change_password(&state.db, user.user.id, &form.current, &form.password, keep.as_deref()).await {
        Ok(()) => {
            state.limits.sign_in_account.reset(&user.user.email.to_lowercase());
            state.events.revoke(user.user.id);
            Ok(Redirect::to("/account?changed=password").into_response())
        }
        Err(Error::Invalid(invalid)) => {
            let shown = super::tokens::Shown { error: Some(invalid.to_string()), ..Default::default() };
            super::tokens::account_page(&state, &user, shown).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    layout: Layout,
    mails: bool,
    sent: bool,
    error: Option<String>,
}

async fn show_forgot(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Result<Response> {
    let page =
        ForgotPage { layout: Layout::for_user(user.as_ref()), mails: state.mailer.is_some(), sent: false, error: None };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct ForgotForm {
    email: String,
}

/// `POST /forgot`: the same answer whether or not the account exists; a link is
/// mailed only when it does (and is not disabled).
async fn forgot(
    State(state): State<AppState>,
    address: ClientAddress,
    Form(form): Form<ForgotForm>,
) -> Result<Response> {
    let (Some(mailer), Some(base)) = (&state.mailer, &state.config.base_url) else {
        return Err(Error::NotFound);
    };
    state.limits.registrations.hit(&address.key())?;
    let Ok(email) = Email::parse(&form.email) else {
        let page = ForgotPage {
            layout: Layout::for_user(None),
            mails: true,
            sent: false,
            error: Some("That is not an email address.".into()),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    if state.limits.reset_mails.hit(email.as_str()).is_ok() {
        if let Some(user) = users::find_by_email(&state.db, email.as_str()).await? {
            if !users::is_disabled(&state.db, user.id).await? {
                let (link, _) = reset_link(&state.db, user.id, base).await?;
                mailer.send_reset_link(&user.email, &user.name, &link);
            }
        }
    }
    let page = ForgotPage { layout: Layout::for_user(None), mails: true, sent: true, error: None };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    error: Option<String>,
}

/// A link that was used, expired or never existed: 410 with a way forward.
fn spent_link() -> Error {
    Error::Rejected {
        status: StatusCode::GONE,
        message: "This reset link was already used or has expired. Ask for a new one.".into(),
    }
}

async fn show_reset(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    if token.len() > 100 || resets::find_valid(&state.db, &token_hash(&token)).await?.is_none() {
        return Err(spent_link());
    }
    let page = ResetPage { layout: Layout::for_user(None), token, error: None };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct ResetForm {
    password: String,
}

/// `POST /reset/{token}`: sets the password, ends every session, and sends the user to sign in.
async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response> {
    if token.len() > 100 {
        return Err(spent_link());
    }
    match reset_password(&state.db, &token, &form.password).await {
        Ok(user_id) => {
            state.events.revoke(user_id);
            if let Some(user) = users::find_by_id(&state.db, user_id).await? {
                state.limits.sign_in_account.reset(&user.email.to_lowercase());
            }
            Ok(Redirect::to("/login?reset=done").into_response())
        }
        Err(Error::Gone) => Err(spent_link()),
        Err(Error::Invalid(invalid)) => {
            let page = ResetPage { layout: Layout::for_user(None), token, error: Some(invalid.to_string()) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

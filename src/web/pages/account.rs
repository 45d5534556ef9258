//! Signing in, registering and signing out.

use super::{Layout, render};
use crate::accounts::create_account;
use crate::credentials::{dummy_hash, random_token, token_hash, verify_password_blocking};
use crate::db::{sessions, users};
use crate::domain::{Email, Invalid, Registration};
use crate::error::{Error, Result};
use crate::web::auth::{ClientAddress, MaybeUser, session_id};
use crate::web::forms::{Form, Query};
use crate::web::{AppState, cookies};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show_login).post(login))
        .route("/register", get(show_register).post(register))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    email: String,
    error: Option<String>,
    /// A word after a password reset.
    notice: Option<&'static str>,
    /// Whether "forgot password" can mail a link.
    forgot: bool,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    name: String,
    email: String,
    error: Option<String>,
    /// Why registration is closed, when it is.
    closed: Option<&'static str>,
}

impl LoginPage {
    fn new(state: &AppState, next: String, email: String, error: Option<String>) -> Self {
        Self { layout: Layout::for_user(None), next, email, error, notice: None, forgot: state.mailer.is_some() }
    }
}

impl RegisterPage {
    fn new(state: &AppState, name: String, email: String, error: Option<String>) -> Self {
        Self { layout: Layout::for_user(None), name, email, error, closed: closed_reason(state) }
    }
}

#[derive(Deserialize, Default)]
struct Next {
    #[serde(default)]
    next: String,
    /// `done` after a password reset.
    #[serde(default)]
    reset: String,
}

/// Only a path on this site: `/x`, but not `//evil.example` or `/\evil`, nor anything
/// with white space, control characters, backslashes or non-ASCII, which browsers
/// drop or read as `/` (`/<TAB>/evil.example` goes to `//evil.example`). Anything
/// else goes to `/`.
fn local_path(next: &str) -> &str {
    let ok =
        next.starts_with('/') && !next.starts_with("//") && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if ok { next } else { "/" }
}

async fn show_login(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(query): Query<Next>,
) -> Result<Response> {
    if user.is_some() {
        return Ok(Redirect::to(local_path(&query.next)).into_response());
    }
    let notice = (query.reset == "done").then_some("Your password was changed. Sign in with the new one.");
    let page = LoginPage { notice, ..LoginPage::new(&state, query.next, String::new(), None) };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    // The throttle's key is the normalised, length-checked email: a field of
    // megabytes is no account and is never kept in memory.
    let email = Email::parse(&form.email).ok();
    let account_key = email.as_ref().map(|e| e.as_str().to_owned());
    let address_key = address.key();
    let throttled = state
        .limits
        .sign_in_address
        .check(&address_key)
        .and_then(|()| account_key.as_deref().map_or(Ok(()), |key| state.limits.sign_in_account.check(key)));
    if let Err(Error::RateLimited { retry_after }) = throttled {
        let minutes = retry_after.div_ceil(60);
        let message = format!("Too many failed sign-in attempts. Try again in {minutes} minute(s).");
        let page = LoginPage::new(&state, form.next, form.email, Some(message));
        let mut response = (StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response();
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
        return Ok(response);
    }
    // An account made by an LMS launch has no password (an empty hash): it is
    // treated as unknown here, and answers as slowly as a wrong password.
    let found = match &email {
        Some(email) => users::find_with_hash(&state.db, email.as_str()).await?.filter(|(_, hash)| !hash.is_empty()),
        None => None,
    };
    let hash = found.as_ref().map_or_else(|| dummy_hash().to_owned(), |(_, hash)| hash.clone());
    let valid = verify_password_blocking(form.password, hash).await;
    match found {
        Some((user, _)) if valid => {
            if let Some(key) = &account_key {
                state.limits.sign_in_account.reset(key);
            }
            if users::is_disabled(&state.db, user.id).await? {
                let message = "This account is disabled. Ask the site's administrator.".to_owned();
                let page = LoginPage::new(&state, form.next, form.email, Some(message));
                return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
            }
            users::touch_sign_in(&state.db, user.id).await?;
            start_session(&state, &headers, user.id, local_path(&form.next)).await
        }
        _ => {
            // Only failures count, per address and per account.
            state.limits.sign_in_address.count(&address_key);
            if let Some(key) = &account_key {
                state.limits.sign_in_account.count(key);
            }
            let message = "That email and password do not match an account.".to_owned();
            let page = LoginPage::new(&state, form.next, form.email, Some(message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

/// A new session (a new id at every sign-in), replacing any the browser had.
pub(super) async fn start_session(state: &AppState, headers: &HeaderMap, user_id: i64, next: &str) -> Result<Response> {
    if let Some(old) = session_id(headers) {
        sessions::delete_session(&state.db, &token_hash(&old)).await?;
    }
    let id = random_token();
    sessions::insert_session(&state.db, &token_hash(&id), user_id, &random_token()).await?;
    let mut response = Redirect::to(next).into_response();
    cookies::set(&mut response, &cookies::session(&id, state.config.secure_cookies))?;
    Ok(response)
}

async fn show_register(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Result<Response> {
    if user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let page = RegisterPage::new(&state, String::new(), String::new(), None);
    Ok(render(&page)?.into_response())
}

/// Why nobody may register here, when registration is closed.
fn closed_reason(state: &AppState) -> Option<&'static str> {
    matches!(state.config.registration, Registration::Closed).then_some(
        "Registration is closed on this server: ask your instructor or the site's administrator for an account.",
    )
}

#[derive(Deserialize)]
struct RegisterForm {
    name: String,
    email: String,
    password: String,
}

async fn register(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<RegisterForm>,
) -> Result<Response> {
    if let Err(Error::RateLimited { retry_after }) = state.limits.registrations.hit(&address.key()) {
        let minutes = retry_after.div_ceil(60);
        let message = format!("Too many accounts were registered from your network. Try again in {minutes} minute(s).");
        let page = RegisterPage::new(&state, form.name, form.email, Some(message));
        let mut response = (StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response();
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
        return Ok(response);
    }
    let admitted = Email::parse(&form.email).ok().map(|email| state.config.registration.admits(&email));
    if let Some(Err(why)) = admitted {
        let message = format!("{}{}.", why[..1].to_uppercase(), &why[1..]);
        let page = RegisterPage::new(&state, form.name, form.email, Some(message));
        return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
    }
    match create_account(&state.db, &form.email, &form.name, &form.password).await {
        Ok(user_id) => start_session(&state, &headers, user_id, "/").await,
        Err(Error::Invalid(Invalid { field, message })) => {
            let message = format!("{}: {message}", field.replace('_', " "));
            let page = RegisterPage::new(&state, form.name, form.email, Some(message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn logout(State(state): State<AppState>, MaybeUser(user): MaybeUser, headers: HeaderMap) -> Result<Response> {
    if let Some(id) = session_id(&headers) {
        sessions::delete_session(&state.db, &token_hash(&id)).await?;
    }
    if let Some(user) = user {
        // Streams opened with this session end; the user's other sessions' pages reconnect.
        state.events.revoke(user.user.id);
    }
    let mut response = Redirect::to("/login").into_response();
    cookies::set(&mut response, &cookies::session_ended(state.config.secure_cookies))?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn sign_in_redirects_only_to_paths_on_this_site() {
        for kept in ["/", "/courses/1", "/readings/2?x=1#annotation-3", "/a/b%2F%2Fc"] {
            assert_eq!(local_path(kept), kept);
        }
        let refused = [
            "",
            "courses",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/ /evil.example",
            "/a\\b",
            "https://evil.example",
            "http:/evil.example",
            "/caf\u{e9}",
            "/\u{7f}",
        ];
        for next in refused {
            assert_eq!(local_path(next), "/", "{next:?}");
        }
    }
}
